"""Load: signed posts at concurrency 8, 32 and 128 against the service and a bare Flask + one SQLite insert.

Run: .venv/bin/python benchmarks/load_webhook.py [--seconds 2] [--rounds 3] [--concurrency 8 32 128]

The service runs as `moderation serve` runs it (gunicorn, 2 sync workers, on a
seeded SQLite file); the bare app runs under the same gunicorn command line. All
on loopback; the client runs on the same cores, in two processes of threads. Prints requests/s, p50 and
p99 and the server's CPU time per answer for each, the ratio to the bare ceiling, and checks afterwards that every
200 the service gave has exactly one stored decision. Figures, not a test:
targets (issue #3) are >= 70% of the ceiling, p99 <= 15 ms at 8 and <= 50 ms at 32.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from webhook.server import gunicorn_command  # noqa: E402
from webhook.signing import sign  # noqa: E402

SECRET = "whsec_bG9hZC10ZXN0LXNlY3JldC1mb3ItYmVuY2g="
# A mix like a real thread: mostly civil, some vulgar, some name-calling, and
# the seed comments (held, rejected and approved ones) for realistic lengths.
BODIES = [
    "Working beside the militias against ISIS does not mean taking orders from Tehran.",
    "What the fuck is our envoy doing at that dinner?",
    "The envoy is a clown and his boss is no better. Nothing surprises me anymore.",
    "The Badr commanders now run the chain of command in Diyala, and our planes give them cover.",
]
SEEDS = PROJECT / "seeds" / "comments.jsonl"
if SEEDS.exists():
    BODIES += [json.loads(line)["text"] for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
# Authors per client thread: each posts about once a run, so the engine decides
# nearly every post (a banned author's posts are refused without it, far cheaper).
AUTHORS = 500

BARE_APP = '''
import sqlite3, threading
from flask import Flask, request, jsonify
app = Flask(__name__)
local = threading.local()
def db():
    c = getattr(local, "c", None)
    if c is None:
        # The file, its table and WAL mode are made before the workers start:
        # two workers switching a new file to WAL at once fail with "locked".
        c = local.c = sqlite3.connect({path!r}, isolation_level=None)
        c.execute("PRAGMA synchronous=NORMAL")
    return c
@app.post("/v1/comments")
def post():
    data = request.get_json()
    db().execute("INSERT INTO posts VALUES (?, ?)", (data["id"], data["body"]))
    return jsonify({{"ok": True}})
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def client_process(port: int, threads: int, seconds: float, prefix: str, queue) -> None:
    """Post signed comments from `threads` threads for `seconds`; report latencies and ids of 200s."""
    latencies: list[float] = []
    ok_ids: list[str] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        n = 0
        mine, ids = [], []
        while time.monotonic() < stop:
            n += 1
            comment_id = f"{prefix}-{index}-{n}"
            body = json.dumps({"id": comment_id, "body": BODIES[n % len(BODIES)], "article": {"id": "seed-article"}, "author": {"id": f"{prefix}-{index}-{n % AUTHORS}"}}).encode()
            stamp = int(time.time())
            headers = {"Content-Type": "application/json", "webhook-id": comment_id, "webhook-timestamp": str(stamp), "webhook-signature": sign(SECRET, comment_id, stamp, body)}
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                connection.request("POST", "/v1/comments", body, headers)
                response = connection.getresponse()
                response.read()
                connection.close()
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            mine.append(time.perf_counter() - started)
            if response.status == 200:
                ids.append(comment_id)
            else:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)
            ok_ids.extend(ids)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put((latencies, ok_ids, errors[0]))


def drive(port: int, concurrency: int, seconds: float, prefix: str) -> dict:
    """One slice: `concurrency` clients in two processes post for `seconds`."""
    queue = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=client_process, args=(port, concurrency // 2, seconds, f"{prefix}{p}", queue)) for p in range(2)]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    return {
        "latencies": [latency for r in results for latency in r[0]],
        "ids": [i for r in results for i in r[1]],
        "errors": sum(r[2] for r in results),
        "seconds": seconds,
    }


def server_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of a server process and all its descendants (its gunicorn workers); None without /proc."""
    total, pending = 0.0, [pid]
    try:
        while pending:
            current = pending.pop()
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
    except (OSError, ValueError, IndexError):
        return None
    return total


