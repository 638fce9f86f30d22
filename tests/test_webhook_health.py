"""GET /healthz: no auth and no session; 200 with the database writable, the rules version and the outbox depth; 503 when writes fail."""

from __future__ import annotations

import pytest

from moderation import load_rules
from moderation.errors import RuleFileError
from moderation.rules import default_rules_dir
from webhook import create_app, health

SECRET = "health-secret"


@pytest.fixture
def app(tmp_path):
    return create_app({"MODERATION_DB": str(tmp_path / "health.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "SECRET_KEY": "test"})


def test_a_healthy_service_answers_200_with_what_it_checked(app):
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["status"] == "ok" and body["database"]["writable"] is True and body["database"]["free_bytes"] > 0
    assert body["rules"] == {"version": app.extensions["moderation.engine"].rules_version}
    assert body["outbox"] == {"waiting": 0}
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in answer.headers  # no session is opened for a probe


def test_the_outbox_depth_counts_callbacks_not_yet_delivered(app):
    moderators = app.extensions["moderation.moderators"]
    with app.extensions["moderation.store"].transaction() as db:
        moderators.enqueue(db, "decision", {"comment_id": "c1"}, "2026-12-01T00:00:00+00:00")
        moderators.enqueue(db, "decision", {"comment_id": "c2"}, "2026-12-01T00:00:00+00:00")
    first = moderators.due_callbacks("2026-12-02T00:00:00+00:00")[0]
    moderators.mark_delivered(first["id"], "2026-12-01T00:00:01+00:00")
    assert app.test_client().get("/healthz").get_json()["outbox"] == {"waiting": 1}


def test_a_database_that_cannot_take_writes_is_a_503(app):
    # The read-only stand-in of test_webhook_storage_faults.py: SQLite refuses BEGIN IMMEDIATE as on a read-only file.
    app.extensions["moderation.store"].connection.execute("PRAGMA query_only=1")
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["status"] == "unavailable" and body["database"]["writable"] is False and "read-only" in body["database"]["error"]
    app.extensions["moderation.store"].connection.execute("PRAGMA query_only=0")
    assert app.test_client().get("/healthz").status_code == 200  # and healthy again once it can


def test_a_nearly_full_disk_is_a_503(app, monkeypatch):
    monkeypatch.setattr(health, "_free_bytes", lambda path: 1024)
    body = app.test_client().get("/healthz")
    assert body.status_code == 503 and "free" in body.get_json()["database"]["error"]


def test_healthz_needs_no_signature_token_or_sign_in(app):
    client = app.test_client()
    assert client.get("/v1/queue").status_code == 401 and client.get("/").status_code == 302  # the others do
    assert client.get("/healthz").status_code == 200


def test_a_worker_serving_the_last_good_rules_says_so_and_stays_healthy(tmp_path):
    broken = tmp_path / "broken-rules"
    broken.mkdir()
    (broken / "policy.toml").write_text('version = ""\n')
    app = create_app({"MODERATION_DB": str(tmp_path / "h.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "SECRET_KEY": "test",
                      "MODERATION_RULES": str(broken), "MODERATION_RULES_FALLBACK": str(default_rules_dir())})
    body = app.test_client().get("/healthz").get_json()
    assert body["status"] == "ok" and body["rules"]["version"] == load_rules().version
    assert "policy.toml" in body["rules"]["problem"] and "version" in body["rules"]["problem"]


def test_without_a_last_good_copy_a_broken_rules_folder_stops_the_start(tmp_path):
    broken = tmp_path / "broken-rules"
    broken.mkdir()
    with pytest.raises(RuleFileError, match="policy.toml"):
        create_app({"MODERATION_DB": str(tmp_path / "h.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_RULES": str(broken)})
