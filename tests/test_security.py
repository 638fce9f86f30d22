"""Security (issue #11): signatures, access to every page and tool, CSRF, cookies, password hashing,
sign-in throttling, the Content-Security-Policy, and an audit entry for every moderator action."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.accounts import add_moderator, issue_token
from webhook.signing import sign

SECRET = "whsec_c2VjdXJpdHktdGVzdHMtc2VjcmV0LWtleQ=="
NOW = 1_790_000_000.0
TEMPLATES = Path(__file__).resolve().parent.parent / "webhook" / "templates"
ARTICLE = {"id": "a1", "title": "Iraq", "text": "Diyala and the Badr Organization"}


def _app(db) -> object:
    app = create_app({"MODERATION_DB": str(db), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW,
                      "MODERATION_FLOOD_LIMIT": 0, "SECRET_KEY": "security-test"})
    moderators = app.extensions["moderation.moderators"]
    add_moderator(moderators, "maria", "correct horse battery", "2026-01-01T00:00:00")
    app.config["TEST_TOKEN"] = issue_token(moderators, "maria", "2026-01-01T00:00:00")
    for cid in ("h1", "h2", "h3"):
        assert signed(app.test_client(), "POST", "/v1/comments", comment(cid)).status_code == 200
    return app


@pytest.fixture
def app(tmp_path):
    return _app(tmp_path / "security.db")


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One app for the tests that change nothing (each checks that): the engine is built once."""
    return _app(tmp_path_factory.mktemp("security") / "shared.db")


def comment(cid: str, body: str = "The envoy is a clown.") -> bytes:
    return json.dumps({"id": cid, "body": body, "article": ARTICLE, "author": {"id": f"author-{cid}"}}).encode()


def headers_for(body: bytes, message_id: str = "msg_1", timestamp: float = NOW, secret: str = SECRET) -> dict:
    return {"webhook-id": message_id, "webhook-timestamp": str(int(timestamp)), "webhook-signature": sign(secret, message_id, int(timestamp), body),
            "Content-Type": "application/json"}


def signed(client, method: str, path: str, body: bytes = b"", message_id: str | None = None):
    return client.open(path, method=method, data=body, headers=headers_for(body, message_id or "msg_" + hashlib.sha256(body + path.encode()).hexdigest()[:20]))


def tables(app) -> dict:
    connection = app.extensions["moderation.store"].connection
    names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def signed_in(app, name: str = "maria", password: str = "correct horse battery"):
    client = app.test_client()
    response = client.post("/sign-in", data={"name": name, "password": password, "csrf": csrf_of(client.get("/sign-in").get_data(as_text=True))})
    assert response.status_code == 302
    return client, csrf_of(client.get("/").get_data(as_text=True))


# -- signatures ------------------------------------------------------------------------------------

BODY = comment("new-1", "What a load of bullshit.")
OTHER = comment("new-2", "Something else entirely.")


def _drop(name):
    return lambda h: {k: v for k, v in h.items() if k != name}


SIGNATURE_ATTACKS = {
    "no signature headers": lambda h: {"Content-Type": "application/json"},
    "no webhook-id": _drop("webhook-id"),
    "no webhook-timestamp": _drop("webhook-timestamp"),
    "no webhook-signature": _drop("webhook-signature"),
    "empty signature": lambda h: {**h, "webhook-signature": ""},
    "wrong secret": lambda h: {**h, "webhook-signature": sign("whsec_d3Jvbmc=", h["webhook-id"], int(NOW), BODY)},
    "signature over another body": lambda h: {**h, "webhook-signature": sign(SECRET, h["webhook-id"], int(NOW), OTHER)},
    "signature for another webhook-id": lambda h: {**h, "webhook-id": "msg_other"},
    "signature for another timestamp": lambda h: {**h, "webhook-timestamp": str(int(NOW) + 1)},
    "stale by 301 s": lambda h: headers_for(BODY, timestamp=NOW - 301),
    "an hour old": lambda h: headers_for(BODY, timestamp=NOW - 3600),
    "future by 301 s": lambda h: headers_for(BODY, timestamp=NOW + 301),
    "timestamp in milliseconds": lambda h: {**h, "webhook-timestamp": str(int(NOW * 1000))},
    "timestamp not a number": lambda h: {**h, "webhook-timestamp": "soon"},
    "another scheme only": lambda h: {**h, "webhook-signature": h["webhook-signature"].replace("v1,", "v2,")},
    "signature bytes changed": lambda h: {**h, "webhook-signature": h["webhook-signature"][:-4] + ("AAAA" if not h["webhook-signature"].endswith("AAAA") else "BBBB")},
    "signature truncated": lambda h: {**h, "webhook-signature": h["webhook-signature"][:20]},
    "bare base64 without v1,": lambda h: {**h, "webhook-signature": h["webhook-signature"][3:]},
}
SIGNED_ENDPOINTS = [("POST", "/v1/comments", BODY), ("PUT", "/v1/articles/a9", json.dumps({"title": "t", "text": "x"}).encode()),
                    ("GET", "/v1/comments/h1", b"")]


