"""Train, compare, evaluate and export the incivility model (issue #9, items 1 and 4). Imports scikit-learn: training only.

    moderation train [--mirror DIR] [--out FILE] [--seed N]

1. Every source in `sources.toml` is read from its fetched snapshot
   (`DIR/<owner>+<name>/repo`, a bare git directory) at the pinned commit;
   a file whose sha256 differs from the manifest stops the run.
2. Each row's text is folded with `moderation.normalization.normalize` (what the
   engine's detectors read), keyed by a hash of its words, deduplicated within
   its source, and dropped if it is one of the Toxic Spans posts (the
   project's measurement data comes from them).
3. The key decides the split, before any model sees a row: train sources go
   80/10/10 to train/dev/test, evaluation-only sources 50/50 to dev/test.
   Duplicates share a key, so they share a split, across sources too.
4. Model families are compared on dev; the shipped family is refitted on
   train only, its thresholds chosen on dev, and test is read once at the end.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import io
import json
import math
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ...normalization import normalize
from . import GRAM_PREFIX, LABELS, MODEL_FILE, SECOND_PERSON, Conjunction, IncivilityModel, Reading, entries, feature_words, features, grams, near, words, write_model

MANIFEST = Path(__file__).with_name("sources.toml")
DEFAULT_OUT = Path(__file__).with_name(MODEL_FILE)
SEED = 0
# 20,000 features: with 60,000 the dictionary lookups alone cost about 30 us more a comment
# (the README has the dev figures of both).
MAX_FEATURES = 20_000
MIN_DF = 2
# Precision every chosen threshold must keep on the pooled dev rows of the trained sources,
# and the share of clean news comments (UCC dev) each label alone may flag: four labels
# together stay under 1%, the whole engine's budget, and overlap in practice.
MIN_PRECISION = 0.75
MAX_CLEAN_FLAGGED = 0.0025

csv.field_size_limit(sys.maxsize)


class SourceError(Exception):
    """A source file is missing from the mirror or differs from the manifest."""


@dataclass
class Row:
    text: str
    labels: dict[str, int]  # a label absent here is not annotated by the source
    source: str = ""
    folded: str = ""
    key: str = ""
    split: str = ""


@dataclass
class Source:
    name: str
    use: str
    rows: list[Row] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)


# ---------------------------------------------------------------- reading the pinned files


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    """The sources of the manifest, as dicts with their `file` lists."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)["source"]


def git_dir(mirror: Path, repo: str) -> Path:
    """Where `fetch` put the snapshot of `repo` (owner/name) under `mirror`."""
    base = mirror / repo.replace("/", "+") / "repo"
    for candidate in (base, base / ".git"):
        if (candidate / "HEAD").exists() and (candidate / "objects").exists():
            return candidate
    raise SourceError(f"{repo}: no snapshot under {base} (fetch github:{repo} first)")


def read_pinned(mirror: Path, source: dict, entry: dict) -> bytes:
    """One file's bytes at its pinned commit, refused unless its sha256 matches the manifest."""
    where = git_dir(mirror, source["repo"])
    result = subprocess.run(["git", "--git-dir", str(where), "show", f"{entry['commit']}:{entry['path']}"], capture_output=True)
    if result.returncode != 0:
        raise SourceError(f"{source['repo']}: cannot read {entry['path']} at {entry['commit'][:12]}: {result.stderr.decode().strip()}")
    digest = hashlib.sha256(result.stdout).hexdigest()
    if digest != entry["sha256"]:
        raise SourceError(f"{source['repo']}: {entry['path']} has sha256 {digest}, the manifest pins {entry['sha256']}")
    return result.stdout


def manifest_digest(path: Path = MANIFEST) -> str:
    """sha256 of the manifest file: the model records it, and a test checks they agree."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- one loader per source: text and labels


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _csv(data: bytes, **kwargs) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_text(data)), **kwargs))


_HANDLE = re.compile(r"@\w+|\bhttps?://\S+|\bURL\b|@USER\b")


def _tidy(text: str) -> str:
    """Undo the sources' own artefacts (HTML entities, retweet marks, placeholders), nothing more."""
    text = html.unescape(text)
    text = re.sub(r"^\s*(?:RT\s+)+", "", text)
    return _HANDLE.sub(" ", text).strip()


def _davidson(files: list[bytes]) -> list[Row]:
    rows = []
    for r in _csv(files[0]):
        kind = int(r["class"])
        if kind == 0:
            labels = {"identity_attack": 1, "uncivil": 1}
        elif kind == 1:
            labels = {"insult": 1, "identity_attack": 0, "uncivil": 1}
        else:
            labels = {"insult": 0, "identity_attack": 0, "uncivil": 0}
        rows.append(Row(_tidy(r["tweet"]), labels))
    return rows


def _edos(files: list[bytes]) -> list[Row]:
    rows = []
    for r in _csv(files[0]):
        sexist = r["label_sexist"] == "sexist"
        threat = r["label_category"].startswith("1.")
        # Sexism is not the whole of incivility: a post that is not sexist may still insult, so
        # EDOS says nothing of `insult` or `uncivil`.
        rows.append(Row(_tidy(r["text"].replace("[USER]", " ").replace("[URL]", " ")), {"identity_attack": int(sexist), "threat": int(threat)}))
    return rows


_IDENTITY_TYPES = ("racist", "sexist", "homophobic", "transphobic", "ableist")


def _convabuse(files: list[bytes]) -> list[Row]:
    rows = []
    for data in files:
        for r in _csv(data):
            votes = Counter()
            kinds = Counter()
            annotators = {k.split("_", 1)[0] for k in r if k.startswith("Annotator") and k.endswith("is_abuse.1")}
            for a in annotators:
                levels = {level: r.get(f"{a}_is_abuse.{level}", "") for level in ("1", "0", "-1", "-2", "-3")}
                if not any(v.strip() for v in levels.values()):
                    continue  # this annotator did not see the example
                chosen = [level for level, v in levels.items() if v.strip() in ("1", "1.0")]
                if not chosen:
                    continue
                votes["abuse" if chosen[0].startswith("-") else "none" if chosen[0] == "1" else "unsure"] += 1
                if chosen[0].startswith("-"):
                    for kind in _IDENTITY_TYPES:
                        if r.get(f"{a}_{kind}", "").strip() in ("1", "1.0"):
                            kinds["identity"] += 1
                            break
                    if any(r.get(f"{a}_target.{t}", "").strip() in ("1", "1.0") for t in ("individual", "system")):
                        kinds["person"] += 1
            total = sum(votes.values())
            if not total:
                continue
            if votes["abuse"] * 2 > total:
                labels = {"uncivil": 1, "insult": int(kinds["person"] * 2 > votes["abuse"]), "identity_attack": int(kinds["identity"] * 2 > votes["abuse"])}
            elif votes["none"] * 2 > total:
                labels = {"uncivil": 0, "insult": 0, "identity_attack": 0}
            else:
                continue
            rows.append(Row(r["user"], labels))
    return rows


