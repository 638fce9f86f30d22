"""Look-alike letters from Unicode's confusables data (UTS #39), through the confusable_homoglyphs library.

The hand table in `normalize` covers the look-alikes seen most (Cyrillic,
Greek, small capitals, stroked Latin). Every other script that has letters
shaped like Latin ones (Armenian "օսց", Cherokee "ᎪᏴᏟ", Lisu, Coptic,
Deseret, Canadian syllabics …) is folded by Unicode's own confusables list,
which confusable_homoglyphs ships and keeps current (issue #9: characters
outside the hand list passed as clean).

Scripts that people write whole comments in, whose letters are letters of
their own language (Arabic, Hebrew, the Indic scripts, Thai, CJK, Hangul …),
are left alone: Arabic alef is confusable with "l", but an Arabic comment is
not a disguised English one, and the language check reads it as Arabic.

The data (60 ms and ~16 MB to load) is read on the first character that
needs it, not at start-up: most comments never need it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Unicode character-name prefixes of scripts whose look-alikes are not folded
# here. Cyrillic and Greek are, by the hand table; their other letters ("д",
# "ж", "λ") are letters of Russian or Greek, as in the rules' own Russian spam phrases.
_OWN_LANGUAGE_SCRIPTS = ("CYRILLIC", "GREEK",
    "ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL",
    "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI", "LAO", "TIBETAN", "MYANMAR", "KHMER", "ETHIOPIC", "HANGUL",
    "HIRAGANA", "KATAKANA", "CJK", "BOPOMOFO", "YI ", "MONGOLIAN",
)


@lru_cache(maxsize=None)
def _library():
    from confusable_homoglyphs import confusables  # loaded on first use (see the module docstring)

    return confusables


def latin_lookalike(char: str) -> str | None:
    """The Latin letter (or short run of letters) `char` is confused with, per UTS #39; None when it is no look-alike."""
    if char.isascii() or unicodedata.name(char, "").startswith(_OWN_LANGUAGE_SCRIPTS):
        return None
    found = _library().is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if not found:
        return None
    candidates = [glyph["c"] for glyph in found[0]["homoglyphs"]]
    if candidates == ["l"]:
        # UTS #39 folds every upright stroke (l, I, 1, |) to "l", so the shape
        # alone does not say which letter was meant ("ꓲ", Coptic "Ⲓ"). Read it as
        # the digit 1, which the matcher already reads either way ("sh1t", "he11").
        return "1"
    for candidate in candidates:
        if candidate.isascii() and candidate.isalpha():
            return candidate.lower()
    # Some point only at another Latin look-alike ("ꭺ" -> small capital "ᴀ"): the caller folds that one.
    for candidate in candidates:
        if len(candidate) == 1 and unicodedata.name(candidate, "").startswith("LATIN"):
            return candidate
    return None
