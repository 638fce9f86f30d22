"""The platform's side of the webhook: signed, idempotent ingest; strikes and bans; one error shape."""

from __future__ import annotations

import hashlib
import json

import pytest

from webhook import create_app
from webhook.payload import comment_from_json
from webhook.signing import sign

SECRET = "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS13ZWJob29r"
OLD_SECRET = "rotated-out-but-still-accepted"
NOW = 1_790_000_000.0
ARTICLE = {"id": "a1", "title": "Iranian militias move to the forefront in Iraq", "text": "The Badr Organization and Iraq's army in Diyala, with US air support against ISIS."}


@pytest.fixture
def client():
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": [SECRET, OLD_SECRET], "MODERATION_CLOCK": lambda: NOW, "MODERATION_FLOOD_LIMIT": 5, "MAX_CONTENT_LENGTH": 20_000})
    return app.test_client()


def signed(client, method, path, payload, secret=SECRET, timestamp=NOW, message_id=None, content_type="application/json", raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    # One id a message, as Standard Webhooks asks: a retry of the same body reuses it.
    message_id = message_id or "msg_" + hashlib.sha256(body).hexdigest()[:24]
    headers = {"webhook-id": message_id, "webhook-timestamp": str(int(timestamp)), "webhook-signature": sign(secret, message_id, int(timestamp), body), "Content-Type": content_type}
    return client.open(path, method=method, data=body, headers=headers)


def comment(comment_id="c1", body="Good point about the Badr Organization in Diyala.", author="u1", revision=1, article=ARTICLE):
    return {"id": comment_id, "revision": revision, "body": body, "article": article, "author": {"id": author, "display_name": author}}


def post(client, payload, **kwargs):
    return signed(client, "POST", "/v1/comments", payload, **kwargs)


def test_civil_comment_is_approved_with_a_decision_id(client):
    response = post(client, comment())
    assert response.status_code == 200
    body = response.get_json()
    assert body["action"] == "approve" and body["decision_id"] and body["rules_version"] and body["author_banned"] is False


def test_vulgar_comment_is_rejected_with_reason_and_span(client):
    text = "The minister doesn't give a s*** about the Sunni towns."
    body = post(client, comment(body=text)).get_json()
    assert body["action"] == "reject"
    reason = body["reasons"][0]
    assert reason["rule"] == "vulgar-mask" and text[reason["start"]:reason["end"]] == reason["evidence"]


@pytest.mark.parametrize("case", ["unsigned", "bad signature", "stale", "future"])
def test_bad_signatures_are_refused_with_401(client, case):
    if case == "unsigned":
        response = client.post("/v1/comments", json=comment())
    elif case == "bad signature":
        response = post(client, comment(), secret="wrong")
    else:
        response = post(client, comment(), timestamp=NOW - 301 if case == "stale" else NOW + 301)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_signatures_match_the_standard_webhooks_example():
    # The example from the Standard Webhooks specification: a platform's own library signs the same way.
    secret, message_id, timestamp = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330
    body = b'{"test": 2432232314}'
    assert sign(secret, message_id, timestamp, body) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, message_id, timestamp, body + b" ") != sign(secret, message_id, timestamp, body)


def test_a_rotated_secret_still_verifies(client):
    assert post(client, comment(), secret=OLD_SECRET).status_code == 200


def test_retry_replays_the_stored_verdict_without_deciding_again(client):
    first = post(client, comment(body="What the fuck is this?"))
    again = post(client, comment(body="What the fuck is this?"), message_id="msg_2")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["decision_id"] == first.get_json()["decision_id"]
    history = signed(client, "GET", "/v1/comments/c1", None, raw=b"").get_json()["history"]
    assert len(history) == 1


def test_same_revision_with_another_body_is_a_conflict(client):
    post(client, comment())
    response = post(client, comment(body="Something else entirely about the militias."))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"


