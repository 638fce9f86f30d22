"""Decide one posted comment: replay, refuse the banned, run the engine, count strikes, ban, store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from moderation import Article, Comment, Engine

from .errors import ConflictError, FieldError, RateLimitedError, SignatureError, UnavailableError
from .store import REMEMBER_SECONDS, AlreadyStoredError, Store, StoredDecision

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

# How often to start over when a concurrent request stores the same comment first.
RACE_RETRIES = 3


@dataclass(frozen=True)
class Delivery:
    """A signed request as the platform sent it: its webhook-id and the SHA-256 of its raw body."""

    webhook_id: str
    body_hash: str


@dataclass(frozen=True)
class Outcome:
    """What the platform is told about one posted comment."""

    decision: StoredDecision
    author_banned: bool
    replayed: bool


def iso(moment: datetime) -> str:
    """UTC ISO text, the form of every *_at column."""
    return moment.isoformat(timespec="microseconds")


def ingest(store: Store, engine: Engine, comment: dict, now: datetime, flood_limit: int = 0, delivery: Delivery | None = None) -> Outcome:
    """Decide and store one comment revision, or replay the stored decision for a retry.

    `delivery` is the signed request's webhook-id and body hash: an id that
    came before with another body is refused (401), as a replay.
    """
    for _ in range(RACE_RETRIES):
        try:
            return _ingest_once(store, engine, comment, now, flood_limit, delivery)
        except AlreadyStoredError:
            # Another worker stored this revision between our read and our write
            # (the platform retried at once): start over, which replays it.
            continue
    # Not a conflict of the platform's making: a 503 says to send it again.
    raise UnavailableError(f"comment {comment['id']} changed while it was being stored; send it again", headers={"Retry-After": "1"})


def _ingest_once(store: Store, engine: Engine, comment: dict, now: datetime, flood_limit: int, delivery: Delivery | None) -> Outcome:
    stamp = iso(now)
    author_id = comment["author"]["id"]
    numbered_here = comment["revision"] is None
    revision = comment["revision"] or _next_revision(store, comment)
    comment = {**comment, "revision": revision}
    flood_since = iso(now - timedelta(minutes=1)) if flood_limit else None
    known = store.recall(comment, stamp, flood_since, delivery.webhook_id if delivery else None)
    conflict = known.stored_body_hash not in (None, comment["body_hash"]) and not numbered_here
    if delivery and known.delivery_body_hash not in (None, delivery.body_hash):
        # A reused id is refused as a replay (401) before anything else is said;
        # the message also names the conflict a platform deriving ids from the
        # comment and revision has made.
        raise _replayed(delivery, f"revision {revision} of comment {comment['id']} was already received with another body" if conflict else "")
    if conflict:
        raise ConflictError(f"revision {revision} of comment {comment['id']} was already received with a different body")
    if known.stored_body_hash == comment["body_hash"]:
        decision = store.latest_decision(comment["id"], revision)
        banned = known.author_banned if known.stored_author_id == author_id else store.active_ban(known.stored_author_id, stamp) is not None
        return Outcome(decision, banned, replayed=True)
    # (An `edited` comment whose number another edit took meanwhile is numbered again under the writers' lock.)
    if flood_limit and known.recent_comments >= flood_limit:
        raise RateLimitedError(f"author {author_id} sent more than {flood_limit} comments in a minute", headers={"Retry-After": "60"})
    if known.author_banned:
        # Refused at the door: the engine does not read a banned author's comment (issue #3).
        with store.transaction() as db:
            if numbered_here:
                comment = _renumbered(store, comment)
            _remember(store, db, delivery, now)
            store.record_comment(db, comment, stamp)
            decision = store.record_decision(db, comment["id"], comment["revision"], "reject", "engine", engine.rules_version, [AUTHOR_BANNED], False, False, stamp)
        return Outcome(decision, author_banned=True, replayed=False)
    # The engine is pure and takes ~100-200 us: it runs before the write lock is
    # taken, so the other workers keep writing meanwhile.
    article = _article(store, comment, known.article_version)
    verdict = engine.evaluate(Comment(text=comment["body"], id=comment["id"], article=article, author=author_id, parent_id=comment.get("parent_id")))
    reasons = [reason.to_dict() for reason in verdict.reasons]
    policy = engine.author_policy
    with store.transaction() as db:
        if numbered_here:
            comment = _renumbered(store, comment)
            revision = comment["revision"]
        _remember(store, db, delivery, now)
        if store.active_ban(author_id, stamp, db) is not None:
            # Banned by another worker (or a moderator) while the engine read this
            # comment: the ban wins, as if it had come first.
            store.record_comment(db, comment, stamp)
            decision = store.record_decision(db, comment["id"], revision, "reject", "engine", engine.rules_version, [AUTHOR_BANNED], False, False, stamp)
            return Outcome(decision, author_banned=True, replayed=False)
        if comment["article"]["text"] is not None:
            store.save_article_if_changed(db, comment["article"], stamp)
        action = verdict.action
        if policy.hold_new_authors and action == "approve" and not store.has_approved_comment(author_id, db):
            # As Coral and WordPress can: a first comment waits for a moderator.
            reasons.append(NEW_AUTHOR)
            action = "hold"
        ban_reason = None
        if verdict.ban:
            ban_reason = "the policy bans at once for: " + ", ".join(dict.fromkeys(r.rule for r in verdict.reasons if r.ban))
        elif verdict.strike and policy.strike_limit:
            # Counted inside the write transaction, so two strikes at once from two workers both count.
            strikes = store.count_strikes(author_id, iso(now - timedelta(days=policy.strike_window_days)), db) + 1
            if strikes >= policy.strike_limit:
                ban_reason = f"{strikes} strikes in {policy.strike_window_days} days"
        store.record_comment(db, comment, stamp, author_unchanged=known.author_unchanged)
        decision = store.record_decision(db, comment["id"], revision, action, "engine", verdict.rules_version, reasons, verdict.strike, verdict.ban, stamp)
        if ban_reason:
            expires = iso(now + timedelta(days=policy.ban_days)) if policy.ban_days else None
            store.record_ban(db, author_id, ban_reason, "engine", comment["id"], stamp, expires)
    return Outcome(decision, author_banned=ban_reason is not None, replayed=False)


def _next_revision(store: Store, comment: dict) -> int:
    """For a platform that sends `edited` instead of numbers: the latest revision again if the body is the same, else the next."""
    revisions = store.revisions(comment["id"])
    if not revisions:
        return 1
    latest = revisions[-1]
    return latest["revision"] if latest["body_hash"] == comment["body_hash"] else latest["revision"] + 1


def _remember(store: Store, db, delivery: Delivery | None, now: datetime) -> None:
    """Record the delivery inside the comment's transaction; another body under its id came first: refuse."""
    if delivery and not store.record_delivery(db, delivery.webhook_id, delivery.body_hash, iso(now),
                                              iso(now - timedelta(seconds=REMEMBER_SECONDS))):
        raise _replayed(delivery)