@pytest.mark.parametrize("method, path, body", SIGNED_ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in SIGNED_ENDPOINTS])
@pytest.mark.parametrize("attack", list(SIGNATURE_ATTACKS))
def test_every_signature_attack_is_a_401_and_stores_nothing(shared_app, method, path, body, attack):
    app = shared_app
    global BODY
    saved, BODY = BODY, body  # the attacks sign over BODY: the endpoint's own body here
    try:
        headers = SIGNATURE_ATTACKS[attack](headers_for(body))
    finally:
        BODY = saved
    if attack == "signature over another body" and body == b"":
        headers["webhook-signature"] = sign(SECRET, headers["webhook-id"], int(NOW), b"x")
    before = tables(app)
    response = app.test_client().open(path, method=method, data=body, headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json", (response.status_code, response.get_data()[:200])
    assert response.get_json()["status"] == 401
    assert tables(app) == before


@pytest.mark.parametrize("method, path, first, second", [
    ("POST", "/v1/comments", comment("r1"), comment("r2", "A different comment under the same id.")),
    ("POST", "/v1/comments", comment("r3"), comment("r3", "The same comment id, another body.")),
    ("PUT", "/v1/articles/a7", json.dumps({"title": "t", "text": "x"}).encode(), json.dumps({"title": "t", "text": "changed"}).encode()),
])
def test_a_replayed_webhook_id_with_another_body_and_a_fresh_signature_is_a_401_and_stores_nothing(app, method, path, first, second):
    client = app.test_client()
    assert client.open(path, method=method, data=first, headers=headers_for(first, "msg_replayed")).status_code == 200
    before = tables(app)
    response = client.open(path, method=method, data=second, headers=headers_for(second, "msg_replayed", timestamp=NOW - 5))
    assert response.status_code == 401 and "already used" in response.get_json()["detail"]
    assert tables(app) == before


def test_the_same_delivery_sent_again_is_a_replay_not_a_refusal(app):
    client = app.test_client()
    first = client.post("/v1/comments", data=BODY, headers=headers_for(BODY, "msg_retry"))
    again = client.post("/v1/comments", data=BODY, headers=headers_for(BODY, "msg_retry", timestamp=NOW - 60))
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["decision_id"] == first.get_json()["decision_id"]


# -- moderator side: every page and tool needs a session or a token ---------------------------------

def _routes(app) -> dict[str, list]:
    routes: dict[str, list] = {}
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: {"comment_id": "h1", "author_id": "author-h1", "article_id": "a1", "filename": "review.css"}[m.group(1)], rule.rule)
            routes.setdefault(rule.endpoint.split(".")[0], []).append((method, path))
    return routes


def test_every_route_is_in_one_of_the_guarded_groups(shared_app):
    app = shared_app
    # A new blueprint or route must land in a group below, or this fails.
    assert set(_routes(app)) == {"api", "tools", "review", "static", "health"}


def test_the_only_open_route_is_the_health_check_and_it_tells_no_secret(shared_app):
    # /healthz is for a load balancer: no session, no token, and nothing but its figures.
    assert _routes(shared_app)["health"] == [("GET", "/healthz")]
    body = shared_app.test_client().get("/healthz").get_data(as_text=True)
    assert SECRET not in body and "password" not in body


def test_every_page_without_a_session_redirects_to_sign_in_and_changes_nothing(shared_app):
    app = shared_app
    client = app.test_client()
    before = tables(app)
    pages = [(m, p) for m, p in _routes(app)["review"] if p != "/sign-in"]
    assert {p for _, p in pages} >= {"/", "/decide", "/undo", "/authors/author-h1", "/comments/h1", "/audit", "/numbers", "/sign-out"}
    for method, path in pages:
        response = client.open(path, method=method, data={"action": "ban", "comment_id": "h1"})
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), (method, path)
    assert tables(app) == before


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Bearer mod_not-a-token", "Basic bWFyaWE6Y29ycmVjdA==",
                                           "bearer {token}", "Token {token}", "Bearer {token}x", "Bearer " + "x" * 5_000])
