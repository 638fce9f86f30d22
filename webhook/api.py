"""The platform's side: signed comment ingest, article registration and comment state (blueprint `api`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Blueprint, Flask, current_app, jsonify, request

from .errors import MalformedError, NotFoundError, UnsupportedMediaError
from .ingest import Outcome, ingest, iso
from .payload import article_from_json, comment_from_json
from .signing import verify

api = Blueprint("api", __name__)


def _now() -> datetime:
    return datetime.fromtimestamp(current_app.config["MODERATION_CLOCK"](), tz=timezone.utc)


def _signed_json() -> object:
    """The request body, after its signature is checked (401) and it is read as JSON (415, 400)."""
    raw = request.get_data(cache=True)
    verify(request.headers, raw, current_app.config["MODERATION_WEBHOOK_SECRETS"], current_app.config["MODERATION_CLOCK"]())
    if request.mimetype != "application/json":
        raise UnsupportedMediaError("send the body as application/json")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedError(f"the body is not valid JSON: {error}") from None


@api.post("/v1/comments")
def post_comment():
    """Moderate one comment revision and answer with the verdict the platform acts on."""
    comment = comment_from_json(_signed_json())
    app = current_app
    outcome = ingest(app.extensions["moderation.store"], app.extensions["moderation.engine"], comment, _now(), app.config["MODERATION_FLOOD_LIMIT"])
    response = jsonify(_verdict(outcome))
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.put("/v1/articles/<article_id>")
def put_article(article_id: str):
    """Register (or update) an article so comments can refer to it by id."""
    article = article_from_json(_signed_json())
    current_app.extensions["moderation.store"].save_article(article_id, article["title"], article["text"], iso(_now()))
    return jsonify({"id": article_id, "title": article["title"]})


@api.get("/v1/comments/<comment_id>")
def get_comment(comment_id: str):
    """The current state of a comment and its decision history, for a platform that polls."""
    verify(request.headers, request.get_data(), current_app.config["MODERATION_WEBHOOK_SECRETS"], current_app.config["MODERATION_CLOCK"]())
    store = current_app.extensions["moderation.store"]
    history = store.history(comment_id)
    if not history:
        raise NotFoundError(f"no comment {comment_id}")
    latest = history[-1]
    return jsonify({
        "comment_id": comment_id,
        "revision": latest.revision,
        "action": latest.action,
        "decision_id": latest.id,
        "history": [{"decision_id": d.id, "revision": d.revision, "action": d.action, "decided_by": d.decided_by, "decided_at": d.decided_at, "rules_version": d.rules_version} for d in history],
    })


def _verdict(outcome: Outcome) -> dict:
    decision = outcome.decision
    return {
        "decision_id": decision.id,
        "comment_id": decision.comment_id,
        "revision": decision.revision,
        "action": decision.action,
        "reasons": decision.reasons,
        "author_banned": outcome.author_banned,
        "rules_version": decision.rules_version,
        "decided_by": decision.decided_by,
    }


def init_app(app: Flask) -> None:
    """Register the platform's endpoints."""
    app.register_blueprint(api)
