"""Moderators' credentials: hashed passwords for the pages, hashed bearer tokens for the tools."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.security import check_password_hash, generate_password_hash

from .store import ModeratorStore

MIN_PASSWORD = 8
# Failed sign-ins counted over this window: past either limit, sign-in waits
# even with the right password (issue #11: 100 wrong passwords in 10 s, then
# the right one signed in). A name's failures are forgotten when it signs in.
SIGN_IN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 10
MAX_FAILURES_PER_CLIENT = 30
_dummy_hash: list[str] = []


class PasswordError(ValueError):
    """A password too short to accept."""


def add_moderator(moderators: ModeratorStore, name: str, password: str, now: str) -> None:
    """Create a moderator, or reset their password (stored hashed, werkzeug's scrypt)."""
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"the password needs at least {MIN_PASSWORD} characters")
    moderators.add_moderator(name, generate_password_hash(password), now)


def check_sign_in(moderators: ModeratorStore, name: str, password: str) -> str | None:
    """The moderator's name if the password matches, else None."""
    moderator = moderators.moderator(name)
    if moderator is None:
        # Check against a hash anyway, so a wrong name costs as long as a wrong password
        # (made on first use: scrypt costs ~0.1 s, too much for every worker's start).
        if not _dummy_hash:
            _dummy_hash.append(generate_password_hash("no such moderator"))
        check_password_hash(_dummy_hash[0], password)
        return None
    return moderator["name"] if check_password_hash(moderator["password_hash"], password) else None


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the moderator's name, or None; `retry_after` seconds when attempts are throttled."""

    moderator: str | None
    retry_after: int = 0


def sign_in(moderators: ModeratorStore, name: str, password: str, client: str, now: datetime) -> SignIn:
    """Check a sign-in against the password and the recent failures of this name and this client address."""
    since = now - SIGN_IN_WINDOW
    by_name, by_client = moderators.count_sign_in_failures(name, client, since.isoformat())
    if by_name >= MAX_FAILURES_PER_NAME or by_client >= MAX_FAILURES_PER_CLIENT:
        # The oldest failure in the window leaves it at the latest by then; a full window is the honest upper bound.
        return SignIn(None, retry_after=int(SIGN_IN_WINDOW.total_seconds()))
    moderator = check_sign_in(moderators, name, password)
    if moderator is None:
        moderators.record_sign_in_failure(name, client, now.isoformat(), forget_before=(now - 4 * SIGN_IN_WINDOW).isoformat())
    elif by_name:
        moderators.clear_sign_in_failures(moderator)
    return SignIn(moderator)


def hash_token(token: str) -> str:
    """Tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue_token(moderators: ModeratorStore, name: str, now: str) -> str:
    """A new bearer token for a moderator (shown once, stored hashed)."""
    token = "mod_" + secrets.token_urlsafe(32)
    moderators.add_token(hash_token(token), name, now)
    return token


def token_owner(moderators: ModeratorStore, token: str) -> str | None:
    """The moderator a bearer token was issued to, or None."""
    return moderators.token_owner(hash_token(token))
