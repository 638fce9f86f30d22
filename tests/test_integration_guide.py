"""docs/integration.md is exact: its requests get its answers from the real service, and its client programs work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from conftest import running_service
from integration_support import FlakyProxy, guide_block, guide_json, moderator_token, review, signed, wait_for, without

from webhook.signing import sign

SECRET = "whsec_aW50ZWdyYXRpb24tZ3VpZGUtdGVzdC1zZWNyZXQ="
PLAIN_SECRET = "a plain-text secret, used as its bytes"


@pytest.fixture
def service(tmp_path, free_port):
    """`moderation serve` on a fresh database, with a whsec_ secret: (base URL, database)."""
    db = tmp_path / "guide.db"
    with running_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET}) as url:
        yield url, db


def run_program(command: list[str], base: str, secret: str, marker: str, path: Path) -> subprocess.CompletedProcess:
    """Write one of the guide's programs to `path` and run it as the guide says, with the service's address and secret."""
    path.write_text(guide_block(f"test: {marker}"), encoding="utf-8")
    return subprocess.run([*command, str(path)], env={**os.environ, "MODERATION_URL": base, "MODERATION_WEBHOOK_SECRET": secret},
                          capture_output=True, text=True, timeout=60)


def load_python_example(base: str, secrets: str) -> types.ModuleType:
    """The guide's Python program as a module, configured for this service."""
    module = types.ModuleType("guide_client")
    old = {k: os.environ.get(k) for k in ("MODERATION_URL", "MODERATION_WEBHOOK_SECRET")}
    os.environ.update(MODERATION_URL=base, MODERATION_WEBHOOK_SECRET=secrets)
    try:
        exec(compile(guide_block("test: python-example"), "docs/integration.md", "exec"), module.__dict__)
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return module


def test_every_documented_request_gets_the_documented_answer(tmp_path, free_port, callback_platform):
    platform = callback_platform(SECRET)
    db = tmp_path / "guide.db"
    env = {"MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_CALLBACK_URL": platform.url}
    with running_service(tmp_path, free_port, db, env) as base:
        article = json.dumps(guide_json("put-article-request")).encode()
        assert signed(base, "PUT", "/v1/articles/1017", article, SECRET)[::2] == (200, guide_json("put-article-answer"))

        request = guide_json("comment-request")
        body = json.dumps(request).encode()
        status, headers, approved = signed(base, "POST", "/v1/comments", body, SECRET)
        assert status == 200 and without(approved) == without(guide_json("comment-answer-approve"))
        assert "idempotent-replayed" not in headers
        status, headers, replayed = signed(base, "POST", "/v1/comments", body, SECRET)
        assert (status, headers.get("idempotent-replayed"), replayed) == (200, "true", approved)

        vulgar = {**request, "id": "1043", "body": "What the fuck are the negotiators doing in Doha?"}
        status, _, rejected = signed(base, "POST", "/v1/comments", json.dumps(vulgar).encode(), SECRET)
        assert status == 200 and without(rejected) == without(guide_json("comment-answer-reject"))
        reply = {**request, "id": "1044", "parent_id": "1042", "body": "The envoy is a clown and the talks in Doha will fail.",
                 "author": {"id": "wp-email-9f86d081884c7d65", "display_name": "Sam"}}
        status, _, held = signed(base, "POST", "/v1/comments", json.dumps(reply).encode(), SECRET)
        assert status == 200 and without(held) == without(guide_json("comment-answer-hold"))
        assert approved["decision_id"] < rejected["decision_id"] < held["decision_id"]

        token = moderator_token(db)
        approval = review(base, token, "1044", "approve", "sharp, but about the envoy's work")
        callbacks = wait_for(lambda: platform.received[:1])
        assert without(callbacks[0]) == without(guide_json("callback-comment-reviewed"))
        assert callbacks[0]["data"]["decision_id"] == approval["decision_id"] > held["decision_id"]

        status, _, state = signed(base, "GET", "/v1/comments/1044", secret=SECRET)
        assert status == 200 and without(state) == without(guide_json("get-comment-answer"))
        assert [d["decision_id"] for d in state["history"]] == [held["decision_id"], approval["decision_id"]]

        review(base, token, "1043", "ban")
        assert without(wait_for(lambda: platform.received[1:2])[0]) == without(guide_json("callback-comment-banned"))
        review(base, token, "1043", "unban")
        assert wait_for(lambda: platform.received[2:3])[0] == guide_json("callback-author-unbanned")

        edited = json.dumps({**request, "body": "Edited: good point."}).encode()
        assert signed(base, "POST", "/v1/comments", edited, SECRET)[::2] == (409, guide_json("problem-409"))
        bad_ip = json.dumps({**request, "author": {"id": "wp-user-7", "ip": "not-an-ip"}}).encode()
        assert signed(base, "POST", "/v1/comments", bad_ip, SECRET)[::2] == (422, guide_json("problem-422"))
        stale = signed(base, "POST", "/v1/comments", body, SECRET, timestamp=int(time.time()) - 400)
        assert (stale[0], stale[1]["content-type"], stale[2]) == (401, "application/problem+json", guide_json("problem-401"))
        assert signed(base, "GET", "/v1/comments/no-such-comment", secret=SECRET)[0] == 404


