#!/usr/bin/env python3
"""Format/count/label-consistency check for the held-out corpora (standard library only).

Usage: python3 tests/heldout/validate.py [DIR]
Checks seed_civility.jsonl and disguises.jsonl in DIR (default: this file's folder),
prints the count tables and exits non-zero on any problem. It does not run or
import the moderation engine and makes no judgement about the texts themselves.
"""
import collections
import json
import os
import re
import sys

REJECT = {"vulgar", "masked_vulgar", "insult", "threat", "identity_attack", "spam"}
HOLD = {"name_calling", "mild_insult", "off_topic", "shouting", "possible_mask", "violent_rhetoric",
        "religion_generalization", "unvetted_link", "self_promo", "non_english"}
DESCRIPTIVE = {"mild_language", "masked_mild", "innocent_lookalike", "innocent_asterisk", "meta_policy",
               "agreement", "civil_disagreement", "strong_but_civil", "sarcasm", "question", "quotes_article",
               "reply", "link", "non_native", "emoji", "typos", "long"}
VULGAR_CLASSES = {"confusable_script", "regional_indicator", "emoji_letter", "separators", "stretched",
                  "leetspeak", "asterisk", "invisible", "accents", "respellings", "acronyms", "run_together", "mixed"}
CLEAN_CLASSES = {"names", "place_names", "foreign_words", "scunthorpe_words", "mild_language", "masked_mild",
                 "arithmetic_code", "markdown_footnote", "innocent_homoglyphs", "spaced_innocent", "near_misses",
                 "innocent_acronyms"}
# Characters that must be written as \uXXXX escapes in the files.
ESCAPED = set(range(0x200B, 0x2010)) | set(range(0x2060, 0x2065)) | {0xFEFF, 0x00AD, 0x034F, 0x180E} | set(range(0x0300, 0x0370))
REPLY = re.compile(r"(?<![\w@])@([A-Za-z0-9_]+)")
ESC_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
# classes whose text legitimately contains the plain strong word or letters of it
PLAIN_OK = {"respellings", "acronyms", "run_together"}

errors = []


class Limits:
    """What differs between corpora written to this format: the id prefixes and the counts."""

    def __init__(self, civility_prefix, civility_total, disguise_prefix, disguise_total, vulgar, clean, class_minimum):
        self.civility_prefix, self.civility_total = civility_prefix, civility_total
        self.disguise_prefix, self.disguise_total = disguise_prefix, disguise_total
        self.vulgar, self.clean, self.class_minimum = vulgar, clean, class_minimum


# This folder's corpora.
LIMITS = Limits("hc", (300, 350), "hd", (400, 450), vulgar=(220, 240), clean=(180, 200), class_minimum=15)


def later_set_limits(folder):
    """The limits every later blind set (tests/heldoutN/, N >= 3) was written to: ids hNc-/hNd-, about 300 of each."""
    number = re.fullmatch(r"heldout(\d+)", os.path.basename(os.path.normpath(folder))).group(1)
    return Limits("h%sc" % number, (290, 310), "h%sd" % number, (290, 310), vulgar=(160, 175), clean=(125, 140), class_minimum=10)


def err(where, msg):
    errors.append("%s: %s" % (where, msg))


def check_escapes(where, raw):
    for ch in raw:
        if ord(ch) in ESCAPED:
            err(where, "literal U+%04X must be written as a \\u escape" % ord(ch))
    for m in ESC_RE.finditer(raw):
        if int(m.group(1), 16) not in ESCAPED:
            err(where, "needless escape \\u%s (keep other characters as themselves)" % m.group(1))


