"""Bans: who, why, by whom, from which comment, until when; lifted, never deleted."""

from __future__ import annotations

import sqlite3


class BanRecords:
    """The bans table (part of `Store`)."""

    def active_ban(self, author_id: str, now: str, db: sqlite3.Connection | None = None) -> sqlite3.Row | None:
        """The author's ban in force at `now`, or None."""
        return (db or self.connection).execute(
            "SELECT * FROM bans WHERE author_id = ? AND lifted_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC LIMIT 1",
            (author_id, now),
        ).fetchone()

    def record_ban(self, db: sqlite3.Connection, author_id: str, reason: str, banned_by: str, comment_id: str | None,
                   now: str, expires_at: str | None) -> int:
        """Ban an author (inside the caller's transaction), recording why, by whom and from which comment."""
        cursor = db.execute(
            "INSERT INTO bans (author_id, reason, banned_by, comment_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
            (author_id, reason, banned_by, comment_id, now, expires_at),
        )
        return cursor.lastrowid

    def made_ban(self, db: sqlite3.Connection, ban_id: int | None, comment_id: str, banned_by: str, created_at: str) -> sqlite3.Row | None:
        """The ban a decision made, still in force: by its id, or (decisions that did not record one) by comment, banner and moment."""
        if ban_id is not None:
            return db.execute("SELECT * FROM bans WHERE id = ? AND lifted_at IS NULL", (ban_id,)).fetchone()
        return db.execute(
            "SELECT * FROM bans WHERE comment_id = ? AND banned_by = ? AND created_at = ? AND lifted_at IS NULL ORDER BY id DESC LIMIT 1",
            (comment_id, banned_by, created_at),
        ).fetchone()

    def lift_ban(self, db: sqlite3.Connection, ban_id: int, lifted_by: str, now: str) -> bool:
        """Lift one ban (inside the caller's transaction); False if it was lifted already."""
        cursor = db.execute("UPDATE bans SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL", (now, lifted_by, ban_id))
        return cursor.rowcount == 1

    def lift_bans(self, db: sqlite3.Connection, author_id: str, moderator: str, now: str) -> int:
        """Lift every ban of an author in force (inside the caller's transaction)."""
        cursor = db.execute(
            "UPDATE bans SET lifted_at = ?, lifted_by = ? WHERE author_id = ? AND lifted_at IS NULL", (now, moderator, author_id)
        )
        return cursor.rowcount
