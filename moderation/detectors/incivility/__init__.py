"""The learned civility layer: a linear model over the folded text's words, word pairs and the letters inside words (issue #9, item 1).

The model is trained by `train.py` beside this file (scikit-learn, at training
time only) and shipped as `model.bin.gz`. Scoring is pure Python, so the engine
imports no numpy at start-up. A comment is read as a list of *entries*, each a
feature with a value, and a label's log-odds is

    bias + sum(value * weight) / sqrt(sum(value ** 2))

over the entries whose feature the model knows:

- every distinct word, valued by its idf;
- every pair of neighbouring words, valued by its idf, once per occurrence;
- every distinct word's letter n-grams (3 to 5 letters of "<word>", at most
  `MAX_GRAMS_PER_WORD`), each valued idf / sqrt(number of the word's n-grams),
  so an unseen epithet or a misspelling ("idoit", "stoopid") is read through
  the pieces it shares with words the model has seen;
- conjunctions, each one entry when a word of one list stands within `window`
  words of a word of another: "~addressed" (a second-person word or an @handle
  near a word that, in training, mostly came in insults), "~grouped" (a word
  naming a group near a word that mostly came in identity attacks), "~aimed"
  (a pronoun or a word for a person near a word that mostly came in threats).
  A linear model cannot say "A and B near each other" with words alone.

A word's own entry and its n-grams depend on the word alone, so the model file
stores them already summed for the words it knows: one dictionary lookup per
word. Only a word the file does not list has its n-grams looked up (and the sum
is remembered, up to `OOV_CACHE` words). The same `entries` function is used
here and in training, so what the model learnt is what it reads.

Every probability comes with the words that weighed most for it, each with its
span in the folded text, so a moderator sees why (STYLE example 7) and the
detector maps the evidence back to the original (STYLE example 5).

`IncivilityDetector` holds a comment past a label's threshold, and rejects
only where a rule-side condition agrees (rules/incivility.toml,
`[incivility.reject.*]`): a very confident score AND the words of a pattern
(an addressee, a violent verb at a person, a group noun) near the words that
weighed most.
"""

from __future__ import annotations

import gc
import math
import re
from array import array
from dataclasses import dataclass
from importlib import resources
from itertools import compress, islice, repeat
from operator import is_

from ...errors import RuleFileError
from ...normalization import Text
from ...rules.settings import number
from ..model_file import read_model_file, write_model_file
from ..signal import Signal

LABELS = ("insult", "threat", "identity_attack")
MODEL_FILE = "model.bin.gz"

# A word is a run of letters and digits; apostrophes are dropped ("you're" -> "youre",
# "'quoted'" -> "quoted"); every other character separates words. That is one encode,
# one bytes.translate and one split, all in C: a regular expression took 15 us of the
# 50 us the model may spend on a 300-800 character comment. Words are bytes, and so
# are the vocabulary's keys.
_WORD = re.compile(r"[a-z0-9']+")
_SEPARATORS = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
# The model's own reading keeps "@" so that "@jenny_k" is read as a handle: the
# word "@" (see `feature_words`).
_FEATURE_SEPARATORS = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c == 64) else 32 for c in range(256))
_FEATURE_WORD_BYTES = re.compile(rb"[a-z0-9'@]+")
# Long comments cost time linear in their words; past this many the rest is not read
# (a comment of 100,000 words is not made more or less civil by its tail).
MAX_WORDS = 2_000
HANDLE = b"@"
# Words that address the reader; "@" stands for any @handle.
SECOND_PERSON = frozenset({b"you", b"your", b"youre", b"yours", b"yourself", b"yourselves", b"u", b"ur", b"ya", b"yall", b"thou", HANDLE})
GRAM_PREFIX = b"#"
MAX_GRAMS_PER_WORD = 24
# Words outside the model file whose n-gram sums are remembered (a few MB at most).
OOV_CACHE = 20_000


def words(folded: str) -> list[bytes]:
    """The words of a folded text, in order (at most MAX_WORDS); they also key the training splits."""
    # A character outside ASCII becomes "?", a separator, as it is in `word_spans`.
    found = folded.encode("ascii", "replace").translate(_SEPARATORS, b"'").split()
    return found[:MAX_WORDS] if len(found) > MAX_WORDS else found