def _toxigen(files: list[bytes], paths: list[str]) -> list[Row]:
    rows = []
    for data, path in zip(files, paths):
        hateful = Path(path).name.startswith("hate_")
        for line in _text(data).splitlines():
            for sentence in line.replace("\\n", "\n").split("\n"):
                sentence = sentence.strip().lstrip("-").strip().rstrip("\\").strip()
                if len(sentence) > 3:
                    labels = {"identity_attack": 1, "uncivil": 1} if hateful else {"identity_attack": 0, "uncivil": 0, "insult": 0, "threat": 0}
                    rows.append(Row(sentence, labels))
    return rows


_ESCAPED_BYTE = re.compile(rb"\\x([0-9a-fA-F]{2})")


def _impermium_text(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith('"') and raw.endswith('"'):
        raw = raw[1:-1]
    data = _ESCAPED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), raw.encode("utf-8"))
    text = data.decode("utf-8", errors="replace")
    return _tidy(text.replace("\\n", " ").replace("\\t", " ").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\"))


def _impermium(files: list[bytes]) -> list[Row]:
    rows = []
    for data in files:
        for r in _csv(data):
            insult = int(r["Insult"])
            rows.append(Row(_impermium_text(r["Comment"]), {"insult": insult, "uncivil": insult}))
    return rows


def _olid_labels(a: str, b: str, c: str) -> dict[str, int]:
    if a == "NOT":
        return {"insult": 0, "uncivil": 0}
    labels = {"uncivil": 1}
    if b == "TIN" and c == "IND":
        labels["insult"] = 1
    return labels


def _olid(files: list[bytes]) -> list[Row]:
    train, test_a, labels_a, labels_b, labels_c = files
    rows = [Row(_tidy(r["tweet"]), _olid_labels(r["subtask_a"], r["subtask_b"], r["subtask_c"])) for r in _csv(train, delimiter="\t")]
    a = {r[0]: r[1] for r in csv.reader(io.StringIO(_text(labels_a))) if len(r) == 2}
    b = {r[0]: r[1] for r in csv.reader(io.StringIO(_text(labels_b))) if len(r) == 2}
    c = {r[0]: r[1] for r in csv.reader(io.StringIO(_text(labels_c))) if len(r) == 2}
    for r in _csv(test_a, delimiter="\t"):
        if r["id"] in a:
            rows.append(Row(_tidy(r["tweet"]), _olid_labels(a[r["id"]], b.get(r["id"], "NULL"), c.get(r["id"], "NULL"))))
    return rows


def _hatecheck(files: list[bytes]) -> list[Row]:
    rows = []
    for r in _csv(files[0]):
        test = r["functionality"]
        if r["label_gold"] == "hateful":
            labels = {"identity_attack": 1, "uncivil": 1, "threat": int(test.startswith("threat_"))}
        elif test == "target_indiv_nh":
            labels = {"insult": 1, "uncivil": 1, "identity_attack": 0}
        elif test == "target_group_nh":
            labels = {"uncivil": 1, "identity_attack": 0}
        else:
            labels = {"insult": 0, "threat": 0, "identity_attack": 0, "uncivil": 0}
        rows.append(Row(r["test_case"], labels))
    return rows


def _ucc(files: list[bytes]) -> list[Row]:
    rows = []
    for data in files:
        for r in _csv(data):
            hostile = r["hostile"] == "1" or r["antagonize"] == "1"
            if hostile:
                rows.append(Row(r["comment"], {"uncivil": 1}))
            elif r["healthy"] == "1":
                rows.append(Row(r["comment"], {"uncivil": 0, "clean": 1}))
    return rows


def _ethos(files: list[bytes]) -> list[Row]:
    rows = []
    for r in _csv(files[0], delimiter=";"):
        score = float(r["isHate"])
        if score >= 0.5:
            rows.append(Row(r["comment"], {"uncivil": 1}))
        elif score <= 0.2:
            rows.append(Row(r["comment"], {"uncivil": 0}))
    return rows


def _surge(files: list[bytes]) -> list[Row]:
    return [Row(r["text"], {"uncivil": int(r["is_toxic"] == "Toxic")}) for r in _csv(files[0])]


DATA_DIR = Path(__file__).with_name("data")
_OWN_LABELS = {"insult", "threat", "identity_attack", "clean"}


def read_own(path: Path) -> list[tuple[tuple[str, ...], str, int]]:
    """The project's own labelled comments in one file: (labels, text, line number) for every comment line.

    A line "## insult threat" sets the labels of the lines after it; other lines starting with "#" are notes.
    """
    rows, labels = [], None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("## "):
            labels = tuple(line[3:].split())
            unknown = set(labels) - _OWN_LABELS
            if unknown or not labels or ("clean" in labels and len(labels) > 1):
                raise SourceError(f"{path.name}:{number}: labels must be clean, or some of insult, threat, identity_attack: {line!r}")
            continue
        if line.startswith("#"):
            continue
        if labels is None:
            raise SourceError(f"{path.name}:{number}: a comment before any '## labels' line")
        rows.append((labels, line, number))
    return rows


def own_files(directory: Path = DATA_DIR) -> list[Path]:
    """The own data's files, in name order."""
    return sorted(directory.glob("*.txt"))


def own_digest(directory: Path = DATA_DIR) -> str:
    """sha256 over the own data's file names and bytes: the model records it, and a test checks they agree."""
    digest = hashlib.sha256()
    for path in own_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _own(directory: Path = DATA_DIR) -> list[Row]:
    rows = []
    for path in own_files(directory):
        for labels, text, _ in read_own(path):
            marks = {label: int(label in labels) for label in LABELS}
            rows.append(Row(text, {**marks, "uncivil": int(any(marks.values()))}))
    return rows


LOADERS = {
    "davidson": _davidson,
    "edos": _edos,
    "convabuse": _convabuse,
    "impermium": _impermium,
    "olid": _olid,
    "hatecheck": _hatecheck,
    "ucc": _ucc,
    "ethos": _ethos,
    "surge": _surge,
    "own": lambda files: _own(),
}


def key_of(folded: str) -> str:
    """The identity of a text for dedupe and split: a hash of its words (case, accents, spacing and punctuation undone)."""
    return hashlib.sha256(b" ".join(words(folded))).hexdigest()


def split_of(key: str, use: str) -> str:
    """The split a key falls in: train sources 80/10/10, evaluation-only sources 50/50 dev/test."""
    bucket = int(key[:8], 16) % 10
    if use == "train":
        return "train" if bucket < 8 else "dev" if bucket == 8 else "test"
    return "dev" if bucket < 5 else "test"


def load_sources(mirror: Path, manifest: list[dict] | None = None) -> dict[str, Source]:
    """Every train and eval source, folded, deduplicated, purged of Toxic Spans posts and split."""
    manifest = manifest if manifest is not None else load_manifest()
    excluded: set[str] = set()
    for source in manifest:
        if source["use"] == "exclude":
            for entry in source["file"]:
                for r in _csv(read_pinned(mirror, source, entry)):
                    excluded.add(key_of(normalize(r.get("comment_text", "")).folded))
    loaded = {}
    for source in manifest:
        if source["use"] == "exclude":
            continue
        files = [read_pinned(mirror, source, entry) for entry in source.get("file", [])]
        if source["name"] == "toxigen":
            raw = _toxigen(files, [entry["path"] for entry in source["file"]])
        else:
            raw = LOADERS[source["name"]](files)
        loaded[source["name"]] = _prepare(Source(source["name"], source["use"]), raw, excluded)
    return loaded


def _prepare(source: Source, raw: list[Row], excluded: set[str]) -> Source:
    by_key: dict[str, Row] = {}
    conflicting: set[str] = set()
    for row in raw:
        row.source = source.name
        row.folded = normalize(row.text).folded
        if not words(row.folded):
            source.dropped["empty"] += 1
            continue
        row.key = key_of(row.folded)
        if row.key in excluded:
            source.dropped["in toxic_spans"] += 1
            continue
        if row.key in by_key:
            source.dropped["duplicate"] += 1
            if by_key[row.key].labels != row.labels:
                conflicting.add(row.key)
            continue
        row.split = split_of(row.key, source.use)
        by_key[row.key] = row
    for key in conflicting:  # the same words labelled both ways: no ground truth to learn or score
        del by_key[key]
        source.dropped["duplicate with other labels"] += 1
    source.rows = list(by_key.values())
    return source


# ---------------------------------------------------------------- models


@dataclass
class Head:
    """One label's linear model in the shared tf-idf space: p = sigmoid(x . coef + intercept)."""

    coef: object
    intercept: float


# A source's total weight is n**SOURCE_POWER times its boost: the project's own comments are the
# nearest to what the engine moderates, so they count for more than their number (chosen on dev).
SOURCE_POWER = 0.5
SOURCE_BOOST = {"own": 3.0}


def _weights(rows: list[Row], power: float | None = None) -> list[float]:
    """Sample weights that keep a large source from drowning a small one: each source weighs n**power (times its boost) in total."""
    power = SOURCE_POWER if power is None else power
    counts = Counter(r.source for r in rows)
    return [SOURCE_BOOST.get(r.source, 1.0) * counts[r.source] ** power / counts[r.source] for r in rows]


def _fit_head(family: str, X, y, sample_weight, seed: int, C: float):
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    y = np.asarray(y)
    w = np.asarray(sample_weight) * (len(y) / float(np.sum(sample_weight)))
    if family == "svm":
        model = LinearSVC(C=C, random_state=seed, max_iter=5000)
        model.fit(X, y, sample_weight=w)
        margins = model.decision_function(X)
        # Platt scaling on the training margins turns the margin into a probability, still linear.
        platt = LogisticRegression(C=1e4, random_state=seed).fit(margins.reshape(-1, 1), y, sample_weight=w)
        a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
        return Head(model.coef_[0] * a, float(model.intercept_[0]) * a + b)
    if family == "nblr":
        positive = np.asarray(X[y == 1].sum(axis=0)).ravel() + 1.0
        negative = np.asarray(X[y == 0].sum(axis=0)).ravel() + 1.0
        ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
        model = LogisticRegression(C=C, solver="liblinear", random_state=seed, max_iter=1000)
        model.fit(X.multiply(ratio).tocsr(), y, sample_weight=w)
        return Head(model.coef_[0] * ratio, float(model.intercept_[0]))
    model = LogisticRegression(C=C, solver="liblinear", random_state=seed, max_iter=1000)
    model.fit(X, y, sample_weight=w)
    return Head(model.coef_[0], float(model.intercept_[0]))


FAMILIES = {
    # name: (model family, features, C)
    # Version 1's: C for lr-word and nblr-word picked on dev from 2, 8 and 32 (and source weights n**0.5 over n**0.8).
    "lr-word": ("lr", "word", 2.0),
    "nblr-word": ("nblr", "word", 2.0),
    # Version 2's: read as `entries` (words, pairs once per occurrence, n-grams, "addressed").
    "nblr-words": ("nblr", "entries:words", 2.0),
    "nblr-words+addr": ("nblr", "entries:words+addr", 2.0),
    "nblr-words+grams": ("nblr", "entries:words+grams", 2.0),
    "nblr-words+grams+addr": ("nblr", "entries:words+grams+addr", 2.0),
    "lr-words+grams+addr": ("lr", "entries:words+grams+addr", 2.0),
    "nblr-words+grams+addr-nopairs": ("nblr", "entries:words+grams+addr+nopairs", 2.0),
    "nblr-words+grams+addr-selpairs": ("nblr", "entries:words+grams+addr+selpairs", 2.0),
    "nblr-words-selpairs": ("nblr", "entries:words+selpairs", 2.0),
    "nblr-words+grams+conj": ("nblr", "entries:words+grams+conj", 2.0),
    "nblr-words+conj": ("nblr", "entries:words+conj", 2.0),
    "nblr-words+grams+conj-nopairs": ("nblr", "entries:words+grams+conj+nopairs", 2.0),
    "nblr-words+grams+conj-selpairs": ("nblr", "entries:words+grams+conj+selpairs", 2.0),
    "lr-words+grams+conj": ("lr", "entries:words+grams+conj", 2.0),
}
# The families `moderation train` compares by default (the rest: --families).
COMPARED = ("nblr-word", "nblr-words", "nblr-words+addr", "nblr-words+grams", "nblr-words+grams+addr", "nblr-words+grams+conj", "lr-words+grams+conj")
SHIPPED = "nblr-words+grams"
# Vocabulary of the entry families: the most frequent words, pairs and n-grams of the train rows
# (document frequency >= MIN_DF). LISTED_WORDS more words are stored with their n-grams summed,
# so that frequent words cost one lookup (README, "Speed and size").
MAX_WORD_FEATURES = 20_000
MAX_PAIR_FEATURES = 10_000
MAX_GRAM_FEATURES = 20_000
LISTED_WORDS = 10_000
# "selpairs" families keep only the pairs that tilt most towards or away from a label.
TELLING_PAIRS = 8_000
MIN_PAIR_ROWS = 5
GRAM_RANGE = (3, 5)
# Conjunctions (see `Conjunction`): a word of a fixed list within WINDOW words of one of the
# TILTED_WORDS words most tilted towards a label in the train rows (naive-Bayes log-count
# ratio, in >= 5 rows; the fixed list's own words left out).
WINDOW = 4
TILTED_WORDS = 400
CONJUNCTION_VALUE = 3.0
# Words naming a group of people by religion, ethnicity, nationality, sexuality, gender or disability.
GROUP_WORDS = frozenset(w.encode() for w in """
    muslim muslims moslem moslems islamic jew jews jewish christian christians catholic catholics protestant
    protestants hindu hindus sikh sikhs buddhist buddhists mormon mormons atheist atheists black blacks white
    whites asian asians african africans chinese japanese korean koreans indian indians pakistani pakistanis
    paki pakis bangladeshi bangladeshis mexican mexicans latino latinos latina latinas hispanic hispanics
    immigrant immigrants migrant migrants refugee refugees foreigner foreigners foreign gypsy gypsies
    traveller travellers roma pole poles polish romanian romanians irish scots scottish welsh english french
    german germans american americans yank yanks russian russians nigerian nigerians somali somalis haitian
    haitians filipino filipinos jamaican jamaicans indigenous aboriginal native natives gay gays lesbian
    lesbians bisexual bisexuals homosexual homosexuals homosexuality queer queers trans transgender tranny
    women woman female females girls girl men male males disabled autistic retard retards deaf blind race
    races
""".split())
# Words standing for a person a threat may be aimed at.
PERSON_WORDS = SECOND_PERSON | frozenset(w.encode() for w in """
    him her them he she they his their hes shes theyre everyone anyone somebody someone person people man
    men woman women family kids children mayor councillor councillors minister senator president judge
    referee author journalist landlord lot
""".split())
CONJUNCTIONS = {
    # key: (label the right-hand words tilt towards, the left-hand list)
    "~addressed": ("insult", SECOND_PERSON),
    "~grouped": ("identity_attack", GROUP_WORDS),
    "~aimed": ("threat", PERSON_WORDS),
}


class EntryVectorizer:
    """Rows as `entries` (the scorer's definition), fitted on train: vocabulary, idf, negative words; L2-normalised over the entries."""

    def __init__(self, kind: str):
        parts = set(kind.split(":", 1)[1].split("+"))
        self.use_grams = "grams" in parts
        self.conjunction_keys = ["~addressed"] if "addr" in parts else list(CONJUNCTIONS) if "conj" in parts else []
        self.use_pairs = False if "nopairs" in parts else "selected" if "selpairs" in parts else True
        self.columns: dict[bytes, int] = {}
        self.idf: dict[bytes, float] = {}
        self.reading = Reading()
        self._word_cache: dict[bytes, list[tuple[int, float]]] = {}

    def fit(self, rows: list[Row]):
        import math

        docs = [feature_words(r.folded) for r in rows]
        n = len(docs)
        df_words, df_pairs, df_grams = Counter(), Counter(), Counter()
        gram_cache: dict[bytes, tuple[bytes, ...]] = {}
        for tokens in docs:
            distinct = set(tokens)
            df_words.update(distinct)
            df_pairs.update(set(map(b" ".join, zip(tokens, tokens[1:]))))
            if self.use_grams:
                pieces = set()
                for w in distinct:
                    if w not in gram_cache:
                        gram_cache[w] = grams(w, *GRAM_RANGE)
                    pieces.update(gram_cache[w])
                df_grams.update(pieces)

        def top(counter, k, prefix=b""):
            kept = sorted((key for key, c in counter.items() if c >= MIN_DF), key=lambda key: (-counter[key], key))[:k]
            return [(prefix + key, counter[key]) for key in kept]

        if self.use_pairs == "selected":
            chosen = top(df_words, MAX_WORD_FEATURES) + self._telling_pairs(rows, docs, df_pairs)
        elif self.use_pairs:
            chosen = top(df_words, MAX_WORD_FEATURES) + top(df_pairs, MAX_PAIR_FEATURES)
        else:
            chosen = top(df_words, MAX_WORD_FEATURES)
        if self.use_grams:
            chosen += top(df_grams, MAX_GRAM_FEATURES, GRAM_PREFIX)
        self.columns = {key: i for i, (key, _) in enumerate(chosen)}
        self.idf = {key: math.log((1 + n) / (1 + df)) + 1 for key, df in chosen}
        conjunctions = []
        for key in self.conjunction_keys:
            label, left = CONJUNCTIONS[key]
            self.columns[key.encode()] = len(self.columns)
            self.idf[key.encode()] = CONJUNCTION_VALUE
            right = self._tilted_words(rows, docs, label, left)
            conjunctions.append(Conjunction(key.encode(), left, right, WINDOW, CONJUNCTION_VALUE))
        self.reading = Reading(bool(self.use_pairs), GRAM_RANGE if self.use_grams else None, tuple(conjunctions))
        self.df_words = df_words
        return self

    @staticmethod
    def _telling_pairs(rows: list[Row], docs: list[list[bytes]], df_pairs: Counter) -> list[tuple[bytes, int]]:
        """The TELLING_PAIRS word pairs (in >= MIN_PAIR_ROWS rows) whose naive-Bayes log-count ratio is furthest from 0 for some label."""
        import math

        best: dict[bytes, float] = {}
        for label in LABELS:
            positive, negative = Counter(), Counter()
            for r, tokens in zip(rows, docs):
                if label in r.labels:
                    (positive if r.labels[label] else negative).update(set(map(b" ".join, zip(tokens, tokens[1:]))))
            p_total, n_total = sum(positive.values()) or 1, sum(negative.values()) or 1
            for pair in positive.keys() | negative.keys():
                if positive[pair] + negative[pair] >= MIN_PAIR_ROWS:
                    tilt = abs(math.log((positive[pair] + 1) / (p_total + 1)) - math.log((negative[pair] + 1) / (n_total + 1)))
                    best[pair] = max(best.get(pair, 0.0), tilt)
        kept = sorted(best, key=lambda pair: (-best[pair], pair))[:TELLING_PAIRS]
        return [(pair, df_pairs[pair]) for pair in kept]

    @staticmethod
    def _tilted_words(rows: list[Row], docs: list[list[bytes]], label: str, leave_out: frozenset) -> frozenset:
        """The TILTED_WORDS words most tilted towards `label` in the rows that annotate it (in >= 5 of them)."""
        import math

        positive, negative = Counter(), Counter()
        for r, tokens in zip(rows, docs):
            if label in r.labels:
                (positive if r.labels[label] else negative).update(set(tokens) - leave_out)
        p_total, n_total = sum(positive.values()), sum(negative.values())
        ratio = {w: math.log((positive[w] + 1) / (p_total + 1)) - math.log((negative[w] + 1) / (n_total + 1)) for w in positive if positive[w] + negative[w] >= 5}
        return frozenset(sorted(ratio, key=lambda w: (-ratio[w], w))[:TILTED_WORDS])

    def _word_entries(self, word: bytes) -> list[tuple[int, float]]:
        cached = self._word_cache.get(word)
        if cached is None:
            cached = [(self.columns[f], v) for f, v in entries(word.decode("ascii", "replace"), Reading(False, self.reading.gram_range), self.idf.get)]
            self._word_cache[word] = cached
        return cached

    def transform(self, folded: list[str]):
        import numpy as np
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], [], []
        idf, columns = self.idf, self.columns
        for text in folded:
            tokens = feature_words(text)
            row: list[tuple[int, float]] = []
            for w in dict.fromkeys(tokens):
                # a word's own entry and its n-grams depend on the word alone (see `entries`)
                row.extend(self._word_entries(w))
            for pair in map(b" ".join, zip(tokens, tokens[1:])):
                if pair in columns:
                    row.append((columns[pair], idf[pair]))
            for conjunction in self.reading.conjunctions:
                if near(tokens, conjunction.left, conjunction.right, conjunction.window):
                    row.append((columns[conjunction.key], conjunction.value))
            norm = math.sqrt(sum(v * v for _, v in row)) or 1.0
            indices.extend(i for i, _ in row)
            data.extend(v / norm for _, v in row)
            indptr.append(len(indices))
        matrix = csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)), shape=(len(folded), len(columns)))
        matrix.sum_duplicates()
        return matrix

    def fit_transform(self, rows: list[Row]):
        return self.fit(rows).transform([r.folded for r in rows])

    def get_feature_names_out(self) -> list[str]:
        return [key.decode() for key in self.columns]


