"""Bearing on the subject: whether a comment shares the article's distinctive vocabulary.

The article is profiled once. Its words are lightly stemmed ("Iranian" and
"Iran", "militias" and "militia" meet) and weighed by what they say about
this article: its names (and other names of the same places, "Tehran" for
Iran) most, then its title words and its less common words, while everyday
English ("time", "people", "state") weighs little or nothing. Words of a news
field the article is about (war, diplomacy, religion ...) weigh a little too,
so "they will turn those weapons on our soldiers" bears on an article about a war.

A comment bears on the subject when the weights of the different stems it
shares reach the threshold, when it quotes a run of the article's words, or
when it refers to the post itself ("the author", "this article") or to the
comment rules. Short comments and replies to other commenters are exempt; a
comment that calls itself off topic is off topic whatever it shares.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import ahocorasick_rs

from ..errors import RuleFileError
from ..model import Article
from ..normalization import Text, normalize
from ..rules.settings import number, strings
from .language import FUNCTION_WORDS, is_everyday_english, reads_as_english
from .edits import one_edit_apart, one_letter_dropped
from .signal import Signal
from .vulgarity.words import english_words

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MENTION = re.compile(r"(?<![\w@])@\w")
# A comment that opens on a handle answers that commenter, as one sent with a
# parent_id does, on platforms that thread by mention: even one that says it is off topic.
_OPENS_ON_A_HANDLE = re.compile(r"\s*@\w")
_LINK = re.compile(r"\S*(?:://|www\.)\S*")
_QUOTED = re.compile(r'"([^"]{12,})"')
# Bounded: a quote is a sentence or two, and an unbounded search from every opening mark
# would read a comment of stray apostrophes in the square of its length (issue #11).
_SINGLE_QUOTED = re.compile(r"(?<![a-z0-9])'([^']{12,400}?)'(?![a-z0-9])")  # folding makes every double quotation mark '"'
_STEM_CACHE_LIMIT = 50_000
_TITLE_SHOWN = 60

_SUFFIXES = (
    "ings", "ing", "ians", "ian", "ists", "ist", "isms", "ism", "ments", "ment", "ions", "ion",
    "ical", "ics", "ic", "ies", "ers", "er", "ed", "es", "ans", "an", "ish", "ity", "ive", "s",
)
# Endings after which a final vowel goes too: "Syria"/"Syrian", "militia"/"militias".
_NOUN_ENDINGS = frozenset(("ians", "ian", "ans", "an", "ies", "es", "s", ""))
# Endings that make a new word ("jihadist"): they need a longer stem ("assist" keeps its "ist").
_DERIVATIONAL = frozenset(("ists", "ist", "isms", "ism", "ments", "ment", "ions", "ion", "ical", "ics", "ic", "ity", "ive"))


def stem(word: str) -> str:
    """A light stem: possessive, one common ending and final vowels off ("Iranians" -> "iran", "Iraqi" -> "iraq")."""
    word = original = word.split("'", 1)[0]
    removed = ""
    for suffix in _SUFFIXES:
        shortest = 4 if suffix in _DERIVATIONAL else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest and not (suffix == "s" and _keeps_its_s(word)):
            word, removed = word[: -len(suffix)], suffix
            break
    if removed in _NOUN_ENDINGS:
        # "Syria"/"Syrian" and "America"/"American" differ in a final vowel once the ending is off.
        while len(word) > 3 and word[-1] in "aeiouy":
            word = word[:-1]
    if word in FUNCTION_WORDS and word != original:
        # "allies" and "areas" are not "all" and "are": keep the singular.
        return original[:-3] + "y" if original.endswith("ies") else original.removesuffix("s")
    return word


def _keeps_its_s(word: str) -> bool:
    # "witness", "status", "basis" and "ISIS" are not plurals; "Iraqis" and "Sunnis" are.
    return word[-2] in "su" or (word[-2] == "i" and len(word) <= 5)


def _data_lines(name: str) -> list[str]:
    listing = resources.files("moderation").joinpath(f"data/{name}.txt").read_text(encoding="utf-8")
    return [line for line in listing.splitlines() if line.strip() and not line.startswith("#")]


# Other names of one place or group: "iran iranian persia tehran ...".
_NAME_GROUPS = tuple(tuple(line.split()) for line in _data_lines("name_groups"))
# Fields of news vocabulary: "war: war fight battle enemy ...".
_FIELDS = tuple(tuple(line.split(":", 1)[1].split()) for line in _data_lines("topic_fields"))
# Subject fields (subject_fields.txt): (is a field of names, its entries), an entry
# being a word, a Capitalised word (counts only so written) or a phrase of words joined by "_".
def _subject_field(line: str) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """(is a field of names, the words that mark its subject area, its entries) of one line of subject_fields.txt."""
    head, _, entries = line.partition(":")
    name, _, marks = head.partition("(")
    return (
        name.strip().endswith("+names"),
        tuple(marks.rstrip(") ").split()),
        tuple(entry.replace("_", " ") for entry in entries.split()),
    )


_SUBJECT_FIELDS = tuple(_subject_field(line) for line in _data_lines("subject_fields"))


@dataclass(frozen=True)
class ArticleProfile:
    """What relevance needs of one article, computed once: weighed stems, names, quotable runs."""

    title: str
    # Stem -> weight of each word that says something about the article.
    weights: Mapping[str, float]
    # Names that are also everyday words ("Lake"): they count only when a comment writes
    # that very word with a capital ("Lake's reporting", not "the lake" nor "the Lakers").
    capital_names: frozenset[str]
    capital_name_words: frozenset[str]
    # One Aho-Corasick automaton finds, in a single pass over a comment, the
    # article's stems, its multi-word names and the words that refer to the
    # post; kinds[i] is (kind, value) of pattern i.
    automaton: ahocorasick_rs.AhoCorasick = field(compare=False, repr=False)
    kinds: tuple[tuple[str, str], ...] = field(compare=False, repr=False)
    # Every run of `quote_words` words of the article, joined by spaces.
    quotes: frozenset[str] = field(compare=False, repr=False)
    # Phrases of the subject fields the article belongs to ("war powers") -> weight.
    phrase_weights: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)
    # The article's weighed words of TYPO_MIN_LENGTH letters or more, and each of them with
    # one letter dropped, -> (the word, its stem): a comment's misspelling ("embasy") is
    # one letter off one of them.
    near: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, compare=False, repr=False)


class RelevanceDetector:
    """Flags comments that do not bear on the article they are posted under."""

    rule_ids = ("off-topic",)

    def __init__(self, config: dict, source: str):
        self.min_words = int(number(config, "relevance", "min_words", source, low=1))
        # Categories of other rules that mark a comment as bearing on the discussion
        # whatever its words: talk about the site's own comment policy (meta_policy).
        self.on_topic_categories = frozenset(strings(config, "relevance", "on_topic_categories", source))
        self.threshold = number(config, "relevance", "threshold", source, low=0.1)
        self.name_weight = number(config, "relevance", "name_weight", source)
        self.title_weight = number(config, "relevance", "title_weight", source)
        self.title_everyday_weight = number(config, "relevance", "title_everyday_weight", source)
        self.word_weight = number(config, "relevance", "word_weight", source)
        self.repeated_word_weight = number(config, "relevance", "repeated_word_weight", source)
        self.repeated_min = int(number(config, "relevance", "repeated_min_count", source, low=2))
        self.common_word_weight = number(config, "relevance", "common_word_weight", source)
        self.common_min = int(number(config, "relevance", "common_min_count", source, low=1))
        self.field_weight = number(config, "relevance", "field_word_weight", source)
        self.field_min = int(number(config, "relevance", "field_min_count", source, low=1))
        self.quote_words = int(number(config, "relevance", "quote_words", source, low=2))
        self.marker_window = int(number(config, "relevance", "off_topic_marker_window", source, low=1))
        self._post_phrases = tuple(normalize(p).folded for p in strings(config, "relevance", "post_words", source))
        markers = strings(config, "relevance", "off_topic_markers", source)
        if not markers:
            raise RuleFileError(source, "must list at least one phrase", field="relevance.off_topic_markers")
        self._markers = ahocorasick_rs.AhoCorasick(
            [normalize(marker).folded for marker in markers], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
        self.background = frozenset(stem(name) for name in strings(config, "relevance", "background_names", source))
        self._stems: dict[str, str] = {}

    def profile(self, article: Article) -> ArticleProfile:
        """Weights of the article's distinctive stems and its quotable runs, computed once per article."""
        body = normalize(article.text).folded
        body_words = _WORD.findall(body)
        title_words = [w for w in _WORD.findall(normalize(article.title).folded) if w not in FUNCTION_WORDS]
        content = [w for w in body_words if w not in FUNCTION_WORDS] + title_words
        counts = Counter(stem(w) for w in content)
        everyday = {stem(w) for w in content if is_everyday_english(w)}
        names, phrases = _names(article.text)
        weights: dict[str, float] = {}
        sources = set(content)  # every word whose stem may be weighed, as written
        for words in _FIELDS:
            if sum(1 for key in {stem(word) for word in words} if key in counts) >= self.field_min:
                weights.update((stem(word), self.field_weight) for word in words)
                sources.update(words)
        capital_fields: dict[str, set[str]] = {}
        phrase_weights: dict[str, float] = {}
        for as_names, marks, entries in _SUBJECT_FIELDS:
            # A field the article belongs to: it uses `field_min` of its marks and entries.
            used = {stem(word.lower()) for word in (*marks, *entries) if " " not in word and stem(word.lower()) in counts}
            used.update(phrase for phrase in entries if " " in phrase and f" {phrase} " in f" {body} ")
            if len(used) < self.field_min:
                continue
            weight = self.name_weight if as_names else self.field_weight
            for entry in entries:
                if " " in entry:
                    phrase_weights[entry] = max(phrase_weights.get(entry, 0), weight)
                    continue
                word = entry.lower()
                weights[stem(word)] = max(weights.get(stem(word), 0), weight)
                sources.add(word)
                if entry != word:  # "Surge", "Hill": only with a capital
                    capital_fields.setdefault(stem(word), set()).add(word)
        for key, count in counts.items():
            if len(key) < 3 or key.isdigit() or key in FUNCTION_WORDS:
                continue  # "al" of al-Amiri, numbers, and stems such as "are" of "areas" say nothing
            if key in self.background or key not in names and key in everyday:
                weight = self.common_word_weight if count >= self.common_min else 0
            elif key in names:
                weight = self.name_weight
            else:
                weight = self.repeated_word_weight if count >= self.repeated_min else self.word_weight
            weights[key] = max(weights.get(key, 0), weight)
        for word in title_words:
            weight = self.title_everyday_weight if is_everyday_english(word) else self.title_weight
            weights[stem(word)] = max(weights.get(stem(word), 0), weight)
        capital_names = {key: {word} for key, word in names.items() if is_everyday_english(word)}
        for key, words in capital_fields.items():
            if key not in names:  # the article's own name ("Lake") keeps its own form
                capital_names.setdefault(key, set()).update(words)
        # Other names of the places and groups the article names ("Tehran" for "Iran").
        for group in _NAME_GROUPS:
            if any(stem(word) in names and stem(word) not in self.background for word in group):
                sources.update(group)
                for word in group:
                    weights[stem(word)] = self.name_weight
                    if is_everyday_english(word):  # "Jordan", "Turkey": names only with a capital
                        capital_names.setdefault(stem(word), set()).add(word)
        weights = {key: weight for key, weight in weights.items() if weight > 0 and key not in FUNCTION_WORDS}
        # A pattern that is two kinds at once keeps the first kind given here.
        patterns: dict[str, tuple[str, str]] = {}
        for phrase in self._post_phrases:
            patterns.setdefault(phrase, ("post", phrase))
        for phrase in phrases:
            patterns.setdefault(phrase, ("name", phrase))
        for phrase in phrase_weights:
            patterns.setdefault(phrase, ("phrase", phrase))
        for key in weights:
            patterns.setdefault(key, ("stem", key))
        # A stem is found as the start of a comment's word, but "ally" does not start "allies".
        for word in sources:
            key = stem(word)
            if key in weights:
                for form in (word, word[:-1] + "ies") if word.endswith("y") else (word,):
                    if not form.startswith(key):
                        patterns.setdefault(form, ("stem", key))
        near: dict[str, list[tuple[str, str]]] = {}
        for word in sources:
            key = stem(word)
            if len(word) >= TYPO_MIN_LENGTH and key in weights:
                for variant in {word, *one_letter_dropped(word)}:
                    entries = near.setdefault(variant, [])
                    if (word, key) not in entries:
                        entries.append((word, key))
        size = self.quote_words
        return ArticleProfile(
            title=article.title.strip(),
            weights=MappingProxyType(weights),
            capital_names=frozenset(capital_names),
            capital_name_words=frozenset(word for words in capital_names.values() for word in words),
            # Leftmost-longest: "the post" is read as itself, not as the stem "post". A DFA
            # scans fastest, and for a few hundred patterns it stays small.
            automaton=ahocorasick_rs.AhoCorasick(
                list(patterns), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest, implementation=ahocorasick_rs.Implementation.DFA
            ),
            kinds=tuple(patterns.values()),
            quotes=frozenset(" ".join(body_words[i : i + size]) for i in range(len(body_words) - size + 1)),
            phrase_weights=MappingProxyType(phrase_weights),
            near=MappingProxyType({variant: tuple(entries) for variant, entries in near.items()}),
        )

    def detect(self, text: Text, profile: ArticleProfile | None) -> list[Signal]:
        """An off-topic signal when a long enough comment does not bear on the article."""
        if profile is None or not profile.weights:
            return []
        folded, original = text.folded, text.original
        if _OPENS_ON_A_HANDLE.match(folded):
            return []  # "@jo Off topic, but congratulations on the puppy": it answers that commenter
        marker = self._declared_off_topic(folded)
        if marker:
            first, last, shown = text.evidence(*marker)
            return [Signal("off-topic", first, last, shown, f"the comment says itself that it is off topic ('{shown}')")]
        if len(folded.split(None, self.min_words)) <= self.min_words or ("@" in folded and _MENTION.search(folded)):
            return []  # short reactions, and replies that answer a commenter rather than the article
        if ("://" in folded or "www." in folded) and len(_LINK.sub(" ", folded).split()) < self.min_words:
            return []  # a link with a few words of caption: the link is judged elsewhere
        shared: dict[str, str] = {}  # stem or name -> the comment's word for it
        score = 0.0
        for index, start, end in profile.automaton.find_matches_as_indexes(folded):
            if start > 0 and folded[start - 1].isalnum():
                continue  # a pattern must start where a word starts
            kind, value = profile.kinds[index]
            if kind == "stem":
                word = _WORD.match(folded, start).group()
                key = self._stem(word)
                if key in shared or key not in profile.weights or word in FUNCTION_WORDS:
                    continue
                if key in profile.capital_names:
                    word = word.split("'", 1)[0]
                    if word not in profile.capital_name_words or word.capitalize() not in original:
                        continue
                shared[key] = text.evidence(start, start + len(word))[2]
                score += profile.weights[key]
            elif end < len(folded) and folded[end].isalnum():
                continue  # ... and a phrase must end where a word ends
            elif kind == "post":
                return []  # it talks about the post or the comment rules
            elif value not in shared:
                shared[value] = value
                score += profile.phrase_weights[value] if kind == "phrase" else self.name_weight
            if score >= self.threshold:
                return []
        for key, word in self._misspelt(folded, profile, shared):
            shared[key] = word
            score += profile.weights[key]
            if score >= self.threshold:
                return []
        # Quotes are looked for between quotation marks only: a comment that quotes
        # without them nearly always names the article's people and places as well.
        if '"' in folded and any(self._quotes(_WORD.findall(quoted), profile) for quoted in _QUOTED.findall(folded)):
            return []
        # ... or between single ones: 'The worst is yet to come.' (an apostrophe inside a word ends no quote).
        if (" '" in folded or folded.startswith("'")) and any(
            self._quotes(_WORD.findall(quoted), profile) for quoted in _SINGLE_QUOTED.findall(folded)
        ):
            return []
        if not reads_as_english(folded) or _mostly_other_script(original):
            return []  # the language check holds it; its words cannot be weighed against the article's
        if shared:
            found = ", ".join(f"'{word}'" for word in shared.values())
            what = f"shares only {found} (weight {score:g} of {self.threshold:g}) with"
        else:
            what = "shares no distinctive words with"
        title = profile.title if len(profile.title) <= _TITLE_SHOWN else profile.title[:_TITLE_SHOWN].rstrip() + "…"
        return [Signal("off-topic", 0, len(original), original, f"{what} the article '{title}'")]

    @staticmethod
    def _misspelt(folded: str, profile: ArticleProfile, shared: dict[str, str]):
        """(stem, word) for each word of the comment that is an article word misspelt by one letter.

        "Wierd how the embasy didnt deny it": "embasy" is "embassy" with a letter
        dropped. A word English has (Zipf 3 and over: "forced" beside "forces") is
        taken as written, and short words are too near too many others.
        """
        if not profile.near:
            return
        known = english_words()
        for match in _WORD.finditer(folded):
            word = match.group()
            if len(word) < TYPO_MIN_LENGTH or known.get(word, _UNKNOWN_TIER) <= _COMMON_TIER:
                continue
            for variant in {word, *one_letter_dropped(word)}:
                for source, key in profile.near.get(variant, ()):
                    if key not in shared and source != word and one_edit_apart(source, word):
                        yield key, word  # the caller records it in `shared` before this goes on

    def _quotes(self, words: list[str], profile: ArticleProfile) -> bool:
        """Whether the comment repeats a run of the article's words that says something.

        The run must be `quote_words` words or longer and hold two words that are
        not function words: "the worst is yet to come" does, "in the face of" does not.
        """
        size = self.quote_words
        start: int | None = None
        for index in range(len(words) - size + 1):
            if " ".join(words[index : index + size]) not in profile.quotes:
                start = None
                continue
            start = index if start is None else start
            if sum(1 for word in words[start : index + size] if word not in FUNCTION_WORDS) >= 2:
                return True
        return False

    def _declared_off_topic(self, folded: str) -> tuple[int, int] | None:
        """Where, near its start, the comment says it is off topic ("Off topic, but ..."), if it does."""
        window = folded[: self.marker_window + 20]
        for _, start, end in self._markers.find_matches_as_indexes(window):
            if start >= self.marker_window or _inside_word(window, start, end):
                continue
            if window[max(0, start - 4) : start] in ("not ", "n't "):
                continue  # "this is not off topic"
            return start, end
        return None

    def _stem(self, word: str) -> str:
        # Comments share a vocabulary: remember each word's stem, up to a bound
        # so that a flood of unique words cannot grow the table without limit.
        found = self._stems.get(word)
        if found is None:
            found = stem(word)
            if len(self._stems) < _STEM_CACHE_LIMIT:
                self._stems[word] = found
        return found


