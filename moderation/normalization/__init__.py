"""Fold a comment to plain lowercase ASCII letters while keeping a map back to the original.

Every detector reads `Text.folded`, and every span it reports is mapped back
with `Text.span`, so evidence always points into what the commenter wrote
(STYLE example 5). Folding undoes the disguises that live in single
characters: case, accents and combining marks, look-alike letters from other
alphabets (Cyrillic, Greek, fullwidth, mathematical, enclosed, superscript,
small capitals), invisible characters (zero-width, soft hyphen, direction
marks) and right-to-left overrides that show reversed letters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .confusables import latin_lookalike

# Letters that look like Latin ones but do not decompose to them. NFKD covers
# fullwidth, mathematical, enclosed and superscript forms; these it does not.
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j",
    "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ь": "b", "ү": "y", "ɡ": "g", "п": "n",
    "и": "u", "г": "r", "ԍ": "g", "ꙇ": "i", "ꮃ": "w",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "σ": "o", "μ": "u", "ϲ": "c",
    "ϳ": "j", "ɩ": "i", "ϝ": "f",  # digamma, archaic: no word of modern Greek has it
    # Latin letters without a decomposition
    "ı": "i", "ĸ": "k", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƒ": "f", "ɑ": "a", "ɢ": "g",
    "ſ": "s", "ß": "ss", "æ": "ae", "œ": "oe", "ð": "d", "þ": "p", "ŀ": "l", "ƚ": "l",
    "ɪ": "i", "ʏ": "y", "ʀ": "r", "ʜ": "h", "ʟ": "l", "ɴ": "n", "ʙ": "b", "ᴀ": "a", "ᴄ": "c",
    "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ǝ": "e", "ɐ": "a", "ɯ": "m", "ʊ": "u",
    # Latin letters with a stroke or hook, which do not decompose either
    "ƀ": "b", "ɓ": "b", "ƃ": "b", "ƈ": "c", "ȼ": "c", "ɗ": "d", "ƌ": "d", "ɇ": "e", "ǥ": "g", "ɠ": "g",
    "ɦ": "h", "ɨ": "i", "ɉ": "j", "ƙ": "k", "ꝁ": "k", "ɱ": "m", "ɲ": "n", "ƞ": "n", "ƥ": "p", "ᵽ": "p",
    "ʠ": "q", "ɍ": "r", "ɽ": "r", "ʂ": "s", "ȿ": "s", "ƭ": "t", "ʈ": "t", "ʉ": "u", "ʋ": "v", "ⱳ": "w",
    "ɏ": "y", "ƴ": "y", "ƶ": "z", "ȥ": "z",
    "¡": "i",  # an inverted exclamation mark reads as an "i"
    # Latin-shaped letters that Unicode's confusables data does not list.
    "ⲁ": "a", "ᑕ": "c", "ᑎ": "n", "ᗩ": "a", "ᗪ": "d", "ᒪ": "l", "©": "c", "®": "r",
    # Canadian syllabics as "fancy text" generators use them for the letters they resemble
    "ᔕ": "s", "ᗯ": "w", "ᗰ": "m", "ᒍ": "j", "ᑫ": "q", "ᘔ": "z", "ᘜ": "g", "ᗴ": "e",
    # Runes read as the letters they stand for (runic "fancy text"; nobody writes English in runes)
    "ᚨ": "a", "ᛒ": "b", "ᚲ": "k", "ᛞ": "d", "ᚠ": "f", "ᚺ": "h", "ᚻ": "h", "ᛃ": "j", "ᛚ": "l", "ᛗ": "m",
    "ᚾ": "n", "ᚿ": "n", "ᛟ": "o", "ᛈ": "p", "ᚱ": "r", "ᛋ": "s", "ᛊ": "s", "ᛏ": "t", "ᚢ": "u", "ᚹ": "w", "ᛉ": "z",
    # Georgian capital and Nuskhuri "char", shaped like an S
    "Ⴝ": "s", "ⴝ": "s",
    # Symbols standing in for letters or for the mask asterisk
    "€": "e", "£": "l", "¢": "c", "¥": "y", "∪": "u", "∩": "n", "×": "x", "√": "v",
    "∗": "*", "⁎": "*", "✱": "*", "✲": "*", "✳": "*", "❋": "*", "★": "*", "☆": "*", "•": "*",
    "‑": "-", "‐": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
}

# Characters that show nothing, or only steer direction: dropped entirely.
_INVISIBLE_CATEGORIES = {"Mn", "Me", "Cf"}
_INVISIBLE_EXTRA = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u180e"}

# Right-to-left overrides show the letters after them reversed ("kcuf" reads "fuck").
_RLO, _RLE, _PDF, _PDI = "\u202e", "\u202b", "\u202c", "\u2069"


class _FoldTable(dict):
    """str.translate table built lazily: each code point folds once, then is cached."""

    def __missing__(self, codepoint: int) -> str:
        value = _fold_char(chr(codepoint))
        self[codepoint] = value
        return value


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    lower = char.lower()
    if lower in _LOOKALIKES:
        return _LOOKALIKES[lower]
    if char in _INVISIBLE_EXTRA or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return ""
    name = unicodedata.name(char, "")
    if name.startswith(_LETTER_BY_NAME):
        # Old Italic letters ("𐌔𐌇𐌉𐌕") and insular Latin ones ("ꞅ", "ꞇ", "ꝼ") stand for the letter they are named for.
        letter = _NAMED_LETTERS.get(name.rsplit(" ", 1)[-1])
        if letter:
            return letter
    decomposed = "".join(
        c for c in unicodedata.normalize("NFKD", char) if unicodedata.category(c) not in _INVISIBLE_CATEGORIES
    )
    if decomposed.startswith("(") and decomposed.endswith(")") and len(decomposed) == 3:
        decomposed = decomposed[1]  # parenthesized letters such as "⒡"
    if decomposed and decomposed.isascii() and (decomposed.isalnum() or len(decomposed) == 1):
        return decomposed.lower()
    if decomposed and all(c in _LOOKALIKES for c in decomposed.lower()):
        return "".join(_LOOKALIKES[c] for c in decomposed.lower())
    for form in dict.fromkeys((char, char.upper())):
        lookalike = latin_lookalike(form) if len(form) == 1 else None
        if lookalike:
            # One more fold: the data may name another look-alike ("ꭺ" -> "ᴀ" -> "a").
            folded = lookalike if lookalike.isascii() else _LOOKALIKES.get(lookalike) or (_fold_char(lookalike) if lookalike != form else "")
            if folded and folded.isascii() and folded.isalnum():
                return folded
    if len(lower) == 1:
        return lower
    return char


# Letters read by the end of their Unicode name.
_LETTER_BY_NAME = ("OLD ITALIC LETTER ", "LATIN SMALL LETTER INSULAR ", "LATIN CAPITAL LETTER INSULAR ")
_NAMED_LETTERS = {
    "A": "a", "BE": "b", "KE": "c", "DE": "d", "E": "e", "VE": "v", "ZE": "z", "HE": "h", "I": "i", "KA": "k",
    "EL": "l", "EM": "m", "EN": "n", "O": "o", "PE": "p", "KU": "q", "ER": "r", "ES": "s", "TE": "t", "U": "u",
    "EKS": "x", "EF": "f", "D": "d", "F": "f", "G": "g", "R": "r", "S": "s", "T": "t",
}

_TABLE = _FoldTable()


def fold(char: str) -> str:
    """What one character folds to: "" for an invisible one, letters for a look-alike."""
    return _TABLE[ord(char)]
# Negative squared and other letter-shaped symbols with no decomposition.
for _i in range(26):
    _TABLE[0x1F170 + _i] = chr(ord("a") + _i)  # 🅰..🆉
    _TABLE[0x1F150 + _i] = chr(ord("a") + _i)  # negative circled 🅐..🅩
    # Regional indicator symbols (UTS #51), which pair up into flags: one is a letter.
    _TABLE[0x1F1E6 + _i] = chr(ord("a") + _i)  # 🇦..🇿
# Emoji that stand for a letter, a stand-in symbol or a mask (a circle for "o", a cross for a hidden letter).
_TABLE.update({ord(emoji): letter for emoji, letter in {
    "⭕": "o", "⚪": "o", "⚫": "o", "🔴": "o", "🔵": "o", "○": "o", "◯": "o", "💲": "$", "❗": "!", "❕": "!", "✝": "t",
    "⚽": "o", "🏀": "o", "⚾": "o", "🍩": "o", "🐍": "s", "🔺": "a", "▲": "a", "△": "a", "🔼": "a",
    "🎾": "o", "🔘": "o", "🥯": "o", "🍪": "o", "🐝": "b", "⚡": "s", "🪜": "h", "🧲": "u", "〽": "m", "🌙": "c", "☪": "c",
    # A cross inside a word hides the letter it stands on, like an asterisk ("f❌ck").
    "❌": "*", "❎": "*", "✖": "*", "✕": "*", "✗": "*", "✘": "*",
}.items()})


@dataclass(frozen=True, slots=True)
class Text:
    """A comment's original text, its folded form and the map between them."""

    original: str
    folded: str
    # offsets[i] is the index in `original` of folded[i]; None when they line up 1:1.
    offsets: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of `folded` to the matching span of `original`."""
        if self.offsets is None:
            return start, end
        if start >= len(self.offsets):
            return len(self.original), len(self.original)
        first = self.offsets[start]
        last = self.offsets[end - 1] if end > start else first - 1
        if last < first:  # reversed (right-to-left override) spans
            first, last = last, first
        # Take in the invisible characters and marks that sit inside the word.
        return first, last + 1

    def evidence(self, start: int, end: int) -> tuple[int, int, str]:
        """Original-text span and its text for a span of `folded`."""
        first, last = self.span(start, end)
        return first, last, self.original[first:last]

    def reading(self, char: str, letter: str) -> Text:
        """The same text with every `char` of the original read as `letter` instead ("ſ" as "f")."""
        if self.offsets is None:
            positions = [i for i, c in enumerate(self.original) if c == char and i < len(self.folded)]
        else:
            positions = [i for i, at in enumerate(self.offsets) if self.original[at] == char]
        folded = list(self.folded)
        for i in positions:
            folded[i] = letter
        return Text(self.original, "".join(folded), self.offsets)


def normalize(text: str) -> Text:
    """Fold `text` for matching, keeping a map back to the original characters."""
    return _read_emoji_syllables(_read_all_drawn_letters(_fold(text)))


def _read_all_drawn_letters(text: Text) -> Text:
    """Drawn letters read until none is left: one read as a letter may make the drawing
    before it a letter beside a digit and a letter ("\\/0|\\|a": "\\/0na", then "v0na")."""
    for _ in range(_DRAWN_PASSES):
        read = _read_drawn_letters(text)
        if read is text or read.folded == text.folded:
            return read
        text = read
    return text


_DRAWN_PASSES = 4


def _fold(text: str) -> Text:
    if text.isascii():
        # The common case: ASCII lowercasing never changes the length.
        return Text(text, text.lower(), None)
    if _RLO not in text and _RLE not in text:
        # Mostly-ASCII text: fold only the runs outside ASCII (str.translate with
        # a mapping is slow on non-ASCII strings), then lowercase the rest.
        folded = _NON_ASCII_RUN.sub(_fold_run, text).lower()
        if len(folded) == len(text) and _each_char_one_to_one(text):
            return Text(text, folded, None)
    return _fold_with_offsets(text)


# Letters drawn with two or more symbols ("fuc|<", "f|_|ck", "|\\|"). Each is read
# as its letter only beside a letter, so a table drawn with pipes stays as it is.
_DRAWN_LETTERS = {"\\/\\/": "w", "|\\/|": "m", "|_|": "u", "|-|": "h", "|\\|": "n", "|<": "k", "/\\": "a", "\\/": "v", "|)": "d", "()": "o", "|>": "p", "|2": "r"}
_DRAWINGS = sorted(_DRAWN_LETTERS, key=len, reverse=True)
_DRAWN = "|".join(re.escape(k) for k in _DRAWINGS)
_DRAWN_LETTER = re.compile(rf"(?<=[a-z])(?:{_DRAWN})|(?:{_DRAWN})(?=[a-z]|[0-9][a-z])")
_DRAWING = re.compile(_DRAWN)
# Drawings one after another ("|_||<"): a drawing beside one read as a letter is
# beside a letter too, so a chain is read whole or not at all (below).
_DRAWN_CHAIN = re.compile(rf"(?:{_DRAWN})+")
_LOWERCASE = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")


def _read_drawn_letters(text: Text) -> Text:
    folded = text.folded
    if "|" not in folded and "\\" not in folded and "()" not in folded:
        return text
    if not _DRAWN_LETTER.search(folded):
        return text
    return _rewritten(text, _drawings_read(folded))


def _drawings_read(folded: str):
    """(start, end, letter, where) for each drawing of a chain beside a letter; `where` is its
    last symbol, so evidence ending on the letter takes the whole drawing in."""
    # Read drawing by drawing, "\\/|\\|a" folded to "\\/na", and that folded again
    # to "vna" (tests/test_engine_properties.py): the folded text must be a fixed point.
    for chain in _DRAWN_CHAIN.finditer(folded):
        start, end = chain.span()
        if not ((start and folded[start - 1] in _LOWERCASE) or (end < len(folded) and folded[end] in _LOWERCASE)
                or (end + 1 < len(folded) and folded[end] in _DIGITS and folded[end + 1] in _LOWERCASE)):
            continue  # a table drawn with pipes stays as it is
        for drawing in _DRAWING.finditer(folded, start, end):
            yield drawing.start(), drawing.end(), _DRAWN_LETTERS[drawing.group()], drawing.end() - 1


def _rewritten(text: Text, edits) -> Text:
    """`text` with each (start, end, letters, where) of `edits` (in order, not overlapping) put in place
    of folded[start:end], every one of the letters mapped to the original character of folded[where]."""
    folded = text.folded
    offsets = text.offsets if text.offsets is not None else range(len(folded))
    chars: list[str] = []
    mapped: list[int] = []
    position = 0
    for start, end, letters, where in edits:
        chars.append(folded[position:start])
        mapped.extend(offsets[position:start])
        chars.append(letters)
        mapped.extend([offsets[where]] * len(letters))
        position = end
    chars.append(folded[position:])
    mapped.extend(offsets[position:])
    return Text(text.original, "".join(chars), tuple(mapped))


# Text written upside down ("ʞɔnɟ sᴉɥʇ"): the generators turn each letter and reverse
# the order. Letters only an upside-down text uses mark it; the reading turns the
# text back (the whole of it, right to left) with these letters and the ASCII ones
# that turn into each other (p and d, b and q, n and u).
_TURNED = {
    "ɐ": "a", "ɔ": "c", "ǝ": "e", "ɟ": "f", "ƃ": "g", "ɥ": "h", "ᴉ": "i", "ı": "i", "ɾ": "j", "ʞ": "k", "ɯ": "m",
    "ɹ": "r", "ʇ": "t", "ʌ": "v", "ʍ": "w", "ʎ": "y", "∀": "a", "Ԁ": "p", "Ǝ": "e", "⅁": "g", "Ɐ": "a", "Ʇ": "t", "Ʞ": "k",
    "Ɔ": "c", "Ⅎ": "f", "ꞁ": "l", "˙": ".", "¿": "?", "¡": "!", "‾": "_",
    "p": "d", "d": "p", "b": "q", "q": "b", "n": "u", "u": "n", "P": "d", "D": "p", "B": "q", "Q": "b", "N": "u", "U": "n",
}
_TURNED_ONLY = re.compile("[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ∀Ԁ⅁ⱯꞱꞰↃℲꞁ]")


def upside_down_reading(text: Text) -> Text | None:
    """The text turned back the right way up, when it has at least two letters only upside-down text uses; else None."""
    original = text.original
    if original.isascii():
        return None
    found = _TURNED_ONLY.findall(original)
    if len(found) < 2:
        return None
    turned = "".join(_TURNED.get(char, char) for char in reversed(original))
    back = _fold(turned)
    last = len(original) - 1
    offsets = tuple(last - at for at in (back.offsets if back.offsets is not None else range(len(back.folded))))
    return Text(original, back.folded, offsets)


def double_v_reading(text: Text) -> Text | None:
    """The text with each "vv" read as a "w" ("tvvat", "vvanker"), when it has one; else None."""
    if "vv" not in text.folded:
        return None
    # Each "w" stands on the first "v", so a word opening on it is shown whole ("vvanker").
    return _rewritten(text, ((found.start(), found.end(), "w", found.start()) for found in _DOUBLE_V.finditer(text.folded)))


_DOUBLE_V = re.compile("vv")


# Emoji that stand for a whole syllable of a strong word when they are written as part
# of one ("bull💩", "🍑hole", "🐓sucker"). Alone they are a picture ("the film was 💩"),
# which the notice does not ban, so each is read as its letters only beside a letter.
_EMOJI_SYLLABLES = {"\U0001F4A9": "shit", "\U0001F351": "ass", "\U0001F413": "cock"}
# A run of them is read whole ("a💩💩"): read one by one, the folded text would not be a fixed point.
_EMOJI_SYLLABLE = re.compile("(?<=[a-z])[%s]+|[%s]+(?=[a-z])" % ("".join(_EMOJI_SYLLABLES), "".join(_EMOJI_SYLLABLES)))


def _read_emoji_syllables(text: Text) -> Text:
    folded = text.folded
    if folded.isascii() or not _EMOJI_SYLLABLE.search(folded):
        return text
    return _rewritten(text, (
        (index, index + 1, _EMOJI_SYLLABLES[folded[index]], index)
        for found in _EMOJI_SYLLABLE.finditer(folded)
        for index in range(found.start(), found.end())
    ))


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _fold_run(run: re.Match) -> str:
    return run.group().translate(_TABLE)


def _each_char_one_to_one(text: str) -> bool:
    # A deletion and an expansion could cancel out in length; check only the
    # distinct characters outside ASCII, the only ones that can do either.
    return all(len(_TABLE[ord(c)]) == 1 for c in set(text).difference(_ASCII))


_ASCII = frozenset(map(chr, range(128)))


def _fold_with_offsets(text: str) -> Text:
    chars: list[str] = []
    offsets: list[int] = []
    reversed_run: list[tuple[str, int]] | None = None

    def emit(char: str, index: int) -> None:
        for out in _TABLE[ord(char)]:
            if reversed_run is not None:
                reversed_run.append((out, index))
            else:
                chars.append(out)
                offsets.append(index)

    def close_reversed() -> None:
        nonlocal reversed_run
        if reversed_run is not None:
            for out, index in reversed(reversed_run):
                chars.append(out)
                offsets.append(index)
        reversed_run = None

    for index, char in enumerate(text):
        if char in (_RLO, _RLE):
            close_reversed()
            reversed_run = []
        elif char in (_PDF, _PDI) or char in "\n\r":
            close_reversed()
            if char in "\n\r":
                emit(char, index)
        else:
            emit(char, index)
    close_reversed()
    return Text(text, "".join(chars), tuple(offsets))
