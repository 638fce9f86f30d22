"""Decide one posted comment: replay, refuse the banned, run the engine, count strikes, ban, store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from moderation import Article, Comment, Engine

from .errors import ConflictError, FieldError, RateLimitedError
from .store import Store, StoredDecision

AUTHOR_BANNED = {
    "rule": "author_banned",
    "category": "author_banned",
    "severity": "severe",
    "action": "reject",
    "start": None,
    "end": None,
    "evidence": "",
    "explanation": "The author is banned; the comment was refused without being read.",
    "clause": "will be banned without further notice in the sole discretion of the site moderator",
    "ban": False,
    "strike": False,
}


NEW_AUTHOR = {
    "rule": "new-author",
    "category": "new_author",
    "severity": "info",
    "action": "hold",
    "start": None,
    "end": None,
    "evidence": "",
    "explanation": "The author has no approved comment yet; the policy holds first comments for a moderator.",
    "clause": "All comments are subject to moderation",
    "ban": False,
    "strike": False,
}


@dataclass(frozen=True)
class Outcome:
    """What the platform is told about one posted comment."""

    decision: StoredDecision
    author_banned: bool
    replayed: bool


def iso(moment: datetime) -> str:
    """UTC ISO text, the form of every *_at column."""
    return moment.isoformat(timespec="microseconds")


def ingest(store: Store, engine: Engine, comment: dict, now: datetime, flood_limit: int = 0) -> Outcome:
    """Decide and store one comment revision, or replay the stored decision for a retry."""
    existing = store.find_revision(comment["id"], comment["revision"])
    if existing is not None:
        if existing["body_hash"] != comment["body_hash"]:
            raise ConflictError(f"revision {comment['revision']} of comment {comment['id']} was already received with a different body")
        decision = store.latest_decision(comment["id"], comment["revision"])
        author_id = comment["author"]["id"]
        return Outcome(decision, store.active_ban(author_id, iso(now)) is not None, replayed=True)
    author_id = comment["author"]["id"]
    if flood_limit and store.count_recent_comments(author_id, iso(now - timedelta(minutes=1))) >= flood_limit:
        raise RateLimitedError(f"author {author_id} sent more than {flood_limit} comments in a minute", headers={"Retry-After": "60"})
    article = _article(store, comment)
    stamp = iso(now)
    if store.active_ban(author_id, stamp) is not None:
        # Refused at the door: the engine does not run for a banned author.
        with store.transaction() as db:
            store.record_comment(db, comment, stamp)
            decision = store.record_decision(db, comment["id"], comment["revision"], "reject", "policy", engine.rules_version, [AUTHOR_BANNED], False, False, stamp)
        return Outcome(decision, author_banned=True, replayed=False)
    verdict = engine.evaluate(Comment(text=comment["body"], id=comment["id"], article=article, author=author_id))
    reasons = [reason.to_dict() for reason in verdict.reasons]
    policy = engine.author_policy
    action = verdict.action
    if policy.hold_new_authors and action == "approve" and not store.has_approved_comment(author_id):
        # As Coral and WordPress can: a first comment waits for a moderator.
        reasons.append(NEW_AUTHOR)
        action = "hold"
    ban_reason = None
    if verdict.ban:
        ban_reason = "the policy bans at once for: " + ", ".join(r.rule for r in verdict.reasons if r.ban)
    elif verdict.strike and policy.strike_limit:
        since = iso(now - timedelta(days=policy.strike_window_days))
        strikes = store.count_strikes(author_id, since) + 1
        if strikes >= policy.strike_limit:
            ban_reason = f"{strikes} strikes in {policy.strike_window_days} days"
    expires = iso(now + timedelta(days=policy.ban_days)) if policy.ban_days else None
    with store.transaction() as db:
        store.record_comment(db, comment, stamp)
        decision = store.record_decision(
            db, comment["id"], comment["revision"], action, "engine", verdict.rules_version, reasons, verdict.strike, verdict.ban, stamp
        )
        if ban_reason:
            store.record_ban(db, author_id, ban_reason, "engine", comment["id"], stamp, expires)
    return Outcome(decision, author_banned=ban_reason is not None, replayed=False)


def _article(store: Store, comment: dict) -> Article | None:
    given = comment["article"]
    if given.get("title") is not None or given.get("text") is not None:
        return Article(title=given.get("title") or "", text=given.get("text") or "")
    registered = store.get_article(given["id"])
    if registered is None:
        raise FieldError(f"article {given['id']} is not registered: send its title and text, or PUT /v1/articles/{given['id']} first", field="article")
    return Article(title=registered["title"], text=registered["text"])