def word_spans(folded: str) -> list[tuple[bytes, int, int]]:
    """The same words as `words`, each with its [start, end) span in the folded text."""
    spans = []
    for match in _WORD.finditer(folded):
        word = match.group().replace("'", "").encode()
        if word:
            spans.append((word, match.start(), match.end()))
            if len(spans) >= MAX_WORDS:
                break
    return spans


def feature_words(folded: str) -> list[bytes]:
    """The words the model reads: as `words`, but an @handle ("@jenny_k") is the word "@" followed by the rest ("k")."""
    raw = folded.encode("ascii", "replace")
    if b"@" not in raw:
        found = raw.translate(_SEPARATORS, b"'").split()
    else:
        found = [HANDLE if w[:1] == b"@" else w.replace(b"@", b"") for w in raw.translate(_FEATURE_SEPARATORS, b"'").split()]
        found = [w for w in found if w]
    return found[:MAX_WORDS] if len(found) > MAX_WORDS else found


def feature_word_spans(folded: str) -> list[tuple[bytes, int, int]]:
    """The same words as `feature_words`, each with its [start, end) span in the folded text."""
    # Encoded with "?" for each character outside ASCII, the bytes keep the text's offsets.
    raw = folded.encode("ascii", "replace")
    spans = [(m.group(), m.start(), m.end()) for m in islice(_FEATURE_WORD_BYTES.finditer(raw), MAX_WORDS)]
    if b"'" not in raw and b"@" not in raw:
        return spans
    full = len(spans) == MAX_WORDS
    if b"'" in raw:
        spans = [(w.replace(b"'", b""), s, e) if b"'" in w else (w, s, e) for w, s, e in spans]
    if b"@" in raw:
        spans = [((HANDLE if w[:1] == b"@" else w.replace(b"@", b"")), s, e) if b"@" in w else (w, s, e) for w, s, e in spans]
    kept = [span for span in spans if span[0]]
    if len(kept) == len(spans) or not full:
        return kept
    # Words of apostrophes alone were dropped from a full count: read on to make it up.
    for match in _FEATURE_WORD_BYTES.finditer(raw, spans[-1][2]):
        found = match.group().replace(b"'", b"")
        word = HANDLE if found[:1] == b"@" else found.replace(b"@", b"")
        if word:
            kept.append((word, match.start(), match.end()))
            if len(kept) >= MAX_WORDS:
                break
    return kept


def features(folded: str) -> list[str]:
    """Version 1's features of a folded text: every word, and every pair of neighbouring words joined by a space."""
    tokens = [w.decode() for w in words(folded)]
    return tokens + list(map(" ".join, zip(tokens, tokens[1:])))


def grams(word: bytes, low: int = 3, high: int = 5) -> tuple[bytes, ...]:
    """The distinct letter n-grams of "<word>" from `low` to `high` letters, shortest first, at most MAX_GRAMS_PER_WORD."""
    marked = b"<" + word + b">"
    found = dict.fromkeys(marked[i:i + n] for n in range(low, high + 1) for i in range(len(marked) - n + 1))
    return tuple(found)[:MAX_GRAMS_PER_WORD]


def near(tokens: list[bytes], left: frozenset, right: frozenset, window: int, present=None) -> tuple[int, int] | None:
    """(index of a `left` word, index of a `right` word) if one stands within `window` words of the other.

    `present`, if given, holds the distinct tokens: a faster first test.
    """
    distinct = tokens if present is None else present
    if not window or left.isdisjoint(distinct) or right.isdisjoint(distinct):
        return None
    for i, token in enumerate(tokens):
        if token in left:
            low, high = max(0, i - window), min(len(tokens), i + window + 1)
            if not right.isdisjoint(tokens[low:high]):
                for j in range(low, high):
                    if j != i and tokens[j] in right:
                        return i, j
    return None


@dataclass(frozen=True)
class Conjunction:
    """A feature of its own (`key`) when a `left` word stands within `window` words of a `right` word."""

    key: bytes
    left: frozenset
    right: frozenset
    window: int
    value: float


@dataclass(frozen=True)
class Reading:
    """How a model reads text: which kinds of entries it makes (the model file's header says)."""

    pairs: bool = True
    gram_range: tuple[int, int] | None = None
    conjunctions: tuple[Conjunction, ...] = ()


