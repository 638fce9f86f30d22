"""The one module that touches SQLite: schema in numbered migrations, every write in one transaction.

One connection per process (per gunicorn worker), in WAL mode with
synchronous=NORMAL: connecting per request would checkpoint the WAL on every
close. sqlite-utils serves the schema and the migrations; the hot path uses
plain `execute` on the same connection (a sqlite-utils insert costs ~2.5x).
Writers from all workers take turns on a file lock, and each worker
checkpoints the WAL itself after it lets go of that lock (issue #3's load bars).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass

import orjson
import sqlite_utils
from flask import Flask
from sqlite_migrate import Migrations

migrations = Migrations("moderation")

# Each ingest writes ~5 pages to the WAL; at 2 KiB a page instead of 4 KiB a
# commit measured ~30 us (a quarter) cheaper. Only a new database takes it.
PAGE_SIZE = 2048
# A worker copies the WAL back into the database after this many of its own
# commits, once it has let go of the writers' lock (see `transaction`): ~12 MB
# of WAL at most. Every 500 measured 68-69% of the bare ceiling, every 200
# 67%, SQLite's own every-1000-pages checkpoint inside COMMIT 61-66%.
CHECKPOINT_EVERY = 500
# Articles a worker keeps decoded (a registered article is read on every comment under it).
ARTICLE_CACHE_SIZE = 256
# SQL: decision `d` is the newest on its comment (what the comment is now: held, approved, rejected).
_LATEST_ON_ITS_COMMENT = "d.id = (SELECT MAX(latest.id) FROM decisions latest WHERE latest.comment_id = d.comment_id)"


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


@dataclass(frozen=True)
class StoredDecision:
    """A decision as stored: the row id and what the platform is told."""

    id: int
    comment_id: str
    revision: int
    action: str
    decided_by: str
    rules_version: str
    reasons: list
    strike: bool
    ban: bool
    decided_at: str


@dataclass(frozen=True)
class Recall:
    """What the store knows about a comment about to be decided."""

    stored_body_hash: str | None
    stored_author_id: str | None
    author_banned: bool
    recent_comments: int
    article_version: int | None
    # The author's stored row matches the comment's (display name, email hash): no write needed.
    author_unchanged: bool = False


# Forks of this process so far, as seen in the child: a connection opened before
# the last fork belongs to the parent. Counting forks costs nothing a request;
# asking os.getpid() on every use of the connection is a system call each time.
_forks_seen = [0]
os.register_at_fork(after_in_child=lambda: _forks_seen.__setitem__(0, _forks_seen[0] + 1))


class AlreadyStoredError(Exception):
    """The comment revision was stored meanwhile (a concurrent retry won the race)."""


class Store:
    """SQLite storage for one database file (or ":memory:" in tests)."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._articles: OrderedDict[str, tuple[int, str, str]] = OrderedDict()
        if path == ":memory:":
            # One in-memory database shared by the test client's threads.
            self._shared = self._connect()
        else:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.migrate()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=self.path != ":memory:")
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: it cannot change after
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        if self._shared is None and self.path != ":memory:":
            # SQLite's own checkpoint runs inside COMMIT, while this worker holds the
            # writers' lock: every other worker would wait the milliseconds it takes.
            connection.execute("PRAGMA wal_autocheckpoint=0")
            connection.execute("PRAGMA journal_size_limit=67108864")
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened once and kept (never one per request)."""
        if self._shared is not None:
            return self._shared
        # A connection must not cross a fork (gunicorn --preload): open a new one in the child.
        if getattr(self._local, "forks", None) != _forks_seen[0]:
            self._local.connection = self._connect()
            self._local.lock = os.open(self.path + "-lock", os.O_RDWR | os.O_CREAT, 0o600)
            self._local.commits = 0
            self._local.forks = _forks_seen[0]
        return self._local.connection

    def migrate(self) -> None:
        """Apply every pending numbered migration (one process at a time, when workers start together)."""
        database = sqlite_utils.Database(self.connection)
        with self._writer_lock():
            migrations.apply(database)

    @contextmanager
    def _writer_lock(self):
        """The writers' file lock, for work outside a transaction (migrations)."""
        self._lock_writers()
        try:
            yield
        finally:
            self._unlock_writers()

    def _lock_writers(self) -> None:
        # Writers from all workers queue on a file lock the kernel hands over at
        # once. Left to SQLite, a worker that finds the database locked sleeps
        # 1, 2, 5, 10 … ms before it looks again: under load that measured
        # p99 latencies of 0.4-0.7 s.
        if self._shared is None:
            self.connection  # opens this thread's connection and lock file  # noqa: B018
            fcntl.flock(self._local.lock, fcntl.LOCK_EX)

    def _unlock_writers(self) -> None:
        if self._shared is None:
            fcntl.flock(self._local.lock, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close this thread's connection."""
        if self._shared is not None:
            self._shared.close()
        elif getattr(self._local, "forks", None) == _forks_seen[0]:
            self._local.connection.close()
            os.close(self._local.lock)
            self._local.forks = None

    def transaction(self) -> Transaction:
        """One write transaction: `with store.transaction() as db:` BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        return Transaction(self)

    def _committed(self, connection: sqlite3.Connection) -> None:
        if self._shared is None:
            self._local.commits += 1
            if self._local.commits % CHECKPOINT_EVERY == 0:
                # PASSIVE: copies what it can without blocking the other workers' writes.
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def is_empty(self) -> bool:
        """Whether no comment was ever stored (a fresh database to seed)."""
        return self.connection.execute("SELECT 1 FROM comments LIMIT 1").fetchone() is None

    # -- articles ----------------------------------------------------------------

    def save_article(self, article_id: str, title: str, text: str, now: str) -> None:
        """Register or update an article comments can refer to by id."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO articles (id, title, text, registered_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text, registered_at = excluded.registered_at, "
                "version = version + 1 WHERE title IS NOT excluded.title OR text IS NOT excluded.text",
                (article_id, title, text, now),
            )

    def save_article_if_changed(self, db: sqlite3.Connection, article: dict, now: str) -> None:
        """Register an article a comment carried in full (inside the caller's transaction); no write when unchanged."""
        db.execute(
            "INSERT INTO articles (id, title, text, registered_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, text = excluded.text, registered_at = excluded.registered_at, "
            "version = version + 1 WHERE title IS NOT excluded.title OR text IS NOT excluded.text",
            (article["id"], article["title"] or "", article["text"], now),
        )

    def get_article(self, article_id: str, version: int | None = None) -> tuple[str, str] | None:
        """A registered article's (title, text), or None; `version` (from `recall`) lets a worker reuse its copy."""
        cached = self._articles.get(article_id)
        if cached is not None and version is not None and cached[0] == version:
            self._articles.move_to_end(article_id)
            return cached[1], cached[2]
        row = self.connection.execute("SELECT version, title, text FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        # Keyed by version: a change through another worker raises it, and this copy is dropped.
        self._articles[article_id] = (row["version"], row["title"], row["text"])
        if len(self._articles) > ARTICLE_CACHE_SIZE:
            self._articles.popitem(last=False)
        return row["title"], row["text"]

    # -- comments and decisions --------------------------------------------------

    def recall(self, comment: dict, now: str, flood_since: str | None) -> Recall:
        """What ingest must know before deciding, in one query: the stored revision, a ban, the author's recent count, the article's version."""
        # One statement instead of four: each costs ~8-20 us on the hot path.
        author = comment["author"]
        row = self.connection.execute(
            "SELECT c.body_hash, c.author_id, "
            "EXISTS (SELECT 1 FROM bans WHERE author_id = :author AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > :now)), "
            "CASE WHEN :since IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM comments WHERE author_id = :author AND received_at >= :since) END, "
            "(SELECT version FROM articles WHERE id = :article), "
            "EXISTS (SELECT 1 FROM authors WHERE id = :author AND display_name IS :name AND (:email IS NULL OR email_hash IS :email)) "
            "FROM (SELECT 1) LEFT JOIN comments c ON c.id = :id AND c.revision = :revision",
            {"id": comment["id"], "revision": comment["revision"], "author": author["id"], "now": now, "since": flood_since,
             "article": comment["article_id"], "name": author.get("display_name"), "email": author.get("email_hash")},
        ).fetchone()
        return Recall(row[0], row[1], bool(row[2]), row[3], row[4], bool(row[5]))

    def find_revision(self, comment_id: str, revision: int) -> sqlite3.Row | None:
        """A stored revision of a comment (its body hash and author), or None."""
        return self.connection.execute(
            "SELECT body_hash, author_id FROM comments WHERE id = ? AND revision = ?", (comment_id, revision)
        ).fetchone()

    def revisions(self, comment_id: str) -> list[sqlite3.Row]:
        """Every stored revision of a comment (number and body hash), oldest first."""
        return self.connection.execute(
            "SELECT revision, body_hash FROM comments WHERE id = ? ORDER BY revision", (comment_id,)
        ).fetchall()

    def latest_decision(self, comment_id: str, revision: int | None = None) -> StoredDecision | None:
        """The newest decision on a comment (or on one revision of it)."""
        if revision is None:
            row = self.connection.execute("SELECT * FROM decisions WHERE comment_id = ? ORDER BY id DESC LIMIT 1", (comment_id,)).fetchone()
        else:
            row = self.connection.execute(
                "SELECT * FROM decisions WHERE comment_id = ? AND revision = ? ORDER BY id DESC LIMIT 1", (comment_id, revision)
            ).fetchone()
        return _decision(row) if row else None

    def history(self, comment_id: str) -> list[StoredDecision]:
        """Every decision on a comment, oldest first: the history reads top to bottom."""
        rows = self.connection.execute("SELECT * FROM decisions WHERE comment_id = ? ORDER BY id", (comment_id,)).fetchall()
        return [_decision(row) for row in rows]

    def active_ban(self, author_id: str, now: str, db: sqlite3.Connection | None = None) -> sqlite3.Row | None:
        """The author's ban in force at `now`, or None."""
        return (db or self.connection).execute(
            "SELECT * FROM bans WHERE author_id = ? AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC LIMIT 1",
            (author_id, now),
        ).fetchone()

    def has_approved_comment(self, author_id: str, db: sqlite3.Connection | None = None) -> bool:
        """Whether any of the author's comments was approved (by the engine or a moderator)."""
        return (db or self.connection).execute(
            "SELECT 1 FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "WHERE c.author_id = ? AND d.action = 'approve' LIMIT 1",
            (author_id,),
        ).fetchone() is not None

    def count_recent_comments(self, author_id: str, since: str) -> int:
        """Comments received from an author since `since` (for the flood limit)."""
        return self.connection.execute(
            "SELECT COUNT(*) FROM comments WHERE author_id = ? AND received_at >= ?", (author_id, since)
        ).fetchone()[0]

    def count_strikes(self, author_id: str, since: str, db: sqlite3.Connection | None = None) -> int:
        """Strike decisions on the author's comments since `since`, but not those a moderator later approved."""
        return (db or self.connection).execute(
            "SELECT COUNT(*) FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "WHERE c.author_id = ? AND d.strike = 1 AND d.decided_at >= ? "
            "AND NOT EXISTS (SELECT 1 FROM decisions later WHERE later.comment_id = d.comment_id AND later.revision = d.revision "
            "AND later.id > d.id AND later.action = 'approve')",
            (author_id, since),
        ).fetchone()[0]

    def record_comment(self, db: sqlite3.Connection, comment: dict, now: str, author_unchanged: bool = False) -> None:
        """Insert a comment revision and its author (inside the caller's transaction).

        `author_unchanged` (from `recall`) skips the author's upsert: most comments
        come from authors already stored as they are. Raises AlreadyStoredError
        when the revision is there already (a concurrent retry).
        """
        author = comment["author"]
        if not author_unchanged:
            # The WHERE skips the write (and its WAL page) when the row is as it was after all.
            db.execute(
                "INSERT INTO authors (id, display_name, email_hash, first_seen_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, email_hash = coalesce(excluded.email_hash, email_hash) "
                "WHERE display_name IS NOT excluded.display_name OR (excluded.email_hash IS NOT NULL AND email_hash IS NOT excluded.email_hash)",
                (author["id"], author.get("display_name"), author.get("email_hash"), now),
            )
        try:
            db.execute(
                "INSERT INTO comments (id, revision, body, body_hash, parent_id, article_id, author_id, author_ip, created_at, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    comment["id"],
                    comment["revision"],
                    comment["body"],
                    comment["body_hash"],
                    comment.get("parent_id"),
                    comment["article_id"],
                    author["id"],
                    author.get("ip"),
                    comment.get("created_at"),
                    now,
                ),
            )
        except sqlite3.IntegrityError:
            raise AlreadyStoredError(f"{comment['id']} revision {comment['revision']}") from None

    def record_decision(self, db: sqlite3.Connection, comment_id: str, revision: int, action: str, decided_by: str,
                        rules_version: str, reasons: list, strike: bool, ban: bool, now: str) -> StoredDecision:
        """Append a decision (inside the caller's transaction); nothing is overwritten."""
        cursor = db.execute(
            "INSERT INTO decisions (comment_id, revision, action, decided_by, rules_version, reasons, strike, ban, decided_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (comment_id, revision, action, decided_by, rules_version, orjson.dumps(reasons).decode(), int(strike), int(ban), now),
        )
        return StoredDecision(cursor.lastrowid, comment_id, revision, action, decided_by, rules_version, reasons, strike, ban, now)

    def record_ban(self, db: sqlite3.Connection, author_id: str, reason: str, banned_by: str, comment_id: str | None,
                   now: str, expires_at: str | None) -> int:
        """Ban an author (inside the caller's transaction), recording why, by whom and from which comment."""
        cursor = db.execute(
            "INSERT INTO bans (author_id, reason, banned_by, comment_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            (author_id, reason, banned_by, comment_id, now, expires_at),
        )
        return cursor.lastrowid