def test_every_tools_call_without_a_valid_token_is_a_401_and_changes_nothing(shared_app, authorization):
    app = shared_app
    client = app.test_client()
    before = tables(app)
    tools = _routes(app)["tools"]
    assert {p for _, p in tools} == {"/v1/queue", "/v1/numbers", "/v1/comments/h1/review"}
    for method, path in tools:
        headers = {} if authorization is None else {"Authorization": authorization.format(token=app.config["TEST_TOKEN"])}
        response = client.open(path, method=method, json={"action": "ban"}, headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json", (method, path, response.status_code)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert tables(app) == before


def test_a_session_cookie_does_not_open_the_tools_and_a_token_does_not_open_the_pages(app):
    client, _ = signed_in(app)
    assert client.get("/v1/queue").status_code == 401
    other = app.test_client()
    response = other.get("/", headers={"Authorization": f"Bearer {app.config['TEST_TOKEN']}"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_forged_session_cookie_is_not_a_session(app):
    client = app.test_client()
    client.set_cookie("session", "eyJtb2RlcmF0b3IiOiJtYXJpYSJ9.ZZZZZZ.forged-signature")
    assert client.get("/").status_code == 302
    forged = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": [SECRET], "SECRET_KEY": "another key"})
    with forged.test_request_context():
        from flask import session

        session["moderator"] = "maria"
        cookie = forged.session_interface.get_signing_serializer(forged).dumps(dict(session))
    client.set_cookie("session", cookie)
    assert client.get("/").status_code == 302


# -- CSRF -------------------------------------------------------------------------------------------

def _forms(app) -> list[tuple[str, dict]]:
    posts = [path for method, path in _routes(app)["review"] if method == "POST"]
    assert set(posts) == {"/sign-in", "/sign-out", "/decide", "/undo"}
    fields = {"/sign-in": {"name": "maria", "password": "correct horse battery"}, "/sign-out": {}, "/decide": {"action": "ban", "comment_id": "h1"},
              "/undo": {"decision_id": "1"}}
    return [(path, fields[path]) for path in posts]


@pytest.mark.parametrize("token", ["missing", "empty", "wrong", "another session's"])
def test_every_form_post_without_its_sessions_csrf_token_is_refused_and_changes_nothing(app, token):
    client, _ = signed_in(app)
    _, theirs = signed_in(app)
    sent = {"missing": None, "empty": "", "wrong": "not-the-token", "another session's": theirs}[token]
    for path, fields in _forms(app):
        before = tables(app)
        data = dict(fields) if sent is None else {**fields, "csrf": sent}
        response = client.post(path, data=data)
        assert response.status_code == 400 and response.mimetype == "application/problem+json", (path, response.status_code)
        assert tables(app) == before
    assert client.get("/").status_code == 200  # still signed in: the refused sign-out did nothing


def test_a_signed_out_visitor_cannot_sign_in_without_the_forms_token(app):
    client = app.test_client()
    response = client.post("/sign-in", data={"name": "maria", "password": "correct horse battery"})
    assert response.status_code == 400 and client.get("/").status_code == 302


# -- cookies, passwords, throttling -------------------------------------------------------------------

def _session_cookie(response) -> str:
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))


def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_plain_http(app):
    client = app.test_client()
    response = client.post("/sign-in", data={"name": "maria", "password": "correct horse battery", "csrf": csrf_of(client.get("/sign-in").get_data(as_text=True))})
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_behind_tls(app):
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://moderation.example")
    response = client.post("/sign-in", base_url="https://moderation.example",
                           data={"name": "maria", "password": "correct horse battery", "csrf": csrf_of(page.get_data(as_text=True))})
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_with_a_slow_salted_hash_and_tokens_only_hashed(app):
    row = app.extensions["moderation.moderators"].moderator("maria")
    stored = row["password_hash"]
    method, _, rest = stored.partition("$")
    assert method.startswith(("scrypt:", "pbkdf2:")), method
    if method.startswith("scrypt:"):
        n = int(method.split(":")[1])
        assert n >= 2**14  # werkzeug's default is 2**15
    else:
        assert int(method.split(":")[2]) >= 600_000
    assert "correct horse battery" not in stored and hashlib.sha256(b"correct horse battery").hexdigest() not in stored
    salt, _, digest = rest.partition("$")
    assert len(salt) >= 16 and len(digest) >= 64
    # The same password twice: two different salts, two different hashes.
    assert generate_password_hash("correct horse battery") != stored
    dump = "\n".join(app.extensions["moderation.store"].connection.iterdump())
    assert app.config["TEST_TOKEN"] not in dump and "correct horse battery" not in dump


def test_sign_in_attempts_are_throttled_even_with_the_right_password(app):
    client = app.test_client()
    for _ in range(10):
        page = client.get("/sign-in").get_data(as_text=True)
        assert client.post("/sign-in", data={"name": "maria", "password": "wrong", "csrf": csrf_of(page)}).status_code == 401
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", data={"name": "maria", "password": "correct horse battery", "csrf": csrf_of(page)})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302


def test_sign_in_attempts_from_one_address_are_throttled_across_names(app):
    client = app.test_client()
    for i in range(30):
        page = client.get("/sign-in").get_data(as_text=True)
        client.post("/sign-in", data={"name": f"guess{i}", "password": "wrong", "csrf": csrf_of(page)})
    page = client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in", data={"name": "maria", "password": "correct horse battery", "csrf": csrf_of(page)}).status_code == 429


# -- Content-Security-Policy ------------------------------------------------------------------------

def test_every_page_has_a_content_security_policy_without_inline_scripts_or_styles(app):
    client, _ = signed_in(app)
    for path in ("/sign-in", "/", "/authors/author-h1", "/audit", "/numbers"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        directives = dict((d.split(" ", 1) + [""])[:2] for d in (part.strip() for part in policy.split(";")) if d)
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "data:" not in policy, policy
        assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["X-Frame-Options"] == "DENY"
        html = response.get_data(as_text=True)
        # What the policy would block anyway must not be written: no inline script, handler or style.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\son[a-z]+\s*=", html, re.I) and not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html, path
        assert "javascript:" not in html.lower(), path


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_carries_an_inline_script_handler_or_style(template):
    html = (TEMPLATES / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html, re.I) and not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html
    assert "|safe" not in html.replace(" ", "")  # nothing bypasses autoescaping in a template


# -- every moderator action is audited --------------------------------------------------------------

def test_every_moderator_action_through_the_pages_and_the_api_is_audited_with_who_and_when(app):
    moderators = app.extensions["moderation.moderators"]
    add_moderator(moderators, "omar", "another good password", "2026-01-01T00:00:00")
    client, csrf = signed_in(app, "omar", "another good password")
    token = app.config["TEST_TOKEN"]  # maria's
    api = app.test_client()
    actions = [
        ("pages", "approve", "h1"), ("pages", "reject", "h2"), ("pages", "ban", "h3"), ("pages", "unban", "h3"),
        ("api", "approve", "h2"), ("api", "reject", "h1"), ("api", "ban", "h1"), ("api", "unban", "h1"),
    ]
    for via, action, cid in actions:
        if via == "pages":
            assert client.post("/decide", data={"csrf": csrf, "action": action, "comment_id": cid, "note": f"{action} by page"}).status_code == 302
        else:
            response = api.post(f"/v1/comments/{cid}/review", json={"action": action, "note": f"{action} by api"}, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200
    entries = list(reversed(moderators.audit()))
    when = datetime.fromtimestamp(NOW, tz=timezone.utc).isoformat(timespec="microseconds")
    assert [(e["moderator"], e["action"], e["comment_id"], e["detail"], e["created_at"]) for e in entries] == [
        ("omar" if via == "pages" else "maria", action, cid, f"{action} by {'page' if via == 'pages' else 'api'}", when) for via, action, cid in actions
    ]
    assert all(e["author_id"] == f"author-{e['comment_id']}" for e in entries)
    # Every decision a moderator made has its audit entry; nothing decided by a moderator is missing from the log.
    connection = app.extensions["moderation.store"].connection
    decided = connection.execute("SELECT COUNT(*) FROM decisions WHERE decided_by LIKE 'moderator:%'").fetchone()[0]
    assert decided == sum(action != "unban" for _, action, _ in actions)
    bans = connection.execute("SELECT banned_by, lifted_by FROM bans ORDER BY id").fetchall()
    assert [tuple(b) for b in bans] == [("moderator:omar", "moderator:omar"), ("moderator:maria", "moderator:maria")]
    # And the audit page shows them to every moderator.
    html = client.get("/audit").get_data(as_text=True)
    assert html.count("by page") == 4 and html.count("by api") == 4


def test_a_refused_moderator_action_leaves_no_audit_entry(app):
    client, csrf = signed_in(app)
    before = tables(app)
    assert client.post("/decide", data={"csrf": csrf, "action": "approve", "comment_id": ["h1", "missing"]}).status_code == 404
    assert app.test_client().post("/v1/comments/missing/review", json={"action": "ban"},
                                  headers={"Authorization": f"Bearer {app.config['TEST_TOKEN']}"}).status_code == 404
    assert tables(app) == before