def entries(folded: str, reading: Reading, idf) -> list[tuple[bytes, float]]:
    """Every (feature, value) entry of a text, the definition training fits and the scorer sums.

    `idf(feature)` gives a feature's idf, or None when the model does not know it.
    """
    tokens = feature_words(folded)
    out = []
    for word in dict.fromkeys(tokens):
        value = idf(word)
        if value is not None:
            out.append((word, value))
        if reading.gram_range:
            pieces = grams(word, *reading.gram_range)
            scale = 1.0 / math.sqrt(len(pieces))
            for piece in pieces:
                value = idf(GRAM_PREFIX + piece)
                if value is not None:
                    out.append((GRAM_PREFIX + piece, value * scale))
    if reading.pairs:
        for pair in map(b" ".join, zip(tokens, tokens[1:])):
            value = idf(pair)
            if value is not None:
                out.append((pair, value))
    for conjunction in reading.conjunctions:
        if near(tokens, conjunction.left, conjunction.right, conjunction.window):
            out.append((conjunction.key, conjunction.value))
    return out


@dataclass(frozen=True, slots=True)
class Weighed:
    """One feature's pull on a label: the words, their span in the folded text, and the contribution to the log-odds."""

    feature: str
    start: int
    end: int
    weight: float


def write_model(path, header: dict, vocabulary: list[str], rows: list[tuple[float, float, float, float]]) -> None:
    """The model file: gzip of a JSON header line, the vocabulary one key a line, then per key
    four little-endian float32 (sum of value squared, and sum of value times each label's weight)."""
    write_model_file(path, header, vocabulary, rows)


def read_model(raw: bytes) -> tuple[dict, list[bytes], array]:
    """The header, the vocabulary and the flat float32 values of a model file's bytes."""
    return read_model_file(raw, 4, "incivility")