def _vectorizer(kind: str):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    if kind.startswith("entries:"):
        return EntryVectorizer(kind)
    word = TfidfVectorizer(analyzer=features, binary=True, min_df=MIN_DF, max_features=MAX_FEATURES)
    if kind == "word":
        return word
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), binary=True, min_df=MIN_DF, max_features=300_000, sublinear_tf=True)
    return FeatureUnion([("word", word), ("char", char)])


@dataclass
class Fitted:
    vectorizer: object
    heads: dict[str, Head]

    def probabilities(self, folded: list[str]) -> dict[str, list[float]]:
        import numpy as np

        X = self.vectorizer.transform(folded)
        out = {}
        for label, head in self.heads.items():
            z = X @ head.coef + head.intercept
            out[label] = list(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))
        return out


def fit(name: str, train: list[Row], seed: int = SEED) -> Fitted:
    """Fit one family on the train rows: one head per label, each on the rows whose source annotates it."""
    family, kind, C = FAMILIES[name]
    vectorizer = _vectorizer(kind)
    X = vectorizer.fit_transform(train) if isinstance(vectorizer, EntryVectorizer) else vectorizer.fit_transform([r.folded for r in train])
    heads = {}
    for label in LABELS:
        index = [i for i, r in enumerate(train) if label in r.labels]
        rows = [train[i] for i in index]
        heads[label] = _fit_head(family, X[index], [r.labels[label] for r in rows], _weights(rows), seed, C)
    return Fitted(vectorizer, heads)


