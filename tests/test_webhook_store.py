"""The store: numbered migrations, and a WAL each worker copies back itself, outside the writers' lock."""

from __future__ import annotations

import os

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