class IncivilityModel:
    """The shipped model: `score` gives per-label probabilities, `explain` the words behind one label.

    The file's keys are words (their own entry and their n-grams, summed), word
    pairs ("you idiot"), n-grams ("#idi", read only for words the file lacks) and
    conjunctions ("~addressed"). Each key has four numbers: the sum of its entries' values
    squared, and the sums of value times each label's weight.
    """

    def __init__(self, header: dict, vocabulary: list[bytes], values: array):
        self.labels: tuple[str, ...] = tuple(header["labels"])
        if self.labels != LABELS:
            raise ValueError(f"the incivility model has labels {self.labels}, the scorer reads {LABELS}")
        self.version: str = header.get("version", "")
        self.sources_sha256: str = header.get("sources_sha256", "")
        self.data_sha256: str = header.get("data_sha256", "")
        self.suggested_thresholds: dict[str, float] = dict(header.get("thresholds", {}))
        self.bias: tuple[float, ...] = tuple(header["bias"])
        gram_range = header.get("grams")
        self.reading = Reading(
            pairs=header.get("pairs", True),
            gram_range=tuple(gram_range) if gram_range else None,
            conjunctions=tuple(
                Conjunction(c["key"].encode(), frozenset(w.encode() for w in c["left"]), frozenset(w.encode() for w in c["right"]), int(c["window"]), float(c["value"]))
                for c in header.get("conjunctions", ())
            ),
        )
        # key -> two complex numbers (squares + i*insult, threat + i*identity_attack). Summing
        # complex numbers sums two columns at once: transposing two columns instead of four
        # is what keeps scoring within its budget. Built by C-level maps: start-up counts.
        collecting = gc.isenabled()
        gc.disable()  # 100,000 new tuples would wake the cycle collector again and again for nothing
        try:
            rows = list(zip(map(complex, values[0::4], values[1::4]), map(complex, values[2::4], values[3::4])))
            first_gram = header.get("first_gram")
            if first_gram is not None and _grams_from(vocabulary, first_gram):
                table = dict(zip(vocabulary[:first_gram], rows[:first_gram]))
                self._grams: dict[bytes, tuple[complex, complex]] = dict(zip((key[1:] for key in vocabulary[first_gram:]), rows[first_gram:]))
            else:  # a file that does not say where its n-grams start, or says it wrongly
                table = {key: row for key, row in zip(vocabulary, rows) if key[:1] != GRAM_PREFIX}
                self._grams = {key[1:]: row for key, row in zip(vocabulary, rows) if key[:1] == GRAM_PREFIX}
        finally:
            if collecting:
                gc.enable()
        self._table: dict[bytes, tuple[complex, complex]] = table
        self._conjunctions = [(c, table.pop(c.key)) for c in self.reading.conjunctions if c.key in table]
        self._oov: dict[bytes, tuple] = {}
        self._last_present: tuple | None = None
        self.size = len(vocabulary)

    @classmethod
    def from_bytes(cls, raw: bytes) -> IncivilityModel:
        """A model from the bytes of a model file."""
        return cls(*read_model(raw))

    @classmethod
    def load(cls) -> IncivilityModel:
        """The model shipped inside the package (read once; see `shipped_model`)."""
        return cls.from_bytes(resources.files(__name__).joinpath(MODEL_FILE).read_bytes())

    def _unlisted(self, word: bytes) -> tuple[complex, complex] | tuple[()]:
        """The summed n-gram entries of a word the file does not list (() if it has none the model knows)."""
        row: tuple = ()
        if self.reading.gram_range:
            pieces = grams(word, *self.reading.gram_range)
            found = [r for r in map(self._grams.get, pieces) if r is not None]
            if found:
                scale = 1.0 / len(pieces)  # each value is idf / sqrt(n): squares scale by 1/n
                first, second = map(sum, zip(*found))
                root = math.sqrt(scale)
                row = (complex(first.real * scale, first.imag * root), second * root)
        if len(self._oov) >= OOV_CACHE:
            self._oov.clear()  # a bounded memo: forgetting costs time, never a different score
        self._oov[word] = row
        return row

    def logits(self, folded: str) -> tuple[float, ...]:
        """Per-label log-odds for a folded text."""
        tokens = feature_words(folded)
        table = self._table
        present = list(set(tokens))
        rows = list(map(table.get, present))
        found = list(filter(None, rows))
        if self.reading.gram_range and len(found) < len(rows):
            # Words the file does not list: their remembered n-gram sums, computed on first sight.
            missing = list(compress(present, map(is_, rows, repeat(None))))
            cached = list(map(self._oov.get, missing))
            found.extend(filter(None, cached))
            if None in cached:
                found.extend(filter(None, map(self._unlisted, compress(missing, map(is_, cached, repeat(None))))))
        if self.reading.pairs:
            found.extend(filter(None, map(table.get, map(b" ".join, zip(tokens, tokens[1:])))))
        for conjunction, row in self._conjunctions:
            if near(tokens, conjunction.left, conjunction.right, conjunction.window, present):
                found.append(row)
        if not found:
            return self.bias
        first, second = map(sum, zip(*found))
        if first.real <= 0:
            return self.bias
        norm = math.sqrt(first.real)
        insult, threat, identity = self.bias
        return (insult + first.imag / norm, threat + second.real / norm, identity + second.imag / norm)

    def score(self, text: Text | str) -> dict[str, float]:
        """Per-label probabilities for a `Text` (or an already folded string)."""
        folded = text.folded if isinstance(text, Text) else text
        return {label: _sigmoid(z) for label, z in zip(self.labels, self.logits(folded))}

    def explain(self, text: Text | str, label: str, top: int = 3) -> list[Weighed]:
        """The words (and word pairs) that pushed `label` up most, strongest first, each at its first place in the folded text."""
        folded = text.folded if isinstance(text, Text) else text
        part = (lambda row: row[0].imag, lambda row: row[1].real, lambda row: row[1].imag)[self.labels.index(label)]
        present, spans = self._present(folded)
        if not present:
            return []
        norm = math.sqrt(sum(row[0].real for _, row in present))
        pulls: dict[bytes, float] = {}
        for feature, row in present:
            pulls[feature] = pulls.get(feature, 0.0) + part(row) / norm
        ranked = sorted(((w, f) for f, w in pulls.items() if w > 0), reverse=True)[:top]
        return [Weighed(f.decode(), *spans[f], round(weight, 2)) for weight, f in ranked]

    def _present(self, folded: str) -> tuple[list[tuple[bytes, tuple]], dict[bytes, tuple[int, int]]]:
        """The entries the model knows in a folded text, each with its row, and each feature's first span.

        The same entries as `logits` reads; worked out once for a text and kept
        for the next call, since a comment over two thresholds is explained twice.
        """
        last = self._last_present
        if last is not None and last[0] is folded:
            return last[1]
        tokens = feature_word_spans(folded)
        plain = [word for word, _, _ in tokens]
        # Each word's first place: later places are written first and overwritten.
        spans = {word: (start, end) for word, start, end in reversed(tokens)}
        table = self._table
        present: list[tuple[bytes, tuple]] = []
        for word in spans:
            row = table.get(word)
            if row is None and self.reading.gram_range:
                row = self._oov.get(word) or self._unlisted(word) or None
            if row is not None:
                present.append((word, row))
        if self.reading.pairs:
            for index, pair in enumerate(map(b" ".join, zip(plain, plain[1:]))):
                row = table.get(pair)
                if row is not None:
                    present.append((pair, row))  # once per occurrence, as `logits` counts it
                    spans.setdefault(pair, (tokens[index][1], tokens[index + 1][2]))
        distinct = set(plain)
        for conjunction, row in self._conjunctions:
            hit = near(plain, conjunction.left, conjunction.right, conjunction.window, distinct)
            if hit:
                i, j = sorted(hit)
                key = plain[i] + " \u2026 ".encode("utf-8") + plain[j]
                spans[key] = (tokens[i][1], tokens[j][2])
                present.append((key, row))
        self._last_present = (folded, (present, spans))
        return present, spans


