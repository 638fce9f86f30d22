"""What the fault scripts share: the real server started as `moderation serve` starts it, and signed posts."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from webhook.server import gunicorn_command  # noqa: E402
from webhook.signing import sign  # noqa: E402

SECRET = "whsec_cmVsaWFiaWxpdHktc2NyaXB0cy1zZWNyZXQ="
ARTICLE = {"id": "reliability", "title": "Iranian militias move to the forefront in Iraq",
           "text": "The Badr Organization and Iraq's army in Diyala, with US air support against ISIS."}


def free_port() -> int:
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn over webhook.wsgi:app, with the command line `moderation serve` uses, in its own process group."""

    def __init__(self, db: Path, port: int | None = None, workers: int = 2, env: dict | None = None, log: Path | None = None):
        self.db, self.port, self.workers = Path(db), port or free_port(), workers
        self.env = {**os.environ, "MODERATION_DB": str(db), "MODERATION_WEBHOOK_SECRET": SECRET, "MODERATION_FLOOD_LIMIT": "0",
                    "MODERATION_SECRET_KEY": "reliability", **(env or {})}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        """Start gunicorn and wait until a worker answers (the master listens before the workers have built the engine)."""
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(gunicorn_command("webhook.wsgi:app", "127.0.0.1", self.port, self.workers), env=self.env, cwd=PROJECT,
                                        stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                send(self.port, "GET", "/v1/queue", timeout=2)  # 401 without a token: a worker is up
                return self
            except (OSError, http.client.HTTPException):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start (exit {self.process.poll()}); see {self.log}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole process group: the master and every worker, mid-request."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM the process group and wait."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def comment(comment_id: str, body: str = "Working beside the militias against ISIS does not mean taking orders from Tehran.",
            author: str = "reliability-author") -> bytes:
    """A comment as the platform posts it, with its article in full."""
    return json.dumps({"id": comment_id, "body": body, "article": ARTICLE, "author": {"id": author}}).encode()


def signed_headers(message_id: str, body: bytes, secret: str = SECRET) -> dict:
    stamp = int(time.time())
    return {"Content-Type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(stamp),
            "webhook-signature": sign(secret, message_id, stamp, body)}


def send(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    """One request on a new connection: (status, headers, body); OSError when the connection fails."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def post(port: int, message_id: str, body: bytes, timeout: float = 10) -> tuple[int, dict, bytes]:
    """A signed POST /v1/comments."""
    return send(port, "POST", "/v1/comments", body, signed_headers(message_id, body), timeout)


def read_db(db: Path) -> sqlite3.Connection:
    """A plain connection to the service's file, for checking what was stored."""
    connection = sqlite3.connect(db, timeout=30)
    connection.row_factory = sqlite3.Row
    return connection
