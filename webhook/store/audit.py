"""The audit log: every moderator action, with who and when."""

from __future__ import annotations

import sqlite3


class AuditLog:
    """The audit_log table (part of `ModeratorStore`)."""

    def audit(self, limit: int = 500) -> list[dict]:
        """Moderator actions, newest first."""
        return [dict(r) for r in self.store.connection.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))]

    def record_audit(self, db: sqlite3.Connection, moderator: str, action: str, comment_id: str | None, author_id: str | None, detail: str, now: str) -> None:
        """Log a moderator action (inside the caller's transaction)."""
        db.execute(
            "INSERT INTO audit_log (moderator, action, comment_id, author_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (moderator, action, comment_id, author_id, detail, now),
        )
