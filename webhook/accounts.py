"""Moderators' credentials: hashed passwords for the pages, hashed bearer tokens for the tools."""

from __future__ import annotations

import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from .store import ModeratorStore

MIN_PASSWORD = 8
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
