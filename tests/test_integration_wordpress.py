"""The WordPress plugin against the real service: its PHP signing and verification, and its hooks in a WordPress stand-in."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import running_service
from integration_support import PROJECT, FlakyProxy, guide_block, moderator_token, review, signed, wait_for, wait_for_port

from webhook.signing import sign

pytestmark = pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed (make test installs Debian's php-cli)")

WORDPRESS = PROJECT / "integrations" / "wordpress"
DRIVERS = WORDPRESS / "tests"
SECRET = "whsec_d29yZHByZXNzLXBsdWdpbi10ZXN0LXNlY3JldA=="
NEW_SECRET = "whsec_dGhlLW5ldy1zZWNyZXQtb2YtYS1yb3RhdGlvbg=="
CLEAN = "Good point about the ceasefire talks in Doha: the prisoners should come first."
VULGAR = "What the fuck are the negotiators doing in Doha?"
HELD = "The envoy is a clown and the talks in Doha will fail."


@pytest.fixture
def service(tmp_path, free_port):
    """`moderation serve` on a fresh database: (base URL, database)."""
    db = tmp_path / "wordpress.db"
    with running_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": SECRET}) as url:
        yield url, db


def php(script: str, *args: str, stdin: str = "", env: dict | None = None) -> dict:
    """Run one of the plugin's test drivers with the PHP CLI; its JSON output."""
    result = subprocess.run(["php", str(DRIVERS / script), *args], input=stdin, capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def sign_and_post(base: str, comment: dict, tmp_path: Path, secrets: str = SECRET, *flags: str) -> dict:
    """Post `comment` signed by the plugin's cm_sign; the answer as the driver reports it."""
    body = tmp_path / f"comment-{time.time_ns()}.json"
    body.write_text(json.dumps(comment), encoding="utf-8")
    return php("sign-and-post.php", f"{base}/v1/comments", str(body), *flags, env={"CM_WEBHOOK_SECRET": secrets})


def comment(comment_id: str, text: str = CLEAN) -> dict:
    """A comment as the service's schema has it."""
    return {"id": comment_id, "revision": 1, "body": text, "article": {"id": "1017", "title": "Talks resume in Doha"},
            "author": {"id": f"wp-user-{comment_id}", "display_name": "Ana"}}


# (a) The plugin's signing, against the service.


def test_a_post_signed_by_the_plugin_gets_a_verdict(service, tmp_path):
    base, _ = service
    answer = sign_and_post(base, comment("501"), tmp_path)
    assert answer["status"] == 200 and json.loads(answer["body"])["action"] == "approve"
    answer = sign_and_post(base, comment("502", VULGAR), tmp_path)
    assert answer["status"] == 200 and json.loads(answer["body"])["reasons"][0]["evidence"] == "fuck"
    again = sign_and_post(base, comment("502", VULGAR), tmp_path)
    assert (again["status"], again["headers"].get("idempotent-replayed"), again["webhook_id"]) == (200, "true", answer["webhook_id"])


def test_a_body_changed_after_the_plugin_signed_it_is_refused_with_401(service, tmp_path):
    base, _ = service
    answer = sign_and_post(base, comment("503"), tmp_path, SECRET, "--tamper")
    assert answer["status"] == 401
    assert answer["headers"]["content-type"] == "application/problem+json"
    assert json.loads(answer["body"])["detail"] == "no signature matches a configured secret"


def test_a_post_signed_with_another_secret_is_refused_with_401(service, tmp_path):
    base, _ = service
    assert sign_and_post(base, comment("504"), tmp_path, NEW_SECRET)["status"] == 401


@pytest.mark.parametrize(("service_secrets", "plugin_secrets"), [
    (SECRET, f"{NEW_SECRET} {SECRET}"),  # the platform has the new secret first
    (f"{NEW_SECRET} {SECRET}", SECRET),  # the service has it first
    (f"{NEW_SECRET},{SECRET}", f"{NEW_SECRET}, {SECRET}"),  # both, comma separated
], ids=["platform-first", "service-first", "both"])
def test_a_rotation_never_fails_a_post_whichever_side_has_the_new_secret_first(tmp_path, free_port, service_secrets, plugin_secrets):
    with running_service(tmp_path, free_port, tmp_path / "rotation.db", {"MODERATION_WEBHOOK_SECRET": service_secrets}) as base:
        assert sign_and_post(base, comment("505"), tmp_path, plugin_secrets)["status"] == 200


def test_a_plain_text_secret_is_used_as_its_bytes_on_both_sides(tmp_path, free_port):
    secret = "correct horse battery staple"
    with running_service(tmp_path, free_port, tmp_path / "plain.db", {"MODERATION_WEBHOOK_SECRET": secret}) as base:
        assert sign_and_post(base, comment("506"), tmp_path, secret)["status"] == 200


def test_the_plugin_derives_the_webhook_id_as_the_guide_does():
    result = subprocess.run(["php", "-r", f"require '{WORDPRESS}/comment-moderation/signing.php'; echo cm_message_id('https://blog.example', '44', 1);"],
                            capture_output=True, text=True, check=True)
    shell = subprocess.run(["bash", "-c", "printf '%s' 'https://blog.example|44|1' | openssl dgst -sha256 -r | cut -c1-32"],
                           capture_output=True, text=True, check=True)
    assert result.stdout == "msg_" + shell.stdout.strip()
    assert '"https://blog.example|44|1" | openssl dgst -sha256 -r | cut -c1-32' in guide_block("test: curl-example")


# (b) The plugin's verification, of callbacks signed by the service's own Python.


def callback_headers(body: bytes, secret: str = SECRET, webhook_id: str = "msg_5f0c3a9d2b7e41c6", timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp), "webhook-signature": sign(secret, webhook_id, timestamp, body)}