def test_an_edit_is_moderated_again_as_its_own_decision(client):
    first = post(client, comment()).get_json()
    edited = post(client, comment(body="Edited: what a load of bullshit.", revision=2)).get_json()
    assert edited["action"] == "reject" and edited["decision_id"] != first["decision_id"]
    state = signed(client, "GET", "/v1/comments/c1", None, raw=b"").get_json()
    assert [d["revision"] for d in state["history"]] == [1, 2] and state["action"] == "reject"


def test_a_slur_bans_at_once_and_the_next_comment_is_refused_at_the_door(client):
    banned = post(client, comment(body="The ragheads can fight it out among themselves.")).get_json()
    assert banned["author_banned"] is True
    refused = post(client, comment(comment_id="c2", body="A perfectly civil remark about Diyala.")).get_json()
    assert refused["action"] == "reject"
    assert [r["rule"] for r in refused["reasons"]] == ["author_banned"]


def test_strikes_in_the_window_ban_the_author(client):
    outcomes = [post(client, comment(comment_id=f"s{i}", body=f"Total bullshit, part {i}.")).get_json() for i in range(3)]
    assert [o["author_banned"] for o in outcomes] == [False, False, True]


def test_registered_article_can_be_referred_to_by_id(client):
    assert signed(client, "PUT", "/v1/articles/a9", {"title": ARTICLE["title"], "text": ARTICLE["text"]}).status_code == 200
    response = post(client, comment(article={"id": "a9"}))
    assert response.status_code == 200


def test_unknown_article_id_is_a_422_naming_the_field(client):
    response = post(client, comment(article={"id": "nope"}))
    assert response.status_code == 422 and response.get_json()["field"] == "article"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({**comment(), "body": 5}, "body"),
        ({**comment(), "revision": 0}, "revision"),
        ({**comment(), "author": {"display_name": "x"}}, "author.id"),
        ({k: v for k, v in comment().items() if k != "article"}, "article"),
    ],
)
def test_wrong_field_is_a_422_naming_it(client, payload, field):
    response = post(client, payload)
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_not_json_is_415(client):
    assert post(client, None, raw=b"hello", content_type="text/plain").status_code == 415


def test_malformed_json_is_400(client):
    assert post(client, None, raw=b"{not json").status_code == 400


def test_too_large_is_413(client):
    assert post(client, comment(body="x" * 30_000)).status_code == 413


def test_flooding_author_gets_429_with_retry_after(client):
    codes = [post(client, comment(comment_id=f"f{i}")).status_code for i in range(6)]
    assert codes[:5] == [200] * 5
    flood = post(client, comment(comment_id="f9"))
    assert flood.status_code == 429 and flood.headers["Retry-After"] == "60"


def test_unknown_comment_is_404(client):
    assert signed(client, "GET", "/v1/comments/none", None, raw=b"").status_code == 404


def test_error_shape_is_one_problem_json(client):
    body = post(client, None, raw=b"{not json").get_json(force=True)
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == 400


# -- the moderators' JSON tools ---------------------------------------------------

from webhook.accounts import issue_token  # noqa: E402


@pytest.fixture
def token(client):
    moderators = client.application.extensions["moderation.moderators"]
    moderators.add_moderator("maria", "unused-hash", "2026-01-01T00:00:00")
    return issue_token(moderators, "maria", "2026-01-01T00:00:00")