class Transaction:
    """The context manager behind `Store.transaction` (a class: it runs on every ingest, and a generator costs more)."""

    __slots__ = ("store", "connection")

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        store = self.store
        store._lock_writers()
        try:
            self.connection = store.connection
            self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            store._unlock_writers()
            raise
        return self.connection

    def __exit__(self, kind, error, traceback) -> bool:
        connection = self.connection
        try:
            if kind is None:
                try:
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            elif connection.in_transaction:  # an error inside may have rolled it back already
                connection.execute("ROLLBACK")
        finally:
            self.store._unlock_writers()
        if kind is None:
            self.store._committed(connection)
        return False


class ModeratorStore:
    """Moderators, tokens, the review queue, moderator decisions, the audit log and the outbox."""

    def __init__(self, store: Store):
        self.store = store

    def add_moderator(self, name: str, password_hash: str, now: str) -> None:
        """Create or reset a moderator."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO moderators (name, password_hash, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET password_hash = excluded.password_hash",
                (name, password_hash, now),
            )

    def moderator(self, name: str) -> sqlite3.Row | None:
        """A moderator by name, or None."""
        return self.store.connection.execute("SELECT * FROM moderators WHERE name = ?", (name,)).fetchone()

    def count_moderators(self) -> int:
        """How many moderators exist."""
        return self.store.connection.execute("SELECT COUNT(*) FROM moderators").fetchone()[0]

    def add_token(self, token_hash: str, moderator: str, now: str) -> None:
        """Store the hash of a bearer token issued to a moderator."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO api_tokens (token_hash, moderator, created_at) VALUES (?, ?, ?)", (token_hash, moderator, now))

    def token_owner(self, token_hash: str) -> str | None:
        """The moderator a token belongs to, or None."""
        row = self.store.connection.execute("SELECT moderator FROM api_tokens WHERE token_hash = ?", (token_hash,)).fetchone()
        return row["moderator"] if row else None

    def queue(self, category: str | None = None, article_id: str | None = None, limit: int = 200) -> list[dict]:
        """Held comments, oldest first: each comment's latest decision is `hold`."""
        # Starts from the partial index of hold decisions (m003), then keeps those still the latest.
        rows = self.store.connection.execute(
            "SELECT c.*, d.id AS decision_id, d.reasons, d.decided_at, a.title AS article_title "
            "FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "LEFT JOIN articles a ON a.id = c.article_id "
            "WHERE d.action = 'hold' AND " + _LATEST_ON_ITS_COMMENT + " "
            "AND (? IS NULL OR c.article_id = ?) ORDER BY c.received_at, c.id",
            (article_id, article_id),
        ).fetchall()
        items = []
        for row in rows:
            reasons = json.loads(row["reasons"])
            if category and category not in {r["category"] for r in reasons}:
                continue
            items.append({**{k: row[k] for k in row.keys() if k != "reasons"}, "reasons": reasons})
            if len(items) >= limit:
                break
        return items

    def queue_facets(self) -> dict:
        """The categories and articles of the held comments, for the queue's filters."""
        items = self.queue(limit=10_000)
        return {
            "categories": sorted({r["category"] for item in items for r in item["reasons"]}),
            "articles": sorted({(item["article_id"], item["article_title"] or item["article_id"]) for item in items}),
        }

    def author_summary(self, author_id: str, now: str) -> dict:
        """An author's history: approved, held, rejected, strikes, bans, and whether banned now."""
        connection = self.store.connection
        # Each comment counts once, by its latest decision (an edit is the same comment).
        counts = {
            row["action"]: row["n"]
            for row in connection.execute(
                "SELECT action, COUNT(*) AS n FROM decisions WHERE id IN (SELECT MAX(d.id) FROM decisions d JOIN comments c "
                "ON c.id = d.comment_id AND c.revision = d.revision WHERE c.author_id = ? GROUP BY d.comment_id) GROUP BY action",
                (author_id,),
            )
        }
        strikes = connection.execute(
            "SELECT COUNT(*) FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision WHERE c.author_id = ? AND d.strike = 1",
            (author_id,),
        ).fetchone()[0]
        bans = [dict(row) for row in connection.execute("SELECT * FROM bans WHERE author_id = ? ORDER BY id", (author_id,))]
        author = connection.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()
        return {
            "author_id": author_id,
            "display_name": author["display_name"] if author else None,
            "approved": counts.get("approve", 0),
            "held": counts.get("hold", 0),
            "rejected": counts.get("reject", 0),
            "strikes": strikes,
            "bans": bans,
            "banned": self.store.active_ban(author_id, now) is not None,
        }

    def author_comments(self, author_id: str, limit: int = 200) -> list[dict]:
        """An author's comment revisions, newest first, each with its latest decision."""
        rows = self.store.connection.execute(
            "SELECT c.*, d.action, d.decided_by, d.reasons FROM comments c JOIN decisions d ON d.id = "
            "(SELECT MAX(id) FROM decisions WHERE comment_id = c.id AND revision = c.revision) "
            "WHERE c.author_id = ? ORDER BY c.received_at DESC LIMIT ?",
            (author_id, limit),
        ).fetchall()
        return [{**{k: row[k] for k in row.keys() if k != "reasons"}, "reasons": json.loads(row["reasons"])} for row in rows]

    def comment(self, comment_id: str, db: sqlite3.Connection | None = None) -> sqlite3.Row | None:
        """The latest revision of a comment, or None."""
        return (db or self.store.connection).execute(
            "SELECT * FROM comments WHERE id = ? ORDER BY revision DESC LIMIT 1", (comment_id,)
        ).fetchone()

    def numbers(self, since: str, now: str) -> dict:
        """What the site owner reads: decisions since `since`, how moderators ruled on each rule's catches, the queue, bans, callbacks."""
        connection = self.store.connection
        # Rows are appended in time order, so the period starts at a row id: found by
        # bisection, it spares a time index on the hot path and a scan of every year.
        first = self._first_row_since("decisions", "decided_at", since)
        engine_actions = dict(connection.execute(
            "SELECT action, COUNT(*) FROM decisions WHERE id >= ? AND decided_by = 'engine' GROUP BY action", (first,)))
        moderator_actions = dict(connection.execute(
            "SELECT action, COUNT(*) FROM decisions WHERE id >= ? AND decided_by LIKE 'moderator:%' GROUP BY action", (first,)))
        # Each engine decision counts once per rule it gives, with the moderator's
        # last word on that revision, if any: how often a rule's catches are upheld.
        rules = [
            {key: int(value) if isinstance(value, float) else value for key, value in dict(row).items()}
            for row in connection.execute(
                "SELECT rule, COUNT(*) AS caught, TOTAL(engine_action = 'approve') AS approved_by_engine, "
                "TOTAL(engine_action = 'hold') AS held_by_engine, TOTAL(engine_action = 'reject') AS rejected_by_engine, "
                "TOTAL(moderator_action = 'approve') AS moderators_approved, TOTAL(moderator_action = 'reject') AS moderators_rejected, "
                "TOTAL(engine_action = 'hold' AND moderator_action IS NULL AND latest) AS waiting "
                "FROM (SELECT DISTINCT d.id, json_extract(r.value, '$.rule') AS rule, d.action AS engine_action, "
                "(SELECT x.action FROM decisions x WHERE x.comment_id = d.comment_id AND x.revision = d.revision "
                "AND x.id > d.id AND x.decided_by LIKE 'moderator:%' ORDER BY x.id DESC LIMIT 1) AS moderator_action, "
                + _LATEST_ON_ITS_COMMENT + " AS latest "
                "FROM decisions d JOIN json_each(d.reasons) r WHERE d.id >= ? AND d.decided_by = 'engine') "
                "GROUP BY rule ORDER BY caught DESC, rule",
                (first,),
            )
        ]
        held = connection.execute(
            "SELECT COUNT(*), MIN(c.received_at) FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "WHERE d.action = 'hold' AND " + _LATEST_ON_ITS_COMMENT
        ).fetchone()
        bans = connection.execute(
            "SELECT SUM(created_at >= ? AND banned_by = 'engine'), SUM(created_at >= ? AND banned_by LIKE 'moderator:%'), "
            "SUM(lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)) FROM bans",
            (since, since, now),
        ).fetchone()
        callbacks = connection.execute(
            "SELECT COUNT(*), SUM(attempts > 0) FROM outbox WHERE delivered_at IS NULL"
        ).fetchone()
        return {
            "since": since,
            "received": connection.execute(
                "SELECT COUNT(*) FROM comments WHERE rowid >= ?", (self._first_row_since("comments", "received_at", since),)
            ).fetchone()[0],
            "engine": {action: engine_actions.get(action, 0) for action in ("approve", "hold", "reject")},
            "moderators": {action: moderator_actions.get(action, 0) for action in ("approve", "reject")},
            "rules": rules,
            "queue": {"held": held[0], "oldest_received_at": held[1]},
            "bans": {"by_engine": bans[0] or 0, "by_moderators": bans[1] or 0, "in_force": bans[2] or 0},
            "callbacks": {"waiting": callbacks[0], "after_failures": callbacks[1] or 0},
        }

    def _first_row_since(self, table: str, column: str, since: str) -> int:
        """The first row id of `table` whose `column` (a time, appended in order) is at or after `since`."""
        connection = self.store.connection
        low, high = connection.execute(f"SELECT COALESCE(MIN(rowid), 1), COALESCE(MAX(rowid), 0) + 1 FROM {table}").fetchone()
        while low < high:  # the first row id in [low, high) at or after `since`; high when none is
            middle = (low + high) // 2
            row = connection.execute(f"SELECT rowid, {column} FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (middle,)).fetchone()
            if row is None or row[1] >= since:
                high = middle
            else:
                low = row[0] + 1
        return low

    def audit(self, limit: int = 500) -> list[dict]:
        """Moderator actions, newest first."""
        return [dict(r) for r in self.store.connection.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))]

    def record_audit(self, db: sqlite3.Connection, moderator: str, action: str, comment_id: str | None, author_id: str | None, detail: str, now: str) -> None:
        """Log a moderator action (inside the caller's transaction)."""
        db.execute(
            "INSERT INTO audit_log (moderator, action, comment_id, author_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (moderator, action, comment_id, author_id, detail, now),
        )

    def enqueue(self, db: sqlite3.Connection, event: str, payload: dict, now: str) -> None:
        """Add a callback to the outbox (inside the caller's transaction): delivered later, with retries."""
        db.execute(
            "INSERT INTO outbox (event, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, 0, ?, ?)",
            (event, json.dumps(payload), now, now),
        )

    def lift_bans(self, db: sqlite3.Connection, author_id: str, moderator: str, now: str) -> int:
        """Lift every ban of an author in force (inside the caller's transaction)."""
        cursor = db.execute(
            "UPDATE bans SET lifted_at = ?, lifted_by = ? WHERE author_id = ? AND lifted_at IS NULL", (now, moderator, author_id)
        )
        return cursor.rowcount

    def due_callbacks(self, now: str, limit: int = 50) -> list[sqlite3.Row]:
        """Outbox entries not yet delivered whose next attempt is due."""
        return self.store.connection.execute(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?", (now, limit)
        ).fetchall()

    def mark_delivered(self, outbox_id: int, now: str) -> None:
        """Record a delivered callback."""
        with self.store.transaction() as db:
            db.execute("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?", (now, outbox_id))

    def mark_failed(self, outbox_id: int, error: str, next_attempt_at: str) -> None:
        """Record a failed attempt and when to try again."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                (error[:500], next_attempt_at, outbox_id),
            )


def init_app(app: Flask) -> None:
    """Open the app's store (MODERATION_DB) and its moderators' view of it."""
    store = app.extensions["moderation.store"] = Store(app.config["MODERATION_DB"])
    app.extensions["moderation.moderators"] = ModeratorStore(store)


def _decision(row: sqlite3.Row) -> StoredDecision:
    return StoredDecision(
        id=row["id"],
        comment_id=row["comment_id"],
        revision=row["revision"],
        action=row["action"],
        decided_by=row["decided_by"],
        rules_version=row["rules_version"],
        reasons=orjson.loads(row["reasons"]),
        strike=bool(row["strike"]),
        ban=bool(row["ban"]),
        decided_at=row["decided_at"],
    )
