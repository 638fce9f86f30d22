"""The service's commands: seed, user add/token, and what `serve` prepares before gunicorn starts."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timezone

import pytest

from moderation.cli import main
from webhook.accounts import check_sign_in
from webhook.seed import SEEDS, load_seed
from webhook.server import prepare
from webhook.store import ModeratorStore, Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_user_add_hashes_the_password_read_from_stdin(tmp_path, monkeypatch, capsys):
    db = tmp_path / "m.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert main(["user", "add", "maria", "--password-stdin", "--db", str(db)]) == 0
    moderators = ModeratorStore(Store(str(db)))
    assert "correct horse" not in moderators.moderator("maria")["password_hash"]
    assert check_sign_in(moderators, "maria", "correct horse") == "maria"
    assert check_sign_in(moderators, "maria", "wrong horse") is None and check_sign_in(moderators, "nobody", "x") is None


def test_user_add_refuses_a_short_password(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "maria", "--password-stdin", "--db", str(tmp_path / "m.db")]) == 2
    assert "at least 8" in capsys.readouterr().err


def test_user_token_is_printed_once_and_only_for_a_moderator(tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "m.db")
    assert main(["user", "token", "ghost", "--db", db]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    main(["user", "add", "maria", "--password-stdin", "--db", db])
    capsys.readouterr()
    assert main(["user", "token", "maria", "--db", db]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("mod_") and ModeratorStore(Store(db)).token_owner(token) is None  # stored hashed only


def test_seed_command_loads_the_demo_once(tmp_path, capsys):
    db = str(tmp_path / "m.db")
    assert main(["seed", "--db", db]) == 0
    assert main(["seed", "--db", db]) == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first.startswith("seeded ") and not first.startswith("seeded 0") and second.startswith("seeded 0")


def test_seed_loader_tolerates_missing_files(tmp_path, engine):
    only_article = tmp_path / "seeds"
    only_article.mkdir()
    shutil.copy(SEEDS / "article.txt", only_article / "article.txt")
    assert load_seed(Store(":memory:"), engine, NOW, only_article) == 0
    assert load_seed(Store(":memory:"), engine, NOW, tmp_path / "nothing-here") == 0


def test_seed_loader_skips_bad_lines(tmp_path, engine):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "comments.jsonl").write_text('{"id": "a", "author": "x", "text": "A fair point."}\nnot json\n{"id": 5}\n\n')
    assert load_seed(Store(":memory:"), engine, NOW, seeds) == 1


def test_a_fresh_database_gets_the_seeded_queue_and_a_demo_moderator(tmp_path, engine):
    store = Store(str(tmp_path / "fresh.db"))
    seeded, password = prepare(store, engine, NOW)
    assert seeded > 0 and password
    moderators = ModeratorStore(store)
    assert check_sign_in(moderators, "admin", password) == "admin"
    assert moderators.queue(), "a new user sees held comments at once"
    assert prepare(store, engine, NOW) == (0, None)  # a second start changes nothing


@pytest.mark.skipif(not (SEEDS / "comments.jsonl").exists(), reason="the lead's seeds/comments.jsonl is not there yet")
def test_the_seeded_queue_has_evidence_to_highlight(tmp_path, engine):
    store = Store(str(tmp_path / "fresh.db"))
    prepare(store, engine, NOW)
    held = ModeratorStore(store).queue()
    assert any(r.get("start") is not None for item in held for r in item["reasons"])
