"""The review queue as JSON for tools (blueprint `tools`): bearer-token access to the queue and decisions."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, jsonify, request

from .accounts import token_owner
from .api import CommentIdConverter
from .clock import app_now
from .errors import FieldError, UnauthorizedError
from .ingest import iso
from .payload import read_json
from .review import period_start, review

tools = Blueprint("tools", __name__)


@tools.before_request
def require_token():
    """Every tool call needs `Authorization: Bearer <token>`."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise UnauthorizedError("send Authorization: Bearer <token> (issue one with `moderation user token NAME`)",
                                headers={"WWW-Authenticate": "Bearer"})
    owner = token_owner(current_app.extensions["moderation.moderators"], header[7:].strip())
    if owner is None:
        raise UnauthorizedError("unknown token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    g.moderator = owner


@tools.get("/v1/queue")
def queue():
    """Held comments, oldest first, with reasons and the author's history."""
    moderators = current_app.extensions["moderation.moderators"]
    items = moderators.queue(request.args.get("category") or None, request.args.get("article") or None)
    now = iso(app_now())
    for item in items:
        item["author"] = moderators.author_summary(item["author_id"], now)
    return jsonify({"items": items})


@tools.get("/v1/numbers")
def numbers():
    """The numbers page as JSON: decisions over `days` (default 30), rule by rule, and the queue, bans and callbacks now."""
    now = app_now()
    days, since = period_start(request.args.get("days"), now)
    return jsonify({"days": days, **current_app.extensions["moderation.moderators"].numbers(since, iso(now))})


# Any id a body may carry, slashes and line breaks too, as for GET /v1/comments/<id> (api.py).
@tools.post("/v1/comments/<comment_id:comment_id>/review", merge_slashes=False)
def review_comment(comment_id: str):
    """Approve, reject, ban or unban, as the token's moderator."""
    body = read_json(request.get_data() or b"{}")
    if not isinstance(body, dict):
        raise FieldError("the body must be a JSON object", field="$")
    ban_days = body.get("ban_days")
    if ban_days is not None and (isinstance(ban_days, bool) or not isinstance(ban_days, int) or not 1 <= ban_days <= 36_500):
        raise FieldError("must be a whole number of days, from 1 to 36500", field="ban_days")
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > 2_000:
        raise FieldError("must be a string of at most 2000 characters", field="note")
    if not _encodable(note):
        # JSON may carry a lone surrogate ("\ud800"): no text, it cannot be stored (a 500, issue #11).
        raise FieldError("must be valid Unicode text (no lone surrogate escapes)", field="note")
    action = body.get("action")
    if not isinstance(action, str):
        raise FieldError("must be one of approve, reject, ban, unban", field="action")
    app = current_app
    decisions = review(app.extensions["moderation.moderators"], [comment_id], action, g.moderator, app_now(), note, ban_days,
                       app.extensions["moderation.engine"].rules_version)
    decision = decisions[0] if decisions else None
    return jsonify({
        "comment_id": comment_id,
        "review": action,
        "action": decision.action if decision else None,
        "decision_id": decision.id if decision else None,
        "decided_by": f"moderator:{g.moderator}",
    })


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def init_app(app: Flask) -> None:
    """Register the tools' endpoints."""
    app.url_map.converters["comment_id"] = CommentIdConverter
    app.register_blueprint(tools)
