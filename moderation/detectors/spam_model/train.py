"""Train, compare, evaluate and export the spam model (issue #9, items 2 and 4). Imports scikit-learn: training only.

    python -m moderation.detectors.spam_model.train [--mirror DIR] [--out FILE] [--seed N]

1. Every source in `sources.toml` is read from its fetched snapshot
   (`DIR/<owner>+<name>/repo`, a bare git directory) at the pinned commit; a
   file whose sha256 differs from the manifest stops the run. The project's own
   written sets (`written_spam.toml`, `written_ham.toml`) are read beside this file.
2. Each text is folded with `moderation.normalization.normalize` (what the
   engine's detectors read), keyed by a hash of its words, deduplicated within
   its source, and dropped if it is one of the Toxic Spans posts (the project's
   measurement data comes from them).
3. The key decides the split before any model sees a row: train sources go
   80/10/10 to train/dev/test, evaluation-only sources 50/50 to dev/test. A
   composed written comment is keyed by its pitch, so every comment made from
   one pitch falls in one split.
4. Model families are compared on dev; the shipped one is fitted on train only,
   its thresholds chosen on dev, and test is read once at the end.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import random
import re
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ...normalization import normalize
from . import GATE_FILE, MODEL_FILE, SpamModel, Trusted, features, prose_words, words, write_model

HERE = Path(__file__).parent
MANIFEST = HERE / "sources.toml"
WRITTEN = (HERE / "written_spam.toml", HERE / "written_ham.toml")
DEFAULT_OUT = HERE / MODEL_FILE
GATE_OUT = HERE / GATE_FILE
SEED = 0
GATE_CHOICES = (0.005, 0.01, 0.02, 0.05, 0.1)
MAX_FEATURES = 20_000
MIN_DF = 2
# Written comments are the target domain (blog and news comments): each counts this many times in training.
WRITTEN_WEIGHT = 3.0
# The YouTube and SMS sets are many short adverts of one era and medium: they count for less.
SOURCE_WEIGHTS = {"written": WRITTEN_WEIGHT, "youtube": 0.5, "sms": 0.5}
# Links to these sites are "zznews", others "zzlink": the project's trusted sites, stored in the model.
RULES_FILE = HERE.parent.parent.parent / "rules" / "spam.toml"


def trusted_sites() -> Trusted:
    """The trusted sites of the project's rules/spam.toml, which the model is trained (and then scores) with."""
    with open(RULES_FILE, "rb") as handle:
        return Trusted(tomllib.load(handle)["spam"]["trusted_domains"])


TRUSTED = trusted_sites()
# The model alone makes a comment spam past `alone`: chosen on dev for precision
# >= ALONE_PRECISION on the pooled trained sources and at most ALONE_CLEAN_FLAGGED
# of the clean news comments (UCC dev). `support` adds weight to the phrase score:
# precision >= SUPPORT_PRECISION and at most SUPPORT_CLEAN_FLAGGED of clean news.
# Only comments of MIN_WORDS words or more (links not counted) are judged by the
# model in the engine (`model_min_words` in rules/spam.toml): thresholds are chosen,
# and figures given, on those.
MIN_WORDS = 8
ALONE_PRECISION = 0.98
ALONE_CLEAN_FLAGGED = 0.0
SUPPORT_PRECISION = 0.9
SUPPORT_CLEAN_FLAGGED = 0.0025

csv.field_size_limit(sys.maxsize)


class SourceError(Exception):
    """A source file is missing from the mirror or differs from the manifest."""


@dataclass
class Row:
    text: str
    spam: int
    source: str = ""
    folded: str = ""
    key: str = ""
    split: str = ""
    group: str = ""  # rows sharing a group share a split (a written pitch)