# ---------------------------------------------------------------- measuring


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        if predicted and actual:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif actual:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def cells(self) -> str:
        return f"{self.precision:.3f} | {self.recall:.3f} | {self.f1:.3f} | {self.tp + self.fn}"


def flags(probabilities: dict[str, list[float]], thresholds: dict[str, float], n: int, labels=None) -> list[bool]:
    """Whether any label (of `labels`, default all) reaches its threshold: the detector's 'incivility' verdict on each row."""
    labels = thresholds if labels is None else labels
    return [any(probabilities[label][i] >= thresholds[label] for label in labels) for i in range(n)]


def annotated(source: Source) -> tuple[str, ...]:
    """The heads a source's incivility is judged on: every head where it labels incivility as a whole
    (`uncivil`), else only the labels it annotates (EDOS: sexism, not incivility in general)."""
    if any("uncivil" in r.labels for r in source.rows):
        return LABELS
    return tuple(label for label in LABELS if any(label in r.labels for r in source.rows))


def incivility_gold(row: Row) -> int | None:
    """A row's incivility: its `uncivil` label, or else whether any label it has is positive."""
    if "uncivil" in row.labels:
        return row.labels["uncivil"]
    present = [row.labels[label] for label in LABELS if label in row.labels]
    return max(present) if present else None


