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


class ServiceProcess:
    """A started `moderation serve`: its process, its URL and what it printed so far (read on a thread, so the pipe never fills)."""

    def __init__(self, process: subprocess.Popen, url: str):
        self.process = process
        self.url = url
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = 15) -> str:
        """Wait until `text` was printed; the output so far."""
        deadline = time.monotonic() + timeout
        while text not in self.output:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} was not printed; the service printed:\n{self.output}")
            time.sleep(0.05)
        return self.output


@contextmanager
def started_service(workdir: Path, port: int, db: Path, env: dict, demo: bool = True, args: tuple = ()):
    """`moderation serve` (with --demo, as `make run` starts it, unless demo=False) until the block ends."""
    moderation = str(Path(sys.executable).with_name("moderation"))
    command = [moderation, *args, "serve", "--port", str(port), "--db", str(db), *(["--demo"] if demo else [])]
    process = subprocess.Popen(command, cwd=workdir, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    service = ServiceProcess(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    time.sleep(0.2)
                    pytest.fail(f"the server did not start: {service.output if process.poll() is not None else 'timeout'}")
                time.sleep(0.2)
        yield service
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@contextmanager
def running_service(workdir: Path, port: int, db: Path, env: dict, demo: bool = True):
    """`moderation serve --demo` as the README starts it (`make run`), until the block ends; yields its URL."""
    with started_service(workdir, port, db, env, demo) as service:
        yield service.url


def signed_post(base: str, secret: str, comment_id: str, text: str = "A fair point about the militias in Diyala.", timeout: float = 10) -> tuple[int, dict]:
    """POST one comment to a running service, signed with `secret`; (status, JSON answer)."""
    import urllib.error
    import urllib.request

    from webhook.signing import sign

    body = json.dumps({"id": comment_id, "body": text, "article": {"id": "ops-article", "title": "Militias in Diyala", "text": "The militias in Diyala and the Badr Organization."}, "author": {"id": f"author-{comment_id}"}}).encode()
    timestamp = int(time.time())
    message_id = f"msg_{comment_id}"
    request = urllib.request.Request(f"{base}/v1/comments", data=body, method="POST", headers={
        "Content-Type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def get_json(url: str, timeout: float = 10) -> tuple[int, dict]:
    """GET a JSON document; (status, body), also for an error status."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
