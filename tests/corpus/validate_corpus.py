"""Check a labeled disguise corpus (JSONL) and print its counts by class.

Run: python3 tests/corpus/validate_corpus.py [FILE ...] [--min-per-class N] [--min-per-label N]

With no FILE it checks disguised_vulgarity.jsonl next to this script. Standard
library only. It checks that every line is a JSON object with the fields
id, text, expected, class, word; that ids are unique and numbered dv-0001,
dv-0002, ... in order; that `expected` is "vulgar" or "clean" and `class` is
one of that label's classes; that vulgar cases name the strong word; and that
each class and each label has the minimum number of cases. It exits 1 on any
problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

VULGAR_CLASSES = {
    "plain", "compound", "asterisk_mask", "symbol_mask", "leetspeak", "spaced", "stretched",
    "homoglyph", "invisible", "accent", "respelling", "acronym", "mixed",
}
CLEAN_CLASSES = {
    "scunthorpe", "place_name", "surname", "animal_sense", "mild", "masked_mild", "arithmetic",
    "footnote_markdown", "redacted", "mention", "leet_innocent", "spaced_innocent",
    "acronym_innocent", "homoglyph_innocent", "near_miss",
}
CLASSES = {"vulgar": VULGAR_CLASSES, "clean": CLEAN_CLASSES}
FIELDS = {"id", "text", "expected", "class", "word"}
ID_PATTERN = re.compile(r"dv-(\d{4,})")
DEFAULT = Path(__file__).with_name("disguised_vulgarity.jsonl")


def validate(path: Path, min_per_class: int, min_per_label: int) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    by_class: Counter[tuple[str, str]] = Counter()
    by_label: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        if not line.strip():
            errors.append(f"{where}: blank line")
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: invalid JSON ({exc})")
            continue
        if not isinstance(row, dict):
            errors.append(f"{where}: not a JSON object")
            continue
        if set(row) != FIELDS:
            errors.append(f"{where}: fields {sorted(row)}, expected {sorted(FIELDS)}")
            continue
        if not all(isinstance(row[field], str) for field in FIELDS):
            errors.append(f"{where}: every field must be a string")
            continue
        row_id, label, cls = row["id"], row["expected"], row["class"]
        if row_id in seen:
            errors.append(f"{where}: duplicate id {row_id}")
        seen.add(row_id)
        match = ID_PATTERN.fullmatch(row_id)
        if not match or int(match.group(1)) != number:
            errors.append(f"{where}: id {row_id!r} out of sequence (expected dv-{number:04d})")
        if not row["text"].strip():
            errors.append(f"{where}: empty text")
        texts[row["text"]] += 1
        if label not in CLASSES:
            errors.append(f"{where}: expected {label!r} is not 'vulgar' or 'clean'")
            continue
        if cls not in CLASSES[label]:
            errors.append(f"{where}: class {cls!r} is not a {label} class")
        if label == "vulgar" and not row["word"].strip():
            errors.append(f"{where}: vulgar case without a word")
        by_class[(label, cls)] += 1
        by_label[label] += 1
    for text, count in texts.items():
        if count > 1:
            errors.append(f"{path.name}: text repeated {count} times: {text!r}")
    for label, classes in CLASSES.items():
        if by_label[label] < min_per_label:
            errors.append(f"{path.name}: {by_label[label]} {label} cases, need at least {min_per_label}")
        for cls in sorted(classes):
            if by_class[(label, cls)] < min_per_class:
                errors.append(f"{path.name}: class {cls} has {by_class[(label, cls)]} cases, need at least {min_per_class}")

    print(f"{path.name}: {sum(by_label.values())} cases, {by_label['vulgar']} vulgar, {by_label['clean']} clean")
    for label in ("vulgar", "clean"):
        print(f"  {label}:")
        for cls in sorted(CLASSES[label]):
            print(f"    {cls:<20} {by_class[(label, cls)]:>4}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--min-per-class", type=int, default=25)
    parser.add_argument("--min-per-label", type=int, default=400)
    args = parser.parse_args(argv)
    errors: list[str] = []
    for path in args.files:
        errors += validate(path, args.min_per_class, args.min_per_label)
    for error in errors:
        print("ERROR", error, file=sys.stderr)
    print("FAILED" if errors else "OK", f"({len(errors)} problems)" if errors else "")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
