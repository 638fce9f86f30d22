"""How many ordinary clean news comments the whole engine holds or rejects (issue #9: the bar is <= 1%).

Run: .venv/bin/python tools/eval_clean_news.py [--mirror /work/.mirror] [--split test] [--show 40]

The clean comments are the Unhealthy Comments Corpus' rows labelled healthy and
neither hostile nor antagonising (Globe and Mail comments from SOCC;
conversationai/unhealthy-conversations, CC BY-NC-SA 4.0: used to measure, never
to train). The files are read at the commit and sha256 pinned in the incivility
model's manifest (fetch github:conversationai/unhealthy-conversations first),
and split by the same hash as in training: the model's thresholds were chosen
on the `dev` half, so `test` (the default) is the honest figure. The comments
are judged as the engine judges any comment without an article: every rule
but off-topic.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation import Comment, Engine  # noqa: E402
from moderation.detectors.incivility.train import key_of, load_manifest, read_pinned, split_of  # noqa: E402
from moderation.normalization import normalize  # noqa: E402


def clean_comments(mirror: Path, split: str) -> list[str]:
    """The clean rows of the pinned files that fall in `split` (dev or test), deduplicated."""
    source = next(s for s in load_manifest() if s["name"] == "ucc")
    seen, texts = set(), []
    for entry in source["file"]:
        for row in csv.DictReader(io.StringIO(read_pinned(mirror, source, entry).decode("utf-8", "replace"))):
            if row["healthy"] != "1" or row["hostile"] == "1" or row["antagonize"] == "1":
                continue
            key = key_of(normalize(row["comment"]).folded)
            if key not in seen and split_of(key, source["use"]) == split:
                seen.add(key)
                texts.append(row["comment"])
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"), help="where fetched snapshots are (default /work/.mirror)")
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--show", type=int, default=40, help="how many flagged comments to print")
    args = parser.parse_args(argv)
    texts = clean_comments(args.mirror, args.split)
    engine = Engine.from_directory()
    actions: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    flagged = []
    for text in texts:
        decision = engine.evaluate(Comment(text=text))
        actions[decision.action] += 1
        if decision.action != "approve":
            rules.update(set(r.rule for r in decision.deciding_reasons))
            flagged.append((decision.action, [r.rule for r in decision.deciding_reasons], text))
    total = len(texts)
    share = (actions["hold"] + actions["reject"]) / total if total else 0.0
    print(f"clean news comments ({args.split} half): {total:,}")
    print(f"approved {actions['approve']:,}, held {actions['hold']:,}, rejected {actions['reject']:,}: held or rejected {share:.2%} (bar <= 1%)")
    print("by rule: " + ", ".join(f"{rule} {count}" for rule, count in rules.most_common()))
    for action, rule_ids, text in flagged[: args.show]:
        print(f"  {action:6} {','.join(rule_ids):30} {text[:150]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
