"""Strikes and bans at the edges: a strike a moderator overturns, a ban recorded while the engine reads."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from webhook import create_app
from webhook.accounts import issue_token
from webhook.ingest import iso
from webhook.signing import sign

SECRET = "whsec_YmFucy1hbmQtc3RyaWtlcy10ZXN0LXNlY3JldA=="
NOW = 1_790_000_000.0
ARTICLE = {"id": "a1", "title": "The new bus timetable", "text": "The council cut the night buses and moved the depot to the ring road."}


@pytest.fixture
def client():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW, "MODERATION_FLOOD_LIMIT": 0})
    return app.test_client()


def post(client, comment_id, body, author="rider7"):
    payload = json.dumps({"id": comment_id, "revision": 1, "body": body, "article": ARTICLE, "author": {"id": author}}).encode()
    headers = {"webhook-id": f"m-{comment_id}", "webhook-timestamp": str(int(NOW)), "Content-Type": "application/json",
               "webhook-signature": sign(SECRET, f"m-{comment_id}", int(NOW), payload)}
    response = client.post("/v1/comments", data=payload, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_strike_a_moderator_overturns_does_not_count_towards_a_ban(client):
    moderators = client.application.extensions["moderation.moderators"]
    moderators.add_moderator("ines", "unused-hash", "2026-01-01T00:00:00")
    token = issue_token(moderators, "ines", "2026-01-01T00:00:00")
    first = post(client, "s1", "The night bus timetable is bullshit.")
    assert first["action"] == "reject" and first["author_banned"] is False
    overturned = client.post("/v1/comments/s1/review", json={"action": "approve"}, headers={"Authorization": f"Bearer {token}"})
    assert overturned.status_code == 200
    assert post(client, "s2", "Moving the depot was bullshit too.")["author_banned"] is False
    # Two strikes stand (s2, s3); the third is the overturned s1, so the limit of three is not reached.
    assert post(client, "s3", "And the fares are bullshit.")["author_banned"] is False
    assert post(client, "s4", "The new timetable is still bullshit.")["author_banned"] is True


def test_a_ban_recorded_while_the_engine_reads_wins(client):
    app = client.application
    store = app.extensions["moderation.store"]
    engine = app.extensions["moderation.engine"]
    read = engine.evaluate

    def evaluate_while_another_worker_bans(comment):
        # Another worker (or a moderator) bans the author after this request looked for a ban.
        with store.transaction() as db:
            store.record_ban(db, "rider7", "banned elsewhere", "moderator:ines", None, iso(datetime.fromtimestamp(NOW, timezone.utc)), None)
        return read(comment)

    engine.evaluate = evaluate_while_another_worker_bans
    try:
        verdict = post(client, "r1", "A civil question about the night buses to the ring road.")
    finally:
        engine.evaluate = read
    assert verdict["action"] == "reject" and verdict["author_banned"] is True
    assert [r["rule"] for r in verdict["reasons"]] == ["author_banned"]