def choose_threshold(scores: list[float], gold: list[int], clean_scores: list[float]) -> float:
    """The threshold with the best F1 at precision >= MIN_PRECISION whose clean-news flag rate stays <= MAX_CLEAN_FLAGGED."""
    ranked = sorted(clean_scores, reverse=True)
    allowed = int(MAX_CLEAN_FLAGGED * len(ranked))
    floor = ranked[allowed] + 1e-9 if ranked and allowed < len(ranked) else 0.0
    best, best_f1 = max(0.5, floor), -1.0
    for t in sorted({round(s, 3) for s in scores if s >= floor}):
        counts = Counts()
        for s, g in zip(scores, gold):
            counts.add(s >= t, bool(g))
        if counts.precision >= MIN_PRECISION and counts.f1 > best_f1:
            best, best_f1 = t, counts.f1
    return float(best)


def _rows(sources: dict[str, Source], split: str, use: str | None = None) -> list[Row]:
    return [r for s in sources.values() if use in (None, s.use) for r in s.rows if r.split == split]


def choose_thresholds(fitted: Fitted, sources: dict[str, Source]) -> dict[str, float]:
    """Per-label thresholds on dev: pooled dev rows of the trained sources, clean news comments (UCC dev) as the flag budget."""
    dev = _rows(sources, "dev", "train")
    clean = [r for r in sources["ucc"].rows if r.split == "dev" and r.labels.get("clean")]
    p = fitted.probabilities([r.folded for r in dev])
    pc = fitted.probabilities([r.folded for r in clean])
    thresholds = {}
    for label in LABELS:
        index = [i for i, r in enumerate(dev) if label in r.labels]
        thresholds[label] = choose_threshold([p[label][i] for i in index], [dev[i].labels[label] for i in index], pc[label])
    return thresholds


