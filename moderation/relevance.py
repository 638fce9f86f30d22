"""Bearing on the subject: how far a comment shares the article's distinctive vocabulary.

The article is profiled once: its words, lightly stemmed ("Iranian" and
"Iran", "militias" and "militia" meet), weighted by how much they say about
this article: names it uses mid-sentence weigh most, title words next,
words it repeats a little, common English nothing. A comment bears on the
subject when the weights of the distinct stems it shares reach the
threshold, when it refers to the post itself ("the author", "this article"),
or when it quotes a run of the article's words. Short replies are exempt,
and a comment that calls itself off topic is off topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from .errors import RuleFileError
from .model import Article
from .normalize import Text, normalize
from .phrases import word_alternation
from .signal import Signal

_WORD = re.compile(r"[a-z][a-z']+")
_ORIGINAL_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_STOPWORDS = frozenset(
    word
    for line in resources.files(__package__).joinpath("data/stopwords.txt").read_text().splitlines()
    if not line.startswith("#")
    for word in line.split()
)
_ENDINGS = ("ians", "ian", "ies", "ing", "ers", "ed", "es", "er", "is", "s", "i")


def stem(word: str) -> str:
    """A light stem: possessives and common endings off ("militias" -> "militia", "Iraqi" -> "iraq")."""
    word = word.split("'")[0]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class ArticleProfile:
    """An article's distinctive stems with their weights, and its word sequence for quotes."""

    title: str
    weights: dict
    quote_runs: frozenset


class RelevanceDetector:
    """Flags comments that do not bear on the article they are posted under."""

    rule_ids = ("off-topic",)

    def __init__(self, config: dict, source: str):
        self.min_words = int(_number(config, "min_words", source))
        self.threshold = _number(config, "threshold", source)
        self.name_weight = _number(config, "name_weight", source)
        self.title_weight = _number(config, "title_weight", source)
        self.repeated_weight = _number(config, "repeated_word_weight", source)
        self.quote_words = int(_number(config, "quote_words", source))
        self._post_words = _phrase(config, "post_words", source)
        self._off_topic = _phrase(config, "off_topic_markers", source)

    def profile(self, article: Article) -> ArticleProfile:
        """Weights of the article's distinctive stems, computed once per article."""
        body = normalize(article.text).folded
        counts: dict[str, int] = {}
        for word in _WORD.findall(body):
            if word not in _STOPWORDS:
                key = stem(word)
                counts[key] = counts.get(key, 0) + 1
        weights = {key: self.repeated_weight for key, count in counts.items() if count >= 2}
        # Names: capitalised away from the start of a sentence, and not a common word.
        for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z']+|[A-Z]{2,})\b", article.text):
            word = normalize(match.group(1)).folded
            if word not in _STOPWORDS and len(word) > 2:
                weights[stem(word)] = max(weights.get(stem(word), 0), self.name_weight)
        for word in _WORD.findall(normalize(article.title).folded):
            if word not in _STOPWORDS:
                weights[stem(word)] = max(weights.get(stem(word), 0), self.title_weight)
        words = [w for w in _WORD.findall(body)]
        runs = frozenset(" ".join(words[i:i + self.quote_words]) for i in range(len(words) - self.quote_words + 1))
        return ArticleProfile(article.title, weights, runs)

    def detect(self, text: Text, profile: ArticleProfile | None) -> list[Signal]:
        """An off-topic signal when a long enough comment does not bear on the article."""
        if profile is None or not profile.weights:
            return []
        folded = text.folded
        if folded.lstrip().startswith("@"):
            return []  # a reply answers a comment in the thread, not the article
        words = _WORD.findall(folded)
        if len(words) < self.min_words:
            return []
        marker = self._off_topic.search(folded) if self._off_topic else None
        if marker:
            first, last, shown = text.evidence(marker.start(), marker.end())
            return [Signal("off-topic", first, last, shown, "the comment says it is off topic")]
        if self._post_words and self._post_words.search(folded):
            return []
        stems = {stem(w) for w in words if w not in _STOPWORDS}
        score = sum(profile.weights.get(s, 0) for s in stems)
        if score >= self.threshold:
            return []
        if any(" ".join(words[i:i + self.quote_words]) in profile.quote_runs for i in range(len(words) - self.quote_words + 1)):
            return []
        shared = sorted(s for s in stems if s in profile.weights)
        what = f"shares only {', '.join(shared)}" if shared else "shares no distinctive words"
        return [Signal("off-topic", 0, len(text.original), text.original, f"{what} with the article '{profile.title[:60]}' (score {score:g} of {self.threshold:g})")]


def _phrase(config: dict, key: str, source: str) -> re.Pattern | None:
    value = config.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleFileError(source, "must be a list of strings", field=f"relevance.{key}")
    return re.compile(r"(?<!\w)" + word_alternation(tuple(v.lower() for v in value)) + r"(?!\w)") if value else None


def _number(config: dict, key: str, source: str) -> float:
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise RuleFileError(source, "must be a number, 0 or more", field=f"relevance.{key}")
    return float(value)