def _grams_from(vocabulary: list[bytes], first: int) -> bool:
    """Whether the keys from `first` on are n-grams and the key before is not (the two ends tell; export writes n-grams last)."""
    if not 0 <= first <= len(vocabulary):
        return False
    before_ok = first == 0 or vocabulary[first - 1][:1] != GRAM_PREFIX
    after_ok = first == len(vocabulary) or (vocabulary[first][:1] == GRAM_PREFIX and vocabulary[-1][:1] == GRAM_PREFIX)
    return before_ok and after_ok


def _sigmoid(z: float) -> float:
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


_SHIPPED: IncivilityModel | None = None


def shipped_model() -> IncivilityModel:
    """The packaged model, loaded on first use and shared by every detector in the process."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = IncivilityModel.load()
    return _SHIPPED


_LIST_NAME = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class RejectCondition:
    """Reject (rule `rule`) when `label` reaches `threshold` AND `pattern` matches within `window` characters of a word that weighed most."""

    label: str
    rule: str
    threshold: float
    pattern: re.Pattern
    window: int
    says: str


class IncivilityDetector:
    """Emits a signal for each label whose probability reaches its threshold in `[incivility]`.

    Settings (all optional; a label without a threshold is not reported):
    `insult`, `threat`, `identity_attack` — probabilities from 0 to 1: past one, `incivility-model` (hold).
    `[incivility.reject.LABEL]` — `rule`, `threshold`, `pattern`, `window`, `says`: past the
    threshold AND where the pattern matches near a word that weighed most, the signal is the
    reject rule's instead. Patterns name word lists of `[incivility.words]` (or of
    `[civility.words]`, passed as `word_lists`) as `{list}`.
    """

    rule_ids = ("incivility-model",)

    def __init__(self, config: dict, source: str, model: IncivilityModel | None = None, word_lists: dict | None = None):
        self.model = model or shipped_model()
        self.thresholds = {
            label: number(config, "incivility", label, source, 0.0, 1.0) for label in self.model.labels if label in config
        }
        # Fewer words than this are too few for word statistics to judge: the model alone
        # does not hold them (its reject conditions, which need a rule to agree, still apply).
        self.min_words = int(number(config, "incivility", "min_words", source, 0)) if "min_words" in config else 0
        lists = {**(word_lists or {}), **_word_lists(config.get("words", {}), source)}
        self.rejects: dict[str, RejectCondition] = {}
        reject = config.get("reject", {})
        if not isinstance(reject, dict):
            raise RuleFileError(source, "must be a table of labels", field="incivility.reject")
        for label, table in reject.items():
            self.rejects[label] = _reject_condition(label, table, lists, source, self.model.labels)
        self.rule_ids = ("incivility-model", *(c.rule for c in self.rejects.values()))

    def _long_enough(self, text: Text) -> bool:
        return not self.min_words or len(feature_words(text.folded)) >= self.min_words

    def detect(self, text: Text) -> list[Signal]:
        """One signal per label over its threshold, its evidence the word that weighed most."""
        if not self.thresholds and not self.rejects:
            return []
        scores = self.model.score(text)
        signals = []
        for label in self.model.labels:
            probability = scores[label]
            condition = self.rejects.get(label)
            threshold = self.thresholds.get(label)
            hold = threshold is not None and probability >= threshold and self._long_enough(text)
            confident = condition is not None and probability >= condition.threshold
            if not hold and not confident:
                continue
            weighed = self.model.explain(text, label)
            detail = f"{label.replace('_', ' ')} {probability:.2f}"
            rule = "incivility-model"
            if confident:
                found = _agrees(condition, text.folded, weighed)
                if found is not None:
                    rule = condition.rule
                    detail += f" (reject from {condition.threshold:.3g}) and {condition.says} '{text.folded[found[0]:found[1]]}'"
                elif not hold:
                    continue
            if weighed:
                detail += "; weighed most: " + ", ".join(f"'{w.feature}' (+{w.weight:.1f})" for w in weighed)
                start, end, evidence = text.evidence(weighed[0].start, weighed[0].end)
            else:
                start, end, evidence = 0, len(text.original), text.original
            signals.append(Signal(rule, start, end, evidence, detail))
        return signals


def _agrees(condition: RejectCondition, folded: str, weighed: list[Weighed]) -> tuple[int, int] | None:
    """The span of the first match of the condition's pattern within its window of a word that weighed most."""
    if not weighed:
        return None
    low = max(0, min(w.start for w in weighed) - condition.window)
    high = min(len(folded), max(w.end for w in weighed) + condition.window)
    for found in condition.pattern.finditer(folded, low, high):
        for w in weighed:
            if found.start() - condition.window <= w.end and w.start <= found.end() + condition.window:
                return found.start(), found.end()
    return None


