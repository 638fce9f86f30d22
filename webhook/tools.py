"""The review queue as JSON for tools (blueprint `tools`): bearer-token access to the queue and decisions."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone

from flask import Blueprint, Flask, current_app, g, jsonify, request

from .errors import FieldError, MalformedError, ProblemError
from .ingest import iso
from .review import review

tools = Blueprint("tools", __name__)


class UnauthorizedError(ProblemError):
    status, title = 401, "Sign-in required"


def hash_token(token: str) -> str:
    """Tokens are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(moderators, name: str, now: str) -> str:
    """A new bearer token for a moderator (shown once, stored hashed)."""
    token = "mod_" + secrets.token_urlsafe(32)
    moderators.add_token(hash_token(token), name, now)
    return token


def _now() -> datetime:
    return datetime.fromtimestamp(current_app.config["MODERATION_CLOCK"](), tz=timezone.utc)


@tools.before_request
def require_token():
    """Every tool call needs `Authorization: Bearer <token>`."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise UnauthorizedError("send Authorization: Bearer <token> (issue one with `moderation user token NAME`)")
    owner = current_app.extensions["moderation.moderators"].token_owner(hash_token(header[7:].strip()))
    if owner is None:
        raise UnauthorizedError("unknown token")
    g.moderator = owner


@tools.get("/v1/queue")
def queue():
    """Held comments, oldest first, with reasons and the author's history."""
    moderators = current_app.extensions["moderation.moderators"]
    items = moderators.queue(request.args.get("category") or None, request.args.get("article") or None)
    now = iso(_now())
    for item in items:
        item["author"] = moderators.author_summary(item["author_id"], now)
    return jsonify({"items": items})


@tools.post("/v1/comments/<comment_id>/review")
def review_comment(comment_id: str):
    """Approve, reject, ban or unban, as the token's moderator."""
    try:
        body = json.loads(request.get_data() or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedError(f"the body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise FieldError("the body must be a JSON object", field="$")
    ban_days = body.get("ban_days")
    if ban_days is not None and (isinstance(ban_days, bool) or not isinstance(ban_days, int) or ban_days < 1):
        raise FieldError("must be a whole number of days, 1 or more", field="ban_days")
    note = body.get("note", "")
    if not isinstance(note, str):
        raise FieldError("must be a string", field="note")
    app = current_app
    decision = review(app.extensions["moderation.moderators"], comment_id, body.get("action"), g.moderator, _now(), note, ban_days,
                      app.extensions["moderation.engine"].rules_version)
    return jsonify({"decision_id": decision.id, "comment_id": comment_id, "action": decision.action, "decided_by": decision.decided_by})


def init_app(app: Flask) -> None:
    """Register the tools' endpoints."""
    app.register_blueprint(tools)
