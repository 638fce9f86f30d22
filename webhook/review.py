"""Moderators' decisions: a new decision row, an audit entry and a callback for the platform, in one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from .errors import FieldError, NotFoundError
from .ingest import iso
from .store import ModeratorStore, StoredDecision

ACTIONS = ("approve", "reject", "ban", "unban")


def review(moderators: ModeratorStore, comment_id: str, action: str, moderator: str, now: datetime,
           note: str = "", ban_days: int | None = None, rules_version: str = "") -> StoredDecision:
    """Record a moderator's verdict on a comment; `ban` also bans its author, `unban` lifts the author's bans."""
    if action not in ACTIONS:
        raise FieldError(f"must be one of {', '.join(ACTIONS)}", field="action")
    store = moderators.store
    comment = moderators.comment(comment_id)
    if comment is None:
        raise NotFoundError(f"no comment {comment_id}")
    stamp = iso(now)
    author_id = comment["author_id"]
    verdict = {"approve": "approve", "reject": "reject", "ban": "reject", "unban": None}[action]
    reasons = [{"rule": f"moderator-{action}", "category": "moderator", "severity": "info", "action": verdict or "approve",
                "start": None, "end": None, "evidence": "", "explanation": note or f"A moderator chose to {action}.",
                "clause": "in the sole discretion of the site moderator", "ban": action == "ban", "strike": False}]
    with store.transaction() as db:
        decision = None
        if verdict:
            decision = store.record_decision(db, comment_id, comment["revision"], verdict, f"moderator:{moderator}", rules_version, reasons, False, action == "ban", stamp)
        if action == "ban":
            expires = iso(now + timedelta(days=ban_days)) if ban_days else None
            store.record_ban(db, author_id, note or "banned by a moderator", f"moderator:{moderator}", comment_id, stamp, expires)
        if action == "unban":
            moderators.lift_bans(db, author_id, f"moderator:{moderator}", stamp)
        moderators.record_audit(db, moderator, action, comment_id, author_id, note, stamp)
        moderators.enqueue(db, "comment.reviewed" if verdict else "author.unbanned", {
            "comment_id": comment_id,
            "revision": comment["revision"],
            "action": verdict,
            "decision_id": decision.id if decision else None,
            "author_id": author_id,
            "author_banned": action == "ban",
            "decided_by": f"moderator:{moderator}",
        }, stamp)
    return decision or store.latest_decision(comment_id)
