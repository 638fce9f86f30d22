"""The schema, in numbered migrations (never edit a shipped one: add the next)."""

from __future__ import annotations

import sqlite_utils
from sqlite_migrate import Migrations

migrations = Migrations("moderation")


@migrations()
def m001_initial_schema(db: sqlite_utils.Database) -> None:
    """Articles, authors, comment revisions, decisions (never overwritten) and bans."""
    db["articles"].create({"id": str, "title": str, "text": str, "registered_at": str}, pk="id")
    db["authors"].create({"id": str, "display_name": str, "email_hash": str, "first_seen_at": str}, pk="id")
    db["comments"].create(
        {
            "id": str,
            "revision": int,
            "body": str,
            "body_hash": str,
            "parent_id": str,
            "article_id": str,
            "author_id": str,
            "author_ip": str,
            "created_at": str,
            "received_at": str,
        },
        pk=("id", "revision"),
    )
    db["comments"].create_index(["author_id", "received_at"])
    db["decisions"].create(
        {
            "id": int,
            "comment_id": str,
            "revision": int,
            "action": str,
            "decided_by": str,
            "rules_version": str,
            "reasons": str,
            "strike": int,
            "ban": int,
            "decided_at": str,
        },
        pk="id",
    )
    db["decisions"].create_index(["comment_id", "revision"])
    db["bans"].create(
        {
            "id": int,
            "author_id": str,
            "reason": str,
            "banned_by": str,
            "comment_id": str,
            "created_at": str,
            "expires_at": str,
            "lifted_at": str,
            "lifted_by": str,
        },
        pk="id",
    )
    db["bans"].create_index(["author_id"])


@migrations()
def m002_moderators_audit_outbox(db: sqlite_utils.Database) -> None:
    """Moderators and their API tokens, the audit log of moderator actions, the callback outbox."""
    db["moderators"].create({"name": str, "password_hash": str, "created_at": str}, pk="name")
    db["api_tokens"].create({"token_hash": str, "moderator": str, "created_at": str}, pk="token_hash")
    db["audit_log"].create(
        {"id": int, "moderator": str, "action": str, "comment_id": str, "author_id": str, "detail": str, "created_at": str}, pk="id"
    )
    db["outbox"].create(
        {"id": int, "event": str, "payload": str, "attempts": int, "next_attempt_at": str, "delivered_at": str, "last_error": str, "created_at": str},
        pk="id",
    )
    db["outbox"].create_index(["delivered_at", "next_attempt_at"])


@migrations()
def m003_held_decisions_index(db: sqlite_utils.Database) -> None:
    """A partial index of hold decisions, so the queue reads the held few, not every comment."""
    # Partial, so approvals and rejections on the hot ingest path write no extra index page.
    db.execute("CREATE INDEX decisions_held ON decisions (comment_id, id) WHERE action = 'hold'")


@migrations()
def m004_article_versions(db: sqlite_utils.Database) -> None:
    """A version per article, raised on every change, so workers know when their decoded copy is stale."""
    db["articles"].add_column("version", int, not_null_default=1)


@migrations()
def m005_sign_in_failures(db: sqlite_utils.Database) -> None:
    """Failed sign-ins by name and by client address, so every worker counts the same attempts (issue #11)."""
    db["sign_in_failures"].create({"id": int, "name": str, "client": str, "failed_at": str}, pk="id")
    db["sign_in_failures"].create_index(["name", "failed_at"])
    db["sign_in_failures"].create_index(["client", "failed_at"])


@migrations()
def m006_deliveries(db: sqlite_utils.Database) -> None:
    """The webhook-id of each signed delivery, with its body's hash: an id reused for another body is refused (issue #11)."""
    # Rows are appended in time order and the oldest are pruned by row id, so
    # no index on the time is written on the hot path.
    db["deliveries"].create({"id": int, "webhook_id": str, "body_hash": str, "received_at": str}, pk="id", not_null={"webhook_id", "body_hash"})
    db["deliveries"].create_index(["webhook_id"], unique=True)