_CAPITALISED_RUN = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”(\[]\s*|\n\s*)$")


def _names(text: str) -> tuple[dict[str, str], set[str]]:
    """The article's names (stem -> word) and its multi-word names made of everyday words.

    A name is a word capitalised mid-sentence that is not an everyday word
    ("Amiri", "Iraqi"), or an everyday word capitalised standing alone and never
    written in lowercase ("told Lake"); "State" in "Islamic State" is not one,
    but "Human Rights Watch" is a name as a whole.
    """
    names: dict[str, str] = {}
    phrases: set[str] = set()
    lowercase = set(re.findall(r"(?<![\w'’-])[a-z]+", text))
    for run in _CAPITALISED_RUN.finditer(text):
        parts = [normalize(part).folded.split("'")[0] for part in run.group().split()]
        if _SENTENCE_START.search(text, max(0, run.start() - 3), run.start()):
            parts = parts[1:]  # a capital that only starts a sentence says nothing
        for part in parts:
            if part in FUNCTION_WORDS:
                continue
            if not is_everyday_english(part) or (len(parts) == 1 and part not in lowercase):
                names[stem(part)] = part
        if len(parts) > 1 and all(is_everyday_english(part) for part in parts):
            phrases.add(" ".join(parts))
    return names, phrases


def _mostly_other_script(original: str) -> bool:
    """Whether a third or more of the comment is outside ASCII (Cyrillic, Arabic, CJK ...)."""
    return not original.isascii() and len(_NON_ASCII.findall(original)) * 3 >= len(original)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _inside_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] begins or ends in the middle of a word."""
    return (start > 0 and text[start].isalnum() and text[start - 1].isalnum()) or (
        end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    )


# A comment word this long or longer may be an article word misspelt.
TYPO_MIN_LENGTH = 6
_COMMON_TIER = 2  # english_words' tiers 0-2: Zipf 3 and over, a word as written
_UNKNOWN_TIER = 9