# ---------------------------------------------------------------- reading the pinned files


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    """The sources of the manifest, as dicts with their `file` lists."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)["source"]


def read_pinned(mirror: Path, source: dict, entry: dict) -> bytes:
    """One file's bytes at its pinned commit, refused unless its sha256 matches the manifest."""
    base = mirror / source["repo"].replace("/", "+") / "repo"
    where = next((c for c in (base, base / ".git") if (c / "HEAD").exists()), None)
    if where is None:
        raise SourceError(f"{source['repo']}: no snapshot under {base} (fetch github:{source['repo']} first)")
    result = subprocess.run(["git", "--git-dir", str(where), "show", f"{entry['commit']}:{entry['path']}"], capture_output=True)
    if result.returncode != 0:
        raise SourceError(f"{source['repo']}: cannot read {entry['path']} at {entry['commit'][:12]}: {result.stderr.decode().strip()}")
    digest = hashlib.sha256(result.stdout).hexdigest()
    if digest != entry["sha256"]:
        raise SourceError(f"{source['repo']}: {entry['path']} has sha256 {digest}, the manifest pins {entry['sha256']}")
    return result.stdout


def sources_digest() -> str:
    """sha256 over the manifest and the written sets: the model records it, and a test checks they agree."""
    digest = hashlib.sha256()
    for path in (MANIFEST, *WRITTEN):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace"))))


_ARTEFACTS = re.compile(r"^\s*(?:RT\s+)+|\[USER\]|\[URL\]|@USER\b|\bURL\b|&#\d+;")


def _tidy(text: str) -> str:
    """Undo the sources' own artefacts (HTML entities and tags, retweet marks, placeholders), nothing more."""
    text = html.unescape(text).replace("\ufeff", "")
    text = re.sub(r"<br\s*/?>|</?a[^>]*>", " ", text)
    return _ARTEFACTS.sub(" ", text).strip()


def _youtube(files: list[bytes]) -> list[Row]:
    return [Row(_tidy(r["CONTENT"]), int(r["CLASS"])) for data in files for r in _csv(data.lstrip())]


def _sms(files: list[bytes]) -> list[Row]:
    rows = []
    for line in files[0].decode("utf-8", errors="replace").splitlines():
        label, _, text = line.partition("\t")
        if label in ("spam", "ham"):
            rows.append(Row(_tidy(text), int(label == "spam")))
    return rows


def _edos(files: list[bytes]) -> list[Row]:
    # EDOS hides links and users as [URL] and [USER]: they become a link's and a
    # handle's sign word, so that honest posts teach the model that a link or a
    # mention alone is no advert.
    return [Row(_tidy(r["text"].replace("[URL]", " zzlink ").replace("[USER]", " zzhandle ")), 0) for r in _csv(files[0])]


def _davidson(files: list[bytes]) -> list[Row]:
    # Mentions and links are kept: a handle or a link in an honest tweet is what the model must not take for an advert.
    return [Row(_tidy(r["tweet"]), 0) for r in _csv(files[0])]


def _ucc(files: list[bytes]) -> list[Row]:
    return [
        Row(r["comment"], 0)
        for data in files
        for r in _csv(data)
        if r["healthy"] == "1" and r["hostile"] == "0" and r["antagonize"] == "0"
    ]


LOADERS = {"youtube": _youtube, "sms": _sms, "edos": _edos, "davidson": _davidson, "ucc": _ucc}