CALLBACK = json.dumps({"type": "comment.reviewed", "data": {"comment_id": "7", "revision": 1, "action": "approve", "decision_id": 24,
                                                            "author_id": "wp-user-7", "author_banned": False, "decided_by": "moderator:admin"}}).encode()


def verify(headers: dict, body: bytes, secrets: list[str], now: int | None = None) -> dict:
    """The plugin's cm_verify on a callback, through the verify-callback.php driver."""
    return php("verify-callback.php", stdin=json.dumps({"headers": headers, "body_base64": base64.b64encode(body).decode(), "secrets": secrets, "now": now}))


def test_the_plugin_accepts_a_callback_signed_by_the_service():
    assert verify(callback_headers(CALLBACK), CALLBACK, [SECRET]) == {"ok": True, "webhook_id": "msg_5f0c3a9d2b7e41c6"}


def test_the_plugin_reads_headers_as_wordpress_rest_requests_give_them():
    # WP_REST_Request::get_headers(): lowercase, "_" for "-", each a list of values.
    headers = {name.replace("-", "_"): [value] for name, value in callback_headers(CALLBACK).items()}
    assert verify(headers, CALLBACK, [SECRET])["ok"]


def test_the_plugin_accepts_a_callback_signed_with_any_secret_it_holds():
    assert verify(callback_headers(CALLBACK, NEW_SECRET), CALLBACK, [SECRET, NEW_SECRET])["ok"]


@pytest.mark.parametrize(("make_headers", "body", "error"), [
    (lambda: callback_headers(CALLBACK), CALLBACK.replace(b'"approve"', b'"reject"'), "no signature matches a configured secret"),
    (lambda: callback_headers(CALLBACK, NEW_SECRET), CALLBACK, "no signature matches a configured secret"),
    (lambda: callback_headers(CALLBACK, timestamp=int(time.time()) - 3600), CALLBACK, "webhook-timestamp is more than 300 s from now"),
    (lambda: callback_headers(CALLBACK, timestamp=int(time.time() * 1000)), CALLBACK, "webhook-timestamp is more than 300 s from now"),
    (lambda: {k: v for k, v in callback_headers(CALLBACK).items() if k != "webhook-signature"}, CALLBACK,
     "webhook-id, webhook-timestamp and webhook-signature headers are required"),
    (lambda: {**callback_headers(CALLBACK), "webhook-id": "msg_another"}, CALLBACK, "no signature matches a configured secret"),
], ids=["tampered-body", "other-secret", "stale", "milliseconds", "no-signature", "other-id"])
def test_the_plugin_rejects_a_callback_that_does_not_check_out(make_headers, body, error):
    assert verify(make_headers(), body, [SECRET]) == {"ok": False, "error": error}


