"""Moderators and their bearer tokens, stored hashed."""

from __future__ import annotations

import sqlite3


class ModeratorAccounts:
    """The moderators and api_tokens tables (part of `ModeratorStore`)."""

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
