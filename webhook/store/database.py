"""One SQLite file: its connection per worker, the writers' lock, migrations and the write transaction.

One connection per process (per gunicorn worker), in WAL mode with
synchronous=NORMAL: connecting per request would checkpoint the WAL on every
close. sqlite-utils serves the schema and the migrations; the hot path uses
plain `execute` on the same connection (a sqlite-utils insert costs ~2.5x).
Writers from all workers take turns on a file lock, and each worker
checkpoints the WAL itself after it lets go of that lock (issue #3's load bars).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from contextlib import contextmanager

import sqlite_utils

from .schema import migrations

# Each ingest writes ~5 pages to the WAL; at 2 KiB a page instead of 4 KiB a
# commit measured ~30 us (a quarter) cheaper. Only a new database takes it.
PAGE_SIZE = 2048
# A worker copies the WAL back into the database after this many of its own
# commits, once it has let go of the writers' lock (see `transaction`): ~12 MB
# of WAL at most. Every 500 measured 68-69% of the bare ceiling, every 200
# 67%, SQLite's own every-1000-pages checkpoint inside COMMIT 61-66%.
CHECKPOINT_EVERY = 500
# What a commit promises (MODERATION_SYNCHRONOUS). In WAL mode NORMAL survives
# a crash of the process (SIGKILL) but not of the machine: a power loss may
# drop the last commits before a checkpoint, never corrupt the file. FULL
# syncs the WAL at every commit, so an acknowledged decision survives that too.
SYNCHRONOUS = ("NORMAL", "FULL")


# Forks of this process so far, as seen in the child: a connection opened before
# the last fork belongs to the parent. Counting forks costs nothing a request;
# asking os.getpid() on every use of the connection is a system call each time.
_forks_seen = [0]
os.register_at_fork(after_in_child=lambda: _forks_seen.__setitem__(0, _forks_seen[0] + 1))


class Database:
    """The connection, lock and transactions of one database file (or ":memory:" in tests)."""

    def __init__(self, path: str, synchronous: str = "NORMAL"):
        if synchronous not in SYNCHRONOUS:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, not {synchronous!r}")
        self.path = path
        self.synchronous = synchronous
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        if path == ":memory:":
            # One in-memory database shared by the test client's threads.
            self._shared = self._connect()
        else:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.migrate()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=self.path != ":memory:")
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA busy_timeout=5000")
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: it cannot change after
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={self.synchronous}")
        connection.execute("PRAGMA foreign_keys=ON")
        if self._shared is None and self.path != ":memory:":
            # SQLite's own checkpoint runs inside COMMIT, while this worker holds the
            # writers' lock: every other worker would wait the milliseconds it takes.
            connection.execute("PRAGMA wal_autocheckpoint=0")
            connection.execute("PRAGMA journal_size_limit=67108864")
        return connection

    @property
    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened once and kept (never one per request)."""
        if self._shared is not None:
            return self._shared
        # A connection must not cross a fork (gunicorn --preload): open a new one in the child.
        if getattr(self._local, "forks", None) != _forks_seen[0]:
            self._local.connection = self._connect()
            self._local.lock = os.open(self.path + "-lock", os.O_RDWR | os.O_CREAT, 0o600)
            self._local.commits = 0
            self._local.forks = _forks_seen[0]
        return self._local.connection

    def migrate(self) -> None:
        """Apply every pending numbered migration (one process at a time, when workers start together)."""
        database = sqlite_utils.Database(self.connection)
        with self._writer_lock():
            migrations.apply(database)

    @contextmanager
    def _writer_lock(self):
        """The writers' file lock, for work outside a transaction (migrations)."""
        self._lock_writers()
        try:
            yield
        finally:
            self._unlock_writers()

    def _lock_writers(self) -> None:
        # Writers from all workers queue on a file lock the kernel hands over at
        # once. Left to SQLite, a worker that finds the database locked sleeps
        # 1, 2, 5, 10 … ms before it looks again: under load that measured
        # p99 latencies of 0.4-0.7 s.
        if self._shared is None:
            self.connection  # opens this thread's connection and lock file  # noqa: B018
            fcntl.flock(self._local.lock, fcntl.LOCK_EX)

    def _unlock_writers(self) -> None:
        if self._shared is None:
            fcntl.flock(self._local.lock, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close this thread's connection."""
        if self._shared is not None:
            self._shared.close()
        elif getattr(self._local, "forks", None) == _forks_seen[0]:
            self._local.connection.close()
            os.close(self._local.lock)
            self._local.forks = None

    def transaction(self) -> Transaction:
        """One write transaction: `with store.transaction() as db:` BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        return Transaction(self)

    def _committed(self, connection: sqlite3.Connection) -> None:
        if self._shared is None:
            self._local.commits += 1
            if self._local.commits % CHECKPOINT_EVERY == 0:
                # PASSIVE: copies what it can without blocking the other workers' writes.
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error:
                    # The commit stands (a full disk may refuse the copy): the next
                    # checkpoint tries again, and the answer must not become an error.
                    pass

    def check_writable(self) -> None:
        """Raise what would stop a write now (read-only, locked past the busy timeout …): BEGIN IMMEDIATE, then ROLLBACK, nothing written."""
        self._lock_writers()
        try:
            connection = self.connection
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        finally:
            self._unlock_writers()

    def backup(self, target: str) -> dict[str, int]:
        """Copy the database as it is at one moment into `target` (0600) while writes go on; returns the copy's row counts.

        SQLite's online backup API copies every page in one step inside one
        read transaction: in WAL mode the other workers keep writing, and the
        copy is what was committed when the step began. It is written beside
        `target` and renamed into place only once it checks out, as a single
        file in rollback-journal mode (no -wal to carry along).
        """
        if self.path == ":memory:":
            raise ValueError("an in-memory database has nothing to back up")
        if os.path.exists(target) and os.path.samefile(target, self.path):
            raise ValueError(f"{target} is the database itself: back up into another file")
        partial = target + ".partial"
        if os.path.exists(partial):
            os.unlink(partial)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            self.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            problem = copy.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its check: {problem}")
            counts = {table: copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
                      for table in ("comments", "decisions", "moderators", "outbox")}
        except BaseException:
            copy.close()
            os.unlink(partial)
            raise
        copy.close()
        descriptor = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(partial, target)
        return counts

    def is_empty(self) -> bool:
        """Whether no comment was ever stored (a fresh database to seed)."""
        return self.connection.execute("SELECT 1 FROM comments LIMIT 1").fetchone() is None

    # -- articles ----------------------------------------------------------------


class Transaction:
    """The context manager behind `Store.transaction` (a class: it runs on every ingest, and a generator costs more)."""

    __slots__ = ("store", "connection")

    def __init__(self, store: Database):
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        store = self.store
        store._lock_writers()
        try:
            self.connection = store.connection
            self.connection.execute("BEGIN IMMEDIATE")
        except BaseException:
            store._unlock_writers()
            raise
        return self.connection

    def __exit__(self, kind, error, traceback) -> bool:
        connection = self.connection
        try:
            if kind is None:
                try:
                    connection.execute("COMMIT")
                except BaseException:
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")
                    raise
            elif connection.in_transaction:  # an error inside may have rolled it back already
                connection.execute("ROLLBACK")
        finally:
            self.store._unlock_writers()
        if kind is None:
            self.store._committed(connection)
        return False


# SQLite's result codes for a database that cannot take writes now but may
# later: full, read-only, I/O error, locked past the busy timeout, unopenable.
_UNAVAILABLE_CODES = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the database is read-only",
    sqlite3.SQLITE_IOERR: "the disk failed to read or write",
    sqlite3.SQLITE_BUSY: "the database stayed locked",
    sqlite3.SQLITE_LOCKED: "the database stayed locked",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
    sqlite3.SQLITE_PERM: "the database file may not be written",
}
_UNAVAILABLE_ERRNOS = {28: "the disk is full", 30: "the file system is read-only", 13: "the database folder may not be written", 5: "the disk failed"}


def unavailable(error: BaseException) -> str | None:
    """Why storage is unavailable for now, if `error` says so (a full disk, a read-only file …); None for a bug."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return _UNAVAILABLE_CODES.get(code & 0xFF) if code is not None else None
    if isinstance(error, OSError):
        return _UNAVAILABLE_ERRNOS.get(error.errno or 0)
    return None
