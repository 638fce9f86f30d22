"""`moderation serve`: prepare the database (migrations, demo seed, first moderator), then run gunicorn."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import threading
from datetime import datetime, timezone

from moderation import Engine

from . import DEFAULT_DB, config_from_environment
from .accounts import add_moderator
from .limits import GUNICORN_LIMIT_FIELD_SIZE, GUNICORN_LIMIT_REQUEST_LINE
from .outbox import deliver_forever
from .seed import load_seed
from .store import ModeratorStore, Store

DEMO_MODERATOR = "admin"


def gunicorn_command(app: str, host: str, port: int, workers: int) -> list[str]:
    """The production server's command line; the load benchmark runs its bare app with the same one."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync", "--bind", f"{host}:{port}",
            "--log-level", "warning", "--graceful-timeout", "5",
            # Above the app's own limits, which answer in problem+json (webhook/limits.py).
            "--limit-request-line", str(GUNICORN_LIMIT_REQUEST_LINE), "--limit-request-field_size", str(GUNICORN_LIMIT_FIELD_SIZE), app]


def new_webhook_secret() -> str:
    """A fresh secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def prepare(store: Store, engine: Engine, now: datetime) -> tuple[int, str | None]:
    """Seed an empty database with the demo; create a demo moderator if there is none. Returns (seeded, new password)."""
    seeded = load_seed(store, engine, now) if store.is_empty() else 0
    moderators = ModeratorStore(store)
    if moderators.count_moderators():
        return seeded, None
    password = secrets.token_urlsafe(12)
    add_moderator(moderators, DEMO_MODERATOR, password, now.isoformat())
    return seeded, password


def serve(host: str = "127.0.0.1", port: int = 8080, db: str | None = None, workers: int = 2, rules: str | None = None, say=print) -> int:
    """Run the service until interrupted: gunicorn workers, and the callback deliverer when a URL is set."""
    config = config_from_environment()
    path = db or config["MODERATION_DB"] or DEFAULT_DB
    env = dict(os.environ, MODERATION_DB=path)
    if rules:
        env["MODERATION_RULES"] = rules
    if not config["MODERATION_WEBHOOK_SECRETS"]:
        env["MODERATION_WEBHOOK_SECRET"] = new_webhook_secret()
        say(f"MODERATION_WEBHOOK_SECRET is not set; the platform signs with this one for this run: {env['MODERATION_WEBHOOK_SECRET']}")
    # Every worker must sign sessions with the same key; a fresh one per run signs everybody out on restart.
    env.setdefault("MODERATION_SECRET_KEY", secrets.token_hex(32))
    store = Store(path)
    seeded, password = prepare(store, Engine.from_directory(rules or config["MODERATION_RULES"]), datetime.now(timezone.utc))
    if seeded:
        say(f"seeded {seeded} demo comments into {path}")
    url = f"http://{'localhost' if host in ('127.0.0.1', '::1') else host}:{port}"
    if password:
        say(f"created moderator '{DEMO_MODERATOR}' with password {password} (change it: moderation user add {DEMO_MODERATOR})")
    say(f"serving {path} on {url}/ ; sign in at {url}/sign-in")
    stop = threading.Event()
    callback_url = env.get("MODERATION_CALLBACK_URL")
    if callback_url:
        secret = env.get("MODERATION_CALLBACK_SECRET") or env["MODERATION_WEBHOOK_SECRET"].replace(",", " ").split()[0]
        # Moderator decisions reach the platform from the durable outbox, beside the web workers.
        threading.Thread(target=deliver_forever, args=(ModeratorStore(store), callback_url, secret, stop), kwargs={"say": say}, daemon=True).start()
    server = subprocess.Popen(gunicorn_command("webhook.wsgi:app", host, port, workers), env=env)
    # A plain SIGTERM to this process (a service manager) stops gunicorn too, instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=15)
