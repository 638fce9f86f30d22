"""The moderators' pages: sign-in, CSRF, escaped comment text with highlighted evidence, one-click decisions."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.ingest import ingest
from webhook.review_pages import highlight
from webhook.payload import comment_from_json
from datetime import datetime, timezone

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def app():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": ["s"], "MODERATION_CLOCK": lambda: NOW.timestamp(), "SECRET_KEY": "test"})
    moderators = app.extensions["moderation.moderators"]
    moderators.add_moderator("maria", generate_password_hash("correct horse"), "2026-01-01T00:00:00")
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    for cid, body in [("h1", "Obama is a clown <script>alert(1)</script> and Kerry is his sidekick."), ("ok", "A fair point about Diyala.")]:
        ingest(store, engine, comment_from_json({"id": cid, "body": body, "article": {"id": "a", "title": "Iraq", "text": "Diyala militias"}, "author": {"id": "u1"}}), NOW)
    return app


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, password="correct horse"):
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post("/sign-in", data={"name": "maria", "password": password, "csrf": csrf(page)})


def test_pages_need_sign_in(app):
    client = app.test_client()
    for path in ("/", "/audit", "/authors/u1"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_wrong_password_is_refused(app):
    client = app.test_client()
    assert "Wrong name or password" in sign_in(client, "nope").get_data(as_text=True)


def test_queue_escapes_comment_text_and_marks_evidence(app):
    client = app.test_client()
    sign_in(client)
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="evidence" title="name-calling">is a clown</mark>' in html
    assert "approved 1, held 1" in html


def test_form_without_csrf_token_is_refused(app):
    client = app.test_client()
    sign_in(client)
    assert client.post("/decide", data={"action": "approve", "comment_id": "h1"}).status_code == 400


def test_one_click_approve_leaves_the_queue_and_is_audited(app):
    client = app.test_client()
    sign_in(client)
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/decide", data={"action": "approve", "comment_id": "h1", "csrf": token})
    assert response.status_code == 302
    assert "Nothing is waiting" in client.get("/").get_data(as_text=True)
    assert "maria" in client.get("/audit").get_data(as_text=True)


def test_author_page_shows_history_and_ban(app):
    client = app.test_client()
    sign_in(client)
    token = csrf(client.get("/").get_data(as_text=True))
    client.post("/decide", data={"action": "ban", "comment_id": "h1", "csrf": token})
    html = client.get("/authors/u1").get_data(as_text=True)
    assert "banned" in html and "Lift ban" in html


def test_pages_send_secure_headers(app):
    response = app.test_client().get("/sign-in")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_bulk_decision_is_all_or_nothing(app):
    client = app.test_client()
    sign_in(client)
    token = csrf(client.get("/").get_data(as_text=True))
    response = client.post("/decide", data={"action": "reject", "comment_id": ["h1", "no-such-comment"], "csrf": token})
    assert response.status_code == 404
    assert 'data-comment="h1"' in client.get("/").get_data(as_text=True)  # still held: nothing was decided


def test_bulk_selection_decides_every_selected_comment(app):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    ingest(store, engine, comment_from_json({"id": "h2", "body": "Kerry is a clown.", "article": {"id": "a", "title": "Iraq", "text": "Diyala militias"}, "author": {"id": "u2"}}), NOW)
    client = app.test_client()
    sign_in(client)
    token = csrf(client.get("/").get_data(as_text=True))
    client.post("/decide", data={"action": "approve", "comment_id": ["h1", "h2"], "csrf": token})
    assert "Nothing is waiting" in client.get("/").get_data(as_text=True)
    assert [e["comment_id"] for e in app.extensions["moderation.moderators"].audit()] == ["h2", "h1"]


def test_ban_from_the_author_page_records_why_and_until_when(app):
    client = app.test_client()
    sign_in(client)
    token = csrf(client.get("/authors/u1").get_data(as_text=True))
    client.post("/decide", data={"action": "ban", "comment_id": "h1", "note": "name-calling again", "ban_days": "3", "csrf": token, "back": "/authors/u1"})
    ban = app.extensions["moderation.moderators"].author_summary("u1", NOW.isoformat())["bans"][0]
    assert ban["reason"] == "name-calling again" and ban["banned_by"] == "moderator:maria" and ban["comment_id"] == "h1"
    assert ban["expires_at"].startswith("2026-11-26T12:00")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(app, target):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post(f"/sign-in?next={target}", data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_overlapping_evidence_is_one_mark_naming_both_rules():
    html = str(highlight("you are a <b>stupid clown</b>", [
        {"rule": "a", "start": 10, "end": 19},
        {"rule": "b", "start": 13, "end": 29},
        {"rule": "whole", "start": 0, "end": 29},
    ]))
    assert html == 'you are a <mark class="evidence" title="a, b">&lt;b&gt;stupid clown&lt;/b&gt;</mark>'


# Regression (issue #11): a tab passed the same-site check and the browser read "//evil.example".
@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example", "\t//evil.example", "/\x00/evil.example"])
def test_sign_in_never_redirects_off_site_through_control_characters(app, target):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", query_string={"next": target}, data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", query_string={"next": "/authors/u1"}, data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    assert response.headers["Location"] == "/authors/u1"


# Regression (issue #11): Flask defines SESSION_COOKIE_SAMESITE as None, so setdefault never set Lax.
def test_session_cookie_is_httponly_and_samesite_lax(app):
    cookie = sign_in(app.test_client()).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_tls(app):
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://moderation.example").get_data(as_text=True)
    response = client.post("/sign-in", base_url="https://moderation.example",
                           data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_cookie_is_secure_behind_a_trusted_proxy_that_terminates_tls():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": ["s"], "SECRET_KEY": "test", "MODERATION_PROXY_HOPS": 1})
    app.extensions["moderation.moderators"].add_moderator("maria", generate_password_hash("correct horse"), "2026-01-01T00:00:00")
    client = app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/sign-in", headers=proxied).get_data(as_text=True)
    response = client.post("/sign-in", headers=proxied, data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


# Regression (issue #11): 100 wrong passwords in 10 s, then the right one signed in.
def test_sign_in_is_throttled_after_repeated_failures_even_with_the_right_password(app):
    client = app.test_client()
    statuses = [sign_in(client, f"guess {i}").status_code for i in range(10)]
    assert statuses == [401] * 10
    response = sign_in(client)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert "moderator" not in (response.headers.get("Set-Cookie") or "")


def test_throttling_is_per_name_and_forgotten_after_the_window(app):
    client = app.test_client()
    for i in range(10):
        sign_in(client, f"guess {i}")
    later = NOW.timestamp() + 16 * 60
    app.config["MODERATION_CLOCK"] = lambda: later
    assert sign_in(client).status_code == 302


def test_a_wrong_password_keeps_the_name_typed(app):
    html = sign_in(app.test_client(), "nope").get_data(as_text=True)
    assert 'value="maria"' in html and "Wrong name or password" in html


# Regression (issue #11): display names with right-to-left overrides were shown raw in the queue.
def test_display_names_are_isolated_so_an_override_cannot_reverse_the_page(app):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    ingest(store, engine, comment_from_json({"id": "rtl", "body": "Obama is a clown.", "article": {"id": "a", "title": "Iraq", "text": "Diyala"},
                                             "author": {"id": "u9", "display_name": "\u202egnp.exe"}}), NOW)
    client = app.test_client()
    sign_in(client)
    for path in ("/", "/authors/u9"):
        html = client.get(path).get_data(as_text=True)
        assert "<bdi>\u202egnp.exe</bdi>" in html
    assert 'class="body" dir="auto"' in client.get("/").get_data(as_text=True)
