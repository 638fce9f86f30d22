"""The webhook service: a Flask shell over the moderation engine, with SQLite storage."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from moderation import Engine

from . import api, errors, health, limits, review_pages, store, tools
from .secrets_file import WEBHOOK_SECRETS_FILE, SecretRing, read_session_key
from .signing import check_secrets

DEFAULT_DB = os.path.join("instance", "moderation.db")


def _secrets(value: str) -> list[str]:
    """Several secrets, space or comma separated: the new one and those being rotated out."""
    return [s for s in value.replace(",", " ").split() if s]


def config_from_environment(environ=os.environ) -> dict:
    """The MODERATION_* environment as app config; unset keys get their defaults.

    The secrets come from the environment when it sets them, else from the
    files in MODERATION_INSTANCE (`moderation serve` sets it for its workers;
    see webhook/secrets_file.py).
    """
    instance = environ.get("MODERATION_INSTANCE")
    webhook_secrets = _secrets(environ.get("MODERATION_WEBHOOK_SECRET", ""))
    if not webhook_secrets and instance:
        # A live list: a rotation reaches the workers within a second, and a rotated-out secret ends with its grace.
        webhook_secrets = SecretRing(Path(instance) / WEBHOOK_SECRETS_FILE)
    return {
        "MODERATION_DB": environ.get("MODERATION_DB") or DEFAULT_DB,
        # NORMAL: a commit survives the process dying, FULL also the machine losing power (webhook/store/database.py).
        "MODERATION_SYNCHRONOUS": (environ.get("MODERATION_SYNCHRONOUS") or "NORMAL").upper(),
        "MODERATION_WEBHOOK_SECRETS": webhook_secrets,
        "MODERATION_CALLBACK_URL": environ.get("MODERATION_CALLBACK_URL") or None,
        # Callbacks are signed with their own secret if one is set, else the newest webhook secret.
        "MODERATION_CALLBACK_SECRET": environ.get("MODERATION_CALLBACK_SECRET") or (webhook_secrets[0] if webhook_secrets else None),
        "MODERATION_RULES": environ.get("MODERATION_RULES") or None,
        # The last rules folder that loaded (`moderation serve` keeps a copy): a worker that boots while
        # MODERATION_RULES is broken serves these instead of failing, which would stop gunicorn.
        "MODERATION_RULES_FALLBACK": environ.get("MODERATION_RULES_FALLBACK") or None,
        "MODERATION_FLOOD_LIMIT": int(environ.get("MODERATION_FLOOD_LIMIT", "20")),
        "MAX_CONTENT_LENGTH": int(environ.get("MODERATION_MAX_BODY", str(256 * 1024))),
        # Every worker must sign sessions with the same key: `moderation serve` passes one.
        "SECRET_KEY": environ.get("MODERATION_SECRET_KEY") or (read_session_key(Path(instance)) if instance else None),
        # Proxies in front (nginx: 1) whose X-Forwarded-For/-Proto are trusted for the
        # client address (sign-in limits) and HTTPS (Secure cookies); 0 trusts none.
        "MODERATION_PROXY_HOPS": int(environ.get("MODERATION_PROXY_HOPS", "0")),
    }


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` (tests) overrides the MODERATION_* environment."""
    app = Flask(__name__)
    app.config.update(config_from_environment(), MODERATION_CLOCK=time.time)
    if config:
        app.config.update(config)
    check_secrets(app.config["MODERATION_WEBHOOK_SECRETS"])
    app.extensions["moderation.engine"] = load_engine(app)
    store.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    health.init_app(app)
    api.init_app(app)
    tools.init_app(app)
    review_pages.init_app(app)
    hops = app.config["MODERATION_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def load_engine(app: Flask) -> Engine:
    """The engine over MODERATION_RULES; if that folder is broken and a last good copy is configured, over the copy (logged)."""
    try:
        return Engine.from_directory(app.config["MODERATION_RULES"])
    except Exception as error:  # noqa: BLE001 (any failure to build: a bad pattern is as fatal as a bad field)
        fallback = app.config.get("MODERATION_RULES_FALLBACK")
        if not fallback:
            raise
        engine = Engine.from_directory(fallback)
        app.config["MODERATION_RULES_PROBLEM"] = f"{error}"
        app.logger.error("rules not loaded, still serving the last rules that loaded (version %s): %s", engine.rules_version, error)
        return engine