def _fill(template: str, rng: random.Random, parts: dict) -> str:
    """A template with its placeholders filled by made-up names, sites, numbers and handles."""
    def site() -> str:
        return f"{rng.choice(parts['site_words'])}{rng.choice(['', '-'])}{rng.choice(parts['site_ends'])}.{rng.choice(parts['tlds'])}"

    def phone() -> str:
        area, mid, end = rng.randint(200, 989), rng.randint(200, 999), rng.randint(1000, 9999)
        return rng.choice([f"+1 {area} {mid} {end}", f"({area}) {mid}-{end}", f"{area}-{mid}-{end}", f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}", f"+234 80{rng.randint(10000000, 99999999)}"])

    fillers = {
        "site": site,
        "phone": phone,
        "handle": lambda: "@" + rng.choice(parts["site_words"]) + rng.choice(["_", "", "."]) + rng.choice(parts["site_ends"]) + str(rng.randint(1, 99)),
        "email": lambda: f"{rng.choice(parts['names']).lower()}{rng.randint(1, 999)}@{rng.choice(['gmail.com', 'outlook.com', 'yahoo.com', 'proton.me'])}",
        "name": lambda: rng.choice(parts["names"]),
        "amount": lambda: rng.choice(["$", "$", "£", "€"]) + rng.choice(["50", "75", "120", "200", "250", "300", "450", "500", "800"]),
        "big": lambda: rng.choice(["$", "$", "£"]) + rng.choice(["2,000", "3,500", "5,000", "8,000", "10,000", "25,000", "50,000", "1 million"]),
        "n": lambda: str(rng.randint(2, 999)),
    }
    return re.sub(r"\{(\w+)\}", lambda m: fillers[m.group(1)](), template)


def written_rows(seed: int = SEED, per_pitch: int = 6) -> list[Row]:
    """The project's own comments: composed and whole spam, and honest comments on many subjects."""
    with open(WRITTEN[0], "rb") as handle:
        spam = tomllib.load(handle)
    with open(WRITTEN[1], "rb") as handle:
        ham = tomllib.load(handle)
    rng = random.Random(seed)
    rows = []
    for pitch in spam["pitches"]:
        for _ in range(per_pitch):
            opener = rng.choice(spam["openers"]) if rng.random() < 0.6 else ""
            contact = rng.choice(spam["contacts"]) if rng.random() < 0.75 else ""
            text = " ".join(part for part in (opener, _fill(pitch, rng, spam), _fill(contact, rng, spam)) if part)
            rows.append(Row(text, 1, group=pitch))
    for template in spam["comments"]:
        for _ in range(2):
            rows.append(Row(_fill(template, rng, spam), 1, group=template))
    rows.extend(Row(text, 0) for text in ham["comments"])
    return rows


# ---------------------------------------------------------------- fold, dedupe, exclude, split


def key_of(folded: str) -> str:
    """The identity of a text for dedupe and split: a hash of its words (case, accents, spacing and punctuation undone)."""
    return hashlib.sha256(" ".join(re.findall(r"[a-z0-9]+", folded)).encode()).hexdigest()


def split_of(key: str, use: str) -> str:
    """The split a key falls in: train sources 80/10/10, evaluation-only sources 50/50 dev/test."""
    bucket = int(key[:8], 16) % 100
    if use == "eval":
        return "dev" if bucket < 50 else "test"
    return "train" if bucket < 80 else "dev" if bucket < 90 else "test"


def load_sources(mirror: Path) -> tuple[dict[str, list[Row]], dict[str, Counter]]:
    """Every source, folded, deduplicated, purged of Toxic Spans posts and split; and what was dropped."""
    manifest = load_manifest()
    excluded: set[str] = set()
    for source in manifest:
        if source["use"] == "exclude":
            for entry in source["file"]:
                for r in _csv(read_pinned(mirror, source, entry)):
                    excluded.add(key_of(normalize(r["comment_text"]).folded))
    raw = {s["name"]: (s, LOADERS[s["name"]]([read_pinned(mirror, s, e) for e in s["file"]])) for s in manifest if s["use"] != "exclude"}
    raw["written"] = ({"name": "written", "use": "train"}, written_rows())
    sources, dropped = {}, {}
    for name, (source, rows) in raw.items():
        kept, seen, lost = [], set(), Counter()
        for row in rows:
            row.source, row.folded = name, normalize(row.text).folded
            row.key = key_of(row.folded)
            if not re.search(r"[a-z]", row.folded):
                lost["empty"] += 1
            elif row.key in excluded:
                lost["toxic spans"] += 1
            elif row.key in seen:
                lost["duplicate"] += 1
            else:
                seen.add(row.key)
                row.split = split_of(hashlib.sha256(row.group.encode()).hexdigest() if row.group else row.key, source["use"])
                kept.append(row)
        if source.get("sample") and len(kept) > source["sample"]:
            # A sample drawn by the key's hash: the same rows on every run.
            kept = sorted(kept, key=lambda r: hashlib.sha256(("sample" + r.key).encode()).hexdigest())[: source["sample"]]
            lost["not drawn"] = len(rows) - sum(lost.values()) - len(kept)
        sources[name], dropped[name] = kept, lost
    return sources, dropped


# ---------------------------------------------------------------- models


def signs(folded: str) -> list[str]:
    return features(folded, TRUSTED)


def plain_features(folded: str) -> list[str]:
    """Words and word pairs without the sign words: the comparison that shows what `mark` adds."""
    tokens = re.findall(r"[a-z0-9]+", folded.replace("'", ""))
    return tokens + list(map(" ".join, zip(tokens, tokens[1:])))


def words_only(folded: str) -> list[str]:
    return [f for f in features(folded, TRUSTED) if " " not in f]


FAMILIES = {
    # name: (feature function, classifier)
    "lr-words-pairs-signs": (signs, "lr"),
    "lr-words-signs": (words_only, "lr"),
    "lr-words-pairs-plain": (plain_features, "lr"),
    "nb-words-pairs-signs": (signs, "nb"),
    "lr-word-counts-signs": (words_only, "counts"),
}
SHIPPED = "lr-words-pairs-signs"
# The gate: a words-only model, cheaper by half, that the engine runs first; the
# shipped model reads only the comments the gate does not clear (`model_gate`).
GATE = "lr-word-counts-signs"


@dataclass
class Fitted:
    name: str
    vectorizer: object
    classifier: object

    def probabilities(self, folded: list[str]) -> list[float]:
        return list(self.classifier.predict_proba(self.vectorizer.transform(folded))[:, 1])


def _weights(rows: list[Row]) -> list[float]:
    return [SOURCE_WEIGHTS.get(r.source, 1.0) for r in rows]


def fit(name: str, train: list[Row], seed: int = SEED, C: float = 4.0) -> Fitted:
    """One family fitted on the training rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    from sklearn.feature_extraction.text import CountVectorizer

    extract, kind = FAMILIES[name]
    if kind == "counts":
        # Raw counts, no idf and no norm: the score is a sum of weights over the words, the cheapest to read.
        vectorizer = CountVectorizer(analyzer=extract, min_df=MIN_DF, max_features=MAX_FEATURES)
        kind = "lr"
    else:
        vectorizer = TfidfVectorizer(analyzer=extract, binary=True, min_df=MIN_DF, max_features=MAX_FEATURES, sublinear_tf=False)
    X = vectorizer.fit_transform([r.folded for r in train])
    y = [r.spam for r in train]
    if kind == "lr":
        classifier = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=seed)
    else:
        classifier = ComplementNB(alpha=0.3)
    classifier.fit(X, y, sample_weight=_weights(train))
    return Fitted(name, vectorizer, classifier)


# ---------------------------------------------------------------- measuring


def _counts(scores: list[float], gold: list[int], threshold: float) -> tuple[int, int, int]:
    tp = sum(1 for s, g in zip(scores, gold) if s >= threshold and g)
    fp = sum(1 for s, g in zip(scores, gold) if s >= threshold and not g)
    fn = sum(1 for s, g in zip(scores, gold) if s < threshold and g)
    return tp, fp, fn


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def average_precision(scores: list[float], gold: list[int]) -> float:
    ranked = sorted(zip(scores, gold), reverse=True)
    hits, total, positives = 0, 0.0, sum(gold)
    for rank, (_, g) in enumerate(ranked, 1):
        if g:
            hits += 1
            total += hits / rank
    return total / positives if positives else 0.0


def choose_threshold(scores, gold, clean_scores, precision: float, clean_share: float) -> float:
    """The lowest threshold keeping `precision` on the pooled dev rows and flagging at most `clean_share` of clean news."""
    for threshold in [t / 200 for t in range(20, 200)]:
        tp, fp, fn = _counts(scores, gold, threshold)
        flagged = sum(1 for s in clean_scores if s >= threshold) / max(1, len(clean_scores))
        if _prf(tp, fp, fn)[0] >= precision and flagged <= clean_share:
            return threshold
    return 0.995


def report(fitted: Fitted, sources: dict[str, list[Row]], split: str, thresholds: dict[str, float]) -> list[str]:
    """Markdown rows: per source and pooled, P/R/F1 at each threshold, and the share of clean news flagged (rows the model judges)."""
    lines = ["| source | rows | spam | " + " | ".join(f"{k} ({v:.3f}) P / R / F1" for k, v in thresholds.items()) + " | AP |", "|---|---|---|" + "---|" * (len(thresholds) + 1)]
    pooled_s, pooled_g = [], []
    for name, rows in sources.items():
        rows = [r for r in rows if r.split == split and judged(r)]
        if not rows:
            continue
        scores, gold = fitted.probabilities([r.folded for r in rows]), [r.spam for r in rows]
        if name != "ucc":
            pooled_s += scores
            pooled_g += gold
        cells = []
        for threshold in thresholds.values():
            tp, fp, fn = _counts(scores, gold, threshold)
            if sum(gold):
                cells.append("{:.3f} / {:.3f} / {:.3f}".format(*_prf(tp, fp, fn)))
            else:
                cells.append(f"flags {fp}/{len(rows)} = {fp / len(rows):.2%}")
        ap = f"{average_precision(scores, gold):.3f}" if sum(gold) else "—"
        lines.append(f"| {name} | {len(rows):,} | {sum(gold):,} | " + " | ".join(cells) + f" | {ap} |")
    cells = ["{:.3f} / {:.3f} / {:.3f}".format(*_prf(*_counts(pooled_s, pooled_g, t))) for t in thresholds.values()]
    lines.append(f"| pooled (trained sources) | {len(pooled_g):,} | {sum(pooled_g):,} | " + " | ".join(cells) + f" | {average_precision(pooled_s, pooled_g):.3f} |")
    return lines


def judged(row: Row) -> bool:
    """Whether the engine lets the model judge this row (enough words of its own)."""
    return prose_words(words(row.folded, TRUSTED)) >= MIN_WORDS


def _thresholds(fitted: Fitted, sources: dict[str, list[Row]]) -> dict[str, float]:
    dev = [r for name, rows in sources.items() if name != "ucc" for r in rows if r.split == "dev" and judged(r)]
    clean = [r for r in sources["ucc"] if r.split == "dev" and judged(r)]
    scores, gold = fitted.probabilities([r.folded for r in dev]), [r.spam for r in dev]
    clean_scores = fitted.probabilities([r.folded for r in clean])
    return {
        "support": choose_threshold(scores, gold, clean_scores, SUPPORT_PRECISION, SUPPORT_CLEAN_FLAGGED),
        "alone": choose_threshold(scores, gold, clean_scores, ALONE_PRECISION, ALONE_CLEAN_FLAGGED),
    }


def export(fitted: Fitted, thresholds: dict[str, float], out: Path, seed: int) -> SpamModel:
    """The fitted family as a model file (tf-idf: idf squared and idf times weight; counts: the weight), read back."""
    vocabulary = [""] * len(fitted.vectorizer.vocabulary_)
    for feature, index in fitted.vectorizer.vocabulary_.items():
        vocabulary[index] = feature
    coef = fitted.classifier.coef_[0]
    counts = not hasattr(fitted.vectorizer, "idf_")
    if counts:  # a sum of weights: the first value is unused
        rows = [(0.0, float(coef[i])) for i in range(len(vocabulary))]
    else:
        idf = fitted.vectorizer.idf_
        rows = [(float(idf[i] ** 2), float(idf[i] * coef[i])) for i in range(len(vocabulary))]
    header = {
        "version": f"{fitted.name}-seed{seed}",
        "bias": float(fitted.classifier.intercept_[0]),
        "thresholds": thresholds,
        "sources_sha256": sources_digest(),
        "trusted_domains": list(TRUSTED.domains),
        "pairs": FAMILIES[fitted.name][0] is not words_only,
        "counts": counts,
    }
    write_model(out, header, vocabulary, rows)
    return SpamModel.from_bytes(out.read_bytes())


def check_export(model: SpamModel, fitted: Fitted, rows: list[Row]) -> float:
    """The largest difference between scikit-learn's probability and the shipped scorer's."""
    expected = fitted.probabilities([r.folded for r in rows])
    return max(abs(model.probability(r.folded) - p) for r, p in zip(rows, expected))


def run(mirror: Path, out: Path, seed: int = SEED, read_test: bool = False, print_=print) -> dict:
    """The whole run: read and split, compare families on dev, export the shipped one, read test once."""
    sources, dropped = load_sources(mirror)
    print_("## Sources after folding, dedupe, Toxic Spans removal and split\n")
    print_("| source | train | dev | test | spam | dropped |\n|---|---|---|---|---|---|")
    for name, rows in sources.items():
        split = Counter(r.split for r in rows)
        lost = ", ".join(f"{n} {why}" for why, n in dropped[name].items() if n) or "—"
        print_(f"| {name} | {split['train']:,} | {split['dev']:,} | {split['test']:,} | {sum(r.spam for r in rows):,} | {lost} |")
    train = [r for name, rows in sources.items() if name != "ucc" for r in rows if r.split == "train"]
    print_(f"\n## Families compared on dev (fitted on {len(train):,} training rows)\n")
    fitted = {}
    for name in FAMILIES:
        fitted[name] = fit(name, train, seed)
        thresholds = _thresholds(fitted[name], sources)
        print_(f"### {name}\n")
        print_("\n".join(report(fitted[name], sources, "dev", thresholds)) + "\n")
    chosen = fitted[SHIPPED]
    thresholds = _thresholds(chosen, sources)
    model = export(chosen, thresholds, out, seed)
    dev_rows = [r for rows in sources.values() for r in rows if r.split == "dev"]
    print_(f"shipped: {SHIPPED}, {model.size:,} features, {out.stat().st_size:,} bytes; thresholds {thresholds}; "
           f"largest difference from scikit-learn on dev: {check_export(model, chosen, dev_rows):.2e}\n")
    gate_out = out.with_name(GATE_FILE) if out != DEFAULT_OUT else GATE_OUT
    gate = export(fitted[GATE], {}, gate_out, seed)
    judged_dev = [r for r in dev_rows if judged(r)]
    full_p, gate_p = chosen.probabilities([r.folded for r in judged_dev]), fitted[GATE].probabilities([r.folded for r in judged_dev])
    print_(f"gate: {GATE}, {gate.size:,} features, {gate_out.stat().st_size:,} bytes; on dev, of {len(judged_dev):,} rows judged:")
    for g in GATE_CHOICES:
        lost = sum(1 for a, b in zip(full_p, gate_p) if a >= thresholds["support"] and b < g)
        print_(f"  gate {g}: {sum(1 for b in gate_p if b >= g):,} passed to the shipped model, {lost} it would flag lost")
    print_("")
    if read_test:
        print_("## Test, read once\n")
        print_("\n".join(report(chosen, sources, "test", thresholds)))
    return {"thresholds": thresholds, "model": model}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mirror", default="/work/.mirror", help="where the fetched snapshots are (DIR/<owner>+<name>/repo)")
    parser.add_argument("--out", help="where to write the model (default: the packaged model.bin.gz)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--test", action="store_true", help="also print the test figures (read them once, at the end)")
    args = parser.parse_args(argv)
    try:
        run(Path(args.mirror), Path(args.out) if args.out else DEFAULT_OUT, args.seed, args.test)
    except SourceError as error:
        print(f"train: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
