"""Shared fixtures: one engine over the project's own rules, built once per test session."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from moderation import Article, Engine
from webhook.signing import verify

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory()


@pytest.fixture(scope="session")
def seed_article() -> Article:
    title, _, body = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    return Article(title=title.strip(), text=body.strip())


@pytest.fixture
def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CallbackPlatform:
    """A stand-in blog platform on loopback: checks callback signatures, records bodies, can be down."""

    def __init__(self, secret: str):
        self.secret = secret
        self.received: list = []
        self.failures = 0
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if platform.failures > 0:
                    platform.failures -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                verify(self.headers, body, [platform.secret], now=int(self.headers["webhook-timestamp"]))
                platform.received.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/moderation-callbacks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def callback_platform():
    """Make a CallbackPlatform for a secret; shut down after the test."""
    made = []

    def make(secret: str) -> CallbackPlatform:
        made.append(CallbackPlatform(secret))
        return made[-1]

    yield make
    for platform in made:
        platform.server.shutdown()


@contextmanager
def running_service(workdir: Path, port: int, db: Path, env: dict):
    """`moderation serve` as the README starts it, until the block ends."""
    moderation = str(Path(sys.executable).with_name("moderation"))
    process = subprocess.Popen([moderation, "serve", "--port", str(port), "--db", str(db)], cwd=workdir, env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start: {process.stdout.read() if process.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
