"""What the platform-integration tests share: the guide's marked blocks, signed requests, a flaky proxy, moderators."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from webhook.signing import sign

PROJECT = Path(__file__).resolve().parent.parent
GUIDE = PROJECT / "docs" / "integration.md"
MODERATION = str(Path(sys.executable).with_name("moderation"))


def guide_block(marker: str) -> str:
    """The fenced block right after `<!-- marker -->` in docs/integration.md (the comment may say more after the marker)."""
    found = re.search(r"<!-- " + re.escape(marker) + r"(?: [^>]*)? -->\n```[\w-]*\n(.*?)```\n", GUIDE.read_text(encoding="utf-8"), re.S)
    assert found, f"docs/integration.md has no block marked <!-- {marker} -->"
    return found.group(1)


def guide_json(name: str):
    """A JSON example of the guide, by its `<!-- example: name -->` marker."""
    return json.loads(guide_block(f"example: {name}"))


def signed(base: str, method: str, path: str, body: bytes = b"", secret: str = "", webhook_id: str | None = None,
           timestamp: int | None = None) -> tuple[int, dict, dict]:
    """(status, lowercase headers, JSON answer) of a request signed with the service's own `sign`."""
    webhook_id = webhook_id or f"msg_test_{time.time_ns()}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp), "webhook-signature": sign(secret, webhook_id, timestamp, body)}
    if body:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=body or None, method=method, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, json.loads(response.read() or b"null")


def without(value, keys=("decision_id", "decided_at")):
    """`value` with the given keys dropped at every depth: what differs from one run to the next."""
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


def wait_for(predicate, timeout: float = 15.0, every: float = 0.2):
    """Poll until `predicate()` is truthy; returns its value or fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up after {timeout} s waiting for {predicate}")


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 15.0) -> None:
    """Wait until something listens on loopback `port`; fail if `process` exits first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on port {port}: {process.stdout.read() if process.stdout and process.poll() is not None else 'timeout'}")
            time.sleep(0.1)


def moderator_token(db: Path) -> str:
    """A bearer token for the seeded `admin` moderator, as `moderation user token` prints it."""
    return subprocess.check_output([MODERATION, "user", "token", "admin", "--db", str(db)], text=True).strip()


def review(base: str, token: str, comment_id: str, action: str, note: str = "") -> dict:
    """A moderator's decision through the tools API (what the review queue's keys do)."""
    body = json.dumps({"action": action, **({"note": note} if note else {})}).encode()
    request = urllib.request.Request(f"{base}/v1/comments/{comment_id}/review", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class FlakyProxy:
    """A loopback proxy in front of the service: answers the first requests with the given failures, then forwards.

    Records every request it gets (headers and body), to check what a client
    sends again on a retry.
    """

    def __init__(self, target: str, failures: list[tuple[int, dict]]):
        self.target = target
        self.failures = list(failures)
        self.requests: list[tuple[dict, bytes]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                if proxy.failures:
                    status, headers = proxy.failures.pop(0)
                    problem = json.dumps({"type": "about:blank", "title": "Unavailable", "status": status, "detail": "a failure the test asked for"}).encode()
                    self.send_response(status)
                    for name, value in {**headers, "Content-Type": "application/problem+json", "Content-Length": str(len(problem))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(problem)
                    return
                forward = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature")}
                request = urllib.request.Request(proxy.target + self.path, data=body or None, method=self.command, headers=forward)
                try:
                    response = urllib.request.urlopen(request, timeout=10)
                except urllib.error.HTTPError as error:
                    response = error
                with response:
                    answer = response.read()
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        if name.lower() not in ("content-length", "connection", "server", "date", "transfer-encoding"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