def _replayed(delivery: Delivery, also: str = "") -> SignatureError:
    detail = f"webhook-id {delivery.webhook_id!r} was already used for another body: a new message needs a new id"
    return SignatureError(detail + (f"; and {also}: an edit needs a new revision" if also else ""))


def _renumbered(store: Store, comment: dict) -> dict:
    """Inside the write transaction: the revision number an `edited` comment takes now that no one else can write.

    Numbered before the engine ran, two edits sent at once took the same next
    number and one got a 409 (issue #11: 2-4 of 50 concurrent edits). Under the
    writers' lock the number is read again; if the same body was stored
    meanwhile, this is a retry and starts over to replay it.
    """
    revision = _next_revision(store, comment)
    latest = store.find_revision(comment["id"], revision)
    if latest is not None:
        raise AlreadyStoredError(f"{comment['id']} revision {revision}")
    return {**comment, "revision": revision} if revision != comment["revision"] else comment


def _article(store: Store, comment: dict, version: int | None) -> Article:
    given = comment["article"]
    if given["text"] is not None:
        return Article(title=given["title"] or "", text=given["text"])
    registered = store.get_article(given["id"], version) if version is not None else None
    if registered is not None:
        return Article(title=registered[0], text=registered[1])
    if given["title"] is not None:
        return Article(title=given["title"], text="")
    raise FieldError(f"article {given['id']} is not registered: send its title and text, or PUT /v1/articles/{given['id']} first", field="article")
