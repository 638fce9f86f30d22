"""What moderators read: the held comments, an author's record and comments, one comment and its history."""

from __future__ import annotations

import json
import sqlite3

from .comments import LATEST_ON_ITS_COMMENT


class ReviewQueue:
    """Reads for the queue and author pages (part of `ModeratorStore`)."""

    def queue(self, category: str | None = None, article_id: str | None = None, limit: int = 200) -> list[dict]:
        """Held comments, oldest first: each comment's latest decision is `hold`."""
        # Starts from the partial index of hold decisions (m003), then keeps those still the latest.
        rows = self.store.connection.execute(
            "SELECT c.*, d.id AS decision_id, d.reasons, d.decided_at, a.title AS article_title "
            "FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "LEFT JOIN articles a ON a.id = c.article_id "
            "WHERE d.action = 'hold' AND " + LATEST_ON_ITS_COMMENT + " "
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
        # A strike an undo gave back (webhook/review.py) is the same strike: count each revision once.
        strikes = connection.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT d.comment_id, d.revision FROM decisions d JOIN comments c "
            "ON c.id = d.comment_id AND c.revision = d.revision WHERE c.author_id = ? AND d.strike = 1)",
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

    def display_names(self, author_ids: list[str]) -> dict[str, str | None]:
        """Each author's display name (None if they gave none or are unknown), by id."""
        names = dict.fromkeys(author_ids)
        for author_id in names:
            row = self.store.connection.execute("SELECT display_name FROM authors WHERE id = ?", (author_id,)).fetchone()
            names[author_id] = row["display_name"] if row else None
        return names

    def author_comments(self, author_id: str, limit: int = 200) -> list[dict]:
        """An author's comment revisions, newest first, each with its latest decision, every decision on it and the engine's reasons."""
        connection = self.store.connection
        rows = connection.execute(
            "SELECT c.*, d.action, d.decided_by, d.decided_at, d.reasons FROM comments c JOIN decisions d ON d.id = "
            "(SELECT MAX(id) FROM decisions WHERE comment_id = c.id AND revision = c.revision) "
            "WHERE c.author_id = ? ORDER BY c.received_at DESC LIMIT ?",
            (author_id, limit),
        ).fetchall()
        decisions = connection.execute(
            "SELECT d.* FROM decisions d JOIN (SELECT id, revision FROM comments WHERE author_id = ? ORDER BY received_at DESC LIMIT ?) c "
            "ON c.id = d.comment_id AND c.revision = d.revision ORDER BY d.id",
            (author_id, limit),
        ).fetchall()
        return _with_history(rows, decisions)

    def comment_record(self, comment_id: str) -> dict | None:
        """One comment for its own page: every revision (newest first) with its decisions, its article, the bans it led to."""
        connection = self.store.connection
        rows = connection.execute(
            "SELECT c.*, d.action, d.decided_by, d.decided_at, d.reasons, a.title AS article_title, au.display_name "
            "FROM comments c JOIN decisions d ON d.id = (SELECT MAX(id) FROM decisions WHERE comment_id = c.id AND revision = c.revision) "
            "LEFT JOIN articles a ON a.id = c.article_id LEFT JOIN authors au ON au.id = c.author_id "
            "WHERE c.id = ? ORDER BY c.revision DESC",
            (comment_id,),
        ).fetchall()
        if not rows:
            return None
        decisions = connection.execute("SELECT * FROM decisions WHERE comment_id = ? ORDER BY id", (comment_id,)).fetchall()
        bans = [dict(row) for row in connection.execute("SELECT * FROM bans WHERE comment_id = ? ORDER BY id", (comment_id,))]
        return {"revisions": _with_history(rows, decisions), "bans": bans}

    def comment(self, comment_id: str, db: sqlite3.Connection | None = None) -> sqlite3.Row | None:
        """The latest revision of a comment, or None."""
        return (db or self.store.connection).execute(
            "SELECT * FROM comments WHERE id = ? ORDER BY revision DESC LIMIT 1", (comment_id,)
        ).fetchone()


def _with_history(rows: list[sqlite3.Row], decisions: list[sqlite3.Row]) -> list[dict]:
    """Comment rows (with their latest decision) as dicts, each with its decisions oldest first and the engine's reasons on it."""
    history: dict[tuple, list[dict]] = {}
    for row in decisions:
        history.setdefault((row["comment_id"], row["revision"]), []).append({**dict(row), "reasons": json.loads(row["reasons"])})
    comments = []
    for row in rows:
        decided = history.get((row["id"], row["revision"]), [])
        # Why the comment was held or rejected is the engine's word on it, whatever moderators decided after.
        engine = [d for d in decided if d["decided_by"] == "engine"]
        comments.append({
            **{k: row[k] for k in row.keys() if k != "reasons"},
            "reasons": json.loads(row["reasons"]),
            "history": decided,
            "engine_action": engine[-1]["action"] if engine else None,
            "engine_reasons": engine[-1]["reasons"] if engine else [],
        })
    return comments
