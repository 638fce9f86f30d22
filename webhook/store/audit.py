"""The audit log: every moderator action, with who and when; beside it, read with it, the bans the engine made."""

from __future__ import annotations

import json
import sqlite3

# One page of the log: moderators' actions and the engine's bans, newest first.
# Times are UTC ISO text from one clock, so they sort as text; a bulk decision
# shares one moment, so (time, kind, id) orders and pages it without a gap.
_TIMELINE = (
    "SELECT * FROM ("
    "SELECT 'moderator' AS kind, l.id, l.moderator, l.action, l.comment_id, l.author_id, l.detail, l.created_at, "
    "NULL AS expires_at, NULL AS lifted_at, NULL AS lifted_by FROM audit_log l "
    "UNION ALL "
    "SELECT 'engine' AS kind, b.id, NULL, 'ban', b.comment_id, b.author_id, b.reason, b.created_at, b.expires_at, b.lifted_at, b.lifted_by "
    "FROM bans b WHERE b.banned_by = 'engine'"
    ") WHERE ? IS NULL OR (created_at, kind, id) < (?, ?, ?) ORDER BY created_at DESC, kind DESC, id DESC LIMIT ?"
)


class AuditLog:
    """The audit_log table (part of `ModeratorStore`)."""

    def audit(self, limit: int = 500) -> list[dict]:
        """Moderator actions, newest first."""
        return [dict(r) for r in self.store.connection.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))]

    def audit_timeline(self, limit: int = 200, before: tuple[str, str, int] | None = None) -> list[dict]:
        """Moderators' actions and the engine's bans in time order, newest first, each with its comment as it read then.

        Each entry has `kind` ("moderator" or "engine"), the comment's text at
        that moment (`body`, `revision`), its author's display name, and
        `engine_action` and `engine_reasons`: what the engine decided on that
        text, the rules that held or rejected it. `before` is the (created_at,
        kind, id) of the last entry of the previous page.
        """
        connection = self.store.connection
        at, kind, entry_id = before or (None, None, None)
        entries = [dict(row) for row in connection.execute(_TIMELINE, (at, at, kind, entry_id, limit))]
        for entry in entries:
            entry.update(body=None, revision=None, display_name=None, engine_action=None, engine_reasons=[])
            if entry["author_id"] is not None:
                author = connection.execute("SELECT display_name FROM authors WHERE id = ?", (entry["author_id"],)).fetchone()
                entry["display_name"] = author["display_name"] if author else None
            if entry["comment_id"] is None:
                continue
            # The revision the action was about: the newest one received by then (an edit later does not rewrite the log).
            comment = connection.execute(
                "SELECT revision, body FROM comments WHERE id = ? ORDER BY received_at <= ? DESC, revision DESC LIMIT 1",
                (entry["comment_id"], entry["created_at"]),
            ).fetchone()
            if comment is None:
                continue
            entry.update(revision=comment["revision"], body=comment["body"])
            decision = connection.execute(
                "SELECT action, reasons FROM decisions WHERE comment_id = ? AND revision = ? AND decided_by = 'engine' "
                "ORDER BY decided_at <= ? DESC, id DESC LIMIT 1",
                (entry["comment_id"], comment["revision"], entry["created_at"]),
            ).fetchone()
            if decision is not None:
                entry.update(engine_action=decision["action"], engine_reasons=json.loads(decision["reasons"]))
        return entries

    def record_audit(self, db: sqlite3.Connection, moderator: str, action: str, comment_id: str | None, author_id: str | None, detail: str, now: str) -> None:
        """Log a moderator action (inside the caller's transaction)."""
        db.execute(
            "INSERT INTO audit_log (moderator, action, comment_id, author_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (moderator, action, comment_id, author_id, detail, now),
        )