@pytest.mark.parametrize("secret", [SECRET, PLAIN_SECRET], ids=["whsec", "plain-text"])
def test_the_curl_and_openssl_example_gets_a_verdict(tmp_path, free_port, secret):
    with running_service(tmp_path, free_port, tmp_path / "curl.db", {"MODERATION_WEBHOOK_SECRET": secret}) as base:
        result = run_program(["bash"], base, secret, "curl-example", tmp_path / "post.sh")
        assert result.returncode == 0, result.stderr
        verdict = json.loads(result.stdout)
        assert (verdict["comment_id"], verdict["action"]) == ("44", "approve")
        again = run_program(["bash"], base, secret, "curl-example", tmp_path / "post.sh")
        assert json.loads(again.stdout) == verdict, "a second run is a retry of the same revision: the stored verdict"


def test_the_curl_example_fails_loudly_on_a_wrong_secret(service, tmp_path):
    base, _ = service
    result = run_program(["bash"], base, "whsec_d3Jvbmc=", "curl-example", tmp_path / "post.sh")
    assert result.returncode != 0 and json.loads(result.stdout.strip())["status"] == 401


def test_the_python_example_gets_a_verdict(service, tmp_path):
    base, _ = service
    result = run_program([sys.executable], base, SECRET, "python-example", tmp_path / "client.py")
    assert result.returncode == 0, result.stderr
    status, _, answer = result.stdout.partition(" ")
    assert status == "200" and json.loads(answer)["action"] == "approve"


def test_the_python_example_signs_with_every_secret_during_a_rotation(service, tmp_path):
    base, _ = service
    # The platform already has the new secret first; the service still only the old one.
    result = run_program([sys.executable], base, f"whsec_bmV3LXNlY3JldC1ub3QteWV0LW9uLXRoZS1zZXJ2aWNl {SECRET}", "python-example", tmp_path / "client.py")
    assert result.stdout.startswith("200 "), result.stdout + result.stderr


def test_the_python_example_retries_a_503_after_retry_after_with_the_same_id_and_bytes(service):
    base, _ = service
    proxy = FlakyProxy(base, [(503, {"Retry-After": "1"})])
    try:
        client = load_python_example(proxy.url, SECRET)
        body = json.dumps({"id": "77", "body": "The Doha talks matter.", "article": {"id": "7", "title": "Talks"}, "author": {"id": "a77"}}).encode()
        started = time.monotonic()
        status, answer, _ = client.send("POST", "/v1/comments", body, client.comment_webhook_id("77", 1))
        assert (status, answer["comment_id"]) == (200, "77")
        assert time.monotonic() - started >= 1, "Retry-After is honoured"
        (first, first_body), (second, second_body) = proxy.requests
        assert first["webhook-id"] == second["webhook-id"] == client.comment_webhook_id("77", 1)
        assert first_body == second_body == body
    finally:
        proxy.close()


def test_the_python_example_does_not_retry_a_4xx(service):
    base, _ = service
    proxy = FlakyProxy(base, [])
    try:
        client = load_python_example(proxy.url, "whsec_d3Jvbmc=")
        status, answer, _ = client.send("POST", "/v1/comments", b'{"id": "78"}')
        assert (status, answer["title"], len(proxy.requests)) == (401, "Bad or missing signature", 1)
    finally:
        proxy.close()


def test_the_python_example_verifies_and_deduplicates_callbacks_signed_by_the_service(capsys):
    client = load_python_example("http://127.0.0.1:9", SECRET)
    now = int(time.time())

    def callback(decision_id, webhook_id, timestamp=now, secret=SECRET):
        body = json.dumps({"type": "comment.reviewed", "data": {"comment_id": "1044", "revision": 1, "action": "approve" if decision_id % 2 else "reject",
                                                                "decision_id": decision_id, "author_id": "a", "author_banned": False,
                                                                "decided_by": "moderator:admin"}}).encode()
        headers = {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp), "webhook-signature": sign(secret, webhook_id, timestamp, body)}
        return headers, body

    headers, body = callback(25, "msg_1")
    assert client.handle_callback(headers, body) == 204
    assert client.handle_callback(headers, body) == 204, "a retry of one callback is answered 2xx"
    assert client.handle_callback(*callback(24, "msg_0")) == 204, "an older decision arriving late is answered 2xx"
    assert capsys.readouterr().out == "comment 1044: approve\n", "applied once, and the older decision ignored"
    assert client.handle_callback(headers, body.replace(b"approve", b"reject")) == 401
    assert client.handle_callback(*callback(26, "msg_2", timestamp=now - 301)) == 401
    assert client.handle_callback(*callback(26, "msg_3", secret="whsec_d3Jvbmc=")) == 401
    assert client.verify(*callback(27, "msg_4"), [SECRET]) == "msg_4"


@pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed (make test installs Debian's php-cli)")
def test_the_php_example_gets_a_verdict(service, tmp_path):
    base, _ = service
    result = run_program(["php"], base, SECRET, "php-example", tmp_path / "post.php")
    assert result.returncode == 0, result.stderr
    status, _, answer = result.stdout.partition(" ")
    assert status == "200" and json.loads(answer)["comment_id"] == "43"


def test_every_webhook_id_recipe_in_the_guide_is_the_same():
    """Python, PHP and shell derive one comment revision's webhook-id alike, as the plugin does."""
    client = load_python_example("http://127.0.0.1:9", SECRET)
    guide = guide_block("test: curl-example")
    assert '"https://blog.example|44|1" | openssl dgst -sha256 -r | cut -c1-32' in guide
    shell = subprocess.run(["bash", "-c", "printf '%s' 'https://blog.example|44|1' | openssl dgst -sha256 -r | cut -c1-32"],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert client.comment_webhook_id("44", 1) == "msg_" + shell
