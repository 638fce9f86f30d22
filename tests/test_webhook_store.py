"""The store: numbered migrations, and a WAL each worker copies back itself, outside the writers' lock."""

from __future__ import annotations

import fcntl
import os
import sqlite3

from webhook.store import CHECKPOINT_EVERY, Store, migrations


def _write(store: Store, n: int) -> None:
    for i in range(n):
        with store.transaction() as db:
            store.record_decision(db, f"c{i}", 1, "approve", "engine", "v", [{"rule": "x" * 200}], False, False, "2026")


def test_migrations_are_numbered_and_apply_once(tmp_path):
    path = str(tmp_path / "m.db")
    Store(path)
    again = Store(path)  # a second worker starting on the same file
    names = [m.name for m in migrations.applied(__import__("sqlite_utils").Database(again.connection))]
    assert names == sorted(names) and names[0].startswith("m001_") and len(names) == len(set(names))


def test_the_worker_checkpoints_the_wal_after_its_own_commits(tmp_path):
    path = str(tmp_path / "w.db")
    store = Store(path)
    _write(store, CHECKPOINT_EVERY - 1)
    before = os.path.getsize(path)
    _write(store, 1)
    assert os.path.getsize(path) > before, "the WAL was copied back into the database"


def test_a_failed_write_leaves_nothing(tmp_path):
    store = Store(str(tmp_path / "r.db"))
    try:
        with store.transaction() as db:
            store.record_decision(db, "c1", 1, "approve", "engine", "v", [], False, False, "2026")
            raise RuntimeError("the request failed half way")
    except RuntimeError:
        pass
    assert store.history("c1") == []


def test_a_failed_write_lets_go_of_the_writers_lock(tmp_path):
    path = str(tmp_path / "l.db")
    store = Store(path)
    try:
        with store.transaction() as db:
            db.execute("INSERT INTO no_such_table VALUES (1)")
    except sqlite3.OperationalError:
        pass
    other = os.open(path + "-lock", os.O_RDWR)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the failed write still held it
        fcntl.flock(other, fcntl.LOCK_UN)
    finally:
        os.close(other)
    with store.transaction() as db:  # and the connection is out of the failed transaction
        store.record_decision(db, "c1", 1, "approve", "engine", "v", [], False, False, "2026")
    assert [d.action for d in store.history("c1")] == ["approve"]


def test_synchronous_full_is_applied_and_a_wrong_value_refused(tmp_path):
    import pytest

    store = Store(str(tmp_path / "full.db"), synchronous="FULL")
    assert store.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert Store(str(tmp_path / "normal.db")).connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with pytest.raises(ValueError, match="synchronous"):
        Store(str(tmp_path / "bad.db"), synchronous="OFF")