def report_split(fitted: Fitted, sources: dict[str, Source], split: str, thresholds: dict[str, float]) -> list[str]:
    """Markdown rows: per source and label, P | R | F1 | positives at the thresholds; 'incivility' is any label over its threshold."""
    lines = ["| source | use | label | P | R | F1 | positives | rows |", "|---|---|---|---|---|---|---|---|"]
    for source in sources.values():
        rows = [r for r in source.rows if r.split == split]
        if not rows:
            continue
        p = fitted.probabilities([r.folded for r in rows])
        any_label = flags(p, thresholds, len(rows), annotated(source))
        for label in (*LABELS, "incivility"):
            if label == "incivility":
                index = [i for i, r in enumerate(rows) if incivility_gold(r) is not None]
                gold = [incivility_gold(rows[i]) for i in index]
                predicted = [any_label[i] for i in index]
            else:
                index = [i for i, r in enumerate(rows) if label in r.labels]
                gold = [rows[i].labels[label] for i in index]
                predicted = [p[label][i] >= thresholds[label] for i in index]
            if not index or (label != "incivility" and not any(gold)):
                continue
            counts = Counts()
            for f, g in zip(predicted, gold):
                counts.add(f, bool(g))
            name = f"**{label}** ({'+'.join(annotated(source))})" if label == "incivility" else label
            lines.append(f"| {source.name} | {source.use} | {name} | {counts.cells()} | {len(index)} |")
        clean = [i for i, r in enumerate(rows) if r.labels.get("clean")]
        if clean:
            every = flags(p, thresholds, len(rows))
            flagged = sum(every[i] for i in clean)
            lines.append(f"| {source.name} | {source.use} | clean comments flagged | {flagged}/{len(clean)} = {flagged / len(clean):.2%} | | | | {len(clean)} |")
    return lines


def compare(sources: dict[str, Source], seed: int = SEED, names=None) -> tuple[list[str], dict[str, Fitted]]:
    """Fit each family on train and score it on dev at its own dev-chosen thresholds; time each exportable family's scorer."""
    import tempfile

    train = _rows(sources, "train", "train")
    table = ["| family | source | incivility P | R | F1 | clean news flagged | features | fit s | score us |", "|---|---|---|---|---|---|---|---|---|"]
    fitted_all, models = {}, {}
    for name in names or FAMILIES:
        started = _clock()
        fitted = fit(name, train, seed)
        seconds = _clock() - started
        thresholds = choose_thresholds(fitted, sources)
        fitted_all[name] = fitted
        size = len(_vocabulary(fitted.vectorizer))
        if isinstance(fitted.vectorizer, EntryVectorizer):
            with tempfile.TemporaryDirectory() as folder:
                models[name] = export(fitted, thresholds, Path(folder) / MODEL_FILE, seed, name)
        for source in sources.values():
            rows = [r for r in source.rows if r.split == "dev" and incivility_gold(r) is not None]
            if not rows:
                continue
            p = fitted.probabilities([r.folded for r in rows])
            predicted = flags(p, thresholds, len(rows), annotated(source))
            counts = Counts()
            for r, f in zip(rows, predicted):
                counts.add(f, bool(incivility_gold(r)))
            every = flags(p, thresholds, len(rows))
            clean = [f for r, f in zip(rows, every) if r.labels.get("clean")]
            rate = f"{sum(clean) / len(clean):.2%}" if clean else ""
            table.append(f"| {name} | {source.name} ({source.use}) | {counts.precision:.3f} | {counts.recall:.3f} | {counts.f1:.3f} | {rate} | {size:,} | {seconds:.0f} | {{{name}}} |")
    texts, _ = timing_comments(sources)
    timed = interleaved_speed(models, texts)
    cells = {name: f"{timed[name]:.1f}" if name in timed else "—" for name in fitted_all}
    return [line.replace("{" + name + "}", cells[name]) if line.endswith("} |") else line for line in table for name in [line.split(" | ")[0][2:]]], fitted_all


def interleaved_speed(models: dict[str, IncivilityModel], texts: list[str], repeat: int = 5) -> dict[str, float]:
    """CPU microseconds per comment of each model's `score`, the models taking turns so that a busy machine slows all alike (best of `repeat`)."""
    from time import process_time

    folded = [normalize(t) for t in texts]
    best = {name: float("inf") for name in models}
    for model in models.values():
        for t in folded:  # warm each model's memo of words it knows only in pieces
            model.score(t)
    for _ in range(repeat):
        for name, model in models.items():
            started = process_time()
            for t in folded:
                model.score(t)
            best[name] = min(best[name], process_time() - started)
    return {name: seconds / max(1, len(folded)) * 1e6 for name, seconds in best.items()}


def _clock() -> float:
    from time import process_time  # training only: the engine itself reads no clock

    return process_time()


def _vocabulary(vectorizer) -> list[str]:
    if hasattr(vectorizer, "transformer_list"):
        return [f for _, part in vectorizer.transformer_list for f in part.get_feature_names_out()]
    return list(vectorizer.get_feature_names_out())


# ---------------------------------------------------------------- export and speed


