"""Secrets that survive restarts: made once in the instance folder (0600 files, 0700 folder), loaded on every start, rotated with a grace."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import signed_post, started_service

from moderation.cli import main
from webhook import config_from_environment
from webhook.secrets_file import (
    WEBHOOK_SECRETS_FILE, SecretRing, SecretsError, WebhookSecret, ensure_session_key, ensure_webhook_secret, instance_dir, prepare_folder,
    read_session_key, read_webhook_secrets, rotate_webhook_secret, write_webhook_secrets,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
MODERATION = str(Path(sys.executable).with_name("moderation"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secrets_are_made_once_owner_only_and_read_back(tmp_path):
    folder = tmp_path / "instance"
    prepare_folder(folder)
    first = ensure_webhook_secret(folder, NOW)
    assert first is not None and first.secret.startswith("whsec_")
    assert ensure_webhook_secret(folder, NOW + timedelta(days=1)) is None  # a second start makes none
    assert ensure_session_key(folder) is True and ensure_session_key(folder) is False
    assert [e.secret for e in read_webhook_secrets(folder)] == [first.secret]
    assert len(read_session_key(folder)) == 64
    assert mode(folder) == 0o700
    assert {p.name: mode(p) for p in folder.iterdir()} == {"webhook-secrets.json": 0o600, "session-key": 0o600}


def test_the_folder_of_the_secrets_is_the_databases_unless_given(tmp_path):
    assert instance_dir(str(tmp_path / "data" / "m.db"), environ={}) == tmp_path / "data"
    assert instance_dir("instance/moderation.db", environ={}) == Path.cwd() / "instance"
    assert instance_dir(str(tmp_path / "m.db"), environ={"MODERATION_INSTANCE": str(tmp_path / "elsewhere")}) == tmp_path / "elsewhere"
    assert instance_dir(str(tmp_path / "m.db"), str(tmp_path / "given"), environ={"MODERATION_INSTANCE": "x"}) == tmp_path / "given"


def test_a_folder_others_may_write_to_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    with pytest.raises(SecretsError, match="--instance"):
        prepare_folder(shared)
    readable = tmp_path / "readable"
    readable.mkdir()
    os.chmod(readable, 0o755)
    assert "chmod 700" in prepare_folder(readable)[0]  # allowed, with a note: the files themselves are 0600


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    ensure_webhook_secret(tmp_path, NOW)
    os.chmod(tmp_path / WEBHOOK_SECRETS_FILE, 0o644)
    with pytest.raises(SecretsError, match="chmod 600"):
        read_webhook_secrets(tmp_path)


def test_rotation_keeps_the_old_secret_for_the_grace_only(tmp_path):
    old = ensure_webhook_secret(tmp_path, NOW)
    new, kept = rotate_webhook_secret(tmp_path, NOW, timedelta(days=7))
    assert [e.secret for e in kept] == [old.secret] and kept[0].expires_at == (NOW + timedelta(days=7)).isoformat()
    entries = read_webhook_secrets(tmp_path)
    assert [e.secret for e in entries] == [new.secret, old.secret]  # newest first: callbacks sign with it first
    assert [e.active(NOW + timedelta(days=6)) for e in entries] == [True, True]
    assert [e.active(NOW + timedelta(days=7, seconds=1)) for e in entries] == [True, False]
    # A second rotation within the grace does not lengthen the first one's, and drops what has expired.
    newer, kept = rotate_webhook_secret(tmp_path, NOW + timedelta(days=8), timedelta(days=30))
    assert [e.secret for e in kept] == [new.secret]
    assert [e.secret for e in read_webhook_secrets(tmp_path)] == [newer.secret, new.secret]


def test_rotation_with_no_grace_drops_the_old_secret_at_once(tmp_path):
    ensure_webhook_secret(tmp_path, NOW)
    new, kept = rotate_webhook_secret(tmp_path, NOW, timedelta(0))
    assert kept == [] and [e.secret for e in read_webhook_secrets(tmp_path)] == [new.secret]


def test_the_ring_follows_the_file_and_leaves_out_expired_secrets(tmp_path):
    clock = [NOW.timestamp()]
    write_webhook_secrets(tmp_path, [WebhookSecret("whsec_b2xk", NOW.isoformat(), (NOW + timedelta(hours=1)).isoformat())])
    ring = SecretRing(tmp_path / WEBHOOK_SECRETS_FILE, clock=lambda: clock[0], refresh=0)
    assert list(ring) == ["whsec_b2xk"]
    write_webhook_secrets(tmp_path, [WebhookSecret("whsec_bmV3", NOW.isoformat()),
                                     WebhookSecret("whsec_b2xk", NOW.isoformat(), (NOW + timedelta(hours=1)).isoformat())])
    assert list(ring) == ["whsec_bmV3", "whsec_b2xk"] and ring[0] == "whsec_bmV3"
    clock[0] += 3601
    assert list(ring) == ["whsec_bmV3"] and len(ring) == 1
    (tmp_path / WEBHOOK_SECRETS_FILE).write_text("{not json")
    assert list(ring) == ["whsec_bmV3"]  # a broken file keeps what was read before


def test_the_environment_wins_over_the_files(tmp_path):
    ensure_webhook_secret(tmp_path, NOW)
    ensure_session_key(tmp_path)
    from_files = config_from_environment({"MODERATION_INSTANCE": str(tmp_path)})
    assert list(from_files["MODERATION_WEBHOOK_SECRETS"]) == [read_webhook_secrets(tmp_path)[0].secret]
    assert from_files["SECRET_KEY"] == read_session_key(tmp_path)
    from_env = config_from_environment({"MODERATION_INSTANCE": str(tmp_path), "MODERATION_WEBHOOK_SECRET": "env-secret",
                                        "MODERATION_SECRET_KEY": "env-key"})
    assert from_env["MODERATION_WEBHOOK_SECRETS"] == ["env-secret"] and from_env["SECRET_KEY"] == "env-key"


def test_secret_show_lists_the_secrets_without_their_values(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MODERATION_WEBHOOK_SECRET", raising=False)
    db = str(tmp_path / "m.db")
    assert main(["init", "--db", db]) == 0
    secret = read_webhook_secrets(tmp_path)[0].secret
    capsys.readouterr()
    assert main(["secret", "show", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert str(tmp_path / WEBHOOK_SECRETS_FILE) in shown and "active" in shown and secret not in shown
    assert read_session_key(tmp_path) not in shown
    assert main(["secret", "show", "--db", db, "--reveal"]) == 0
    revealed = capsys.readouterr().out
    assert secret in revealed and read_session_key(tmp_path) not in revealed  # the session key is never printed


def test_secret_rotate_prints_the_new_secret_and_the_old_ones_end(tmp_path, capsys):
    db = str(tmp_path / "m.db")
    main(["init", "--db", db])
    old = read_webhook_secrets(tmp_path)[0].secret
    capsys.readouterr()
    assert main(["secret", "rotate", "--grace", "2", "--db", db]) == 0
    out = capsys.readouterr().out
    new = read_webhook_secrets(tmp_path)[0].secret
    assert new != old and new in out and old not in out and "accepted until" in out


def test_restart_keeps_the_secret_and_a_rotation_keeps_both_for_the_grace(tmp_path, free_port, monkeypatch):
    # Issue #10's bar: `make run`, stop, `make run` again, and a post signed with the first run's secret is accepted.
    monkeypatch.delenv("MODERATION_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("MODERATION_SECRET_KEY", raising=False)
    db = tmp_path / "restart.db"
    with started_service(tmp_path, free_port, db, {}) as first:
        assert "created the webhook secret" in first.wait_for_output("serving ")
        secret = read_webhook_secrets(tmp_path)[0].secret
        assert secret in first.output  # printed once, when made
        assert signed_post(first.url, secret, "run-1")[0] == 200
    session_key = read_session_key(tmp_path)
    with started_service(tmp_path, free_port, db, {}) as second:
        printed = second.wait_for_output("serving ")
        assert secret not in printed and str(tmp_path / WEBHOOK_SECRETS_FILE) in printed
        assert signed_post(second.url, secret, "run-2")[0] == 200
        assert read_session_key(tmp_path) == session_key  # moderators stay signed in over the restart
        # A short grace (about 4 s): within it both secrets are accepted, after it only the new one.
        rotate = subprocess.run([MODERATION, "secret", "rotate", "--grace", "0.00005", "--db", str(db)], capture_output=True, text=True, check=True)
        new = read_webhook_secrets(tmp_path)[0].secret
        assert new in rotate.stdout
        expires = datetime.fromisoformat(read_webhook_secrets(tmp_path)[1].expires_at).timestamp()
        time.sleep(1.2)  # each worker looks at the file once a second
        assert signed_post(second.url, new, "rotated-new")[0] == 200
        assert signed_post(second.url, secret, "rotated-old")[0] == 200
        assert time.time() < expires, "the grace ran out before the check: the machine is too slow for this test"
        time.sleep(max(0.0, expires - time.time()) + 0.2)
        assert signed_post(second.url, secret, "expired-old")[0] == 401
        assert signed_post(second.url, new, "after-grace-new")[0] == 200


def test_callbacks_are_signed_with_every_active_secret_during_a_rotation(tmp_path, callback_platform, capsys, monkeypatch):
    # A platform that still knows only the old secret, and one that has switched, both accept the callback.
    monkeypatch.delenv("MODERATION_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("MODERATION_CALLBACK_SECRET", raising=False)
    db = str(tmp_path / "m.db")
    main(["init", "--db", db])
    old = read_webhook_secrets(tmp_path)[0].secret
    main(["secret", "rotate", "--db", db])
    new = read_webhook_secrets(tmp_path)[0].secret
    from webhook.store import ModeratorStore, Store

    moderators = ModeratorStore(Store(db))
    for platform in (callback_platform(old), callback_platform(new)):
        with moderators.store.transaction() as connection:
            moderators.enqueue(connection, "decision", {"comment_id": "c1", "action": "approve"}, "2000-01-01T00:00:00+00:00")
        assert main(["deliver", "--once", "--db", db, "--url", platform.url]) == 0
        assert "delivered 1, failed 0" in capsys.readouterr().out
        assert platform.received[0]["data"]["comment_id"] == "c1"
