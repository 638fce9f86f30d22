"""Check a labeled disguise corpus (JSONL) and print its counts by class.

Run: python3 tests/corpus/validate_corpus.py [FILE ...] [--min-per-class N] [--min-per-label N]

With no FILE it checks disguised_vulgarity.jsonl next to this script. Standard
library only. It checks that every line is a JSON object with the fields
id, text, expected, class, word; that ids are unique and numbered dv-0001,
dv-0002, ... in order; that `expected` is "vulgar" or "clean" and `class` is
one of that label's classes; that vulgar cases name the strong word; and that
each class and each label has the minimum number of cases. It exits 1 on any
problem.

A file whose first id starts with `du-` (disguises_unseen.jsonl) is checked
against its own classes and minimums instead: ids du-0001, du-0002, ...; at
least 20 cases in each of the classes it introduced and 15 in each familiar
one; 250 a label; and, in addition, 6-40 words a text, an empty `word` on clean
cases, and invisible characters and combining marks written as \\uXXXX
escapes rather than raw. --min-per-class and --min-per-label, when given,
override the minimums for every file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
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

# disguises_unseen.jsonl (ids du-NNNN): classes the earlier files lack, at least 20 cases
# each, plus the familiar disguises and clean kinds, at least 15 each.
UNSEEN_NEW_VULGAR = {
    "confusable_script", "regional_indicator", "emoji_letter", "pipe_plus_separator",
    "stretched_leet_spaced", "run_together",
}
UNSEEN_NEW_CLEAN = {"name_south_asian", "name_japanese", "name_other", "place_name", "foreign_word", "scunthorpe"}
UNSEEN_FAMILIAR_VULGAR = {
    "asterisk_mask", "symbol_mask", "leetspeak", "spaced", "stretched", "homoglyph", "invisible", "accent",
    "respelling", "acronym", "mixed",
}
UNSEEN_FAMILIAR_CLEAN = {
    "mild", "masked_mild", "arithmetic", "footnote_markdown", "homoglyph_innocent", "spaced_innocent",
    "near_miss", "acronym_innocent",
}
UNSEEN_CLASSES = {
    "vulgar": UNSEEN_NEW_VULGAR | UNSEEN_FAMILIAR_VULGAR,
    "clean": UNSEEN_NEW_CLEAN | UNSEEN_FAMILIAR_CLEAN,
}
UNSEEN_MIN_PER_CLASS = {cls: 20 for cls in UNSEEN_NEW_VULGAR | UNSEEN_NEW_CLEAN}
UNSEEN_MIN_PER_CLASS.update({cls: 15 for cls in UNSEEN_FAMILIAR_VULGAR | UNSEEN_FAMILIAR_CLEAN})
UNSEEN_MIN_PER_LABEL = 250
UNSEEN_WORDS = (6, 40)
RAW_FORBIDDEN = ("Cf", "Mn", "Me")  # must appear as \uXXXX escapes in the file


def _first_id(lines: list[str]) -> str:
    for line in lines:
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                return ""
            return row.get("id", "") if isinstance(row, dict) and isinstance(row.get("id"), str) else ""
    return ""


def validate(path: Path, min_per_class: int | None, min_per_label: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if _first_id(lines).startswith("du-"):
        return _validate_unseen(path, lines, min_per_class, min_per_label)
    return _validate_dv(path, 25 if min_per_class is None else min_per_class,
                        400 if min_per_label is None else min_per_label)


def _validate_dv(path: Path, min_per_class: int, min_per_label: int) -> list[str]:
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


def _validate_unseen(path: Path, lines: list[str], min_per_class: int | None, min_per_label: int | None) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    by_class: Counter[tuple[str, str]] = Counter()
    by_label: Counter[str] = Counter()
    texts: Counter[str] = Counter()
    for number, line in enumerate(lines, 1):
        where = f"{path.name}:{number}"
        if not line.strip():
            errors.append(f"{where}: blank line")
            continue
        raw = sorted({f"U+{ord(ch):04X}" for ch in line if unicodedata.category(ch) in RAW_FORBIDDEN})
        if raw:
            errors.append(f"{where}: raw invisible or combining characters {raw}; write them as \\uXXXX escapes")
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
        row_id, label, cls, text = row["id"], row["expected"], row["class"], row["text"]
        if row_id in seen:
            errors.append(f"{where}: duplicate id {row_id}")
        seen.add(row_id)
        match = re.fullmatch(r"du-(\d{4,})", row_id)
        if not match or int(match.group(1)) != number:
            errors.append(f"{where}: id {row_id!r} out of sequence (expected du-{number:04d})")
        words = len(text.split())
        if not UNSEEN_WORDS[0] <= words <= UNSEEN_WORDS[1]:
            errors.append(f"{where}: {words} words, expected {UNSEEN_WORDS[0]}-{UNSEEN_WORDS[1]}")
        texts[text] += 1
        if label not in UNSEEN_CLASSES:
            errors.append(f"{where}: expected {label!r} is not 'vulgar' or 'clean'")
            continue
        if cls not in UNSEEN_CLASSES[label]:
            errors.append(f"{where}: class {cls!r} is not a {label} class")
        if label == "vulgar" and not re.fullmatch(r"[a-z][a-z-]*", row["word"]):
            errors.append(f"{where}: vulgar case needs the undisguised strong word in lower case, got {row['word']!r}")
        if label == "clean" and row["word"]:
            errors.append(f"{where}: clean case with a word {row['word']!r}")
        by_class[(label, cls)] += 1
        by_label[label] += 1
    for text, count in texts.items():
        if count > 1:
            errors.append(f"{path.name}: text repeated {count} times: {text!r}")
    for label, classes in UNSEEN_CLASSES.items():
        need_label = UNSEEN_MIN_PER_LABEL if min_per_label is None else min_per_label
        if by_label[label] < need_label:
            errors.append(f"{path.name}: {by_label[label]} {label} cases, need at least {need_label}")
        for cls in sorted(classes):
            need = UNSEEN_MIN_PER_CLASS[cls] if min_per_class is None else min_per_class
            if by_class[(label, cls)] < need:
                errors.append(f"{path.name}: class {cls} has {by_class[(label, cls)]} cases, need at least {need}")

    print(f"{path.name}: {sum(by_label.values())} cases, {by_label['vulgar']} vulgar, {by_label['clean']} clean")
    for label in ("vulgar", "clean"):
        print(f"  {label}:")
        for cls in sorted(UNSEEN_CLASSES[label]):
            print(f"    {cls:<22} {by_class[(label, cls)]:>4}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--min-per-class", type=int, default=None,
                        help="minimum cases a class (default 25; for du- files 20 new, 15 familiar)")
    parser.add_argument("--min-per-label", type=int, default=None,
                        help="minimum cases a label (default 400; for du- files 250)")
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