def export(fitted: Fitted, thresholds: dict[str, float], out: Path, seed: int, name: str = SHIPPED) -> IncivilityModel:
    """Write an entry model (see `write_model`): listed words with their n-grams summed, pairs, n-grams, "addressed"; biases, dev thresholds."""
    vectorizer = fitted.vectorizer
    if not isinstance(vectorizer, EntryVectorizer):
        raise ValueError(f"{name}: only the entry families can be exported for the pure-Python scorer")
    columns = vectorizer.columns
    coef = [fitted.heads[label].coef for label in LABELS]

    def summed(pairs: list[tuple[int, float]]) -> tuple[float, float, float, float]:
        return (sum(v * v for _, v in pairs), *(float(sum(v * c[i] for i, v in pairs)) for c in coef))

    vocabulary, rows = [], []
    special = {c.key for c in vectorizer.reading.conjunctions}
    words_listed = [key for key in columns if b" " not in key and key[:1] != GRAM_PREFIX and key not in special]
    if vectorizer.use_grams:
        listed = set(words_listed)
        for word, _ in sorted(vectorizer.df_words.items(), key=lambda kv: (-kv[1], kv[0])):
            if len(words_listed) >= MAX_WORD_FEATURES + LISTED_WORDS:
                break
            if word not in listed:
                words_listed.append(word)
                listed.add(word)
    for word in words_listed:
        pairs = vectorizer._word_entries(word)
        if pairs:
            vocabulary.append(word.decode())
            rows.append(summed(pairs))
    # Pairs and conjunctions, then the n-grams last: the scorer reads them as two tables.
    for key, i in sorted(columns.items(), key=lambda kv: kv[0][:1] == GRAM_PREFIX):
        if b" " in key or key[:1] == GRAM_PREFIX or key in special:
            vocabulary.append(key.decode())
            rows.append(summed([(i, vectorizer.idf[key])]))
    first_gram = next((i for i, key in enumerate(vocabulary) if key.startswith(GRAM_PREFIX.decode())), len(vocabulary))
    reading = vectorizer.reading
    header = {
        "version": f"incivility-{name}-seed{seed}",
        "labels": list(LABELS),
        "sources_sha256": manifest_digest(),
        "data_sha256": own_digest(),
        "thresholds": {label: round(t, 3) for label, t in thresholds.items()},
        "bias": [fitted.heads[label].intercept for label in LABELS],
        "pairs": reading.pairs,
        "grams": list(reading.gram_range) if reading.gram_range else None,
        "first_gram": first_gram,
        "conjunctions": [
            {"key": c.key.decode(), "left": sorted(w.decode() for w in c.left), "right": sorted(w.decode() for w in c.right), "window": c.window, "value": c.value}
            for c in reading.conjunctions
        ],
    }
    write_model(out, header, vocabulary, rows)
    return IncivilityModel.from_bytes(out.read_bytes())


def check_export(model: IncivilityModel, fitted: Fitted, rows: list[Row]) -> float:
    """Largest difference between the pure-Python scorer and scikit-learn on these rows (float32 rounding only)."""
    p = fitted.probabilities([r.folded for r in rows])
    worst = 0.0
    for i, r in enumerate(rows):
        scored = model.score(r.folded)
        worst = max(worst, *(abs(scored[label] - p[label][i]) for label in LABELS))
    return worst


# Real news comments, for timing only (never trained or scored on): the project's shared
# measurement data sits beside the checkout. Without it, Impermium's dev comments.
TIMING_COMMENTS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "civil_toxic_spans" / "dev.jsonl"


