"""What the code and rules of this checkout cost per verdict against another checkout's, timed in turns.

Run: .venv/bin/python benchmarks/checkout_cost.py OTHER_CHECKOUT [ROUNDS]

For example, this morning's engine against today's:
    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/checkout_cost.py /tmp/before

`rules_cost.py` swaps only the rules folder under today's code; this swaps
everything. Each round runs one fresh interpreter per checkout, one after the
other, each timing the full verdict on the same 2,000 comments of 300-800
characters (`engine_speed.comments_300_to_800`; best of 3 passes, CPU time).
It prints every run and the least disturbed of each, and their ratio; it
asserts nothing (shared machines drift by a third between runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.engine_speed import comments_300_to_800  # noqa: E402

_TIMER = r"""
import json, sys, time
sys.path.insert(0, ".")
from moderation import Comment, Engine
texts = json.load(open(sys.argv[1], encoding="utf-8"))
engine = Engine.from_directory()
for text in texts:
    engine.evaluate(Comment(text=text))
best = float("inf")
for _ in range(3):
    started = time.process_time()
    for text in texts:
        engine.evaluate(Comment(text=text))
    best = min(best, time.process_time() - started)
print(best / len(texts) * 1e6)
"""


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2 or not Path(argv[0], "moderation").is_dir():
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    other, rounds = Path(argv[0]).resolve(), int(argv[1]) if len(argv) > 1 else 3
    texts, source = comments_300_to_800()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(texts, handle)
    runs: dict[Path, list[float]] = {other: [], PROJECT: []}
    for _ in range(rounds):
        for checkout in runs:
            out = subprocess.check_output([sys.executable, "-c", _TIMER, handle.name], cwd=checkout, text=True)
            runs[checkout].append(float(out))
    Path(handle.name).unlink()
    print(f"comments: {len(texts)} of 300-800 characters from {source}, {rounds} rounds, turn about")
    for label, checkout in (("other", other), ("this", PROJECT)):
        print(f"{label} checkout ({checkout}): {min(runs[checkout]):.0f} us a verdict (runs: {', '.join(f'{v:.0f}' for v in runs[checkout])})")
    print(f"ratio this / other: {min(runs[PROJECT]) / min(runs[other]):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
