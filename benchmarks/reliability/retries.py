"""Retries: one delivery sent many times at once yields one decision and one strike.

Run: .venv/bin/python benchmarks/reliability/retries.py [--rounds 20] [--parallel 32] [--workers 4]

Each round posts one comment that earns a strike (vulgar, from a new author)
`--parallel` times at the same instant against gunicorn started as `moderation
serve` starts it: first the same delivery (same webhook-id, same body), then
the same comment under fresh webhook-ids (a platform that numbers its retries),
then the same webhook-id carrying other bodies (a replay attack). Afterwards
each comment has one decision, its author one strike and no ban (three strikes
ban), every 200 names the same decision, and a webhook-id reused for another
body is refused. Exits 1 when any of that fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Server, comment, read_db, signed_headers  # noqa: E402

STRIKE = "What a load of bullshit about Diyala."


def at_once(port: int, requests: list[tuple[str, bytes]]) -> list[tuple[int | None, dict]]:
    """Send every (webhook-id, body) on its own connection, released together by a barrier."""
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def one(index: int, message_id: str, body: bytes) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.connect()
        headers = signed_headers(message_id, body)
        barrier.wait()
        try:
            connection.request("POST", "/v1/comments", body, headers)
            response = connection.getresponse()
            answers[index] = (response.status, json.loads(response.read()))
        except (OSError, http.client.HTTPException, ValueError) as error:
            answers[index] = (None, {"error": str(error)})
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, mid, body)) for i, (mid, body) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def run(rounds: int = 20, parallel: int = 32, workers: int = 4, say=print) -> dict:
    """Every round's three storms; returns the figures."""
    work = Path(tempfile.mkdtemp(prefix="moderation-retries-"))
    db = work / "retries.db"
    figures = {"rounds": rounds, "parallel": parallel, "requests": 0, "answers_200": 0, "replayed": 0, "refused_401": 0, "other_answers": 0,
               "comments": 0, "decisions_per_comment_max": 0, "strikes_per_author_max": 0, "authors_banned": 0,
               "decision_ids_per_comment_max": 0, "replay_attack_bodies_stored": 0}
    with Server(db, workers=workers, log=work / "server.log") as server:
        for round_ in range(rounds):
            storms = {
                "same delivery": [(f"msg_same_{round_}", comment(f"same-{round_}", STRIKE, author=f"same-{round_}"))] * parallel,
                "fresh webhook-ids": [(f"msg_fresh_{round_}_{i}", comment(f"fresh-{round_}", STRIKE, author=f"fresh-{round_}")) for i in range(parallel)],
                "one id, other bodies": [(f"msg_attack_{round_}", comment(f"attack-{round_}-{i}", STRIKE, author=f"attack-{round_}")) for i in range(parallel)],
            }
            for storm, requests in storms.items():
                answers = at_once(server.port, requests)
                figures["requests"] += len(answers)
                ok = [body for status, body in answers if status == 200]
                figures["answers_200"] += len(ok)
                figures["refused_401"] += sum(status == 401 for status, _ in answers)
                figures["other_answers"] += sum(status not in (200, 401) for status, _ in answers)
                if storm == "one id, other bodies":
                    # The first body under the id is stored; every other is a replay with another body.
                    if len(ok) != 1 or sum(status == 401 for status, _ in answers) != parallel - 1:
                        say(f"round {round_} {storm}: {sorted(str(s) for s, _ in answers)}")
                        figures["other_answers"] += 1
                else:
                    figures["decision_ids_per_comment_max"] = max(figures["decision_ids_per_comment_max"], len({b["decision_id"] for b in ok}))
                    if len(ok) != parallel:
                        say(f"round {round_} {storm}: {sorted(str(s) for s, _ in answers)}")
    with read_db(db) as connection:
        per_comment = [row[0] for row in connection.execute("SELECT COUNT(*) FROM decisions GROUP BY comment_id")]
        figures["comments"] = len(per_comment)
        figures["decisions_per_comment_max"] = max(per_comment)
        figures["strikes_per_author_max"] = connection.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM decisions d JOIN comments c ON c.id = d.comment_id WHERE d.strike = 1 GROUP BY c.author_id)").fetchone()[0]
        figures["authors_banned"] = connection.execute("SELECT COUNT(DISTINCT author_id) FROM bans").fetchone()[0]
        figures["replay_attack_bodies_stored"] = connection.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM comments WHERE id LIKE 'attack-%' GROUP BY author_id)").fetchone()[0]
        figures["replayed"] = figures["answers_200"] - figures["comments"]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    figures["integrity_check"] = integrity
    figures["ok"] = (figures["comments"] == 3 * rounds and figures["decisions_per_comment_max"] == 1 and figures["strikes_per_author_max"] == 1
                     and figures["authors_banned"] == 0 and figures["decision_ids_per_comment_max"] == 1 and figures["other_answers"] == 0
                     and figures["replay_attack_bodies_stored"] == 1 and figures["answers_200"] == rounds * (2 * parallel + 1) and integrity == "ok")
    if figures["ok"]:
        shutil.rmtree(work, ignore_errors=True)
    else:
        figures["kept"] = str(work)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--parallel", type=int, default=32, help="copies sent at the same instant")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (more workers, more races)")
    args = parser.parse_args()
    print(f"retries: {args.rounds} rounds of three storms of {args.parallel} simultaneous posts, gunicorn with {args.workers} sync workers")
    figures = run(args.rounds, args.parallel, args.workers)
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    print("PASS: one decision and one strike a comment, one body a webhook-id" if figures["ok"] else "FAIL: a promise was broken (see above)")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
