"""The learned civility layer: a linear model over the folded text's words and word pairs (issue #9, item 1).

The model is trained by `train.py` beside this file (scikit-learn, at training
time only) and shipped as `model.json.gz`: for every feature of a fixed
vocabulary its idf and one weight per label. Scoring is pure Python, so the
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
from dataclasses import dataclass
from importlib import resources

from ...normalize import Text
from ...rules.settings import number
from ..signal import Signal

LABELS = ("insult", "threat", "identity_attack", "uncivil")
MODEL_FILE = "model.json.gz"

# A word is letters and digits, with an apostrophe inside ("you're", "don't").
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
# Long comments cost time linear in their words; past this many the rest is not read
# (a comment of 100,000 words is not made more or less civil by its tail).
MAX_WORDS = 2_000


def words(folded: str) -> list[str]:
    """The words of a folded text, in order (at most MAX_WORDS)."""
    found = _WORD.findall(folded)
    return found[:MAX_WORDS] if len(found) > MAX_WORDS else found


def features(folded: str) -> list[str]:
    """The model's features of a folded text: every word, and every pair of neighbouring words joined by a space."""
    tokens = words(folded)
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@dataclass(frozen=True, slots=True)
class Weighed:
    """One feature's pull on a label: the words, their span in the folded text, and the contribution to the log-odds."""

    feature: str
    start: int
    end: int
    weight: float


class IncivilityModel:
    """The shipped model: `score` gives per-label probabilities, `explain` the words behind one label."""

    def __init__(self, data: dict):
        self.labels: tuple[str, ...] = tuple(data["labels"])
        self.version: str = data.get("version", "")
        self.sources_sha256: str = data.get("sources_sha256", "")
        self.suggested_thresholds: dict[str, float] = dict(data.get("thresholds", {}))
        vocabulary = data["vocabulary"]
        idf = data["idf"]
        weights = data["weights"]  # one list per label, aligned with the vocabulary
        self.bias: tuple[float, ...] = tuple(data["bias"])
        # feature -> (idf squared, idf * weight for each label): one lookup per feature when scoring.
        self._table: dict[str, tuple[float, ...]] = {
            feature: (idf[i] * idf[i], *(idf[i] * column[i] for column in weights)) for i, feature in enumerate(vocabulary)
        }
        self.size = len(vocabulary)

    @classmethod
    def load(cls) -> IncivilityModel:
        """The model shipped inside the package (read once; see `shipped_model`)."""
        raw = resources.files(__name__).joinpath(MODEL_FILE).read_bytes()
        return cls(json.loads(gzip.decompress(raw)))

    def logits(self, folded: str) -> tuple[float, ...]:
        """Per-label log-odds for a folded text."""
        table = self._table
        found = [table[f] for f in set(features(folded)) if f in table]
        if not found:
            return self.bias
        norm = math.sqrt(sum(row[0] for row in found))
        sums = [sum(column) for column in zip(*found)][1:]
        return tuple(b + s / norm for b, s in zip(self.bias, sums))

    def score(self, text: Text | str) -> dict[str, float]:
        """Per-label probabilities for a `Text` (or an already folded string)."""
        folded = text.folded if isinstance(text, Text) else text
        return {label: _sigmoid(z) for label, z in zip(self.labels, self.logits(folded))}

    def explain(self, text: Text | str, label: str, top: int = 3) -> list[Weighed]:
        """The features that pushed `label` up most, strongest first, each at its first place in the folded text."""
        folded = text.folded if isinstance(text, Text) else text
        column = 1 + self.labels.index(label)
        table = self._table
        spans: dict[str, tuple[int, int]] = {}
        previous = None
        for count, match in enumerate(_WORD.finditer(folded)):
            if count >= MAX_WORDS:
                break
            spans.setdefault(match.group(), match.span())
            if previous is not None:
                spans.setdefault(f"{previous.group()} {match.group()}", (previous.start(), match.end()))
            previous = match
        present = [(f, table[f]) for f in spans if f in table]
        if not present:
            return []
        norm = math.sqrt(sum(row[0] for _, row in present))
        pulls = sorted(((row[column] / norm, f) for f, row in present if row[column] > 0), reverse=True)[:top]
        return [Weighed(f, *spans[f], round(weight, 2)) for weight, f in pulls]


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
    `insult`, `threat`, `identity_attack`, `uncivil` — probabilities from 0 to 1.
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


__all__ = ["LABELS", "IncivilityDetector", "IncivilityModel", "Weighed", "features", "shipped_model", "words"]
