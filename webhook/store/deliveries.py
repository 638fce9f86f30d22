"""Signed deliveries by webhook-id: the same id with the same body is a retry, with another body a replay to refuse."""

from __future__ import annotations

import sqlite3
import threading

# Deliveries are remembered at least this long: twice the signature's
# tolerance, after which a replay is refused as stale anyway.
REMEMBER_SECONDS = 600
# Every this many deliveries recorded by a worker, those older than REMEMBER_SECONDS go.
PRUNE_EVERY = 1000


class DeliveryRecords:
    """The deliveries table (part of `Store`)."""

    _deliveries_recorded = threading.local()

    def remember_delivery(self, webhook_id: str, body_hash: str, now: str, forget_before: str) -> bool:
        """Remember a delivery in a transaction of its own (a read such as GET); False when its id came before with another request."""
        with self.transaction() as db:
            return self.record_delivery(db, webhook_id, body_hash, now, forget_before)

    def record_delivery(self, db: sqlite3.Connection, webhook_id: str, body_hash: str, now: str, forget_before: str) -> bool:
        """Remember a delivery (inside the caller's transaction); False when its id came before with another body."""
        cursor = db.execute("INSERT OR IGNORE INTO deliveries (webhook_id, body_hash, received_at) VALUES (?, ?, ?)", (webhook_id, body_hash, now))
        if cursor.rowcount == 0:
            row = db.execute("SELECT body_hash FROM deliveries WHERE webhook_id = ?", (webhook_id,)).fetchone()
            return row is not None and row[0] == body_hash
        recorded = self._deliveries_recorded
        recorded.count = getattr(recorded, "count", 0) + 1
        if recorded.count % PRUNE_EVERY == 0:
            # The first row still remembered bounds the delete; found in row-id
            # order, it costs as many steps as there are rows to forget.
            db.execute(
                "DELETE FROM deliveries WHERE id < (SELECT COALESCE(MIN(id), 0) FROM "
                "(SELECT id FROM deliveries WHERE received_at >= ? ORDER BY id LIMIT 1))",
                (forget_before,),
            )
        return True
