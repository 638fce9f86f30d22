"""The learned civility layer: a linear model over the folded text's words and word pairs (issue #9, item 1).

The model is trained by `train.py` beside this file (scikit-learn, at training
time only) and shipped as `model.bin.gz`: for every feature of a fixed
vocabulary its idf and one weight per label (float32). Scoring is pure Python, so the
engine imports no numpy at start-up: the comment's distinct words and word
pairs are looked up, their tf-idf vector is L2-normalised exactly as
scikit-learn's `TfidfVectorizer(binary=True)` does, and a logistic function of
the dot product gives each label's probability. The same `features` function
is used here and in training, so what the model learnt is what it reads.

Every probability comes with the words that weighed most for it, each with its
span in the folded text, so a moderator sees why (STYLE example 7) and the
detector maps the evidence back to the original (STYLE example 5).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from array import array
from dataclasses import dataclass
from importlib import resources

from ...normalization import Text
from ...rules.settings import number
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
# Long comments cost time linear in their words; past this many the rest is not read
# (a comment of 100,000 words is not made more or less civil by its tail).
MAX_WORDS = 2_000


def words(folded: str) -> list[bytes]:
    """The words of a folded text, in order (at most MAX_WORDS)."""
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


def features(folded: str) -> list[str]:
    """The model's features of a folded text: every word, and every pair of neighbouring words joined by a space."""
    tokens = [w.decode() for w in words(folded)]
    return tokens + list(map(" ".join, zip(tokens, tokens[1:])))


@dataclass(frozen=True, slots=True)
class Weighed:
    """One feature's pull on a label: the words, their span in the folded text, and the contribution to the log-odds."""

    feature: str
    start: int
    end: int
    weight: float


def write_model(path, header: dict, vocabulary: list[str], rows: list[tuple[float, float, float, float]]) -> None:
    """The model file: gzip of a JSON header line, the vocabulary one feature a line, then per feature
    four little-endian float32 (idf squared, and idf times each label's weight)."""
    words_blob = "\n".join(vocabulary).encode()
    values = array("f", [v for row in rows for v in row])
    if sys.byteorder != "little":
        values.byteswap()
    header = {**header, "features": len(vocabulary), "vocabulary_bytes": len(words_blob)}
    raw = json.dumps(header, separators=(",", ":")).encode() + b"\n" + words_blob + b"\n" + values.tobytes()
    with open(path, "wb") as handle:
        handle.write(gzip.compress(raw, compresslevel=9, mtime=0))


def read_model(raw: bytes) -> tuple[dict, list[bytes], array]:
    """The header, the vocabulary and the flat float32 values of a model file's bytes."""
    data = gzip.decompress(raw)
    line = data.index(b"\n")
    header = json.loads(data[:line])
    start = line + 1
    vocabulary = data[start:start + header["vocabulary_bytes"]].split(b"\n")
    values = array("f")
    values.frombytes(data[start + header["vocabulary_bytes"] + 1:])
    if sys.byteorder != "little":
        values.byteswap()
    if len(vocabulary) != header["features"] or len(values) != 4 * header["features"]:
        raise ValueError("the incivility model file is truncated or malformed")
    return header, vocabulary, values


