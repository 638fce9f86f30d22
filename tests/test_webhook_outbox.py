"""Callbacks reach the platform signed, and survive the platform being down (a real local HTTP server)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from webhook.outbox import deliver_due
from webhook.review import review
from webhook.store import ModeratorStore, Store

SECRET = "callback-secret"


@pytest.fixture
def platform(callback_platform):
    return callback_platform(SECRET)


@pytest.fixture
def moderators():
    store = Store(":memory:")
    with store.transaction() as db:
        store.record_comment(db, {"id": "c1", "revision": 1, "body": "Obama is a clown.", "body_hash": "x", "article_id": "a1", "author": {"id": "u1"}}, "2026-01-01T00:00:00")
        store.record_decision(db, "c1", 1, "hold", "engine", "v1", [], False, False, "2026-01-01T00:00:00")
    return ModeratorStore(store)


def test_callback_is_signed_and_delivered_after_the_platform_recovers(platform, moderators):
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    review(moderators, ["c1"], "approve", "maria", now)
    platform.failures = 2
    assert deliver_due(moderators, platform.url, SECRET, now) == (0, 1)
    assert deliver_due(moderators, platform.url, SECRET, now) == (0, 0)  # waiting out the backoff
    assert deliver_due(moderators, platform.url, SECRET, now + timedelta(seconds=6)) == (0, 1)
    assert deliver_due(moderators, platform.url, SECRET, now + timedelta(seconds=30)) == (1, 0)
    assert platform.received[0]["type"] == "comment.reviewed"
    assert platform.received[0]["data"]["action"] == "approve" and platform.received[0]["data"]["comment_id"] == "c1"
    assert deliver_due(moderators, platform.url, SECRET, now + timedelta(hours=2)) == (0, 0)  # delivered once


def test_unreachable_platform_keeps_the_callback(moderators):
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    review(moderators, ["c1"], "reject", "maria", now)
    assert deliver_due(moderators, "http://127.0.0.1:9/nowhere", SECRET, now, timeout=1) == (0, 1)
    assert len(moderators.due_callbacks("9999")) == 1
