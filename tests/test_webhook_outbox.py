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


def test_two_deliverers_at_once_never_both_send_one_callback(tmp_path):
    # Regression (issue #11): each deliverer read the due callbacks and sent them all,
    # so two at once (two `serve` processes on one file) sent each callback twice.
    import threading
    import time
    from collections import Counter
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = Counter()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self.rfile.read(int(self.headers["Content-Length"]))
            received[self.headers["webhook-id"]] += 1
            time.sleep(0.02)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/callbacks"
    db = str(tmp_path / "outbox.db")
    store = Store(db)
    with store.transaction() as tx:
        for i in range(20):
            store.record_comment(tx, {"id": f"c{i}", "revision": 1, "body": "x", "body_hash": "x", "article_id": "a", "author": {"id": "u"}}, "2026-01-01T00:00:00")
            store.record_decision(tx, f"c{i}", 1, "hold", "engine", "v1", [], False, False, "2026-01-01T00:00:00")
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    review(ModeratorStore(store), [f"c{i}" for i in range(20)], "approve", "maria", now)
    outcomes = []

    def deliverer():
        outcomes.append(deliver_due(ModeratorStore(Store(db)), url, SECRET, now))

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.shutdown()
    assert sum(delivered for delivered, _ in outcomes) == 20 and len(received) == 20
    assert set(received.values()) == {1}


def test_a_callback_leased_by_a_deliverer_that_died_is_sent_by_the_next_once_the_lease_runs_out(platform, moderators):
    from webhook.ingest import iso
    from webhook.outbox import LEASE_MARGIN

    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    review(moderators, ["c1"], "approve", "maria", now)
    assert moderators.claim_due(iso(now), iso(now + timedelta(seconds=5) + LEASE_MARGIN)) is not None  # then it died
    assert deliver_due(moderators, platform.url, SECRET, now + timedelta(seconds=10)) == (0, 0)
    assert deliver_due(moderators, platform.url, SECRET, now + timedelta(seconds=5) + LEASE_MARGIN + timedelta(seconds=1)) == (1, 0)
    assert len(platform.received) == 1
