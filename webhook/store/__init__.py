"""The only code that touches SQLite, split by what it stores; every write in one transaction.

`Store` is the database a worker writes comments, decisions, articles and
bans to; `ModeratorStore` is the moderators' view of the same database
(accounts, queue, numbers, audit log, callback outbox). Each part lives in
the module named for what it stores; the schema is in `schema.py`.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import Flask

from .accounts import ModeratorAccounts
from .articles import ArticleRecords
from .audit import AuditLog
from .bans import BanRecords
from .callbacks import CallbackOutbox
from .comments import AlreadyStoredError, CommentRecords, Recall, StoredDecision
from .database import CHECKPOINT_EVERY, PAGE_SIZE, Database, Transaction, unavailable
from .deliveries import REMEMBER_SECONDS, DeliveryRecords
from .numbers import Numbers
from .queue import ReviewQueue
from .schema import migrations

__all__ = [
    "CHECKPOINT_EVERY", "PAGE_SIZE", "REMEMBER_SECONDS", "AlreadyStoredError", "ModeratorStore", "Recall", "Store", "StoredDecision", "Transaction",
    "init_app", "migrations", "unavailable",
]


class Store(Database, ArticleRecords, CommentRecords, BanRecords, DeliveryRecords):
    """SQLite storage for one database file (or ":memory:" in tests)."""

    def __init__(self, path: str, synchronous: str = "NORMAL"):
        self._articles = OrderedDict()
        super().__init__(path, synchronous)


class ModeratorStore(ModeratorAccounts, ReviewQueue, Numbers, AuditLog, CallbackOutbox):
    """Moderators, tokens, the review queue, moderator decisions, the audit log and the outbox."""

    def __init__(self, store: Store):
        self.store = store


def init_app(app: Flask) -> None:
    """Open the app's store (MODERATION_DB) and its moderators' view of it."""
    store = app.extensions["moderation.store"] = Store(app.config["MODERATION_DB"], app.config["MODERATION_SYNCHRONOUS"])
    app.extensions["moderation.moderators"] = ModeratorStore(store)
