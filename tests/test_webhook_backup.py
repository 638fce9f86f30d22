"""`moderation backup --db PATH OUT`: a consistent copy of a live WAL database while comments keep arriving."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

from moderation.cli import main
from webhook import create_app
from webhook.signing import sign

SECRET = "backup-secret"
NOW = 1_790_000_000.0
MODERATION = str(Path(sys.executable).with_name("moderation"))


def post(client, number: int) -> int:
    raw = json.dumps({"id": f"c{number}", "body": f"Comment {number} on the militias in Diyala.", "author": {"id": f"u{number % 7}"},
                      "article": {"id": "a", "title": "Iraq", "text": "Diyala and the Badr Organization"}}).encode()
    headers = {"webhook-id": f"msg_{number}", "webhook-timestamp": str(int(NOW)), "webhook-signature": sign(SECRET, f"msg_{number}", int(NOW), raw)}
    return client.post("/v1/comments", data=raw, headers=headers, content_type="application/json").status_code


def test_a_backup_taken_while_writes_go_on_opens_and_holds_the_rows(tmp_path):
    db = tmp_path / "live.db"
    app = create_app({"MODERATION_DB": str(db), "MODERATION_WEBHOOK_SECRETS": [SECRET], "MODERATION_CLOCK": lambda: NOW, "MODERATION_FLOOD_LIMIT": 0})
    client = app.test_client()
    for number in range(200):
        assert post(client, number) == 200
    stop, written, statuses = threading.Event(), [200], []

    def keep_writing():
        number = 200
        while not stop.is_set():
            statuses.append(post(client, number))
            number += 1
            written[0] = number

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copies = []
        for index in range(3):
            out = tmp_path / f"backup-{index}.db"
            done = subprocess.run([MODERATION, "backup", "--db", str(db), str(out)], capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            assert "comments" in done.stdout
            copies.append(out)
    finally:
        stop.set()
        writer.join()
    assert set(statuses) == {200} and written[0] > 200, "the writes went on during the backups and none failed"
    previous = 0
    for copy in copies:
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert not Path(str(copy) + "-wal").exists() and not Path(str(copy) + ".partial").exists()
        connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        comments = connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
        decisions = connection.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
        # A moment's state: every comment with its decision, at least the 200 before, and each copy no older than the one before.
        assert comments == decisions and 200 <= comments <= written[0] and comments >= previous
        assert connection.execute("SELECT COUNT(*) FROM comments WHERE id = 'c0'").fetchone()[0] == 1
        previous = comments
        connection.close()


def test_backup_refuses_to_overwrite_the_database_itself(tmp_path, capsys):
    db = tmp_path / "m.db"
    assert main(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["backup", "--db", str(db), str(db)]) == 2
    assert "the database itself" in capsys.readouterr().err


def test_backup_of_a_missing_database_says_so(tmp_path, capsys):
    assert main(["backup", "--db", str(tmp_path / "nothing.db"), str(tmp_path / "out.db")]) == 1
    assert "no database" in capsys.readouterr().err and not (tmp_path / "nothing.db").exists()
