"""What a change to the rules costs per verdict: two rules folders timed turn about on the same comments.

Run: .venv/bin/python benchmarks/rules_cost.py OLD_RULES_DIR [NEW_RULES_DIR]   (NEW defaults to rules/)

For example, the rules of an earlier commit against today's:
    mkdir /tmp/old && git archive <commit> rules | tar -x -C /tmp/old
    .venv/bin/python benchmarks/rules_cost.py /tmp/old/rules

On a shared machine two `make bench` runs minutes apart differ by a third;
here each comment is judged by both engines one after the other, in turns
(old first on even comments, new first on odd ones, so neither always finds
the caches warm), and the CPU time of each is summed. It prints both means
and their ratio; it asserts nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from benchmarks.engine_speed import comments_300_to_800  # noqa: E402
from moderation import Comment, Engine  # noqa: E402


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__)
        return 2
    old = Engine.from_directory(argv[0])
    new = Engine.from_directory(argv[1] if len(argv) > 1 else None)
    texts, source = comments_300_to_800()
    comments = [Comment(text=t) for t in texts]
    for comment in comments[:300]:  # both warmed: lazy patterns compiled, memos filled
        old.evaluate(comment)
        new.evaluate(comment)
    spent = {"old": 0.0, "new": 0.0}
    clock = time.process_time
    rounds = 3
    for _ in range(rounds):
        for index, comment in enumerate(comments):
            order = (("old", old), ("new", new)) if index % 2 == 0 else (("new", new), ("old", old))
            for name, engine in order:
                started = clock()
                engine.evaluate(comment)
                spent[name] += clock() - started
    count = rounds * len(comments)
    print(f"comments: {len(comments)} of 300-800 characters from {source}, {rounds} rounds, turn about")
    print(f"old rules ({argv[0]}): {spent['old'] / count * 1e6:.0f} us a verdict")
    print(f"new rules ({argv[1] if len(argv) > 1 else 'rules/'}): {spent['new'] / count * 1e6:.0f} us a verdict")
    print(f"ratio new / old: {spent['new'] / spent['old']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
