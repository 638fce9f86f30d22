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
    assert "1 approved · 1 held" in html


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


def _decide(client, action, comment_id, **fields):
    token = csrf(client.get("/").get_data(as_text=True))
    return client.post("/decide", data={"action": action, "comment_id": comment_id, "csrf": token, **fields})


def _ban_by_the_engine(app, cid="t1", author="u7", at=None):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    ingest(store, engine, comment_from_json({"id": cid, "body": "<b>I will find you</b> and slit your throat.", "article": {"id": "a", "title": "Iraq", "text": "Diyala"},
                                             "author": {"id": author, "display_name": "Threatening Tom"}}), at or NOW)


def _item(html: str, comment_id: str) -> str:
    """The markup of one comment's list item on a page."""
    return next(part for part in html.split('<li class="item"')[1:] if f'data-comment="{comment_id}"' in part.partition(">")[0])


def _entries(html: str) -> list[str]:
    return re.findall(r'<li class="entry.*?</li>\s*(?=<li class="entry|</ol>)', html, re.S)


# Issue #10: "Reasons show the rule's name once (today the id and the category read as a duplicate)".
def test_a_reason_shows_the_rules_name_once_with_the_id_kept_for_tools(app):
    client = app.test_client()
    sign_in(client)
    html = client.get("/").get_data(as_text=True)
    reasons = re.search(r'<ul class="reasons">(.*?)</ul>', html, re.S).group(1)
    assert '<span class="rule" title="name-calling">Name calling</span>' in reasons
    assert 'data-rule="name-calling"' in reasons
    text = re.sub(r"<[^>]+>", " ", re.sub(r'<span class="explanation">.*?</span>', "", reasons, flags=re.S))
    assert "name-calling" not in text and "name_calling" not in text  # neither the id nor the category is shown as text
    assert text.count("Name calling") == 1


def test_the_audit_log_links_the_comment_and_author_and_shows_the_text_and_rules(app):
    client = app.test_client()
    sign_in(client)
    _decide(client, "reject", "h1", note="no name-calling here")
    html = client.get("/audit").get_data(as_text=True)
    entry = _entries(html)[0]
    assert 'data-kind="moderator" data-action="reject" data-comment="h1"' in entry
    assert '<a class="comment-link" href="/comments/h1">comment <bdi>h1</bdi></a>' in entry
    assert '<a class="author" href="/authors/u1"><bdi>u1</bdi></a>' in entry
    assert "<bdi>maria</bdi>" in entry and "rejected" in entry and "no name-calling here" in entry
    # The comment as it read, escaped, with the evidence marked, and the rule that held it.
    assert '<mark class="evidence" title="name-calling">is a clown</mark> &lt;script&gt;alert(1)&lt;/script&gt;' in entry
    assert "The engine held it for" in entry and '<span class="rule" title="name-calling">Name calling</span>' in entry
    assert "<script>alert(1)" not in html


def test_the_audit_log_lists_the_engines_bans_beside_moderators_actions_in_time_order(app):
    client = app.test_client()
    sign_in(client)
    _decide(client, "approve", "h1")                      # at NOW
    later = NOW.timestamp() + 60
    app.config["MODERATION_CLOCK"] = lambda: later
    _ban_by_the_engine(app, at=datetime.fromtimestamp(later, tz=timezone.utc))  # a minute later
    app.config["MODERATION_CLOCK"] = lambda: later + 60
    _decide(client, "reject", "ok")                       # two minutes later
    entries = _entries(client.get("/audit").get_data(as_text=True))
    kinds = [re.search(r'data-kind="(\w+)" data-action="(\w+)"', e).groups() for e in entries]
    assert kinds == [("moderator", "reject"), ("engine", "ban"), ("moderator", "approve")]
    engine = entries[1]
    assert "The engine</strong>" in engine and "the policy bans at once for: threat-of-violence" in engine and "until lifted" in engine
    assert '<a class="author" href="/authors/u7"><bdi>Threatening Tom</bdi></a>' in engine and 'href="/comments/t1"' in engine
    assert "The engine rejected it for" in engine and 'title="threat-of-violence">Threat of violence</span>' in engine
    # The evidence marked in the escaped text (other rules' evidence may share the mark).
    assert re.search(r'&lt;b&gt;<mark class="evidence" title="[^"]*violent-talk[^"]*">I will find you</mark>', engine)