def test_the_plugin_allows_300_seconds_of_clock_skew_and_no_more():
    now = int(time.time())
    headers = callback_headers(CALLBACK, timestamp=now)
    assert verify(headers, CALLBACK, [SECRET], now=now + 300)["ok"]
    assert verify(headers, CALLBACK, [SECRET], now=now - 300)["ok"]
    assert not verify(headers, CALLBACK, [SECRET], now=now + 301)["ok"]


# The plugin's hooks, in a WordPress stand-in (integrations/wordpress/tests/wordpress-stand-in.php), against the service.


class Site:
    """A stand-in WordPress site with the plugin active; its state lives in one JSON file."""

    def __init__(self, state: Path, service_url: str, secret: str = SECRET, reject_as: str = "spam"):
        self.env = {"CM_WP_STATE": str(state)}
        self.run("setup", {"options": {"cm_settings": {"service_url": service_url, "secret": secret, "reject_as": reject_as}},
                           "posts": {"1017": {"ID": 1017, "post_title": "Talks resume in Doha",
                                              "post_content": "<p>Negotiators met in Doha on Monday [gallery] to discuss a ceasefire and prisoners.</p>"}}})

    def run(self, step: str, data: dict | None = None) -> dict:
        return php("run-plugin.php", step, stdin=json.dumps(data or {}), env=self.env)

    def configure(self, **settings) -> None:
        options = self.state()["options"]["cm_settings"]
        self.run("setup", {"options": {"cm_settings": {**options, **settings}}})

    def new_comment(self, text: str, approved_by_wordpress=1, **fields) -> tuple[str, dict]:
        """A comment as a visitor posts it; (its id, the site's state after wp_new_comment)."""
        data = {"comment_post_ID": 1017, "comment_author": "Ana", "comment_author_email": "Ana@Example.org",
                "comment_author_IP": "203.0.113.9", "comment_content": text, "comment_type": "comment", "user_id": 0, **fields}
        state = self.run("comment", {"commentdata": data, "approved_by_wordpress": approved_by_wordpress})
        return str(state["id"]), state

    def state(self) -> dict:
        return json.loads(Path(self.env["CM_WP_STATE"]).read_text(encoding="utf-8"))


def test_a_new_comment_is_posted_to_the_service_and_gets_its_verdict(service, tmp_path):
    base, _ = service
    site = Site(tmp_path / "site.json", base)
    for text, status, action in [(CLEAN, "1", "approve"), (VULGAR, "spam", "reject"), (HELD, "0", "hold")]:
        comment_id, state = site.new_comment(text)
        meta = state["meta"][comment_id]
        assert (state["comments"][comment_id]["comment_approved"], meta["_cm_action"], meta["_cm_decided_by"]) == (status, action, "engine")
        answer = signed(base, "GET", f"/v1/comments/{comment_id}", secret=SECRET)[2]
        assert (answer["action"], answer["decision_id"]) == (action, meta["_cm_decision_id"]), "the service has the same decision"
    assert state["meta"][comment_id]["_cm_reasons"] == "name-calling (is a clown)"
    assert state["scheduled"] == []


