"""`GET /healthz` for a load balancer, Docker or systemd (blueprint `health`): no auth, no session.

200 when the service can do its work: the database takes a write (BEGIN
IMMEDIATE, ROLLBACK: nothing is written) and its disk has room; rules are
loaded (their version); the callback outbox's depth is reported. 503 with
the same shape, saying what is wrong, when the database cannot take writes.
"""

from __future__ import annotations

import os

import orjson
from flask import Blueprint, Flask, Response, current_app

from .store import unavailable

health = Blueprint("health", __name__)

# Below this much free space on the database's disk the service reports itself
# unhealthy: about 4,000 pages of 2 KiB, minutes of comments at the load bars' rate.
MIN_FREE_BYTES = 8 * 1024 * 1024


def _free_bytes(path: str) -> int | None:
    if path == ":memory:":
        return None
    try:
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize


def check(app: Flask) -> tuple[bool, dict]:
    """Whether the service is healthy, and the report that says why."""
    store = app.extensions["moderation.store"]
    engine = app.extensions["moderation.engine"]
    database: dict = {"writable": True}
    healthy = True
    try:
        store.check_writable()
    except Exception as error:  # noqa: BLE001 (any failure to start a write is the answer)
        healthy = False
        database = {"writable": False, "error": unavailable(error) or f"{type(error).__name__}: {error}"}
    free = _free_bytes(store.path)
    if free is not None:
        database["free_bytes"] = free
        if free < MIN_FREE_BYTES:
            healthy = False
            database.setdefault("error", f"less than {MIN_FREE_BYTES // (1024 * 1024)} MiB free on the database's disk")
    rules = {"version": engine.rules_version}
    problem = app.config.get("MODERATION_RULES_PROBLEM")
    if problem:
        # Still healthy: the last rules that loaded keep serving; the folder needs fixing before the next start.
        rules["problem"] = problem
    try:
        outbox: dict = {"waiting": app.extensions["moderation.moderators"].waiting_callbacks()}
    except Exception as error:  # noqa: BLE001
        healthy = False
        outbox = {"error": unavailable(error) or f"{type(error).__name__}: {error}"}
    return healthy, {"status": "ok" if healthy else "unavailable", "database": database, "rules": rules, "outbox": outbox}


@health.get("/healthz")
def healthz():
    """The service's health as JSON: 200 when healthy, 503 when not."""
    healthy, report = check(current_app._get_current_object())
    return Response(orjson.dumps(report), status=200 if healthy else 503, content_type="application/json",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def init_app(app: Flask) -> None:
    """Register /healthz."""
    app.register_blueprint(health)