def test_queue_needs_a_bearer_token(client):
    assert client.get("/v1/queue").status_code == 401
    assert client.get("/v1/queue", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_held_comment_is_in_the_queue_with_reasons_and_author_history(client, token):
    post(client, comment(comment_id="h1", body="The envoy is a clown and his boss is no better."))
    post(client, comment(comment_id="ok", body="A fair point about Diyala and the Badr Organization."))
    items = client.get("/v1/queue", headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert [i["id"] for i in items] == ["h1"]
    assert items[0]["reasons"][0]["rule"] == "name-calling"
    assert items[0]["author"]["approved"] == 1 and items[0]["author"]["held"] == 1


def test_moderator_approval_is_a_new_decision_audited_and_queued_for_callback(client, token):
    post(client, comment(comment_id="h1", body="The envoy is a clown and his boss is no better."))
    response = client.post("/v1/comments/h1/review", json={"action": "approve"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["decided_by"] == "moderator:maria"
    history = signed(client, "GET", "/v1/comments/h1", None, raw=b"").get_json()["history"]
    assert [(d["action"], d["decided_by"]) for d in history] == [("hold", "engine"), ("approve", "moderator:maria")]
    moderators = client.application.extensions["moderation.moderators"]
    assert moderators.audit()[0]["action"] == "approve"
    assert len(moderators.due_callbacks("9999")) == 1
    assert client.get("/v1/queue", headers={"Authorization": f"Bearer {token}"}).get_json()["items"] == []


def test_moderator_ban_refuses_the_authors_next_comment(client, token):
    post(client, comment(comment_id="h1", body="The envoy is a clown and his boss is no better."))
    client.post("/v1/comments/h1/review", json={"action": "ban", "note": "repeat name-calling"}, headers={"Authorization": f"Bearer {token}"})
    refused = post(client, comment(comment_id="h2")).get_json()
    assert refused["action"] == "reject" and refused["author_banned"] is True
    client.post("/v1/comments/h1/review", json={"action": "unban"}, headers={"Authorization": f"Bearer {token}"})
    assert post(client, comment(comment_id="h3")).get_json()["action"] == "approve"


def test_review_with_a_wrong_action_is_422(client, token):
    post(client, comment(comment_id="h1"))
    response = client.post("/v1/comments/h1/review", json={"action": "maybe"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.get_json()["field"] == "action"


# Regression (issue #11, tests/test_hostile_input.py): a note with a lone surrogate
# escape was a 500 (orjson refused to write the reason) instead of a 422.
def test_review_with_a_lone_surrogate_in_the_note_is_422_and_records_nothing(client, token):
    post(client, comment(comment_id="h1"))
    response = client.post("/v1/comments/h1/review", data=b'{"action": "reject", "note": "x\\ud800"}', content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.get_json()["field"] == "note"
    assert [d["decided_by"] for d in signed(client, "GET", "/v1/comments/h1", None, raw=b"").get_json()["history"]] == ["engine"]


def test_new_authors_are_held_when_the_policy_says_so(tmp_path):
    import shutil

    from moderation import default_rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    policy = rules / "policy.toml"
    policy.write_text(policy.read_text().replace("hold_new_authors = false", "hold_new_authors = true"))
    app = create_app({"MODERATION_DB": ":memory:", "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW, "MODERATION_RULES": str(rules)})
    client = app.test_client()
    first = post(client, comment(comment_id="n1", author="newbie")).get_json()
    assert first["action"] == "hold" and first["reasons"][-1]["rule"] == "new-author"
    moderators = app.extensions["moderation.moderators"]
    moderators.add_moderator("maria", "x", "2026")
    token = issue_token(moderators, "maria", "2026")
    client.post("/v1/comments/n1/review", json={"action": "approve"}, headers={"Authorization": f"Bearer {token}"})
    assert post(client, comment(comment_id="n2", author="newbie")).get_json()["action"] == "approve"


# -- edges: what a client sends never makes a 500 ----------------------------------


@pytest.mark.parametrize(
    "payload, field",
    [
        ({**comment(), "body": "bad \ud800 surrogate"}, "body"),
        ({**comment(), "id": "x\udfff"}, "id"),
        ({**comment(), "revision": 2**63}, "revision"),
        ({**comment(), "revision": "2"}, "revision"),
        ({**comment(), "edited": "yes"}, "edited"),
        ({**comment(), "created_at": "yesterday"}, "created_at"),
        ({**comment(), "author": {"id": "u1", "ip": "999.1.1.1"}}, "author.ip"),
        ({**comment(), "article": {"id": "a1", "title": 7}}, "article.title"),
        ([1, 2, 3], "$"),
    ],
)
def test_hostile_fields_are_422_naming_the_field_never_500(client, payload, field):
    response = post(client, payload)
    assert response.status_code == 422 and response.get_json()["field"] == field


def test_deeply_nested_json_is_400_not_500(client):
    assert post(client, None, raw=b"[" * 100_000 + b"]" * 100_000).status_code in (400, 413)
    assert post(client, None, raw=b'{"id": ' + b"[" * 5_000 + b"]" * 5_000 + b"}").status_code in (400, 422)


def test_error_shape_is_the_same_for_every_status(client):
    """One problem+json shape (STYLE example 9): ours, Werkzeug's and a 422 with its field."""
    responses = {
        401: client.post("/v1/comments", json=comment()),
        404: client.get("/nowhere"),
        405: client.delete("/v1/comments"),
        422: post(client, {**comment(), "body": 5}),
    }
    for status, response in responses.items():
        body = response.get_json(force=True)
        assert response.status_code == status and response.mimetype == "application/problem+json"
        assert set(body) - {"field"} == {"type", "title", "status", "detail"} and body["status"] == status
    assert "POST" in responses[405].headers["Allow"]


def test_api_answers_carry_no_session_cookie(client):
    response = post(client, comment())
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", "")


def test_a_retried_strike_is_counted_once(client):
    """Issue #3: a retry returns the stored verdict without counting a strike twice."""
    outcomes = [post(client, comment(comment_id="s1", body="Total bullshit."), message_id=f"m{i}").get_json() for i in range(4)]
    assert [o["author_banned"] for o in outcomes] == [False] * 4
    assert len({o["decision_id"] for o in outcomes}) == 1


def test_edited_flag_without_numbers_makes_a_new_revision_only_when_the_body_changed(client):
    first = post(client, {**comment(), "revision": None}).get_json()
    retry = post(client, {**comment(), "revision": None, "edited": True}, message_id="m2")
    edit = post(client, {**comment(body="Edited: the Badr Organization answers to Tehran."), "revision": None, "edited": True}, message_id="m3").get_json()
    assert first["revision"] == 1 and retry.headers["Idempotent-Replayed"] == "true" and retry.get_json()["revision"] == 1
    assert edit["revision"] == 2 and edit["decision_id"] != first["decision_id"]


def test_inline_article_is_registered_for_later_comments(client):
    post(client, comment(article={"id": "a7", "title": "Diyala", "text": "The Badr Organization in Diyala."}))
    assert post(client, comment(comment_id="c2", article={"id": "a7"})).status_code == 200


def test_a_re_registered_article_is_read_again(client):
    """Workers keep articles decoded; a PUT (through any worker) must replace their copy."""
    store = client.application.extensions["moderation.store"]
    signed(client, "PUT", "/v1/articles/a9", {"title": "Old", "text": "old text"})
    post(client, comment(article={"id": "a9"}))
    signed(client, "PUT", "/v1/articles/a9", {"title": "New", "text": "new text"}, timestamp=NOW)
    known = store.recall(comment_from_json(comment(comment_id="c2", article={"id": "a9"})), "2026", None)
    assert known.article_version == 2 and store.get_article("a9", known.article_version) == ("New", "new text")


def test_a_banned_author_is_refused_even_on_an_edit(client):
    post(client, comment(body="The ragheads can fight it out among themselves."))
    refused = post(client, comment(body="Sorry, I take it back.", revision=2)).get_json()
    assert refused["action"] == "reject" and [r["rule"] for r in refused["reasons"]] == ["author_banned"]


def test_concurrent_retries_of_one_comment_store_one_decision(tmp_path):
    """Workers race on a platform's instant retry: every answer is 200 with the same decision, and one is stored."""
    import threading

    app = create_app({"MODERATION_DB": str(tmp_path / "race.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW})
    results, start = [], threading.Barrier(6)

    def send(index):
        start.wait()
        response = post(app.test_client(), comment(comment_id="race"), message_id=f"m{index}")
        results.append((response.status_code, response.get_json()["decision_id"]))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [code for code, _ in results] == [200] * 6 and len({d for _, d in results}) == 1
    assert len(app.extensions["moderation.store"].history("race")) == 1


def test_a_returning_author_is_not_written_again_unless_changed(client):
    store = client.application.extensions["moderation.store"]
    statements: list[str] = []
    post(client, comment(comment_id="c1", author="u7"))
    store.connection.set_trace_callback(statements.append)
    post(client, comment(comment_id="c2", author="u7"))
    assert not [s for s in statements if "INTO authors" in s], "an unchanged author costs no statement"
    renamed = comment(comment_id="c3", author="u7")
    renamed["author"]["display_name"] = "Maria K."
    post(client, renamed)
    store.connection.set_trace_callback(None)
    assert store.connection.execute("SELECT display_name FROM authors WHERE id = 'u7'").fetchone()[0] == "Maria K."


# Regression (issue #11): an integer of more than 4,300 digits anywhere in a body was a 500.
@pytest.mark.parametrize("where", ["revision", "author", "extra"])
def test_a_number_too_long_to_read_is_a_400_not_a_500(client, where):
    payload = comment()
    huge = "9" * 5000
    raw = json.dumps(payload).replace('"revision": 1', f'"revision": {huge}') if where == "revision" else \
        json.dumps({**payload, where: 1}).replace(f'"{where}": 1', f'"{where}": {huge}')
    response = post(client, None, raw=raw.encode())
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "4,300 digits" in response.get_json()["detail"]


# Regression (issue #11): 50 concurrent edits of one comment, 2-4 of them answered 409 and not stored.
def test_concurrent_edits_of_one_comment_each_become_a_revision(tmp_path):
    import threading

    app = create_app({"MODERATION_DB": str(tmp_path / "edits.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW,
                      "MODERATION_FLOOD_LIMIT": 0})
    post(app.test_client(), comment(comment_id="edited"))
    results, start = [], threading.Barrier(50)

    def send(index):
        payload = {**comment(comment_id="edited", body=f"Edit number {index}: a fair point about Diyala."), "edited": True}
        del payload["revision"]
        start.wait()
        response = post(app.test_client(), payload, message_id=f"edit-{index}")
        results.append((response.status_code, response.get_json().get("revision")))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in results) == [200] * 50
    assert sorted(revision for _, revision in results) == list(range(2, 52))
    assert [r["revision"] for r in app.extensions["moderation.store"].revisions("edited")] == list(range(1, 52))


# Held without a test until issue #11: a replayed webhook-id with a new comment and a fresh signature was stored.
def test_a_webhook_id_reused_for_another_body_is_refused_and_nothing_is_stored(client):
    assert post(client, comment(comment_id="first"), message_id="msg_once").status_code == 200
    response = post(client, comment(comment_id="second"), message_id="msg_once")
    assert response.status_code == 401 and "already used for another body" in response.get_json()["detail"]
    assert client.application.extensions["moderation.store"].history("second") == []


def test_the_same_delivery_sent_again_is_a_retry_that_replays(client):
    first = post(client, comment(), message_id="msg_retry")
    again = post(client, comment(), message_id="msg_retry")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["decision_id"] == first.get_json()["decision_id"]


def test_an_article_registration_under_a_reused_webhook_id_is_refused(client):
    assert signed(client, "PUT", "/v1/articles/a9", {"title": "Diyala", "text": "The militias in Diyala."}, message_id="msg_art").status_code == 200
    response = signed(client, "PUT", "/v1/articles/a9", {"title": "Spam", "text": "Buy now."}, message_id="msg_art")
    assert response.status_code == 401
    assert client.application.extensions["moderation.store"].get_article("a9") == ("Diyala", "The militias in Diyala.")


def test_one_webhook_id_sent_at_once_with_different_bodies_stores_one(tmp_path):
    import threading

    app = create_app({"MODERATION_DB": str(tmp_path / "ids.db"), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW,
                      "MODERATION_FLOOD_LIMIT": 0})
    codes, start = [], threading.Barrier(8)

    def send(index):
        start.wait()
        codes.append(post(app.test_client(), comment(comment_id=f"c{index}"), message_id="msg_shared").status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200] + [401] * 7
    assert app.extensions["moderation.store"].connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0] == 1


def test_old_deliveries_are_forgotten(client, monkeypatch):
    from webhook.store import deliveries

    monkeypatch.setattr(deliveries, "PRUNE_EVERY", 1)
    store = client.application.extensions["moderation.store"]
    with store.transaction() as db:
        store.record_delivery(db, "old", "h", "2026-01-01T00:00:00", forget_before="2025-01-01")
    with store.transaction() as db:
        store.record_delivery(db, "new", "h", "2026-01-01T00:20:00", forget_before="2026-01-01T00:10:00")
    ids = [row[0] for row in store.connection.execute("SELECT webhook_id FROM deliveries")]
    assert ids == ["new"]


# Regression (issue #11): over-long URLs and headers were refused by gunicorn in text/html.
def test_an_over_long_url_is_a_414_problem(client):
    response = client.get("/v1/comments/" + "x" * 3000)
    assert response.status_code == 414 and response.mimetype == "application/problem+json"


def test_an_over_long_header_is_a_431_problem(client):
    response = client.post("/v1/comments", headers={"webhook-signature": "v1," + "A" * 9000}, json={})
    assert response.status_code == 431 and response.mimetype == "application/problem+json"


def test_a_signed_read_replayed_for_another_comment_is_refused(client):
    post(client, comment(comment_id="c1"))
    post(client, comment(comment_id="c2", body="Another fair point about Diyala."))
    assert signed(client, "GET", "/v1/comments/c1", None, raw=b"", message_id="msg_read").status_code == 200
    # The same id and (empty) body, the same signature, another path: a replay.
    assert signed(client, "GET", "/v1/comments/c2", None, raw=b"", message_id="msg_read").status_code == 401
    assert signed(client, "GET", "/v1/comments/c1", None, raw=b"", message_id="msg_read").status_code == 200  # a retry


@pytest.mark.parametrize("timestamp", [" 1790000000", "+1790000000", "1_790_000_000", "1790000000.0", "１７９０"])
def test_a_timestamp_must_be_plain_digits(client, timestamp):
    body = json.dumps(comment()).encode()
    headers = {"webhook-id": "msg_t", "webhook-timestamp": timestamp, "webhook-signature": sign(SECRET, "msg_t", int(NOW), body), "Content-Type": "application/json"}
    assert client.post("/v1/comments", data=body, headers=headers).status_code == 401


def test_a_changed_body_under_a_reused_id_is_refused_and_names_the_conflict(client):
    # A platform deriving its ids from comment and revision hears of both.
    post(client, comment(), message_id="wp-1042-1")
    response = post(client, comment(body="Something else entirely about the militias."), message_id="wp-1042-1")
    assert response.status_code == 401 and "an edit needs a new revision" in response.get_json()["detail"]


def test_too_large_is_the_services_own_413(client):
    response = post(client, None, raw=json.dumps(comment(body="x" * 30_000)).encode())
    assert response.status_code == 413 and response.get_json()["title"] == "Request too large"


# Regression (issue #11, tests/test_hostile_input.py): an id with a slash was accepted
# in a body but could not be read back or reviewed (the URL converter stopped at "/"),
# nor one with a line break (werkzeug's `path` stops there).
@pytest.mark.parametrize("comment_id", ["2026/11/c1", "../../etc/passwd", "a//b", "trailing/", "line\nbreak", "a/\r\n/b"])
def test_a_comment_whose_id_holds_slashes_can_be_read_and_reviewed_by_that_id(client, token, comment_id):
    from urllib.parse import quote

    assert post(client, comment(comment_id=comment_id, body="The envoy is a clown.")).status_code == 200
    for path in (quote(comment_id, safe=""), quote(comment_id, safe="/")):
        state = signed(client, "GET", f"/v1/comments/{path}", None, raw=b"")
        assert state.status_code == 200 and state.get_json()["comment_id"] == comment_id
    reviewed = client.post(f"/v1/comments/{quote(comment_id, safe='')}/review", json={"action": "approve"}, headers={"Authorization": f"Bearer {token}"})
    assert reviewed.status_code == 200 and reviewed.get_json()["comment_id"] == comment_id
    assert signed(client, "GET", f"/v1/comments/{quote(comment_id, safe='')}", None, raw=b"").get_json()["action"] == "approve"
