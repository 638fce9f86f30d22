"""Moderators' decisions: new decision rows, audit entries and callbacks for the platform, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import ConflictError, FieldError, NotFoundError
from .ingest import iso
from .store import ModeratorStore, StoredDecision

ACTIONS = ("approve", "reject", "ban", "unban")
# The periods the numbers page offers, in days; any whole number up to ten years is accepted.
PERIODS = (1, 7, 30, 365)
MAX_PERIOD_DAYS = 3650
# What each action leaves the comment as; unban lifts the author's bans and decides nothing.
VERDICTS = {"approve": "approve", "reject": "reject", "ban": "reject", "unban": None}
# The moderators' decisions an undo reverses (issue #10), by the rule their reason names.
UNDOABLE = {"moderator-approve": "approve", "moderator-reject": "reject", "moderator-ban": "ban"}
UNDO_RULE = "moderator-undo"


@dataclass(frozen=True)
class Undone:
    """One reversed decision: the new decision that restores the comment, the one it reverses, the ban it lifted."""

    decision: StoredDecision
    undid: StoredDecision
    author_id: str
    ban_lifted: int | None


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
            decision = ban_id = None
            if action == "ban" and store.active_ban(author_id, stamp, db) is None:
                expires = iso(now + timedelta(days=ban_days)) if ban_days else None
                ban_id = store.record_ban(db, author_id, note or "banned by a moderator", decided_by, comment_id, stamp, expires)
            if verdict:
                reasons = [{"rule": f"moderator-{action}", "category": "moderator", "severity": "info", "action": verdict,
                            "start": None, "end": None, "evidence": "", "explanation": note or f"A moderator chose to {action}.",
                            "clause": "in the sole discretion of the site moderator", "ban": action == "ban", "strike": False}]
                if action == "ban":
                    # The ban this decision made (None: the author was banned already), so an undo lifts that one only.
                    reasons[0]["ban_id"] = ban_id
                decision = store.record_decision(db, comment_id, comment["revision"], verdict, decided_by, rules_version, reasons, False, action == "ban", stamp)
                decisions.append(decision)
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


def undo(moderators: ModeratorStore, decision_ids: list[int], moderator: str, now: datetime) -> list[Undone]:
    """Reverse moderators' approvals, rejections and bans (all or none): each comment gets a new decision restoring the one before.

    Nothing is edited or deleted (issue #10): the restoring decision copies the
    verdict, reasons and rules version it replaced, a ban the reversed decision
    made is lifted (never one made before it), and the audit log and the
    callback outbox are told as for any moderator's decision. A comment decided
    again since cannot be undone (409): the newer decision stands.
    """
    if not decision_ids:
        raise FieldError("name at least one decision to undo", field="decision_id")
    store = moderators.store
    stamp = iso(now)
    decided_by = f"moderator:{moderator}"
    undone = []
    with store.transaction() as db:
        for decision_id in dict.fromkeys(decision_ids):
            decision = store.find_decision(decision_id, db)
            if decision is None:
                raise NotFoundError(f"no decision {decision_id}")
            reason = next((r for r in decision.reasons if r.get("rule") in UNDOABLE), None)
            if not decision.decided_by.startswith("moderator:") or reason is None:
                raise FieldError(f"decision {decision_id} is not a moderator's approve, reject or ban: it cannot be undone", field="decision_id")
            before, newest = store.decisions_around(decision, db)
            if not newest:
                raise ConflictError(f"comment {decision.comment_id} was decided again after decision {decision_id}: nothing was undone")
            if before is None:
                raise ConflictError(f"comment {decision.comment_id} has no decision before {decision_id} to go back to: nothing was undone")
            comment = moderators.comment(decision.comment_id, db)
            author_id = comment["author_id"]
            undid = UNDOABLE[reason["rule"]]
            lifted = None
            # A ban decision names the ban it made; None there: the author was banned already, and that ban stays.
            if decision.ban and not ("ban_id" in reason and reason["ban_id"] is None):
                ban = store.made_ban(db, reason.get("ban_id"), decision.comment_id, decision.decided_by, decision.decided_at)
                if ban is not None and store.lift_ban(db, ban["id"], decided_by, stamp):
                    lifted = ban["id"]
            marker = {"rule": UNDO_RULE, "category": "moderator", "severity": "info", "action": before.action,
                      "start": None, "end": None, "evidence": "",
                      "explanation": f"A moderator undid the {undid} of decision {decision.id}" + (" and lifted the ban it made" if lifted else "") + ".",
                      "clause": "in the sole discretion of the site moderator", "ban": False, "strike": False,
                      "undoes": decision.id, "ban_lifted": lifted}
            reasons = [r for r in before.reasons if r.get("rule") != UNDO_RULE] + [marker]
            # An approval overturned the strike the engine gave (count_strikes skips
            # strikes approved later): undoing it gives the strike back, once.
            strike = before.strike and undid == "approve"
            restored = store.record_decision(db, decision.comment_id, decision.revision, before.action, decided_by, before.rules_version,
                                             reasons, strike, False, stamp)
            moderators.record_audit(db, moderator, "undo", decision.comment_id, author_id,
                                    f"undid {undid} (decision {decision.id}): {before.action} again" + ("; the ban it made is lifted" if lifted else ""), stamp)
            moderators.enqueue(db, "comment.reviewed", {
                "comment_id": decision.comment_id,
                "revision": decision.revision,
                "action": before.action,
                "decision_id": restored.id,
                "author_id": author_id,
                "author_banned": store.active_ban(author_id, stamp, db) is not None,
                "decided_by": decided_by,
                "undoes": decision.id,
            }, stamp)
            undone.append(Undone(restored, decision, author_id, lifted))
    return undone


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
