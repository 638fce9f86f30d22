"""The site owner's numbers: decisions over a period, how moderators ruled on each rule's catches, the queue and bans now."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.security import generate_password_hash

from webhook import create_app
from webhook.accounts import issue_token
from webhook.ingest import ingest, iso
from webhook.payload import comment_from_json
from webhook.errors import FieldError
from webhook.review import period_start, review, undo

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
ARTICLE = {"id": "a", "title": "Iran's militias in Iraq", "text": "Militias backed by Iran lead the fight in Diyala, and Badr commanders run the army there."}
HELD = "Obama is a clown and Kerry is his sidekick on the Diyala militias."
VULGAR = "What the fuck are the militias in Diyala doing?"
FINE = "The Badr commanders in Diyala answer to Tehran, not to the army."


@pytest.fixture
def app():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": ["s"], "MODERATION_CLOCK": lambda: NOW.timestamp(), "SECRET_KEY": "test"})
    app.extensions["moderation.moderators"].add_moderator("maria", generate_password_hash("correct horse"), "2026-01-01T00:00:00")
    return app


def post(app, comment_id, body, when=NOW, author="u1"):
    store, engine = app.extensions["moderation.store"], app.extensions["moderation.engine"]
    payload = {"id": comment_id, "body": body, "article": ARTICLE, "author": {"id": author}}
    return ingest(store, engine, comment_from_json(payload), when).decision


def numbers(app, days=30):
    return app.extensions["moderation.moderators"].numbers(iso(NOW - timedelta(days=days)), iso(NOW))


def rule(figures, rule_id):
    return next(r for r in figures["rules"] if r["rule"] == rule_id)


def test_each_rule_shows_what_it_caught_and_how_moderators_ruled(app):
    assert post(app, "h1", HELD, author="u1").action == "hold"
    assert post(app, "h2", HELD + " Really.", author="u2").action == "hold"
    assert post(app, "v1", VULGAR, author="u3").action == "reject"
    assert post(app, "ok", FINE, author="u4").action == "approve"
    moderators = app.extensions["moderation.moderators"]
    review(moderators, ["h1"], "approve", "maria", NOW)
    review(moderators, ["v1"], "approve", "maria", NOW)

    figures = numbers(app)
    assert figures["received"] == 4
    assert figures["engine"] == {"approve": 1, "hold": 2, "reject": 1}
    assert figures["moderators"] == {"approve": 2, "reject": 0}
    held_rule = rule(figures, "name-calling")
    assert (held_rule["caught"], held_rule["held_by_engine"], held_rule["moderators_approved"], held_rule["waiting"]) == (2, 2, 1, 1)
    vulgar = rule(figures, "vulgar-word")
    assert (vulgar["caught"], vulgar["rejected_by_engine"], vulgar["moderators_approved"], vulgar["waiting"]) == (1, 1, 1, 0)
    assert figures["queue"]["held"] == 1 and figures["queue"]["oldest_received_at"] == iso(NOW)


def test_a_rule_counts_once_per_comment_however_often_it_fires(app):
    post(app, "v2", "Fuck this, and fuck the militias in Diyala.")
    assert rule(numbers(app), "vulgar-word")["caught"] == 1


def test_only_the_period_asked_for_is_counted(app):
    for day in reversed(range(20)):  # oldest first, as they arrive
        post(app, f"c{day}", FINE, when=NOW - timedelta(days=day, hours=1), author=f"u{day}")
    for days in (1, 7, 19, 30):
        figures = numbers(app, days)
        assert figures["received"] == sum(figures["engine"].values()) == min(days, 20)


def test_bans_by_the_engine_and_by_moderators_and_those_in_force(app):
    post(app, "t1", "I'm going to kill you, Kerry.", author="threat")
    post(app, "h1", HELD, author="rude")
    review(app.extensions["moderation.moderators"], ["h1"], "ban", "maria", NOW, ban_days=7)
    assert numbers(app)["bans"] == {"by_engine": 1, "by_moderators": 1, "in_force": 2}


def test_numbers_page_needs_sign_in_and_shows_the_share_overturned(app):
    post(app, "h1", HELD, author="u1")
    post(app, "h2", HELD + " Really.", author="u2")
    review(app.extensions["moderation.moderators"], ["h1", "h2"], "approve", "maria", NOW)
    client = app.test_client()
    assert client.get("/numbers").status_code == 302
    page = client.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"name": "maria", "password": "correct horse", "csrf": csrf})
    html = client.get("/numbers?days=7").get_data(as_text=True)
    assert "<strong>7 days</strong>" in html
    assert re.search(r'data-rule="name-calling">Name calling</span></td>.*?100% of 2', html, re.S)
    assert client.get("/numbers?days=0").status_code == 422
    assert client.get("/numbers?days=week").status_code == 422


def test_numbers_as_json_for_tools_need_a_token(app):
    post(app, "v1", VULGAR)
    client = app.test_client()
    assert client.get("/v1/numbers").status_code == 401
    token = issue_token(app.extensions["moderation.moderators"], "maria", "2026-01-01T00:00:00")
    body = client.get("/v1/numbers?days=7", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["days"] == 7 and body["engine"]["reject"] == 1 and rule(body, "vulgar-word")["caught"] == 1


def test_a_comment_an_undo_put_back_in_the_queue_is_waiting_again(app):
    post(app, "h1", HELD)
    moderators = app.extensions["moderation.moderators"]
    approval = review(moderators, ["h1"], "approve", "maria", NOW)[0]
    assert rule(numbers(app), "name-calling")["waiting"] == 0
    undo(moderators, [approval.id], "maria", NOW)
    figures = numbers(app)
    assert rule(figures, "name-calling")["waiting"] == 1 and figures["queue"]["held"] == 1
    assert rule(figures, "name-calling")["moderators_approved"] == 0  # the moderator's last word is the undo


# "²" passes str.isdigit but not int(): /numbers?days=² was a 500.
def test_a_period_in_superscript_digits_is_refused(app):
    page = app.test_client()
    token = issue_token(app.extensions["moderation.moderators"], "maria", "2026-01-01T00:00:00")
    assert page.get("/v1/numbers?days=²", headers={"Authorization": f"Bearer {token}"}).status_code == 422


# Regression (issue #11, tests/test_hostile_input.py): "²" and "①" pass str.isdigit
# but not int() (a 500), and "٣" and "１" were read as 3 and 1 days.
@pytest.mark.parametrize("days", ["²", "①", "٣", "１", " 7", "7 "])
def test_a_period_in_anything_but_ascii_digits_is_a_422(days):
    with pytest.raises(FieldError) as caught:
        period_start(days, NOW)
    assert caught.value.field == "days"