def read(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.rstrip("\n")
            where = "%s:%d" % (os.path.basename(path), n)
            try:
                rows.append((where, raw, json.loads(raw)))
            except ValueError as e:
                err(where, "bad JSON: %s" % e)
    return rows


def words(text):
    return len(text.split())


def caps_ratio(text):
    letters = [c for c in text if c.isalpha() and (c.isupper() or c.islower())]
    if not letters:
        return 0.0, 0
    return sum(c.isupper() for c in letters) / len(letters), len(letters)


def table(title, counter, total):
    print(title)
    for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        print("  %-26s %4d  %5.1f%%" % (key, n, 100.0 * n / total))


def check_civility(path, limits=LIMITS):
    rows = read(path)
    verdicts, labels_c = collections.Counter(), collections.Counter()
    authors, texts = set(), set()
    for i, (where, raw, o) in enumerate(rows, 1):
        check_escapes(where, raw)
        if list(o) != ["id", "author", "text", "expected", "labels", "why"]:
            err(where, "fields must be id, author, text, expected, labels, why in that order")
            continue
        if o["id"] != "%s-%04d" % (limits.civility_prefix, i):
            err(where, "id %s out of order (expected %s-%04d)" % (o["id"], limits.civility_prefix, i))
        if not o["author"] or not isinstance(o["author"], str):
            err(where, "empty author")
        if not o["why"].strip() or o["why"].count(". ") > 0:
            err(where, "why must be one sentence")
        text, labs, exp = o["text"], o["labels"], o["expected"]
        if text in texts:
            err(where, "duplicate text")
        texts.add(text)
        unknown = set(labs) - REJECT - HOLD - DESCRIPTIVE
        if unknown:
            err(where, "unknown labels %s" % sorted(unknown))
        if len(set(labs)) != len(labs):
            err(where, "repeated label")
        want = "reject" if set(labs) & REJECT else "hold" if set(labs) & HOLD else "approve"
        if exp != want:
            err(where, "expected %s but labels imply %s" % (exp, want))
        n = words(text)
        if not 5 <= n <= 120:
            err(where, "%d words (allowed 5-120)" % n)
        if ("long" in labs) != (n > 100):
            err(where, "'long' label must be present exactly when over 100 words (%d)" % n)
        ratio, letters = caps_ratio(text)
        if ("shouting" in labs) != (ratio > 0.6 and letters >= 20):
            err(where, "'shouting' label inconsistent with capitals (%.0f%% of %d letters)" % (100 * ratio, letters))
        handles = REPLY.findall(text)
        if bool(handles) != ("reply" in labs):
            err(where, "'reply' label must be present exactly when the text addresses @handle")
        for h in handles:
            if h not in authors:
                err(where, "reply to @%s before any comment by that handle" % h)
        if "reply" in labs and "off_topic" in labs:
            err(where, "replies are exempt from off_topic")
        authors.add(o["author"])
        verdicts[exp] += 1
        labels_c.update(labs)
    total = len(rows)
    low, high = limits.civility_total
    if not low <= total <= high:
        err(os.path.basename(path), "%d comments (allowed %d-%d)" % (total, low, high))
    print("%s: %d comments" % (os.path.basename(path), total))
    table("verdicts:", verdicts, total)
    table("labels (a comment may carry several):", labels_c, total)
    return total


def check_disguises(path, limits=LIMITS):
    rows = read(path)
    exp_c, cls_c = collections.Counter(), collections.Counter()
    texts = set()
    for i, (where, raw, o) in enumerate(rows, 1):
        check_escapes(where, raw)
        if list(o) != ["id", "text", "expected", "class", "word"]:
            err(where, "fields must be id, text, expected, class, word in that order")
            continue
        if o["id"] != "%s-%04d" % (limits.disguise_prefix, i):
            err(where, "id %s out of order (expected %s-%04d)" % (o["id"], limits.disguise_prefix, i))
        text, exp, cls, word = o["text"], o["expected"], o["class"], o["word"]
        if text in texts:
            err(where, "duplicate text")
        texts.add(text)
        if exp == "vulgar":
            if cls not in VULGAR_CLASSES:
                err(where, "class %r is not a vulgar class" % cls)
            if not word or word != word.lower() or not word.isalpha():
                err(where, "vulgar case needs the undisguised word in lower case")
            elif cls not in PLAIN_OK and word in text.lower():
                err(where, "word %r appears undisguised in a %s case" % (word, cls))
        elif exp == "clean":
            if cls not in CLEAN_CLASSES:
                err(where, "class %r is not a clean class" % cls)
            if word != "":
                err(where, "word must be empty on clean cases")
        else:
            err(where, "expected must be vulgar or clean")
        n = words(text)
        if not 6 <= n <= 30:
            err(where, "%d words (allowed 6-30)" % n)
        exp_c[exp] += 1
        cls_c["%s/%s" % (exp, cls)] += 1
    total = len(rows)
    name = os.path.basename(path)
    for what, count, (low, high) in (("", total, limits.disguise_total), (" vulgar", exp_c["vulgar"], limits.vulgar), (" clean", exp_c["clean"], limits.clean)):
        if not low <= count <= high:
            err(name, "%d%s cases (allowed %d-%d)" % (count, what, low, high))
    for expected, classes in (("vulgar", VULGAR_CLASSES), ("clean", CLEAN_CLASSES)):
        for c in classes:
            if cls_c[expected + "/" + c] < limits.class_minimum:
                err(name, "class %s/%s has %d cases (minimum %d)" % (expected, c, cls_c[expected + "/" + c], limits.class_minimum))
    print("%s: %d cases" % (name, total))
    table("expected:", exp_c, total)
    table("classes:", cls_c, total)
    return total


def main(limits=LIMITS, default_dir=os.path.dirname(os.path.abspath(__file__))):
    d = sys.argv[1] if len(sys.argv) > 1 else default_dir
    check_civility(os.path.join(d, "seed_civility.jsonl"), limits)
    print()
    check_disguises(os.path.join(d, "disguises.jsonl"), limits)
    if errors:
        print("\n%d problem(s):" % len(errors))
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
