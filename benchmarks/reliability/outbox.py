"""Outbox: moderator decisions reach a platform that is down, slow, failing and restarted, exactly once by webhook-id.

Run: .venv/bin/python benchmarks/reliability/outbox.py [--decisions 6] [--deliverers 2] [--timeout 1] [--backoff 0.5]

The service is gunicorn as `moderation serve` starts it, and beside it
deliverers running `webhook.outbox.deliver_forever` as `serve` runs it (two of
them, to show they never both send one callback), with a short timeout and
backoff so the run takes a minute. Moderators decide through the bearer-token
API (POST /v1/comments/<id>/review) in each phase:

  down     the platform's endpoint does not listen
  500      it answers 500
  slow     it reads the callback, then answers after the deliverer's timeout
           (the platform has it; the deliverer does not know and sends again)
  restart  the service (gunicorn and the deliverers) is SIGKILLed and started again
  up       it answers 204

Afterwards every decision has been processed by the platform exactly once,
deduplicated by webhook-id; a second copy of an id comes only after a failed
or timed-out attempt or a kill (never from two deliverers at once); retries
wait longer each time. Exits 1 when any of that fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PROJECT, SECRET, Server, comment, free_port, post, read_db, send  # noqa: E402

from webhook.signing import verify  # noqa: E402

DELIVERER = """
import sys, threading
from webhook.outbox import deliver_forever
from webhook.store import ModeratorStore, Store
db, url, secret, timeout, backoff = sys.argv[1:6]
deliver_forever(ModeratorStore(Store(db)), url, secret, threading.Event(), every=0.1, say=lambda *a: None,
                timeout=float(timeout), backoff_base=float(backoff))
