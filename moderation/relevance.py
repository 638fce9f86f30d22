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

import ahocorasick_rs

from .model import Article
from .normalize import Text, normalize
from .settings import number, strings, word_list
from .signal import Signal

_WORD = re.compile(r"[a-z][a-z']+")
_ORIGINAL_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_STOPWORDS = word_list("stopwords")
_ENDINGS = ("ians", "ian", "ies", "ing", "ers", "ed", "es", "er", "is", "s", "i")


def stem(word: str) -> str:
    """A light stem: possessives and common endings off ("militias" -> "militia", "Iraqi" -> "iraq")."""
    word = word.split("'")[0]
    if word.endswith("ies") and len(word) > 5:
        return word[:-3] + "y"  # "libraries" meets "library"
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
    vocabulary: frozenset
    forms: dict  # each distinctive word as the article spells it -> its stem


class RelevanceDetector:
    """Flags comments that do not bear on the article they are posted under."""

    rule_ids = ("off-topic",)

    def __init__(self, config: dict, source: str):
        self.min_words = int(number(config, "relevance", "min_words", source))
        self.threshold = number(config, "relevance", "threshold", source)
        self.name_weight = number(config, "relevance", "name_weight", source)
        self.title_weight = number(config, "relevance", "title_weight", source)
        self.repeated_weight = number(config, "relevance", "repeated_word_weight", source)
        self.quote_words = int(number(config, "relevance", "quote_words", source))
        post_words = strings(config, "relevance", "post_words", source)
        markers = strings(config, "relevance", "off_topic_markers", source)
        # One Aho-Corasick pass finds both kinds of phrase.
        self._phrases = list(post_words) + list(markers)
        self._is_marker = [False] * len(post_words) + [True] * len(markers)
        self._automaton = ahocorasick_rs.AhoCorasick(self._phrases) if self._phrases else None
        self._stems: dict[str, str] = {}

    def _stem(self, word: str) -> str:
        # Stemming is pure and comments share a vocabulary: remember each word's
        # stem (bounded, so a flood of unique words cannot grow it without limit).
        found = self._stems.get(word)
        if found is None:
            found = stem(word)
            if len(self._stems) < 50_000:
                self._stems[word] = found
        return found

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
        forms = {w: stem(w) for w in set(words) if stem(w) in weights}
        return ArticleProfile(article.title, weights, runs, frozenset(words), forms)

    def _quotes(self, words: list[str], profile: ArticleProfile) -> bool:
        """Whether the comment quotes a run of `quote_words` words of the article."""
        run = 0
        for index, word in enumerate(words):
            run = run + 1 if word in profile.vocabulary else 0
            if run >= self.quote_words and " ".join(words[index - self.quote_words + 1:index + 1]) in profile.quote_runs:
                return True
        return False

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
        refers_to_post = False
        for index, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True) if self._automaton else ():
            if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
                continue
            if self._is_marker[index]:
                first, last, shown = text.evidence(start, end)
                return [Signal("off-topic", first, last, shown, "the comment says it is off topic")]
            refers_to_post = True
        if refers_to_post:
            return []
        distinct = set(words)
        distinct -= _STOPWORDS
        # Words spelled as in the article settle most on-topic comments with set
        # operations alone; only the rest are stemmed ("Iranians" meets "Iran").
        exact = distinct & profile.forms.keys()
        score = sum(profile.weights[profile.forms[w]] for w in {profile.forms[w]: w for w in exact}.values())
        if score >= self.threshold:
            return []
        stems = {self._stem(w) for w in distinct}
        score = sum(profile.weights.get(s, 0) for s in stems)
        if score >= self.threshold:
            return []
        if self._quotes(words, profile):
            return []
        shared = sorted(s for s in stems if s in profile.weights)
        what = f"shares only {', '.join(shared)}" if shared else "shares no distinctive words"
        return [Signal("off-topic", 0, len(text.original), text.original, f"{what} with the article '{profile.title[:60]}' (score {score:g} of {self.threshold:g})")]

