"""Validate the JSON a platform posts: every wrong field is named in a 422."""

from __future__ import annotations

import hashlib

from .errors import FieldError

MAX_ID = 200
MAX_TEXT = 100_000


def comment_from_json(data: object) -> dict:
    """A checked comment: id, revision, body, parent_id, created_at, article (id, title?, text?), author."""
    if not isinstance(data, dict):
        raise FieldError("the body must be a JSON object", field="$")
    comment = {
        "id": _identifier(data, "id"),
        "revision": _revision(data),
        "body": _text(data, "body", MAX_TEXT, required=True),
        "parent_id": _identifier(data, "parent_id", required=False),
        "created_at": _text(data, "created_at", 64, required=False),
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
        "ip": _text(author, "ip", 64, required=False, prefix="author."),
    }
    return comment


def article_from_json(data: object) -> dict:
    """A checked article registration: title and text."""
    if not isinstance(data, dict):
        raise FieldError("the body must be a JSON object", field="$")
    return {"title": _text(data, "title", 1_000, required=True), "text": _text(data, "text", MAX_TEXT, required=True)}


def _identifier(data: dict, key: str, required: bool = True, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
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
    return value


def _revision(data: dict) -> int:
    value = data.get("revision", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FieldError("must be a whole number, 1 for the first version and higher for each edit", field="revision")
    return value
