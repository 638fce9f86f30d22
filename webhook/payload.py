"""Validate the JSON a platform posts: every wrong field is named in a 422."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import datetime

from .errors import FieldError, MalformedError

MAX_ID = 200
MAX_TEXT = 100_000
# SQLite integers are 64-bit; anything near that is no revision number but a 500 waiting to happen.
MAX_REVISION = 2**31 - 1


def read_json(raw: bytes) -> object:
    """JSON by the standard library, every failure a 400 that says why."""
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise MalformedError(f"the body is not valid JSON: {error}") from None
    except ValueError:
        # Python reads at most 4,300 digits into an integer (issue #11: a longer one was a 500).
        raise MalformedError("the body has a number too long to read (at most 4,300 digits)") from None


def comment_from_json(data: object) -> dict:
    """A checked comment: id, revision (None: the `edited` flag decides), body, parent_id, created_at, article, author."""
    if not isinstance(data, dict):
        raise FieldError("the body must be a JSON object", field="$")
    comment = {
        "id": _identifier(data, "id"),
        "revision": _revision(data),
        "body": _text(data, "body", MAX_TEXT, required=True),
        "parent_id": _identifier(data, "parent_id", required=False),
        "created_at": _moment(data, "created_at"),
    }
    comment["body_hash"] = hashlib.sha256(comment["body"].encode("utf-8")).hexdigest()
    article = data.get("article")
    if not isinstance(article, dict):
        raise FieldError("must be an object with an id (and title and text, unless registered)", field="article")
    comment["article"] = {
        "id": _identifier(article, "id", prefix="article."),
        "title": _text(article, "title", 1_000, required=False, prefix="article."),
        "text": _text(article, "text", MAX_TEXT, required=False, prefix="article."),
    }
    comment["article_id"] = comment["article"]["id"]
    author = data.get("author")
    if not isinstance(author, dict):
        raise FieldError("must be an object with an id", field="author")
    comment["author"] = {
        "id": _identifier(author, "id", prefix="author."),
        "display_name": _text(author, "display_name", 200, required=False, prefix="author."),
        "email_hash": _text(author, "email_hash", 200, required=False, prefix="author."),
        "ip": _ip(author),
    }
    return comment


def article_from_json(data: object) -> dict:
    """A checked article registration: title and text."""
    if not isinstance(data, dict):
        raise FieldError("the body must be a JSON object", field="$")
    return {"title": _text(data, "title", 1_000, required=True), "text": _text(data, "text", MAX_TEXT, required=True)}


def check_identifier(value: str, field: str) -> str:
    """An id from a URL path, held to the same rules as one in a body."""
    return _identifier({field: value}, field)


def _identifier(data: dict, key: str, required: bool = True, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID or not _encodable(value):
        raise FieldError(f"must be a non-empty string of at most {MAX_ID} characters", field=prefix + key)
    return value


def _text(data: dict, key: str, limit: int, required: bool, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise FieldError("must be a non-empty string" if required else "must be a string", field=prefix + key)
    if len(value) > limit:
        raise FieldError(f"must be at most {limit} characters", field=prefix + key)
    if not _encodable(value):
        # JSON may carry a lone surrogate ("\ud800"); it is no text and cannot be stored.
        raise FieldError("must be valid Unicode text (no lone surrogate escapes)", field=prefix + key)
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _revision(data: dict) -> int | None:
    edited = data.get("edited", False)
    if not isinstance(edited, bool):
        raise FieldError("must be true or false", field="edited")
    if "revision" not in data or data["revision"] is None:
        # A platform that only flags edits: the store numbers the revisions by body.
        return None if edited else 1
    value = data["revision"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REVISION:
        raise FieldError(f"must be a whole number from 1 (the first version) to {MAX_REVISION}, higher for each edit", field="revision")
    return value


def _moment(data: dict, key: str) -> str | None:
    value = _text(data, key, 64, required=False)
    if value is None:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise FieldError("must be an ISO 8601 time, e.g. 2026-11-23T12:00:00Z", field=key) from None
    return value


def _ip(author: dict) -> str | None:
    value = _text(author, "ip", 64, required=False, prefix="author.")
    if value is None:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise FieldError("must be an IPv4 or IPv6 address", field="author.ip") from None
