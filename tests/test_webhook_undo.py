"""Undo on the moderators' pages (issue #10): a new decision restores the comment, nothing is edited, the ban made is lifted."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.ingest import ingest
from webhook.payload import comment_from_json
from webhook.review import review
from webhook.review_pages import anchor

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
ARTICLE = {"id": "a", "title": "Iraq", "text": "Diyala militias"}


@pytest.fixture
def app():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": ["s"], "MODERATION_CLOCK": lambda: NOW.timestamp(), "SECRET_KEY": "test"})
    app.extensions["moderation.moderators"].add_moderator("maria", generate_password_hash("correct horse"), "2026-01-01T00:00:00")
    for cid, author, body in [("h1", "u1", "Obama is a clown."), ("h2", "u2", "Kerry is a clown."), ("h3", "u3", "Maliki is a clown.")]:
        post(app, cid, author, body)
    return app


def post(app, cid: str, author: str, body: str, name: str | None = None):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    return ingest(store, engine, comment_from_json({"id": cid, "body": body, "article": ARTICLE,
                                                    "author": {"id": author, "display_name": name or author.upper()}}), NOW)


def signed_in(app):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    client.post("/sign-in", data={"name": "maria", "password": "correct horse", "csrf": csrf(page)})
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def undo_ids(html: str) -> list[str]:
    form = re.search(r'<form method="post" action="/undo".*?</form>', html, re.S)
    return re.findall(r'name="decision_id" value="(\d+)"', form.group(0)) if form else []


def rows(app, table: str) -> list[dict]:
    return [dict(r) for r in app.extensions["moderation.store"].connection.execute(f"SELECT * FROM {table} ORDER BY id")]


def decide(client, action: str, *comment_ids: str, **fields):
    token = csrf(client.get("/").get_data(as_text=True))
    return client.post("/decide", data={"action": action, "comment_id": list(comment_ids), "csrf": token, "back": "/?", **fields})


def test_approve_says_what_was_done_and_offers_an_undo(app):
    client = signed_in(app)
    decide(client, "approve", "h1")
    html = client.get("/").get_data(as_text=True)
    assert "Approved 1 comment by <bdi>U1</bdi>" in html
    assert undo_ids(html) == [str(app.extensions["moderation.store"].latest_decision("h1").id)]
    # Said once: the next page has no confirmation.
    assert "Approved 1 comment" not in client.get("/").get_data(as_text=True)


def test_undo_of_an_approval_is_a_new_decision_an_audit_entry_and_a_callback(app):
    client = signed_in(app)
    decide(client, "approve", "h1")
    before = rows(app, "decisions")
    html = client.get("/").get_data(as_text=True)
    response = client.post("/undo", data={"decision_id": undo_ids(html), "csrf": csrf(html), "back": "/?"})
    assert response.status_code == 302 and response.headers["Location"] == "/#" + anchor("h1")
    after = rows(app, "decisions")
    assert after[:len(before)] == before  # no row edited or deleted
    engine_hold, approval, restored = [d for d in after if d["comment_id"] == "h1"]
    assert (restored["action"], restored["decided_by"]) == ("hold", "moderator:maria")
    reasons = json.loads(restored["reasons"])
    assert [r["rule"] for r in reasons] == ["name-calling", "moderator-undo"] and reasons[-1]["undoes"] == approval["id"]
    assert restored["rules_version"] == engine_hold["rules_version"]
    audit = app.extensions["moderation.moderators"].audit()[0]
    assert (audit["moderator"], audit["action"], audit["comment_id"], audit["author_id"]) == ("maria", "undo", "h1", "u1")
    callbacks = [json.loads(r["payload"]) for r in rows(app, "outbox")]
    assert [c["action"] for c in callbacks] == ["approve", "hold"]
    assert callbacks[-1] == {**callbacks[-1], "comment_id": "h1", "decision_id": restored["id"], "undoes": approval["id"], "author_banned": False}
    page = client.get("/").get_data(as_text=True)
    assert 'data-comment="h1"' in page  # back in the queue, with its evidence
    assert "Undone: 1 comment by <bdi>U1</bdi> is held again" in page and not undo_ids(page)


def test_undo_of_a_ban_lifts_the_ban_it_made(app):
    client = signed_in(app)
    decide(client, "ban", "h1")
    store = app.extensions["moderation.store"]
    assert store.active_ban("u1", NOW.isoformat()) is not None
    html = client.get("/").get_data(as_text=True)
    assert "Rejected 1 comment and banned <bdi>U1</bdi>" in html
    client.post("/undo", data={"decision_id": undo_ids(html), "csrf": csrf(html)})
    assert store.active_ban("u1", NOW.isoformat()) is None
    ban = rows(app, "bans")[0]
    assert ban["banned_by"] == "moderator:maria" and ban["lifted_by"] == "moderator:maria" and ban["lifted_at"]
    assert store.latest_decision("h1").action == "hold"
    assert json.loads(rows(app, "outbox")[-1]["payload"])["author_banned"] is False
    assert "lifted the ban on <bdi>U1</bdi>" in client.get("/").get_data(as_text=True)


def test_undo_of_a_ban_on_an_author_banned_already_leaves_the_earlier_ban(app):
    post(app, "t1", "u1", "I will find you and slit your throat.")  # the engine bans u1
    client = signed_in(app)
    decide(client, "ban", "h1")
    html = client.get("/").get_data(as_text=True)
    assert "already banned" in html
    client.post("/undo", data={"decision_id": undo_ids(html), "csrf": csrf(html)})
    bans = rows(app, "bans")
    assert len(bans) == 1 and bans[0]["banned_by"] == "engine" and bans[0]["lifted_at"] is None


def test_bulk_undo_restores_every_comment_of_the_selection(app):
    client = signed_in(app)
    decide(client, "reject", "h1", "h2")
    html = client.get("/").get_data(as_text=True)
    assert "Rejected 2 comments by <bdi>U1</bdi> and <bdi>U2</bdi>" in html and len(undo_ids(html)) == 2
    client.post("/undo", data={"decision_id": undo_ids(html), "csrf": csrf(html)})
    store = app.extensions["moderation.store"]
    assert [store.latest_decision(c).action for c in ("h1", "h2", "h3")] == ["hold", "hold", "hold"]
    assert [e["action"] for e in app.extensions["moderation.moderators"].audit()[:2]] == ["undo", "undo"]


def test_undo_needs_the_csrf_token_and_a_signed_in_moderator(app):
    client = signed_in(app)
    decide(client, "approve", "h1")
    ids = undo_ids(client.get("/").get_data(as_text=True))
    assert client.post("/undo", data={"decision_id": ids}).status_code == 400
    assert client.post("/undo", data={"decision_id": ids, "csrf": "forged"}).status_code == 400
    stranger = app.test_client()
    response = stranger.post("/undo", data={"decision_id": ids})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert app.extensions["moderation.store"].latest_decision("h1").action == "approve"  # nothing undone


def test_undo_of_a_comment_decided_again_since_is_refused_and_changes_nothing(app):
    client = signed_in(app)
    decide(client, "approve", "h1")
    ids = undo_ids(client.get("/").get_data(as_text=True))
    review(app.extensions["moderation.moderators"], ["h1"], "reject", "bob", NOW)
    count = len(rows(app, "decisions"))
    token = csrf(client.get("/").get_data(as_text=True))
    assert client.post("/undo", data={"decision_id": ids, "csrf": token}).status_code == 409
    assert len(rows(app, "decisions")) == count


@pytest.mark.parametrize("sent", [["1"], ["x"], [], ["²"], ["99999"]])
def test_only_a_moderators_decision_can_be_undone(app, sent):
    client = signed_in(app)
    token = csrf(client.get("/").get_data(as_text=True))
    # Decision 1 is the engine's hold on h1; "x" and "²" are no numbers; 99999 does not exist.
    response = client.post("/undo", data={"decision_id": sent, "csrf": token})
    assert response.status_code == (404 if sent == ["99999"] else 422)
    assert len(rows(app, "decisions")) == 3


def test_undo_of_an_approval_gives_the_strike_back_once(app):
    store = app.extensions["moderation.store"]
    post(app, "s1", "u9", "You are an idiot, @bob.")  # a strike, rejected by the engine
    assert store.latest_decision("s1").strike
    client = signed_in(app)
    token = csrf(client.get("/").get_data(as_text=True))
    client.post("/decide", data={"action": "approve", "comment_id": "s1", "csrf": token})
    assert store.count_strikes("u9", "2026-01-01") == 0  # an approval overturns the strike
    html = client.get("/").get_data(as_text=True)
    client.post("/undo", data={"decision_id": undo_ids(html), "csrf": csrf(html)})
    assert store.latest_decision("s1").action == "reject"
    assert store.count_strikes("u9", "2026-01-01") == 1
    assert app.extensions["moderation.moderators"].author_summary("u9", NOW.isoformat())["strikes"] == 1


def test_a_decision_goes_back_to_the_next_comment_not_the_top(app):
    client = signed_in(app)
    response = decide(client, "approve", "h2", next="h3")
    assert response.headers["Location"] == "/#" + anchor("h3")


def test_a_bulk_decision_goes_back_to_the_comment_after_the_last_one_selected(app):
    client = signed_in(app)
    shown = ["h1", "h2", "h3"]
    assert decide(client, "approve", "h1", "h2", shown=shown).headers["Location"] == "/#" + anchor("h3")
    assert decide(client, "reject", "h3", shown=shown).headers["Location"] == "/#" + anchor("h2")


def test_the_queue_names_the_next_comment_in_each_form_and_anchors_every_comment(app):
    html = signed_in(app).get("/").get_data(as_text=True)
    for cid in ("h1", "h2", "h3"):
        assert f'id="{anchor(cid)}" data-comment="{cid}"' in html
    forms = re.findall(r'<form method="post" action="/decide" class="decide">(.*?)</form>', html, re.S)
    following = [re.search(r'name="next" value="([^"]+)"', f).group(1) for f in forms]
    assert following == ["h2", "h3", "h2"]  # the last one goes on with the one above it


def test_a_decision_never_goes_back_off_site(app):
    client = signed_in(app)
    response = decide(client, "approve", "h1", back="//evil.example/", next="h2")
    assert response.headers["Location"] == "/#" + anchor("h2")