def measured(pid: int, port: int, concurrency: int, seconds: float, prefix: str) -> dict:
    """One slice, with the server's CPU time spent on it."""
    before = server_cpu(pid)
    result = drive(port, concurrency, seconds, prefix)
    after = server_cpu(pid)
    result["cpu"] = after - before if before is not None and after is not None else None
    return result


def summary(slices: list[dict]) -> dict:
    """Requests/s and p50/p99 over every slice of one app at one concurrency."""
    latencies = sorted(latency for s in slices for latency in s["latencies"])
    return {
        "rps": len(latencies) / sum(s["seconds"] for s in slices),
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else float("nan"),
        "errors": sum(s["errors"] for s in slices),
        "ids": [i for s in slices for i in s["ids"]],
        # Server CPU per answer: what the throughput gap is made of (the client shares the cores).
        "cpu_us": (sum(s["cpu"] for s in slices) / len(latencies) * 1e6
                   if latencies and all(s.get("cpu") is not None for s in slices) else float("nan")),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2, help="seconds per slice")
    parser.add_argument("--rounds", type=int, default=3, help="slices per app and concurrency, bare and service taking turns")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 32, 128])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, for both apps")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="moderation-load-"))
    bare_port, service_port = free_port(), free_port()
    (work / "bare_app.py").write_text(BARE_APP.format(path=str(work / "bare.db")))
    with sqlite3.connect(work / "bare.db") as bare_db:
        bare_db.execute("PRAGMA journal_mode=WAL")
        bare_db.execute("CREATE TABLE posts (id TEXT, body TEXT)")
    bare = subprocess.Popen(gunicorn_command("bare_app:app", "127.0.0.1", bare_port, args.workers), cwd=work)
    db = work / "service.db"
    # No flood limit: the clients post far faster than any one person, by design.
    env = dict(os.environ, MODERATION_WEBHOOK_SECRET=SECRET, MODERATION_FLOOD_LIMIT="0")
    moderation = str(Path(sys.executable).with_name("moderation"))
    service = subprocess.Popen([moderation, "serve", "--port", str(service_port), "--db", str(db), "--workers", str(args.workers)], env=env, cwd=work,
                               stdout=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(bare_port)
        wait_for(service_port)
        # Unmeasured warm-up: each worker's first requests open its connection and fill its caches.
        drive(bare_port, 8, 1, "warm-bare-")
        warm = drive(service_port, 8, 1, "warm-svc-")
        print(f"{'concurrency':>11} | {'bare req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'CPU us':>6} | "
              f"{'service req/s':>13} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'CPU us':>6} | share of ceiling")
        all_ids: list[str] = list(warm["ids"])
        for concurrency in args.concurrency:
            # Taking turns in short slices: a noisy neighbour on the host slows both, not one.
            bare_slices, our_slices = [], []
            for round_ in range(args.rounds):
                bare_slices.append(measured(bare.pid, bare_port, concurrency, args.seconds, f"bare{concurrency}r{round_}-"))
                our_slices.append(measured(service.pid, service_port, concurrency, args.seconds, f"svc{concurrency}r{round_}-"))
            ceiling, ours = summary(bare_slices), summary(our_slices)
            all_ids.extend(ours["ids"])
            print(f"{concurrency:>11} | {ceiling['rps']:>10,.0f} {ceiling['p50']:>7.1f} {ceiling['p99']:>7.1f} {ceiling['errors']:>6} {ceiling['cpu_us']:>6.0f} | "
                  f"{ours['rps']:>13,.0f} {ours['p50']:>7.1f} {ours['p99']:>7.1f} {ours['errors']:>6} {ours['cpu_us']:>6.0f} | {ours['rps'] / ceiling['rps']:.0%}")
        print("CPU us: the server's processes' CPU time per answer (user + system, from /proc), beside the client's on the same cores")
        connection = sqlite3.connect(db)
        counts = dict(connection.execute("SELECT comment_id, COUNT(*) FROM decisions GROUP BY comment_id").fetchall())
        wrong = [i for i in all_ids if counts.get(i) != 1]
        print(f"every 200 has exactly one stored decision: {not wrong} ({len(all_ids)} checked, {len(wrong)} wrong)")
    finally:
        bare.terminate()
        os.killpg(service.pid, signal.SIGTERM)
        for process in (bare, service):
            process.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