def test_the_audit_log_pages_back_without_a_gap(app):
    moderators = app.extensions["moderation.moderators"]
    for i in range(3):
        _ban_by_the_engine(app, cid=f"t{i}", author=f"u{i + 10}")
    from webhook.review import review
    review(moderators, ["h1", "ok"], "reject", "maria", NOW)  # one moment for both
    everything = moderators.audit_timeline(limit=100)
    first = moderators.audit_timeline(limit=2)
    last = first[-1]
    rest = moderators.audit_timeline(limit=100, before=(last["created_at"], last["kind"], last["id"]))
    assert [(e["kind"], e["id"]) for e in first + rest] == [(e["kind"], e["id"]) for e in everything] and len(everything) == 5
    client = app.test_client()
    sign_in(client)
    assert client.get("/audit", query_string={"before": "nonsense"}).status_code == 422


def test_an_authors_page_shows_why_each_comment_was_held_or_rejected_and_who_decided(app):
    client = app.test_client()
    sign_in(client)
    _decide(client, "reject", "h1")
    html = client.get("/authors/u1").get_data(as_text=True)
    item = _item(html, "h1")
    assert 'data-action="reject"' in item and '<span class="by">by <bdi class="moderator">maria</bdi></span>' in item
    assert "Why the engine held it:" in item
    assert '<span class="rule" title="name-calling">Name calling</span>' in item
    assert "Calls a public figure an insulting name" in item          # the explanation
    assert '<q class="evidence-quote" dir="auto">is a clown</q>' in item  # the evidence, and marked in the text
    assert '<mark class="evidence" title="name-calling">is a clown</mark>' in item
    # Who decided, in order: the engine held it, then maria rejected it.
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', item, re.S).group(1)
    assert re.search(r"verdict-hold.*?by the engine.*?verdict-reject.*?<bdi class=\"moderator\">maria</bdi>", timeline, re.S)
    assert "The engine approved it" in _item(html, "ok")


def test_a_comment_page_shows_each_decision_and_needs_sign_in(app):
    client = app.test_client()
    assert client.get("/comments/h1").status_code == 302
    sign_in(client)
    _decide(client, "approve", "h1", note="satire, fine")
    html = client.get("/comments/h1").get_data(as_text=True)
    assert "Why the engine held it:" in html and "satire, fine" in html and '<a class="author" href="/authors/u1">' in html
    assert client.get("/comments/nothing-here").status_code == 404


# Issue #11: the CSP forbids inline scripts and styles; no page may need one.
def test_no_page_carries_an_inline_script_style_or_event_handler(app):
    client = app.test_client()
    for html in (client.get("/sign-in").get_data(as_text=True),):
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son\w+=", html, re.I)
    sign_in(client)
    _ban_by_the_engine(app)
    _decide(client, "ban", "h1")
    for path in ("/", "/authors/u1", "/audit", "/comments/h1", "/numbers", "/authors/u7"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son\w+=", html, re.I), path
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_author_and_comment_pages_open_for_ids_with_slashes_and_odd_characters(app):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    ingest(store, engine, comment_from_json({"id": "wp/42?x#y", "body": "Obama is a clown.", "article": {"id": "a", "title": "Iraq", "text": "Diyala"},
                                             "author": {"id": "team/alpha beta", "display_name": "Alpha"}}), NOW)
    client = app.test_client()
    sign_in(client)
    html = client.get("/").get_data(as_text=True)
    author = re.search(r'<a class="author" href="([^"]*alpha[^"]*)"', html).group(1)
    comment = re.search(r'<a href="(/comments/[^"]*42[^"]*)">history</a>', html).group(1)
    assert "<bdi>Alpha</bdi>" in client.get(author).get_data(as_text=True)
    assert "<bdi>wp/42?x#y</bdi>" in client.get(comment).get_data(as_text=True)


# "²" passes str.isdigit but not int(): it gave 500 for ban_days.
@pytest.mark.parametrize("days", ["²", "x", "0", "36501"])
def test_ban_days_must_be_a_whole_number_of_ascii_digits(app, days):
    client = app.test_client()
    sign_in(client)
    assert _decide(client, "ban", "h1", ban_days=days).status_code == 422