def test_what_the_plugin_posts_is_the_service_schema_and_the_comment_as_written(service, tmp_path):
    base, _ = service
    site = Site(tmp_path / "site.json", base)
    text = 'He said "ceasefire" \\ twice,\nin Doha — Ünïcode ✓ <a href="https://example.org/x">link</a>'
    comment_id, state = site.new_comment(text, comment_parent=0)
    sent = json.loads(state["meta"][comment_id]["_cm_body"])
    assert sent["body"] == text, "comment meta is unslashed on write: the plugin slashes what it stores"
    assert sent["article"] == {"id": "1017", "title": "Talks resume in Doha", "text": "Negotiators met in Doha on Monday  to discuss a ceasefire and prisoners."}
    assert sent["author"]["id"] == "wp-email-" + sent["author"]["email_hash"][:32] and sent["author"]["ip"] == "203.0.113.9"
    assert sent["created_at"].endswith("Z") and "parent_id" not in sent
    assert "\\u00dc" not in state["meta"][comment_id]["_cm_body"], "UTF-8 as is, not \\u escapes"
    assert state["meta"][comment_id]["_cm_state"] == "decided"


def test_an_unreachable_service_holds_the_comment_and_cron_retries_it_with_the_same_id_and_bytes(service, tmp_path):
    base, _ = service
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    site = Site(tmp_path / "site.json", dead)
    comment_id, state = site.new_comment(CLEAN)
    assert state["comments"][comment_id]["comment_approved"] == "0", "held, never approved, while the service cannot be reached"
    assert state["meta"][comment_id]["_cm_state"] == "waiting" and state["meta"][comment_id]["_cm_attempts"] == 1
    [event] = state["scheduled"]
    assert (event["hook"], event["args"]) == ("cm_retry_comment", [int(comment_id)])
    proxy = FlakyProxy(base, [(503, {"Retry-After": "120"})])
    try:
        site.configure(service_url=proxy.url)
        state = site.run("cron")
        assert state["comments"][comment_id]["comment_approved"] == "0"
        [event] = state["scheduled"]
        assert event["timestamp"] >= time.time() + 115, "Retry-After is honoured"
        state = site.run("cron")
        assert state["comments"][comment_id]["comment_approved"] == "1" and state["meta"][comment_id]["_cm_state"] == "decided"
        (first, first_body), (second, second_body) = proxy.requests
        assert first["webhook-id"] == second["webhook-id"] == state["meta"][comment_id]["_cm_webhook_id"]
        assert first_body == second_body == state["meta"][comment_id]["_cm_body"].encode()
    finally:
        proxy.close()


def test_a_4xx_leaves_the_comment_held_for_a_person_without_retrying(service, tmp_path):
    base, _ = service
    site = Site(tmp_path / "site.json", base, secret=NEW_SECRET)
    comment_id, state = site.new_comment(CLEAN)
    assert state["comments"][comment_id]["comment_approved"] == "0"
    assert state["meta"][comment_id]["_cm_state"] == "failed" and state["meta"][comment_id]["_cm_error"].startswith("HTTP 401")
    assert state["scheduled"] == []


def test_a_rejected_comment_goes_to_the_trash_when_the_site_says_so(service, tmp_path):
    base, _ = service
    site = Site(tmp_path / "site.json", base, reject_as="trash")
    comment_id, state = site.new_comment(VULGAR)
    assert state["comments"][comment_id]["comment_approved"] == "trash"


def test_wordpress_spam_verdicts_and_moderators_comments_are_not_sent(service, tmp_path):
    base, _ = service
    site = Site(tmp_path / "site.json", base)
    spam_id, state = site.new_comment(CLEAN, approved_by_wordpress="spam")
    assert state["comments"][spam_id]["comment_approved"] == "spam" and spam_id not in state["meta"]
    admin_id, state = site.new_comment(VULGAR, user_id=1)  # the stand-in's user 1 can moderate comments
    assert state["comments"][admin_id]["comment_approved"] == "1" and admin_id not in state["meta"]
    pingback_id, state = site.new_comment(VULGAR, comment_type="pingback")
    assert state["comments"][pingback_id]["comment_approved"] == "1" and pingback_id not in state["meta"]
    assert signed(base, "GET", f"/v1/comments/{spam_id}", secret=SECRET)[0] == 404