"""


class Platform:
    """The blog platform's callback endpoint: verifies signatures, keeps each webhook-id once, and can misbehave."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.mode = "up"
        self.attempts: list[dict] = []  # every request that reached it: time, webhook-id, mode, answer
        self.processed: dict[str, dict] = {}  # webhook-id -> callback, first copy only
        self.duplicates = 0
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    def listen(self) -> None:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                verify(self.headers, body, [SECRET], now=time.time())
                message_id, mode = self.headers["webhook-id"], platform.mode
                with platform.lock:
                    attempt = {"at": time.time(), "id": message_id, "mode": mode}
                    platform.attempts.append(attempt)
                    if mode in ("up", "slow"):
                        # Processed on receipt, deduplicated by id, before answering.
                        if message_id in platform.processed:
                            platform.duplicates += 1
                            attempt["duplicate"] = True
                        else:
                            platform.processed[message_id] = json.loads(body)
                if mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if mode == "slow":
                    time.sleep(platform.timeout * 1.5)
                try:
                    self.send_response(204)
                    self.end_headers()
                except OSError:
                    pass  # the deliverer gave up waiting

            def log_message(self, *args):
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def run(decisions: int = 6, deliverers: int = 2, timeout: float = 1.0, backoff: float = 0.5, phase_seconds: float = 4.0, say=print) -> dict:
    """Every phase, then wait for the outbox to empty; returns the figures."""
    work = Path(tempfile.mkdtemp(prefix="moderation-outbox-"))
    db = work / "outbox.db"
    platform = Platform(free_port(), timeout)
    url = f"http://127.0.0.1:{platform.port}/moderation-callbacks"
    server = Server(db, log=work / "server.log").start()
    running: list[subprocess.Popen] = []

    def start_deliverers() -> None:
        for _ in range(deliverers):
            running.append(subprocess.Popen([sys.executable, "-c", DELIVERER, str(db), url, SECRET, str(timeout), str(backoff)], cwd=PROJECT,
                                            start_new_session=True))

    def kill_deliverers() -> None:
        while running:
            process = running.pop()
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    sys.path.insert(0, str(PROJECT))
    from webhook.accounts import issue_token
    from webhook.store import ModeratorStore, Store

    store = Store(str(db))
    moderators = ModeratorStore(store)
    moderators.add_moderator("maria", "not-a-real-hash", "2026-01-01T00:00:00")
    token = issue_token(moderators, "maria", "2026-01-01T00:00:00")
    store.close()
    decided: list[str] = []
    kills: list[float] = []
    started = time.monotonic()

    def decide(phase: str) -> None:
        for i in range(decisions):
            cid = f"{phase}-{i}"
            status, _, _ = post(server.port, f"msg_{cid}", comment(cid, "The envoy is a clown.", author=cid))
            assert status == 200, status
            body = json.dumps({"action": "approve" if i % 2 else "reject", "note": f"{phase} phase"}).encode()
            status, _, answer = send(server.port, "POST", f"/v1/comments/{cid}/review", body,
                                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            assert status == 200, (status, answer)
            decided.append(cid)
        say(f"{time.monotonic() - started:5.1f} s  {phase:<8} {decisions} decisions made")

    try:
        start_deliverers()
        # down: nothing listens on the platform's port.
        decide("down")
        time.sleep(phase_seconds)
        platform.listen()
        platform.mode = "500"
        decide("500")
        time.sleep(phase_seconds)
        platform.mode = "slow"
        decide("slow")
        time.sleep(phase_seconds)
        platform.mode = "up"
        decide("restart")
        # Killed mid-delivery: gunicorn and the deliverers, SIGKILL, then started again.
        time.sleep(0.3)
        kills.append(time.time())
        kill_deliverers()
        server.kill()
        say(f"{time.monotonic() - started:5.1f} s  restart  service SIGKILLed (gunicorn and {deliverers} deliverers), starting again")
        server.start()
        start_deliverers()
        decide("up")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with read_db(db) as connection:
                waiting = connection.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
            if not waiting:
                break
            time.sleep(0.2)
        say(f"{time.monotonic() - started:5.1f} s  outbox empty: {not waiting}")
    finally:
        kill_deliverers()
        server.stop()
        platform.close()
    with read_db(db) as connection:
        outbox = [dict(row) for row in connection.execute("SELECT * FROM outbox ORDER BY id")]
    processed_comments = sorted(c["data"]["comment_id"] for c in platform.processed.values())
    by_id: dict[str, list[dict]] = {}
    for attempt in platform.attempts:
        by_id.setdefault(attempt["id"], []).append(attempt)
    # A second copy is needless when the copy before it was answered at once (mode up) and no kill came
    # between: two deliverers sending one callback. After a kill it is the stated promise: the deliverer
    # died between the platform's receipt and marking the callback delivered, and the platform drops it by id.
    needless = after_a_kill = 0
    for attempts in by_id.values():
        for before, after in zip(attempts, attempts[1:]):
            if before["mode"] == "up" and after.get("duplicate"):
                if any(before["at"] <= kill <= after["at"] for kill in kills):
                    after_a_kill += 1
                else:
                    needless += 1
    missing = sorted(set(decided) - set(processed_comments))
    twice = sorted({c for c in processed_comments if processed_comments.count(c) > 1})
    gaps_grow = True
    for attempts in by_id.values():
        gaps = [b["at"] - a["at"] for a, b in zip(attempts, attempts[1:]) if a["mode"] == "500" and b["mode"] == "500"]
        # Doubling each time: strictly longer gaps (the deliverers look every 0.1 s, less than any step of the backoff).
        gaps_grow &= all(later > earlier for earlier, later in zip(gaps, gaps[1:]))
    figures = {
        "decisions": len(decided), "callbacks_in_outbox": len(outbox), "delivered_in_outbox": sum(e["delivered_at"] is not None for e in outbox),
        "requests_to_platform": len(platform.attempts), "answered_500": sum(a["mode"] == "500" for a in platform.attempts),
        "slow_beyond_timeout": sum(a["mode"] == "slow" for a in platform.attempts), "processed_once_by_id": len(platform.processed),
        "duplicates_dropped_by_id": platform.duplicates, "of_which_after_the_kill": after_a_kill, "needless_duplicates": needless, "missing": len(missing), "processed_twice": len(twice),
        "max_attempts": max((e["attempts"] for e in outbox), default=0), "retry_gaps_grow": gaps_grow, "seconds": round(time.monotonic() - started, 1),
    }
    figures["ok"] = (not missing and not twice and needless == 0 and figures["delivered_in_outbox"] == len(decided) == len(outbox)
                     and figures["processed_once_by_id"] == len(decided) and gaps_grow)
    # The attempt times of one callback from the down and the 500 phases, to show the backoff.
    for cid in ("down-0", "500-0"):
        entry = next((e for e in outbox if json.loads(e["payload"])["comment_id"] == cid), None)
        mid = next((i for i, c in platform.processed.items() if c["data"]["comment_id"] == cid), None)
        if entry and mid:
            first = by_id[mid][0]["at"]
            figures[f"attempts_of_{cid}"] = (f"{entry['attempts']} tries; reached the platform at +"
                                             + ", +".join(f"{a['at'] - first:.1f}s ({a['mode']})" for a in by_id[mid]))
    if figures["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        figures["kept"] = str(work)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=6, help="moderator decisions per phase")
    parser.add_argument("--deliverers", type=int, default=2, help="deliverer processes on the one database")
    parser.add_argument("--timeout", type=float, default=1.0, help="the deliverer's request timeout, seconds")
    parser.add_argument("--backoff", type=float, default=0.5, help="first retry after this many seconds, doubled per attempt (serve: 5)")
    parser.add_argument("--phase", type=float, default=4.0, help="seconds each misbehaviour lasts")
    args = parser.parse_args()
    print(f"outbox: {args.decisions} decisions in each of 5 phases, {args.deliverers} deliverers, timeout {args.timeout} s, backoff from {args.backoff} s")
    figures = run(args.decisions, args.deliverers, args.timeout, args.backoff, args.phase)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print("PASS: every decision processed exactly once by webhook-id, with backoff" if figures["ok"] else "FAIL: a promise was broken (see above)")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
