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

    def count_sign_in_failures(self, name: str, client: str, since: str) -> tuple[int, int]:
        """Failed sign-ins since `since`: (for this name, from this client address)."""
        row = self.store.connection.execute(
            "SELECT (SELECT COUNT(*) FROM sign_in_failures WHERE name = :name AND failed_at >= :since), "
            "(SELECT COUNT(*) FROM sign_in_failures WHERE client = :client AND failed_at >= :since)",
            {"name": name, "client": client, "since": since},
        ).fetchone()
        return row[0], row[1]

    def record_sign_in_failure(self, name: str, client: str, now: str, forget_before: str) -> None:
        """Count a failed sign-in, and forget those older than `forget_before`."""
        with self.store.transaction() as db:
            db.execute("INSERT INTO sign_in_failures (name, client, failed_at) VALUES (?, ?, ?)", (name[:200], client[:64], now))
            db.execute("DELETE FROM sign_in_failures WHERE failed_at < ?", (forget_before,))

    def clear_sign_in_failures(self, name: str) -> None:
        """A moderator signed in: their name's failures no longer count."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM sign_in_failures WHERE name = ?", (name,))
