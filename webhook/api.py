"""The platform's side: signed comment ingest, article registration and comment state (blueprint `api`)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import orjson
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.routing import PathConverter

from .clock import app_now, moment
from .errors import NotFoundError, SignatureError, UnsupportedMediaError
from .ingest import Delivery, Outcome, ingest, iso
from .payload import article_from_json, check_identifier, comment_from_json, read_json
from .signing import verify
from .store import REMEMBER_SECONDS

api = Blueprint("api", __name__)
NOSNIFF = (("X-Content-Type-Options", "nosniff"),)


def _verify_signature(config=None, now: float | None = None) -> tuple[bytes, str]:
    """The raw body and its webhook-id, once its Standard Webhooks signature checks out (else 401)."""
    raw = request.get_data(cache=True)
    if config is None:
        config = current_app.config
    if now is None:
        now = config["MODERATION_CLOCK"]()
    return raw, verify(request.headers, raw, config["MODERATION_WEBHOOK_SECRETS"], now)


def _delivery(webhook_id: str, raw: bytes) -> Delivery:
    """The delivery a request is: its webhook-id, and a hash of what it asks for.

    The signature covers the id, the time and the body, not the method or the
    path (Standard Webhooks): hashing them in too makes a captured GET, replayed
    under its id for another comment, a reused id like any other (401).
    """
    target = request.path + ("?" + request.query_string.decode("latin-1") if request.query_string else "")
    return Delivery(webhook_id, hashlib.sha256(f"{request.method} {target}\n".encode() + raw).hexdigest())


def _signed_json(config=None, now: float | None = None) -> tuple[object, Delivery]:
    """The request body and its delivery, after its signature is checked (401) and it is read as JSON (415, 400)."""
    raw, webhook_id = _verify_signature(config, now)
    delivery = _delivery(webhook_id, raw)
    if request.mimetype != "application/json":
        raise UnsupportedMediaError("send the body as application/json")
    try:
        return orjson.loads(raw), delivery
    except orjson.JSONDecodeError:
        pass
    # orjson refuses what the standard library reads (a lone surrogate escape, a
    # number beyond 64 bits, NaN): those are read again, to be named in a 422
    # by the field checks, and anything else gets the standard library's message.
    return read_json(raw), delivery



def _json(data: dict, status: int = 200) -> Response:
    # orjson straight into a Response: jsonify's provider and json.dumps cost ~20 us a request on the hot path.
    return Response(orjson.dumps(data), status=status, content_type="application/json", headers=NOSNIFF)


@api.post("/v1/comments")
def post_comment():
    """Moderate one comment revision and answer with the verdict the platform acts on."""
    # The app and the clock looked up once: each use of the current_app proxy costs a lookup.
    app = current_app._get_current_object()
    config = app.config
    now = config["MODERATION_CLOCK"]()
    data, delivery = _signed_json(config, now)
    comment = comment_from_json(data)
    outcome = ingest(app.extensions["moderation.store"], app.extensions["moderation.engine"], comment, moment(now), config["MODERATION_FLOOD_LIMIT"], delivery)
    response = _json(_verdict(outcome))
    if outcome.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@api.put("/v1/articles/<article_id>")
def put_article(article_id: str):
    """Register (or update) an article so comments can refer to it by id."""
    data, delivery = _signed_json()
    article = article_from_json(data)
    check_identifier(article_id, "id")
    now = app_now()
    if not current_app.extensions["moderation.store"].save_article(article_id, article["title"], article["text"], iso(now), delivery.webhook_id,
                                                                   delivery.body_hash, iso(now - timedelta(seconds=REMEMBER_SECONDS))):
        raise SignatureError(f"webhook-id {delivery.webhook_id!r} was already used for another body: a new message needs a new id")
    return _json({"id": article_id, "title": article["title"]})


class CommentIdConverter(PathConverter):
    """A comment id in a URL: any characters a body may carry, slashes and line breaks too.

    A body may name a comment "2026/11/c1" or put a line break in its id, so the
    URL must reach it (issue #11): werkzeug's `path` stops at no slash but its
    `.` stops at a line break. Slashes are not merged either ("a//b" stays itself).
    """

    regex = "(?s:[^/].*?)"


@api.get("/v1/comments/<comment_id:comment_id>", merge_slashes=False)
def get_comment(comment_id: str):
    """The current state of a comment and its decision history, for a platform that polls."""
    raw, webhook_id = _verify_signature()
    store = current_app.extensions["moderation.store"]
    delivery, now = _delivery(webhook_id, raw), app_now()
    if not store.remember_delivery(delivery.webhook_id, delivery.body_hash, iso(now), iso(now - timedelta(seconds=REMEMBER_SECONDS))):
        raise SignatureError(f"webhook-id {webhook_id!r} was already used for another request: a new message needs a new id")
    history = store.history(comment_id)
    if not history:
        raise NotFoundError(f"no comment {comment_id}")
    latest = history[-1]
    return _json({
        "comment_id": comment_id,
        "revision": latest.revision,
        "action": latest.action,
        "decision_id": latest.id,
        "decided_by": latest.decided_by,
        "reasons": latest.reasons,
        "rules_version": latest.rules_version,
        "history": [
            {"decision_id": d.id, "revision": d.revision, "action": d.action, "decided_by": d.decided_by, "decided_at": d.decided_at,
             "rules_version": d.rules_version, "rules": [r["rule"] for r in d.reasons]}
            for d in history
        ],
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
    app.url_map.converters["comment_id"] = CommentIdConverter
    app.register_blueprint(api)