def timing_comments(sources: dict[str, Source]) -> tuple[list[str], str]:
    """Comments of 300-800 characters to time the scorer on, and where they come from."""
    if TIMING_COMMENTS.exists():
        texts = [json.loads(line)["text"] for line in TIMING_COMMENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
        return [t for t in texts if 300 <= len(t) <= 800][:2000], "Civil Comments posts of the shared dev set, read for timing only"
    return [r.text for r in sources["impermium"].rows if r.split == "dev" and 300 <= len(r.text) <= 800][:2000], "Impermium dev"


def speed(model: IncivilityModel, texts: list[str], repeat: int = 3) -> tuple[float, float]:
    """Best-of-`repeat` CPU microseconds per comment for `score`, and for `score` plus `explain` of one label."""
    from time import process_time

    folded = [normalize(t) for t in texts]
    best_score = best_explain = float("inf")
    for _ in range(repeat):
        started = process_time()
        for t in folded:
            model.score(t)
        best_score = min(best_score, process_time() - started)
        started = process_time()
        for t in folded:
            model.score(t)
            model.explain(t, "insult")
        best_explain = min(best_explain, process_time() - started)
    return best_score / len(folded) * 1e6, best_explain / len(folded) * 1e6


# ---------------------------------------------------------------- reject where rules agree

# A reject threshold must keep this precision on the pooled dev rows of the trained sources and on
# our own dev rows, and reject no clean news comment (UCC dev).
REJECT_PRECISION = 0.95
REJECT_GRID = [round(0.80 + 0.005 * i, 3) for i in range(40)]


def reject_conditions(model: IncivilityModel, rules_dir: Path | None = None) -> dict:
    """The [incivility.reject.*] conditions of the rules folder, read with the engine's own code."""
    from ...rules import load_rules
    from . import IncivilityDetector

    rules = load_rules(rules_dir)
    config, source = rules.section("incivility")
    civility, _ = rules.section("civility")
    return IncivilityDetector(config, source, model=model, word_lists=civility.get("words", {})).rejects


def _reject_readings(model: IncivilityModel, conditions: dict, rows: list[Row], floor: float) -> dict[str, list[tuple[float, bool]]]:
    """Per label, each row's (score, whether the condition's pattern agrees near the words that weighed most)."""
    from . import _agrees

    out = {label: [] for label in conditions}
    for r in rows:
        scores = model.score(r.folded)
        for label, condition in conditions.items():
            score = scores[label]
            agrees = score >= floor and _agrees(condition, r.folded, model.explain(r.folded, label)) is not None
            out[label].append((score, agrees))
    return out


def choose_reject_thresholds(model: IncivilityModel, sources: dict[str, Source], conditions: dict) -> dict[str, float]:
    """Per label, the lowest REJECT_GRID threshold whose rejects keep REJECT_PRECISION (pooled and own dev) and spare every clean news comment."""
    dev = [r for r in _rows(sources, "dev", "train")]
    clean = [r for r in sources["ucc"].rows if r.split == "dev" and r.labels.get("clean")]
    readings = _reject_readings(model, conditions, dev, REJECT_GRID[0])
    clean_readings = _reject_readings(model, conditions, clean, REJECT_GRID[0])
    chosen = {}
    for label in conditions:
        chosen[label] = REJECT_GRID[-1]
        for t in REJECT_GRID:
            pooled, own = Counts(), Counts()
            for r, (score, agrees) in zip(dev, readings[label]):
                if label in r.labels:
                    pooled.add(score >= t and agrees, bool(r.labels[label]))
                    if r.source == "own":
                        own.add(score >= t and agrees, bool(r.labels[label]))
            spared = not any(score >= t and agrees for score, agrees in clean_readings[label])
            if pooled.precision >= REJECT_PRECISION and own.precision >= REJECT_PRECISION and spared:
                chosen[label] = t
                break
    return chosen


def report_rejects(model: IncivilityModel, sources: dict[str, Source], conditions: dict, thresholds: dict[str, float], split: str) -> list[str]:
    """Markdown rows: per source and label, how many comments the reject rule takes, its precision and its recall of the label."""
    lines = ["| source | label | reject from | rejected | P | R | positives | rows |", "|---|---|---|---|---|---|---|---|"]
    for source in sources.values():
        rows = [r for r in source.rows if r.split == split]
        if not rows:
            continue
        readings = _reject_readings(model, conditions, rows, min(thresholds.values()))
        for label in conditions:
            index = [i for i, r in enumerate(rows) if label in r.labels]
            if index and any(rows[i].labels[label] for i in index):
                counts = Counts()
                for i in index:
                    score, agrees = readings[label][i]
                    counts.add(score >= thresholds[label] and agrees, bool(rows[i].labels[label]))
                lines.append(f"| {source.name} | {label} | {thresholds[label]:.3f} | {counts.tp + counts.fp} | {counts.precision:.3f} | {counts.recall:.3f} | {counts.tp + counts.fn} | {len(index)} |")
        clean = [i for i, r in enumerate(rows) if r.labels.get("clean")]
        if clean:
            taken = sum(any(readings[label][i][0] >= thresholds[label] and readings[label][i][1] for label in conditions) for i in clean)
            lines.append(f"| {source.name} | clean comments rejected | | {taken}/{len(clean)} = {taken / len(clean):.2%} | | | | {len(clean)} |")
    return lines


# ---------------------------------------------------------------- the command


def summary(sources: dict[str, Source]) -> list[str]:
    """Markdown rows: per source, rows kept per split, positives per label, rows dropped and why."""
    lines = ["| source | use | train | dev | test | insult+ | threat+ | identity_attack+ | uncivil+ | dropped |", "|---|---|---|---|---|---|---|---|---|---|"]
    for s in sources.values():
        split = Counter(r.split for r in s.rows)
        every = (*LABELS, "uncivil")
        positives = {label: sum(r.labels.get(label, 0) for r in s.rows) for label in every}
        annotated = {label: any(label in r.labels for r in s.rows) for label in every}
        cells = [f"{positives[label]:,}" if annotated[label] else "—" for label in every]
        dropped = ", ".join(f"{n:,} {why}" for why, n in s.dropped.items())
        lines.append(f"| {s.name} | {s.use} | {split['train']:,} | {split['dev']:,} | {split['test']:,} | {' | '.join(cells)} | {dropped} |")
    return lines


def run(mirror: Path, out: Path, seed: int = SEED, families=None, print_=print) -> dict:
    """The whole run: read and split, compare on dev, export the shipped family, read test once."""
    sources = load_sources(mirror)
    print_("## Sources after folding, dedupe, Toxic Spans removal and split\n")
    print_("\n".join(summary(sources)))
    table, fitted_all = compare(sources, seed, families or COMPARED)
    print_("\n## Model families on dev (thresholds chosen on dev for each family)\n")
    print_("\n".join(table))
    fitted = fitted_all.get(SHIPPED) or fit(SHIPPED, _rows(sources, "train", "train"), seed)
    thresholds = choose_thresholds(fitted, sources)
    print_(f"\n## Shipped: {SHIPPED}; thresholds chosen on dev: " + ", ".join(f"{k}={v:.3f}" for k, v in thresholds.items()))
    print_("\n### dev at those thresholds\n")
    print_("\n".join(report_split(fitted, sources, "dev", thresholds)))
    previous = None
    if out.exists():  # the model this run replaces, timed beside the new one
        try:
            previous = IncivilityModel.from_bytes(out.read_bytes())
        except (ValueError, KeyError, OSError):
            previous = None
    model = export(fitted, thresholds, out, seed)
    worst = check_export(model, fitted, _rows(sources, "dev")[:2000])
    texts, where = timing_comments(sources)
    cold = IncivilityModel.from_bytes(out.read_bytes())
    started = _clock()
    for text in texts:  # first sight of every word it knows only in pieces
        cold.score(normalize(text))
    cold_us = (_clock() - started) / max(1, len(texts)) * 1e6
    score_us, explain_us = speed(model, texts)
    print_(f"\n{out}: {out.stat().st_size:,} bytes, {model.size:,} keys; pure-Python scorer agrees with scikit-learn to {worst:.1e}")
    print_(f"scorer on {len(texts):,} comments of 300-800 characters ({where}), best of 3, CPU: score {score_us:.1f} us, score + explain {explain_us:.1f} us; first pass of a fresh model {cold_us:.1f} us")
    if previous is not None:
        timed = interleaved_speed({"replaced": previous, "new": model}, texts)
        print_(f"taking turns on the same comments: the model replaced ({previous.version or 'version 1'}) {timed['replaced']:.1f} us, the new one {timed['new']:.1f} us")
    conditions = reject_conditions(model)
    rejects = choose_reject_thresholds(model, sources, conditions)
    print_("\n## Reject where rules agree: thresholds chosen on dev (rules/incivility.toml's patterns): " + ", ".join(f"{k}={v:.3f}" for k, v in rejects.items()))
    print_("\n".join(report_rejects(model, sources, conditions, rejects, "dev")))
    print_("\n## TEST (read once)\n")
    print_("\n".join(report_split(fitted, sources, "test", thresholds)))
    print_("\n### TEST: reject where rules agree\n")
    print_("\n".join(report_rejects(model, sources, conditions, rejects, "test")))
    return {"thresholds": thresholds, "reject_thresholds": rejects, "score_us": score_us, "explain_us": explain_us}


def main(argv: list[str] | None = None) -> int:
    """`python -m moderation.detectors.incivility.train`: the same as `moderation train`."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default="/work/.mirror", type=Path)
    parser.add_argument("--out", default=DEFAULT_OUT, type=Path)
    parser.add_argument("--seed", default=SEED, type=int)
    args = parser.parse_args(argv)
    run(args.mirror, args.out, args.seed)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
