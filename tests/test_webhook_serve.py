"""What `moderation serve` does before gunicorn: the demo only with --demo, `init` for production, a busy port, the address bound."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import get_json, signed_post, started_service

from moderation.cli import main
from webhook.secrets_file import read_webhook_secrets
from webhook.server import StartError, check_port, describe_address
from webhook.store import ModeratorStore, Store

MODERATION = str(Path(sys.executable).with_name("moderation"))


@pytest.fixture(autouse=True)
def no_secrets_in_the_environment(monkeypatch):
    monkeypatch.delenv("MODERATION_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("MODERATION_SECRET_KEY", raising=False)


def test_init_then_serve_has_no_demo_rows_and_no_demo_moderator(tmp_path, free_port):
    # Issue #10's bar: `moderation init` then `serve` on that database: no demo rows.
    db = tmp_path / "blog.db"
    init = subprocess.run([MODERATION, "init", "--db", str(db)], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    assert "moderation user add NAME --db" in init.stdout
    secret = read_webhook_secrets(tmp_path)[0].secret
    assert secret in init.stdout  # the platform needs it: printed once, when made
    with started_service(tmp_path, free_port, db, {}, demo=False) as service:
        printed = service.wait_for_output("serving ")
        assert "password" not in printed and "admin" not in printed and "seeded" not in printed and secret not in printed
        assert "no moderator yet: add one with `moderation user add NAME" in printed
        assert get_json(service.url + "/healthz")[0] == 200
        assert signed_post(service.url, secret, "first-real-comment")[0] == 200
    store = Store(str(db))
    comments = [row[0] for row in store.connection.execute("SELECT id FROM comments")]
    assert comments == ["first-real-comment"]  # the platform's comment and nothing else
    assert ModeratorStore(store).count_moderators() == 0
    assert store.connection.execute("SELECT COUNT(*) FROM articles WHERE id = 'seed-article'").fetchone()[0] == 0


def test_init_on_a_database_that_holds_comments_leaves_it_as_it_was(tmp_path, capsys):
    db = str(tmp_path / "m.db")
    assert main(["seed", "--db", db]) == 0
    before = Store(db).connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
    assert main(["init", "--db", db]) == 0
    assert "left as it was" in capsys.readouterr().out
    assert Store(db).connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0] == before


def test_serve_without_demo_on_an_empty_database_seeds_nothing(tmp_path, free_port):
    db = tmp_path / "empty.db"
    with started_service(tmp_path, free_port, db, {"MODERATION_WEBHOOK_SECRET": "whsec_cHJvZHVjdGlvbi10ZXN0"}, demo=False) as service:
        printed = service.wait_for_output("serving ")
        assert "from MODERATION_WEBHOOK_SECRET" in printed
    assert Store(str(db)).is_empty() and ModeratorStore(Store(str(db))).count_moderators() == 0


def test_serve_without_demo_and_without_a_secret_refuses_and_says_how(tmp_path, free_port):
    db = tmp_path / "nowhere" / "m.db"
    done = subprocess.run([MODERATION, "serve", "--port", str(free_port), "--db", str(db)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "moderation init --db" in done.stderr and "MODERATION_WEBHOOK_SECRET" in done.stderr
    assert not db.parent.exists()  # nothing was made on the way


def test_a_busy_port_is_named_with_the_option_to_use(tmp_path, free_port):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port))
        taken.listen()
        done = subprocess.run([MODERATION, "serve", "--demo", "--port", str(free_port), "--db", str(tmp_path / "m.db")],
                              capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert f"port {free_port} is already in use" in done.stderr and "--port" in done.stderr
    assert "serving" not in done.stdout and "Connection in use" not in done.stderr + done.stdout  # gunicorn never started
    assert not (tmp_path / "m.db").exists()


def test_an_address_that_is_not_this_machines_names_the_host_option():
    with pytest.raises(StartError, match="--host"):
        check_port("192.0.2.123", 8080)  # TEST-NET-1: never a local address


@pytest.mark.parametrize("host, expected_where, expected_url", [
    ("127.0.0.1", "127.0.0.1:{port}", "http://127.0.0.1:{port}"),
    ("localhost", "127.0.0.1:{port}", "http://127.0.0.1:{port}"),
    ("0.0.0.0", "every IPv4 interface (0.0.0.0:{port}", "http://127.0.0.1:{port}"),
])
def test_the_printed_address_is_the_one_bound(free_port, host, expected_where, expected_url):
    address, port = check_port(host, free_port)
    where, url = describe_address(address, port)
    assert where.startswith(expected_where.format(port=free_port)) and url == expected_url.format(port=free_port)


def test_serve_on_every_interface_prints_a_usable_url(tmp_path, free_port):
    env = {**os.environ, "MODERATION_WEBHOOK_SECRET": "whsec_ZXZlcnktaW50ZXJmYWNl"}
    process = subprocess.Popen([MODERATION, "serve", "--host", "0.0.0.0", "--port", str(free_port), "--db", str(tmp_path / "m.db")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = process.stdout.readline()
        while line and not line.startswith("serving "):
            line = process.stdout.readline()
        assert "every IPv4 interface (0.0.0.0:" in line and f"http://127.0.0.1:{free_port}/" in line
    finally:
        process.terminate()
        process.wait(timeout=15)
