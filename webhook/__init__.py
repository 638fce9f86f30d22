"""The webhook service: a Flask shell over the moderation engine, with SQLite storage."""

from __future__ import annotations

import os
import time

from flask import Flask

from moderation import Engine

from . import api, errors, review_pages, tools
from .store import ModeratorStore, Store

DEFAULT_DB = os.path.join("instance", "moderation.db")


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` (tests) overrides the MODERATION_* environment."""
    app = Flask(__name__)
    secrets = os.environ.get("MODERATION_WEBHOOK_SECRET", "")
    app.config.update(
        MODERATION_DB=os.environ.get("MODERATION_DB", DEFAULT_DB),
        MODERATION_WEBHOOK_SECRETS=[s for s in secrets.replace(",", " ").split() if s],
        MODERATION_RULES=os.environ.get("MODERATION_RULES") or None,
        MODERATION_FLOOD_LIMIT=int(os.environ.get("MODERATION_FLOOD_LIMIT", "20")),
        MODERATION_CLOCK=time.time,
        MAX_CONTENT_LENGTH=int(os.environ.get("MODERATION_MAX_BODY", str(256 * 1024))),
        # Every worker must sign sessions with the same key: `moderation serve` passes one.
        SECRET_KEY=os.environ.get("MODERATION_SECRET_KEY"),
    )
    if config:
        app.config.update(config)
    if app.config["MODERATION_DB"] != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(app.config["MODERATION_DB"])), exist_ok=True)
    app.extensions["moderation.engine"] = Engine.from_directory(app.config["MODERATION_RULES"])
    store = app.extensions["moderation.store"] = Store(app.config["MODERATION_DB"])
    app.extensions["moderation.moderators"] = ModeratorStore(store)
    errors.init_app(app)
    api.init_app(app)
    tools.init_app(app)
    review_pages.init_app(app)
    return app