@contextmanager
def callback_route(state: Path, port: int):
    """The plugin's REST route under `php -S`, on the same stand-in site."""
    process = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", str(DRIVERS / "rest-router.php")], cwd=DRIVERS,
                               env={**os.environ, "CM_WP_STATE": str(state)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/wp-json/comment-moderation/v1/callbacks"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def free_loopback_port() -> int:
    """Another free port (the fixture gives one a test)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_callback(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    """(status, JSON answer) of a POST to the plugin's callback route."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, json.loads(response.read())


def test_moderators_decisions_called_back_by_the_service_are_applied_once_and_in_order(tmp_path, free_port):
    state_file = tmp_path / "site.json"
    with callback_route(state_file, free_loopback_port()) as callback_url:
        db = tmp_path / "callbacks.db"
        env = {"MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_CALLBACK_URL": callback_url}
        with running_service(tmp_path, free_port, db, env) as base:
            site = Site(state_file, base)
            comment_id, state = site.new_comment(HELD)
            assert state["comments"][comment_id]["comment_approved"] == "0"
            token = moderator_token(db)

            approval = review(base, token, comment_id, "approve")
            state = wait_for(lambda: (s := site.state())["meta"][comment_id].get("_cm_decided_by") == "moderator:admin" and s)
            assert state["comments"][comment_id]["comment_approved"] == "1"
            assert state["meta"][comment_id]["_cm_decision_id"] == approval["decision_id"]

            ban = review(base, token, comment_id, "ban")
            state = wait_for(lambda: (s := site.state())["meta"][comment_id]["_cm_decision_id"] == ban["decision_id"] and s)
            assert state["comments"][comment_id]["comment_approved"] == "spam"
            author = json.loads(state["meta"][comment_id]["_cm_body"])["author"]["id"]
            assert [args[0]["author_id"] for hook, args in state["actions"] if hook == "cm_author_banned"] == [author]
            review(base, token, comment_id, "unban")
            state = wait_for(lambda: (s := site.state()) and any(hook == "cm_author_unbanned" for hook, _ in s["actions"]) and s)
            assert len(state["transients"]) == 3, "each callback handled is remembered by its webhook-id"

        # The service's own Python signs what the route gets next.
        late = json.dumps({"type": "comment.reviewed", "data": {"comment_id": comment_id, "revision": 1, "action": "approve",
                                                                "decision_id": approval["decision_id"], "author_id": "x",
                                                                "author_banned": False, "decided_by": "moderator:admin"}}).encode()
        assert post_callback(callback_url, late, callback_headers(late, webhook_id="msg_late")) == (200, {"result": "ignored"})
        assert site.state()["comments"][comment_id]["comment_approved"] == "spam", "an older decision arriving late changes nothing"

        newer = late.replace(f'"decision_id": {approval["decision_id"]}'.encode(), f'"decision_id": {ban["decision_id"] + 10}'.encode())
        headers = callback_headers(newer, webhook_id="msg_newer")
        assert post_callback(callback_url, newer, headers) == (200, {"result": "applied"})
        assert site.state()["comments"][comment_id]["comment_approved"] == "1"
        assert post_callback(callback_url, newer, headers) == (200, {"result": "duplicate"}), "the same webhook-id again is a retry"

        assert post_callback(callback_url, newer.replace(b"approve", b"reject"), headers)[0] == 401
        stale = callback_headers(newer, webhook_id="msg_stale", timestamp=int(time.time()) - 301)
        assert post_callback(callback_url, newer, stale) == (401, {"detail": "webhook-timestamp is more than 300 s from now"})
        unknown = json.dumps({"type": "comment.reviewed", "data": {"comment_id": "999", "action": "approve", "decision_id": 1}}).encode()
        assert post_callback(callback_url, unknown, callback_headers(unknown, webhook_id="msg_unknown")) == (200, {"result": "ignored"})
        future = json.dumps({"type": "comment.edited", "data": {}}).encode()
        assert post_callback(callback_url, future, callback_headers(future, webhook_id="msg_future")) == (200, {"result": "ignored"})
