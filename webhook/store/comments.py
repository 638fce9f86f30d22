"""Comment revisions and the decisions on them: recalled before deciding, appended after, never overwritten."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import orjson

# SQL: decision `d` is the newest on its comment (what the comment is now: held, approved, rejected).
LATEST_ON_ITS_COMMENT = "d.id = (SELECT MAX(latest.id) FROM decisions latest WHERE latest.comment_id = d.comment_id)"

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
    # The body hash stored for the delivery's webhook-id, if that id came before.
    delivery_body_hash: str | None = None


class AlreadyStoredError(Exception):
    """The comment revision was stored meanwhile (a concurrent retry won the race)."""


class CommentRecords:
    """The authors, comments and decisions tables (part of `Store`)."""

    def recall(self, comment: dict, now: str, flood_since: str | None, webhook_id: str | None = None) -> Recall:
        """What ingest must know before deciding, in one query: the stored revision, a ban, the author's recent count, the article's version."""
        # One statement instead of four: each costs ~8-20 us on the hot path.
        author = comment["author"]
        row = self.connection.execute(
            "SELECT c.body_hash, c.author_id, "
            "EXISTS (SELECT 1 FROM bans WHERE author_id = :author AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > :now)), "
            "CASE WHEN :since IS NULL THEN 0 ELSE (SELECT COUNT(*) FROM comments WHERE author_id = :author AND received_at >= :since) END, "
            "(SELECT version FROM articles WHERE id = :article), "
            "EXISTS (SELECT 1 FROM authors WHERE id = :author AND display_name IS :name AND (:email IS NULL OR email_hash IS :email)), "
            "(SELECT body_hash FROM deliveries WHERE webhook_id = :delivery) "
            "FROM (SELECT 1) LEFT JOIN comments c ON c.id = :id AND c.revision = :revision",
            {"id": comment["id"], "revision": comment["revision"], "author": author["id"], "now": now, "since": flood_since,
             "article": comment["article_id"], "name": author.get("display_name"), "email": author.get("email_hash"), "delivery": webhook_id},
        ).fetchone()
        return Recall(row[0], row[1], bool(row[2]), row[3], row[4], bool(row[5]), row[6])

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

    def find_decision(self, decision_id: int, db: sqlite3.Connection | None = None) -> StoredDecision | None:
        """One decision by its row id, or None."""
        row = (db or self.connection).execute("SELECT * FROM decisions WHERE id = ?", (decision_id,)).fetchone()
        return _decision(row) if row else None

    def decisions_around(self, decision: StoredDecision, db: sqlite3.Connection | None = None) -> tuple[StoredDecision | None, bool]:
        """The decision just before `decision` on its comment (what it replaced), and whether `decision` is still the newest."""
        connection = db or self.connection
        before = connection.execute(
            "SELECT * FROM decisions WHERE comment_id = ? AND id < ? ORDER BY id DESC LIMIT 1", (decision.comment_id, decision.id)
        ).fetchone()
        newest = connection.execute("SELECT MAX(id) FROM decisions WHERE comment_id = ?", (decision.comment_id,)).fetchone()[0]
        return (_decision(before) if before else None), newest == decision.id

    def history(self, comment_id: str) -> list[StoredDecision]:
        """Every decision on a comment, oldest first: the history reads top to bottom."""
        rows = self.connection.execute("SELECT * FROM decisions WHERE comment_id = ? ORDER BY id", (comment_id,)).fetchall()
        return [_decision(row) for row in rows]

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
