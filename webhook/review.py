"""Moderators' decisions: new decision rows, audit entries and callbacks for the platform, in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from .errors import FieldError, NotFoundError
from .ingest import iso
from .store import ModeratorStore, StoredDecision

ACTIONS = ("approve", "reject", "ban", "unban")
# The periods the numbers page offers, in days; any whole number up to ten years is accepted.
PERIODS = (1, 7, 30, 365)
MAX_PERIOD_DAYS = 3650
# What each action leaves the comment as; unban lifts the author's bans and decides nothing.
VERDICTS = {"approve": "approve", "reject": "reject", "ban": "reject", "unban": None}


def review(moderators: ModeratorStore, comment_ids: list[str], action: str, moderator: str, now: datetime,
           note: str = "", ban_days: int | None = None, rules_version: str = "") -> list[StoredDecision]:
    """Record a moderator's verdict on one or more comments (all or none); `ban` bans their authors, `unban` lifts bans."""
    if action not in ACTIONS:
        raise FieldError(f"must be one of {', '.join(ACTIONS)}", field="action")
    if not comment_ids:
        raise FieldError("select at least one comment", field="comment_id")
    store = moderators.store
    stamp = iso(now)
    decided_by = f"moderator:{moderator}"
    verdict = VERDICTS[action]
    decisions = []
    with store.transaction() as db:
        for comment_id in dict.fromkeys(comment_ids):
            comment = moderators.comment(comment_id, db)
            if comment is None:
                raise NotFoundError(f"no comment {comment_id}")
            author_id = comment["author_id"]
            decision = None
            if verdict:
                reasons = [{"rule": f"moderator-{action}", "category": "moderator", "severity": "info", "action": verdict,
                            "start": None, "end": None, "evidence": "", "explanation": note or f"A moderator chose to {action}.",
                            "clause": "in the sole discretion of the site moderator", "ban": action == "ban", "strike": False}]
                decision = store.record_decision(db, comment_id, comment["revision"], verdict, decided_by, rules_version, reasons, False, action == "ban", stamp)
                decisions.append(decision)
            if action == "ban" and store.active_ban(author_id, stamp, db) is None:
                expires = iso(now + timedelta(days=ban_days)) if ban_days else None
                store.record_ban(db, author_id, note or "banned by a moderator", decided_by, comment_id, stamp, expires)
            if action == "unban":
                store.lift_bans(db, author_id, decided_by, stamp)
            moderators.record_audit(db, moderator, action, comment_id, author_id, note, stamp)
            moderators.enqueue(db, "comment.reviewed" if verdict else "author.unbanned", {
                "comment_id": comment_id,
                "revision": comment["revision"],
                "action": verdict,
                "decision_id": decision.id if decision else None,
                "author_id": author_id,
                "author_banned": action == "ban",
                "decided_by": decided_by,
            }, stamp)
    return decisions


def period_start(days: str | None, now: datetime) -> tuple[int, str]:
    """The number of days asked for (30 when none) and the moment they start, for the numbers."""
    if days is None or days == "":
        count = 30
    elif days.isascii() and days.isdigit() and 1 <= int(days) <= MAX_PERIOD_DAYS:
        # ASCII only: str.isdigit is true of "²" and "①", which int() refuses (a 500,
        # issue #11), and of "٣" and "１", which it reads as 3 and 1.
        count = int(days)
    else:
        raise FieldError(f"must be a whole number of days, from 1 to {MAX_PERIOD_DAYS}", field="days")
    return count, iso(now - timedelta(days=count))
