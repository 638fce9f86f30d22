"""A full disk or a read-only database: 503 with Retry-After, nothing half-stored, never a 200 that was not stored."""

from __future__ import annotations

import json

import pytest

from webhook import create_app
from webhook.signing import sign

SECRET = "storage-fault-secret"
NOW = 1_790_000_000.0


@pytest.fixture
def app(tmp_path):
    return create_app({"MODERATION_DB": str(tmp_path / "faults.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW,
                       "MODERATION_FLOOD_LIMIT": 0})


def post(client, comment_id, body="A fair point about Diyala and the Badr Organization."):
    raw = json.dumps({"id": comment_id, "body": body, "article": {"id": "a", "title": "Iraq", "text": "Diyala and the Badr Organization"},
                      "author": {"id": "u1"}}).encode()
    headers = {"webhook-id": f"msg_{comment_id}", "webhook-timestamp": str(int(NOW)), "webhook-signature": sign(SECRET, f"msg_{comment_id}", int(NOW), raw)}
    return client.post("/v1/comments", data=raw, headers=headers, content_type="application/json")


def stored(app, comment_id):
    store = app.extensions["moderation.store"]
    comments = store.connection.execute("SELECT COUNT(*) FROM comments WHERE id = ?", (comment_id,)).fetchone()[0]
    decisions = store.connection.execute("SELECT COUNT(*) FROM decisions WHERE comment_id = ?", (comment_id,)).fetchone()[0]
    return comments, decisions


def fill_the_disk(app):
    # SQLite's own cap on the file's pages stands in for a full disk: the same
    # SQLITE_FULL ("database or disk is full") that a full file system gives.
    connection = app.extensions["moderation.store"].connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count={pages}")


def make_read_only(app):
    app.extensions["moderation.store"].connection.execute("PRAGMA query_only=1")


# Regression (issue #11): a full disk answered 500 with no Retry-After.
@pytest.mark.parametrize("fault", [fill_the_disk, make_read_only], ids=["disk full", "read-only"])
def test_a_comment_that_cannot_be_stored_is_a_503_with_retry_after(app, fault):
    client = app.test_client()
    assert post(client, "before").status_code == 200
    fault(app)
    answers = [post(client, f"during-{i}", body=f"Comment {i} about Diyala, " + "and the Badr Organization " * 40) for i in range(30)]
    # The pages already in the file may take a few more; every answer tells the truth.
    assert answers[-1].status_code == 503 and {a.status_code for a in answers} <= {200, 503}
    for i, answer in enumerate(answers):
        if answer.status_code == 200:
            assert stored(app, f"during-{i}") == (1, 1)
        else:
            assert answer.mimetype == "application/problem+json" and int(answer.headers["Retry-After"]) > 0
            assert "nothing was stored" in answer.get_json()["detail"]
            assert stored(app, f"during-{i}") == (0, 0)
    assert stored(app, "before") == (1, 1)


def test_the_service_recovers_when_storage_does(app):
    client = app.test_client()
    make_read_only(app)
    assert post(client, "c1").status_code == 503
    app.extensions["moderation.store"].connection.execute("PRAGMA query_only=0")
    answer = post(client, "c1")
    assert answer.status_code == 200 and answer.headers.get("Idempotent-Replayed") is None
    assert stored(app, "c1") == (1, 1)
