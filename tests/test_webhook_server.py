"""End to end: the real server process, as `moderation serve` starts it, answers a signed post."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import running_service

from webhook.signing import sign

PROJECT = Path(__file__).resolve().parent.parent
SECRET = "whsec_ZW5kLXRvLWVuZC10ZXN0LXNlY3JldA=="


@pytest.fixture
def server(tmp_path, free_port):
    db = tmp_path / "e2e.db"
    with running_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET}) as url:
        yield url, db


def test_real_server_moderates_a_signed_post_and_serves_the_seeded_queue(server):
    base, db = server
    body = json.dumps({"id": "e2e-1", "body": "What the fuck is the ambassador doing?", "article": {"id": "seed-article"}, "author": {"id": "e2e"}}).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(f"{base}/v1/comments", data=body, method="POST", headers={
        "Content-Type": "application/json", "webhook-id": "msg_e2e", "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(SECRET, "msg_e2e", timestamp, body)})
    with urllib.request.urlopen(request, timeout=10) as response:
        verdict = json.loads(response.read())
    assert verdict["action"] == "reject" and verdict["reasons"][0]["evidence"] == "fuck"
    token = subprocess.check_output([str(Path(sys.executable).with_name("moderation")), "user", "token", "admin", "--db", str(db)], text=True).strip()
    queue = urllib.request.Request(f"{base}/v1/queue", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(queue, timeout=10) as response:
        items = json.loads(response.read())["items"]
    assert items, "the seeded demo has held comments"


def test_a_freshly_issued_token_is_accepted_by_every_worker_at_once(server):
    # Issue #11 saw a fresh token refused once in two runs; not reproduced in
    # 400 tries here. A worker holding an old read snapshot (a cursor left
    # open keeps one in WAL mode) would refuse it: each token is used at once,
    # several times, so both workers answer.
    base, db = server
    moderation = str(Path(sys.executable).with_name("moderation"))
    refused = []
    for _ in range(5):
        token = subprocess.check_output([moderation, "user", "token", "admin", "--db", str(db)], text=True).strip()
        for _ in range(4):
            request = urllib.request.Request(f"{base}/v1/queue", headers={"Authorization": f"Bearer {token}"})
            try:
                urllib.request.urlopen(request, timeout=10).read()
            except urllib.error.HTTPError as error:
                refused.append((error.code, error.read()))
    assert refused == []
