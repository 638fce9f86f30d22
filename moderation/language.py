"""Not in English: a comment a moderator must read, judged by script and by common English words.

Non-native English is full of English function words ("People there is not
thinking about Obama"), so it passes; French, Spanish or German prose has
almost none, and Cyrillic, Arabic or CJK text has no Latin letters at all.
"""

from __future__ import annotations

import re

from .normalize import Text
from .settings import number, word_list
from .signal import Signal

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_ENGLISH = word_list("stopwords") | word_list("short_words")


_LINKS = re.compile(r"\S*(?:https?://|www\.)\S*")
# A few words in another script already show the language; Latin-script text
# needs `min_words` before the share of English words means anything.
_MIN_SCRIPT_WORDS = 4
_COMMONEST = (" the ", " and ", " to ", " of ", " is ", " a ", " in ", " that ", " it ", " you ", " for ", " not ")


class LanguageDetector:
    """Flags comments that are not written in English."""

    rule_ids = ("non-english",)

    def __init__(self, config: dict, source: str):
        self.min_words = int(number(config, "language", "min_words", source))
        self.min_english_share = number(config, "language", "min_english_share", source)

    def detect(self, text: Text) -> list[Signal]:
        """A non-english signal over the whole comment, or nothing."""
        original = text.original
        if original.isascii() and len(original) < 40:
            return []
        # Plainly English prose is settled by its commonest words, counted in C.
        folded = text.folded
        if original.isascii() and sum(folded.count(w) for w in _COMMONEST) * 40 >= len(folded):
            return []
        words = _WORD.findall(_LINKS.sub(" ", original.lower()))
        if len(words) < _MIN_SCRIPT_WORDS:
            return []
        latin = sum(1 for w in words if w.isascii() or all(ord(c) < 0x250 for c in w))
        if latin < len(words) / 2:
            detail = "written mostly in a non-Latin script"
        else:
            english = sum(1 for w in words if w in _ENGLISH)
            if len(words) < self.min_words or english >= self.min_english_share * len(words):
                return []
            detail = f"only {english} of {len(words)} words are common English words"
        return [Signal("non-english", 0, len(original), original, detail)]

