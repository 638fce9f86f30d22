"""The callback outbox: moderator decisions waiting to reach the platform, with their attempts."""

from __future__ import annotations

import json
import sqlite3


class CallbackOutbox:
    """The outbox table (part of `ModeratorStore`)."""

    def enqueue(self, db: sqlite3.Connection, event: str, payload: dict, now: str) -> None:
        """Add a callback to the outbox (inside the caller's transaction): delivered later, with retries."""
        db.execute(
            "INSERT INTO outbox (event, payload, attempts, next_attempt_at, created_at) VALUES (?, ?, 0, ?, ?)",
            (event, json.dumps(payload), now, now),
        )

    def waiting_callbacks(self) -> int:
        """How many callbacks wait for the platform (not yet delivered), read off the outbox's index."""
        return self.store.connection.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]

    def due_callbacks(self, now: str, limit: int = 50) -> list[sqlite3.Row]:
        """Outbox entries not yet delivered whose next attempt is due."""
        return self.store.connection.execute(
            "SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?", (now, limit)
        ).fetchall()

    def claim_due(self, now: str, lease_until: str) -> sqlite3.Row | None:
        """Take the oldest due callback for this deliverer alone: it is not due again for anyone until `lease_until`.

        Read and leased in one write transaction, so two deliverers never both
        send one callback; a deliverer that dies holding it leaves it to the
        next one once the lease runs out (issue #11).
        """
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT * FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT 1", (now,)
            ).fetchone()
            if row is not None:
                db.execute("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", (lease_until, row["id"]))
        return row

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
