"""What each hold threshold of the incivility model costs and buys on the development sets (issue #9).

Run: .venv/bin/python tools/sweep_incivility_thresholds.py [--mirror /work/.mirror]

For every label and candidate threshold (the other labels kept as in
rules/incivility.toml), it prints:
- clean: how many of the clean news comments' *dev* half the engine would hold
  or reject (of 3,974 or so; the bar is 1%);
- caught: how many comments that should be held or rejected the engine would
  catch, on the development civility corpora (the seed comments' dev file and
  the two civility corpora already read, now dev);
- wrongly held: approve-labelled comments of those corpora it would hold.
The test half of the clean news comments is not read: choose here, then read it once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation import Article, Comment, Engine  # noqa: E402
from moderation.model import VERDICT_ORDER  # noqa: E402
from moderation.normalization import normalize  # noqa: E402
from tools.eval_clean_news import clean_comments  # noqa: E402

CORPORA = (
    PROJECT.parent / "shared" / "data" / "seed-comments" / "dev.jsonl",
    PROJECT / "tests" / "seed_civility" / "comments.jsonl",
    PROJECT / "tests" / "heldout" / "seed_civility.jsonl",
)
CANDIDATES = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 1.01)


def read_rows(engine: Engine, comments: list[Comment]) -> list[tuple[int, dict[str, float]]]:
    """Per comment: the verdict rank from every reason but the model's hold, and the model's probabilities."""
    detector = next(d for d in engine._detectors if type(d).__name__ == "IncivilityDetector")
    rows = []
    for comment in comments:
        decision = engine.evaluate(comment)
        others = max((VERDICT_ORDER[r.action] for r in decision.reasons if r.rule != "incivility-model"), default=0)
        rows.append((others, detector.model.score(normalize(comment.text))))
    return rows


def flagged(rows, thresholds: dict[str, float]) -> list[int]:
    """The verdict rank of each row under `thresholds`."""
    hold = VERDICT_ORDER["hold"]
    return [max(others, hold if any(scores[l] >= t for l, t in thresholds.items()) else 0) for others, scores in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args()
    engine = Engine.from_directory()
    detector = next(d for d in engine._detectors if type(d).__name__ == "IncivilityDetector")
    current = dict(detector.thresholds)
    clean = read_rows(engine, [Comment(text=t) for t in clean_comments(args.mirror, "dev")])
    lines = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    article = Article(lines[0], lines[2])
    labelled = []
    for path in CORPORA:
        if path.is_file():
            labelled += [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    corpus = read_rows(engine, [Comment(text=r["text"], article=article, parent_id="x" if "@" in r["text"] else None) for r in labelled])
    expected = [VERDICT_ORDER[r["expected"]] for r in labelled]
    print(f"clean news dev: {len(clean):,}; civility dev corpora: {len(labelled)} ({sum(e > 0 for e in expected)} to hold or reject)")
    print(f"current thresholds: {current}")
    for label in current:
        print(f"\n{label}:  threshold   clean held   caught   wrongly held")
        for t in CANDIDATES:
            thresholds = {**current, label: t}
            c = flagged(clean, thresholds)
            v = flagged(corpus, thresholds)
            caught = sum(1 for got, want in zip(v, expected) if want > 0 and got > 0)
            wrong = sum(1 for got, want in zip(v, expected) if want == 0 and got > 0)
            mark = "  <- now" if abs(t - current[label]) < 0.026 else ""
            print(f"            {t:5.2f}   {sum(x > 0 for x in c):6} ({sum(x > 0 for x in c) / len(c):.2%})   {caught:5}   {wrong:5}{mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
