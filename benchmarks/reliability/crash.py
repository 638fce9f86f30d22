"""Crash: signed posts from several client processes while the server is SIGKILLed and restarted.

Run: .venv/bin/python benchmarks/reliability/crash.py [--clients 4] [--threads 4] [--kills 5] [--interval 2]

gunicorn runs as `moderation serve` runs it (webhook.server.gunicorn_command, 2
sync workers) on a SQLite file. Client processes post comments, each under its
own webhook-id, and send a comment again (same id, same body) until it gets a
200, across the crashes, as a platform does. The whole process group (master
and workers) is killed with SIGKILL `--kills` times, mid-load, and started
again. Afterwards: every comment that got a 200 has its decision stored, with
the decision id it was told; no comment has two engine decisions; PRAGMA
integrity_check is ok. Exits 1 when any of that fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, comment, post, read_db  # noqa: E402

BODIES = [
    "Working beside the militias against ISIS does not mean taking orders from Tehran.",
    "What the fuck is our envoy doing at that dinner?",
    "The envoy is a clown and his boss is no better.",
    "The Badr commanders now run the chain of command in Diyala, and our planes give them cover.",
]


def client(port: int, name: str, threads: int, stop, give_up_at: float, results) -> None:
    """Post comments until `stop` is set; each comment is sent again until it gets a 200 (or time runs out)."""
    acked: dict[str, int] = {}
    counts = {"sent": 0, "errors": 0, "server_errors": 0, "replayed": 0, "unacked": 0}
    lock = threading.Lock()

    def worker(index: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            comment_id = f"{name}-{index}-{n}"
            body = comment(comment_id, BODIES[n % len(BODIES)], author=f"{name}-{index}-{n}")
            while True:
                try:
                    status, headers, answer = post(port, f"msg_{comment_id}", body, timeout=10)
                except (OSError, http.client.HTTPException):  # refused, reset, or cut off mid-answer by the kill
                    status = None
                with lock:
                    counts["sent"] += 1
                    if status is None:
                        counts["errors"] += 1
                    elif status != 200:
                        counts["server_errors"] += 1
                if status == 200:
                    with lock:
                        acked[comment_id] = json.loads(answer)["decision_id"]
                        counts["replayed"] += headers.get("idempotent-replayed") == "true"
                    break
                if time.monotonic() > give_up_at:
                    with lock:
                        counts["unacked"] += 1
                    return
                time.sleep(0.05)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((acked, counts))


def run(clients: int = 4, threads: int = 4, kills: int = 5, interval: float = 2.0, workers: int = 2, say=print) -> dict:
    """The whole experiment; returns its figures."""
    work = Path(tempfile.mkdtemp(prefix="moderation-crash-"))
    db = work / "crash.db"
    server = Server(db, workers=workers, log=work / "server.log").start()
    stop = multiprocessing.Event()
    results = multiprocessing.Queue()
    give_up_at = time.monotonic() + (kills + 2) * interval + 60
    processes = [multiprocessing.Process(target=client, args=(server.port, f"p{p}", threads, stop, give_up_at, results)) for p in range(clients)]
    started = time.monotonic()
    downtime = 0.0
    try:
        for process in processes:
            process.start()
        for kill in range(kills):
            time.sleep(interval)
            server.kill()
            down = time.monotonic()
            say(f"kill {kill + 1}: SIGKILL to the process group at {down - started:5.1f} s; restarting")
            server.start()
            downtime += time.monotonic() - down
        time.sleep(interval)
        stop.set()
        outcomes = [results.get(timeout=120) for _ in processes]
        for process in processes:
            process.join(timeout=30)
    finally:
        stop.set()
        server.stop()
    elapsed = time.monotonic() - started
    acked: dict[str, int] = {}
    counts = {"sent": 0, "errors": 0, "server_errors": 0, "replayed": 0, "unacked": 0}
    for their_acked, their_counts in outcomes:
        acked.update(their_acked)
        for key in counts:
            counts[key] += their_counts[key]
    with read_db(db) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        decisions = {row[0]: (row[1], row[2]) for row in connection.execute(
            "SELECT comment_id, COUNT(*), MIN(id) FROM decisions WHERE decided_by = 'engine' GROUP BY comment_id")}
        comments = connection.execute("SELECT COUNT(*) FROM comments").fetchone()[0]
        orphans = connection.execute("SELECT COUNT(*) FROM comments c WHERE NOT EXISTS "
                                     "(SELECT 1 FROM decisions d WHERE d.comment_id = c.id AND d.revision = c.revision)").fetchone()[0]
    lost = [cid for cid in acked if cid not in decisions]
    wrong_id = [cid for cid, decision_id in acked.items() if cid in decisions and decisions[cid][1] != decision_id]
    duplicated = [cid for cid, (count, _) in decisions.items() if count > 1]
    figures = {
        "kills": kills, "seconds": round(elapsed, 1), "downtime_s": round(downtime, 1),
        "requests_sent": counts["sent"], "connection_errors": counts["errors"], "non_200_answers": counts["server_errors"],
        "acknowledged": len(acked), "replayed_after_a_crash": counts["replayed"], "stored": len(decisions), "comments_stored": comments,
        "stored_not_acknowledged": len(set(decisions) - set(acked)), "never_acknowledged": counts["unacked"],
        "lost": len(lost), "duplicated": len(duplicated), "told_another_decision_id": len(wrong_id), "comments_without_decision": orphans,
        "integrity_check": integrity,
    }
    figures["ok"] = not lost and not duplicated and not wrong_id and not orphans and integrity == "ok" and counts["unacked"] == 0
    if figures["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        figures["kept"] = str(work)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per client process, one request at a time each")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs of the server's process group")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds of load between kills")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"crash: {args.clients} client processes x {args.threads} threads, {args.kills} SIGKILLs {args.interval} s apart, "
          f"gunicorn with {args.workers} sync workers on a SQLite file")
    figures = run(args.clients, args.threads, args.kills, args.interval, args.workers)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print("PASS: every 200 stored once, none lost, none twice, integrity ok" if figures["ok"] else "FAIL: a promise was broken (see above)")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
