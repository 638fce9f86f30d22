"""Not in English: a comment a moderator must read, judged by its script and its commonest words.

Every language leans on a few short words. English prose, broken English
included ("My cousin say the army is not trusting them"), is full of "the",
"and", "that", "they"; French, Spanish or German prose is full of its own
("les", "que", "und") and has almost none of ours. So a comment in Latin
letters is judged by which of those words it uses, and a comment mostly in
another script (Cyrillic, Arabic, CJK …) by its letters. Short comments,
emojis and lists of names say too little and are left alone.
"""

from __future__ import annotations

import re
from importlib import resources

from ..normalization import Text
from ..rules.settings import number, word_list
from .signal import Signal

FUNCTION_WORDS = word_list("function_words")
# Function words that other Latin-script languages also use ("in", "is",
# "was", "me", "on", "so", "die"...): they show nothing about the language.
_SHARED_WITH_OTHER_LANGUAGES = frozenset(
    "a also am an as at do for he her i in is me mine no on over per so to under was we will".split()
)
_ENGLISH = FUNCTION_WORDS - _SHARED_WITH_OTHER_LANGUAGES
# Telegraphic English (adverts, headlines) has few function words but plenty
# of everyday ones; a language with no list of its own has neither.
_EVERYDAY_WORDS = FUNCTION_WORDS | word_list("common_words")
_INFLECTIONS = (
    ("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("est", ""), ("est", "e"),
    ("er", ""), ("er", "e"), ("ly", ""), ("ily", "y"),
)
_LANGUAGE_NAMES = {
    "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "pl": "Polish", "sv": "Swedish", "no": "Norwegian", "tr": "Turkish", "id": "Indonesian",
    "ro": "Romanian", "cs": "Czech",
}

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Links and @handles are not prose in any language.
# A link is tried only where a word starts: tried at every character, a long
# word with no link in it is read to its end from each one (issue #11).
_NOT_PROSE = re.compile(r"@\w+|(?<!\S)\S*(?:://|www\.)\S*")
_LETTER = re.compile(r"[^\W\d_]")
# Letters of scripts other than Latin that a comment may be written in.
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff"
    r"\u0e00-\u0e7f\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)
# English prose of any length has one of these every few dozen characters:
# counting them in C settles most comments before any word is split out.
# ("in", "is", "was", "to" are left out: Dutch, German and Polish use them too.)
_COMMONEST = (
    " the ", " and ", " of ", " that ", " it ", " you ", " this ", " not ", " are ", " they ", " be ", " have ",
    " with ", " but ", " what ", " would ",
)
_CHARS_PER_COMMON_WORD = 50
# Only a comment with fewer English function words than this share is checked
# word by word for everyday English (the check is slow, and English prose is
# always above it).
_FEW = 0.1


def _foreign_words() -> dict[str, tuple[str, ...]]:
    """Each listed word of another language, with the codes of the languages it belongs to."""
    listing = resources.files("moderation").joinpath("data/foreign_words.txt").read_text(encoding="utf-8")
    languages: dict[str, list[str]] = {}
    for line in listing.splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        code, words = line.split(":", 1)
        for word in words.split():
            languages.setdefault(word, []).append(code.strip())
    return {word: tuple(codes) for word, codes in languages.items()}


_FOREIGN = _foreign_words()


def common_words_of(code: str) -> frozenset[str]:
    """The listed common words of one other language ("de": der, das, und, ist ...)."""
    return frozenset(word for word, codes in _FOREIGN.items() if code in codes)


class LanguageDetector:
    """Flags comments that are not written in English."""

    rule_ids = ("non-english",)

    def __init__(self, config: dict, source: str):
        self.min_words = int(number(config, "language", "min_words", source, low=1))
        self.min_foreign_share = number(config, "language", "min_foreign_share", source, high=1)
        self.unknown_language_min_words = int(number(config, "language", "unknown_language_min_words", source, low=1))
        self.min_english_share = number(config, "language", "min_english_share", source, high=1)
        self.min_other_script_share = number(config, "language", "min_other_script_share", source, high=1)
        self.min_other_script_letters = int(number(config, "language", "min_other_script_letters", source, low=1))

    def detect(self, text: Text) -> list[Signal]:
        """A non-english signal over the whole comment, or nothing."""
        original, folded = text.original, text.folded
        if _full_of_commonest_words(folded):
            return []
        if not original.isascii():
            detail = self._other_script(original)
            if detail:
                return [Signal("non-english", 0, len(original), original, detail)]
        if "@" in folded or "/" in folded or "www." in folded:
            folded = _NOT_PROSE.sub(" ", folded)
        words = _WORD.findall(folded)
        if len(words) < self.min_words:
            return []
        english = sum(1 for word in words if word in _ENGLISH)
        foreign = [word for word in words if word in _FOREIGN]
        if len(foreign) > english and len(foreign) >= self.min_foreign_share * len(words):
            detail = f"{len(foreign)} of its {len(words)} words are common {_language_of(foreign)}, {english} common English ones"
        elif english < _FEW * len(words) and self._lacks_english(words):
            detail = "almost none of its words are everyday English words"
        else:
            return []
        return [Signal("non-english", 0, len(original), original, detail)]

    def _lacks_english(self, words: list[str]) -> bool:
        # Letters and syllables ("F U C K", "ha ha ha") are no language at all.
        words = [word for word in words if len(word) > 2]
        if len(words) < self.unknown_language_min_words:
            return False
        known = sum(1 for word in words if is_everyday_english(word))
        return known < self.min_english_share * len(words)

    def _other_script(self, original: str) -> str:
        other = len(_OTHER_SCRIPT.findall(original))
        if other < self.min_other_script_letters:
            return ""
        letters = len(_LETTER.findall(original))
        if other < self.min_other_script_share * letters:
            return ""
        return f"{other} of its {letters} letters are in a script other than Latin"


def _full_of_commonest_words(folded: str) -> bool:
    """Whether the commonest English words turn up every few dozen characters, as in English prose."""
    # Five are plenty in a long comment: no other language uses them so.
    needed = min(len(folded) / _CHARS_PER_COMMON_WORD, 5)
    for word in _COMMONEST:
        needed -= folded.count(word)
        if needed <= 0:
            return True
    return False


def reads_as_english(folded: str) -> bool:
    """Whether folded text has enough English function words to be read as English (a quick test)."""
    if _full_of_commonest_words(folded):
        return True
    words = _WORD.findall(folded)
    return sum(1 for word in words if word in _ENGLISH) >= _FEW * len(words)


def is_everyday_english(word: str) -> bool:
    """Whether a lowercase `word`, or it less a plural, tense or adverb ending, is an everyday English word."""
    if word in _EVERYDAY_WORDS:
        return True
    for end, put in _INFLECTIONS:
        if word.endswith(end):
            base = word[: -len(end)]
            # "winning", "stopped": a doubled last letter goes with the ending.
            if base + put in _EVERYDAY_WORDS or (len(base) > 2 and base[-1] == base[-2] and base[:-1] in _EVERYDAY_WORDS):
                return True
    return False


def _language_of(words: list[str]) -> str:
    """'French words' when most of `words` belong to French alone; 'words of another language' when unclear."""
    votes: dict[str, int] = {}
    for word in words:
        codes = _FOREIGN[word]
        if len(codes) == 1:  # "de" is French, Spanish, Portuguese ...: it names none of them
            votes[codes[0]] = votes.get(codes[0], 0) + 1
    ranked = sorted(votes.values(), reverse=True) + [0, 0]
    if ranked[0] < 2 or ranked[0] == ranked[1]:
        return "words of another language"
    best = max(votes, key=votes.__getitem__)
    return f"{_LANGUAGE_NAMES.get(best, best)} words"
