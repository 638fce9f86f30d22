"""What the site owner reads: decisions over a period, rule by rule, and the queue, bans and callbacks now."""

from __future__ import annotations

from .comments import LATEST_ON_ITS_COMMENT


class Numbers:
    """The figures of the numbers page (part of `ModeratorStore`)."""

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
                "TOTAL(engine_action = 'hold' AND held_now) AS waiting "
                "FROM (SELECT DISTINCT d.id, json_extract(r.value, '$.rule') AS rule, d.action AS engine_action, "
                "(SELECT x.action FROM decisions x WHERE x.comment_id = d.comment_id AND x.revision = d.revision "
                "AND x.id > d.id AND x.decided_by LIKE 'moderator:%' ORDER BY x.id DESC LIMIT 1) AS moderator_action, "
                # Waiting: the comment's newest decision is a hold on this revision; an undo
                # (webhook/review.py) puts a comment back in the queue with a moderator's hold.
                "(SELECT n.action = 'hold' AND n.revision = d.revision FROM decisions n WHERE n.comment_id = d.comment_id "
                "ORDER BY n.id DESC LIMIT 1) AS held_now "
                "FROM decisions d JOIN json_each(d.reasons) r WHERE d.id >= ? AND d.decided_by = 'engine') "
                "GROUP BY rule ORDER BY caught DESC, rule",
                (first,),
            )
        ]
        held = connection.execute(
            "SELECT COUNT(*), MIN(c.received_at) FROM decisions d JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
            "WHERE d.action = 'hold' AND " + LATEST_ON_ITS_COMMENT
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