def _word_lists(lists: object, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(lists, dict) or not all(isinstance(v, list) and all(isinstance(w, str) and w for w in v) for v in lists.values()):
        raise RuleFileError(source, "must be a table of word lists", field="incivility.words")
    return {name: tuple(w.lower() for w in words) for name, words in lists.items()}


def _reject_condition(label: str, table: object, lists: dict, source: str, labels: tuple[str, ...]) -> RejectCondition:
    from ..phrases import word_alternation

    field = f"incivility.reject.{label}"
    if label not in labels:
        raise RuleFileError(source, f"names no label of the model ({', '.join(labels)})", field=field)
    if not isinstance(table, dict):
        raise RuleFileError(source, "must be a table", field=field)
    rule = table.get("rule")
    if not isinstance(rule, str) or not rule:
        raise RuleFileError(source, "needs the `rule` id it reports", field=f"{field}.rule")
    threshold = number(table, field, "threshold", source, 0.0, 1.0)
    window = int(number(table, field, "window", source, 0, 1000)) if "window" in table else 40
    says = table.get("says", "near")
    pattern = table.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise RuleFileError(source, "needs a `pattern` string", field=f"{field}.pattern")

    def expand(name: re.Match) -> str:
        words = lists.get(name.group(1))
        if words is None:
            raise RuleFileError(source, f"names an unknown word list {{{name.group(1)}}}", field=f"{field}.pattern")
        return word_alternation(words)

    try:
        compiled = re.compile(_LIST_NAME.sub(expand, pattern))
    except re.error as error:
        raise RuleFileError(source, f"is not a valid regular expression: {error}", field=f"{field}.pattern") from None
    return RejectCondition(label, rule, threshold, compiled, window, str(says))


__all__ = [
    "LABELS", "MODEL_FILE", "IncivilityDetector", "IncivilityModel", "Reading", "RejectCondition", "Weighed",
    "Conjunction", "entries", "near", "feature_word_spans", "feature_words", "features", "grams", "read_model", "shipped_model",
    "word_spans", "words", "write_model",
]