class IncivilityModel:
    """The shipped model: `score` gives per-label probabilities, `explain` the words behind one label."""

    def __init__(self, header: dict, vocabulary: list[bytes], values: array):
        self.labels: tuple[str, ...] = tuple(header["labels"])
        if self.labels != LABELS:
            raise ValueError(f"the incivility model has labels {self.labels}, the scorer reads {LABELS}")
        self.version: str = header.get("version", "")
        self.sources_sha256: str = header.get("sources_sha256", "")
        self.suggested_thresholds: dict[str, float] = dict(header.get("thresholds", {}))
        self.bias: tuple[float, ...] = tuple(header["bias"])
        # feature -> two complex numbers (idf^2 + i*insult, threat + i*identity_attack), each part
        # already multiplied by the idf. Summing complex numbers sums two columns at once, and
        # transposing two columns instead of four is what keeps scoring within its 50 us.
        it = iter(values)
        self._table: dict[bytes, tuple[complex, complex]] = {
            feature: (complex(squared, a), complex(b, c)) for feature, (squared, a, b, c) in zip(vocabulary, zip(it, it, it, it))
        }
        self.size = len(vocabulary)

    @classmethod
    def from_bytes(cls, raw: bytes) -> IncivilityModel:
        """A model from the bytes of a model file."""
        return cls(*read_model(raw))

    @classmethod
    def load(cls) -> IncivilityModel:
        """The model shipped inside the package (read once; see `shipped_model`)."""
        return cls.from_bytes(resources.files(__name__).joinpath(MODEL_FILE).read_bytes())

    def logits(self, folded: str) -> tuple[float, ...]:
        """Per-label log-odds for a folded text."""
        tokens = words(folded)
        present = set(tokens)
        present.update(map(b" ".join, zip(tokens, tokens[1:])))
        found = [row for row in map(self._table.get, present) if row is not None]
        if not found:
            return self.bias
        first, second = map(sum, zip(*found))
        norm = math.sqrt(first.real)
        insult, threat, identity = self.bias
        return (insult + first.imag / norm, threat + second.real / norm, identity + second.imag / norm)

    def score(self, text: Text | str) -> dict[str, float]:
        """Per-label probabilities for a `Text` (or an already folded string)."""
        folded = text.folded if isinstance(text, Text) else text
        return {label: _sigmoid(z) for label, z in zip(self.labels, self.logits(folded))}

    def explain(self, text: Text | str, label: str, top: int = 3) -> list[Weighed]:
        """The features that pushed `label` up most, strongest first, each at its first place in the folded text."""
        folded = text.folded if isinstance(text, Text) else text
        part = (lambda row: row[0].imag, lambda row: row[1].real, lambda row: row[1].imag)[self.labels.index(label)]
        table = self._table
        spans: dict[bytes, tuple[int, int]] = {}
        previous = None
        for word, start, end in word_spans(folded):
            spans.setdefault(word, (start, end))
            if previous is not None:
                spans.setdefault(previous[0] + b" " + word, (previous[1], end))
            previous = (word, start, end)
        present = [(f, table[f]) for f in spans if f in table]
        if not present:
            return []
        norm = math.sqrt(sum(row[0].real for _, row in present))
        pulls = sorted(((part(row) / norm, f) for f, row in present if part(row) > 0), reverse=True)[:top]
        return [Weighed(f.decode(), *spans[f], round(weight, 2)) for weight, f in pulls]


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


class IncivilityDetector:
    """Emits an `incivility-model` signal for each label whose probability reaches its threshold in `[incivility]`.

    Settings (all optional; a label without a threshold is not reported):
    `insult`, `threat`, `identity_attack` — probabilities from 0 to 1.
    """

    rule_ids = ("incivility-model",)

    def __init__(self, config: dict, source: str, model: IncivilityModel | None = None):
        self.model = model or shipped_model()
        self.thresholds = {
            label: number(config, "incivility", label, source, 0.0, 1.0) for label in self.model.labels if label in config
        }

    def detect(self, text: Text) -> list[Signal]:
        """One signal per label over its threshold, its evidence the word that weighed most."""
        if not self.thresholds:
            return []
        scores = self.model.score(text)
        signals = []
        for label, threshold in self.thresholds.items():
            probability = scores[label]
            if probability < threshold:
                continue
            weighed = self.model.explain(text, label)
            detail = f"{label.replace('_', ' ')} {probability:.2f}"
            if weighed:
                detail += "; weighed most: " + ", ".join(f"'{w.feature}' (+{w.weight:.1f})" for w in weighed)
                start, end, evidence = text.evidence(weighed[0].start, weighed[0].end)
            else:
                start, end, evidence = 0, len(text.original), text.original
            signals.append(Signal("incivility-model", start, end, evidence, detail))
        return signals


__all__ = ["LABELS", "MODEL_FILE", "IncivilityDetector", "IncivilityModel", "Weighed", "features", "read_model", "shipped_model", "word_spans", "words", "write_model"]
