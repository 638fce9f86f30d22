"""Check the seed-civility test corpus (JSONL) and print its counts by verdict and label.

Run: python3 tests/seed_civility/validate.py [FILE ...]

With no FILE it checks comments.jsonl next to this script. Standard library only.
It checks that every line is a JSON object with exactly the fields id, author, text,
expected, labels, why; that ids are unique and numbered sc-0001, sc-0002, ... in
order; that every label is one the seed-comments labelling rules define; that the
verdict follows from the labels by the rules' ordering (reject if any reject label,
else hold if any hold label, else approve); that texts are unique and 5-120 words;
that the objective descriptive labels match the text (`reply` iff an @handle,
`long` iff over 100 words, `shouting` iff over 60% of at least 20 letters are
capitals); and that every @reply comes after a comment by the handle it answers.
It prints the distribution and exits 1 on any problem.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

REJECT_LABELS = ("vulgar", "masked_vulgar", "insult", "threat", "identity_attack", "spam")
HOLD_LABELS = (
    "name_calling", "mild_insult", "off_topic", "shouting", "possible_mask", "violent_rhetoric",
    "religion_generalization", "unvetted_link", "self_promo", "non_english",
)
DESCRIPTIVE_LABELS = (
    "mild_language", "masked_mild", "innocent_lookalike", "innocent_asterisk", "meta_policy",
    "agreement", "civil_disagreement", "strong_but_civil", "sarcasm", "question", "quotes_article",
    "reply", "link", "non_native", "emoji", "typos", "long",
)
ALLOWED = set(REJECT_LABELS) | set(HOLD_LABELS) | set(DESCRIPTIVE_LABELS)
VERDICTS = ("approve", "hold", "reject")
FIELDS = {"id", "author", "text", "expected", "labels", "why"}
ID_PATTERN = re.compile(r"sc-(\d{4,})")
MENTION = re.compile(r"(?<![\w./])@([A-Za-z0-9_]+)")
DEFAULT = Path(__file__).with_name("comments.jsonl")


def verdict_for(labels: list[str]) -> str:
    """The seed-comments ordering rule: reject > hold > approve."""
    if any(label in REJECT_LABELS for label in labels):
        return "reject"
    if any(label in HOLD_LABELS for label in labels):
        return "hold"
    return "approve"


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and (c.isupper() or c.islower())]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.6


def validate(path: Path) -> list[str]:
    errors: list[str] = []
    ids: set[str] = set()
    texts: Counter[str] = Counter()
    by_verdict: Counter[str] = Counter()
    by_label: Counter[str] = Counter()
    authors_so_far: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path.name}:{number}"
        if not line.strip():
            errors.append(f"{where}: blank line")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: invalid JSON ({exc})")
            continue
        if not isinstance(row, dict) or set(row) != FIELDS:
            errors.append(f"{where}: expected an object with fields {sorted(FIELDS)}")
            continue
        if not all(isinstance(row[f], str) for f in FIELDS - {"labels"}) or not isinstance(row["labels"], list):
            errors.append(f"{where}: wrong field types")
            continue
        row_id, text, labels, expected = row["id"], row["text"], row["labels"], row["expected"]
        if row_id in ids:
            errors.append(f"{where}: duplicate id {row_id}")
        ids.add(row_id)
        match = ID_PATTERN.fullmatch(row_id)
        if not match or int(match.group(1)) != number:
            errors.append(f"{where}: id {row_id!r} out of sequence (expected sc-{number:04d})")
        if not row["author"].strip() or not row["why"].strip():
            errors.append(f"{where}: empty author or why")
        texts[text] += 1
        words = len(text.split())
        if not 5 <= words <= 120:
            errors.append(f"{where}: {words} words, expected 5-120")
        unknown = [label for label in labels if label not in ALLOWED]
        if unknown:
            errors.append(f"{where}: unknown labels {unknown}")
        if len(set(labels)) != len(labels):
            errors.append(f"{where}: repeated label")
        if expected not in VERDICTS:
            errors.append(f"{where}: expected {expected!r} is not one of {VERDICTS}")
        elif expected != verdict_for(labels):
            errors.append(f"{where}: expected {expected!r} but labels {labels} give {verdict_for(labels)!r}")
        mentions = MENTION.findall(text)
        replies = [m for m in mentions if "reply" in labels]
        if ("reply" in labels) != bool(mentions) and "spam" not in labels:
            errors.append(f"{where}: 'reply' label and @handle do not agree")
        for handle in replies:
            if handle not in authors_so_far:
                errors.append(f"{where}: reply to @{handle} before any comment by {handle}")
        if ("long" in labels) != (words > 100):
            errors.append(f"{where}: 'long' label and word count ({words}) do not agree")
        if ("shouting" in labels) != is_shouting(text):
            errors.append(f"{where}: 'shouting' label and capitals do not agree")
        authors_so_far.add(row["author"])
        by_verdict[expected] += 1
        by_label.update(labels)
    for text, count in texts.items():
        if count > 1:
            errors.append(f"{path.name}: text repeated {count} times: {text!r}")

    total = sum(by_verdict.values())
    print(f"{path.name}: {total} comments")
    for verdict in VERDICTS:
        share = 100 * by_verdict[verdict] / total if total else 0
        print(f"  {verdict:<8} {by_verdict[verdict]:>4}  ({share:.1f}%)")
    for title, group in (("reject", REJECT_LABELS), ("hold", HOLD_LABELS), ("descriptive", DESCRIPTIVE_LABELS)):
        print(f"  {title} labels:")
        for label in group:
            print(f"    {label:<24} {by_label[label]:>4}")
    return errors


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or [DEFAULT]
    errors: list[str] = []
    for path in paths:
        errors += validate(path)
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("FAILED" if errors else "OK", f"({len(errors)} problems)" if errors else "")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
