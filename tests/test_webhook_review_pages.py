"""The moderators' pages: sign-in, CSRF, escaped comment text with highlighted evidence, one-click decisions."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.ingest import ingest
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
