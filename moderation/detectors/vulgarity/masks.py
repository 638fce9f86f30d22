"""Read masked words ("s***", "f**k", "a**hole", "$#!t", "a-hole") against the lexicon.

A mask hides letters behind symbols, so it is resolved by the letters that
show and the length of what is hidden: "f***" can only be one strong word,
"h***" only a mild one, while "d***" may be "dick" or "damn" and goes to a
moderator. Context decides the rest: a mask with no letters is arithmetic, a
footnote, a bullet or a password; one wrapped around a whole word is markdown
emphasis; one after a title is a redacted name; and the notice's own masks,
quoted while discussing the rules, are a mention, not a use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...normalization import Text
from ...rules.lexicon import Term, letters_of
from .runs import Runs
from .words import english_words

_HARD_MASKS = "*#%^~_"
_MASK_CHARS = frozenset(_HARD_MASKS + "-")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$!|") | _MASK_CHARS
_READINGS = {"4": "a", "@": "a", "8": "b", "3": "e", "9": "g", "1": "[il]", "!": "[il]", "|": "[il]", "0": "o", "5": "s", "$": "s", "7": "t", "+": "t"}
_HARD_MASK_PRESENT = re.compile(r"[*#%^~_]")
_INFLECTIONS = ("s", "es", "ed", "ing", "in", "er", "ers", "y")
_STRETCHED = re.compile(r"([a-z])\1\1+")
# "@" between letters is an "a", an "o" or a mask ("f@ck", "b@ll@cks"); not in an address.
_INNER_AT = re.compile(r"(?<=[a-z])@(?=[a-z])(?![a-z0-9-]*\.[a-z])")
# Compiled once: a pattern string passed to re.search is looked up in re's cache on every call.
_DASH_MASK = re.compile(r"[a-z@$]{1,3}-{1,3}[a-z]{0,5}")
_MARKDOWN_EMPHASIS = re.compile(r"([*_~]+)[a-z]+(?:[-'][a-z]+)*\1")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_CAPITALISED_AFTER = re.compile(r"\s+[A-Z][a-z]")
_AFTER_SENTENCE_END = re.compile(r"(^|[.!?]\s+|[\"“]\s*)$")
_QUOTE_OPENED = re.compile(r"[\"“‘']([^\"“”‘’']*)$")
_QUOTE_CLOSED = re.compile(r"[,.]?[\"”’']")


@dataclass(frozen=True, slots=True)
class MaskMatch:
    """A masked word and how it reads: `kind` is strong, slur, mild, ambiguous or mention."""

    start: int
    end: int
    kind: str
    terms: tuple[Term, ...]
    readings: tuple[str, ...]


class MaskReader:
    """Finds and resolves masked words; built once per rule set."""

    def __init__(self, terms: tuple[Term, ...], notice_masks: tuple[str, ...], policy_words: tuple[str, ...], name_titles: tuple[str, ...]):
        spellings: dict[str, Term] = {}
        for term in terms:
            if term.masks == "never":
                continue
            for spelling in (term.word, *term.forms):
                letters = letters_of(spelling)
                spellings.setdefault(letters, term)
            for ending in _INFLECTIONS:
                spellings.setdefault(letters_of(term.word) + ending, term)
        # Plurals of the forms too ("motherf#ckers"), after every listed spelling.
        for term in terms:
            if term.masks != "never":
                for form in term.forms:
                    spellings.setdefault(letters_of(form) + ("es" if form.endswith(("s", "sh", "ch")) else "s"), term)
        self._spellings = spellings
        # A mask with more letters and symbols than the longest spelling (the
        # last run of symbols may be one too many) can hide none of them.
        self._longest = max(map(len, spellings), default=0) + 1
        self._catalogue = "\n".join(spellings) + "\n"
        self._notice_masks = frozenset(notice_masks)
        self._policy_words = re.compile(r"\b(?:" + "|".join(map(re.escape, policy_words)) + r")\b") if policy_words else None
        self._titles = frozenset(name_titles)
        # The same masks recur ("s***", "f***"): remember how each one reads.
        self._readings: dict[str, tuple[str, ...]] = {}

    def find(self, text: Text) -> list[MaskMatch]:
        """Every masked word in `text` that reads as a lexicon word, with how it reads."""
        folded = text.folded
        seen: set[tuple[int, int]] = set()
        found = []
        # "f***!" ends with punctuation.
        tokens = Runs(folded, _TOKEN_CHARS, trim_right="!$|")
        walked = (0, 0)
        for position in _mask_positions(folded):
            start, end = tokens.token(position, position + 1)
            if end - start == 1:
                if walked[0] <= start and end <= walked[1]:
                    # Inside spaced-out characters already walked: the same
                    # word again, or a lone symbol, which reads as nothing.
                    continue
                (start, end), walked = _spaced_bounds(folded, start, end)
            if (start, end) in seen:
                continue
            seen.add((start, end))
            match = self._read(text, start, end)
            if match:
                found.append(match)
        if "-" in folded:
            found.extend(self._truncations(text, {(m.start, m.end) for m in found}))
        return found

    def _truncations(self, text: Text, read: set[tuple[int, int]]) -> list[MaskMatch]:
        """Words cut short by a dash after their first letters ("sh—", "what the f—"), read as a four-letter mask.

        Only an em or en dash in what the commenter wrote counts (an "F-" grade
        is a hyphen), and not after a whole common word ("good—really good");
        one letter counts only where it opens one of the notice's own masks.
        """
        folded, original = text.folded, text.original
        found = []
        for cut in _TRUNCATED.finditer(folded):
            letters, dash = cut.group(1), cut.end(1)
            first, _ = text.span(dash, dash + 1)
            if original[first:first + 1] not in _TRUNCATION_DASHES:
                continue
            if len(letters) >= 2 and english_words().get(letters, 9) <= _COMMON_TIER:
                continue
            start, end = cut.start(1), dash + 1
            if (start, end) in read:
                continue
            token = letters + "*" * max(2, 4 - len(letters))
            if len(letters) == 1 and token not in self._notice_masks:
                continue  # "I w— I mean": one letter is a stammer, unless it is the notice's own "f***"
            readings = self._read_mask(token)
            if readings:
                terms = self._terms_of(readings)
                found.append(MaskMatch(start, end, _kind(terms), terms, readings))
        return found

    def _read(self, text: Text, start: int, end: int) -> MaskMatch | None:
        folded = text.folded
        raw = folded[start:end]
        stripped = raw.strip("-")
        start += raw.index(stripped) if stripped else 0
        end = start + len(stripped)
        token = stripped.replace(" ", "")  # "f % c k" is spelled out one character at a time
        if not any(c.isalpha() for c in token) and "$" not in token and "@" not in token:
            return None  # "4 * 2,500", "********", a bullet or footnote mark
        if not any(c in _HARD_MASKS for c in token) and not _DASH_MASK.fullmatch(token) and not _INNER_AT.search(token):
            return None  # a hyphenated word ("up-armored"), not a dash mask ("a-hole")
        if _MARKDOWN_EMPHASIS.fullmatch(token):
            return None  # markdown emphasis: *word*, **word**, _word_
        if _is_fill_line_before_a_word(token):
            return None  # "'…'____Yes, they are": a rule of underscores glued to a common word
        readings = self._read_mask(token)
        if not readings and "-" in token and _HARD_MASK_PRESENT.search(token):
            # A masked word in a compound ("f**k-ups", "s**t-show"): read each part.
            readings = next((r for part in token.split("-") if _HARD_MASK_PRESENT.search(part) for r in [self._read_mask(part)] if r), ())
        if not readings:
            return None
        terms = self._terms_of(readings)
        first, last = text.span(start, end)
        if self._is_redacted_name(text, first, last):
            return None
        if token in self._notice_masks and self._is_quoted_mention(text, first, last, start, end):
            return MaskMatch(start, end, "mention", terms, readings)
        hidden = sum(1 for c in token if c in _MASK_CHARS)
        # A long word with one or two letters hidden ("dickhe*d") reads only one way.
        if len(terms) == 1 and len(token) >= 6 and hidden * 4 <= len(token) and terms[0].severity in ("strong", "slur"):
            return MaskMatch(start, end, terms[0].severity if terms[0].severity == "slur" else "strong", terms, readings)
        kind = _kind(terms)
        if kind in ("strong", "slur") and token not in self._notice_masks and sum(c.isalpha() for c in token) <= 1 and not any(
            len(r) == len(token) for r in readings
        ):
            # "b***": one letter and three stars spell no strong word; "bitch" is a letter
            # longer, "bull" or "bush" as short. The notice's own masks are a symbol off
            # ("a*******") and stay strong; "b****" reads "bitch" exactly.
            kind = "ambiguous"
        if kind == "ambiguous" and len(terms) == 1 and terms[0].severity in ("strong", "slur") and _shows_most_letters(token):
            # "d*ck", "pr*ck": with most letters showing, only the vulgar word reads
            # (the innocent look-alikes, duck or deck, nobody masks).
            kind = terms[0].severity
        return MaskMatch(start, end, kind, terms, readings)

    def _terms_of(self, readings: tuple[str, ...]) -> tuple[Term, ...]:
        """The lexicon terms a mask's readings spell, each once, in the readings' order."""
        return tuple(dict.fromkeys(self._spellings[r] for r in readings))

    def _read_mask(self, token: str) -> tuple[str, ...]:
        readings = self._readings.get(token)
        if readings is None:
            if len(_STRETCHED.sub(r"\1", token).replace("-", "")) > self._longest:
                return ()  # and no pattern is built for a 1 MB run of symbols (issue #11)
            pattern = _pattern_for(token)
            found = re.findall(pattern, self._catalogue, flags=re.M) if pattern else []
            # The reading closest in length to the mask comes first ("s***" is "shit").
            readings = tuple(
                sorted(dict.fromkeys(found), key=lambda r: (abs(len(r) - len(token)), self._spellings[r].severity == "slur"))
            )
            if len(self._readings) < 4096:
                self._readings[token] = readings
        return readings

    def _is_redacted_name(self, text: Text, first: int, last: int) -> bool:
        original = text.original
        before = _WORD_BEFORE.search(original[max(0, first - 20):first])
        if before and before.group(1).lower() in self._titles:
            return True
        # "J*** Smith": a capitalised mask before a capitalised word, mid-sentence.
        capital = original[first:first + 1].isupper() and not original[first:last].isupper()
        after = _CAPITALISED_AFTER.match(original[last:last + 4])
        starts_sentence = _AFTER_SENTENCE_END.search(original[max(0, first - 4):first])
        return bool(capital and after and not starts_sentence)

    def _is_quoted_mention(self, text: Text, first: int, last: int, start: int, end: int) -> bool:
        # Quoted: a quotation mark opens within a few words before and closes
        # within a few characters after; and the comment talks about the rules.
        original = text.original
        before = original[max(0, first - 12):first]
        after = original[last:last + 3]
        opened = _QUOTE_OPENED.search(before)
        closed = _QUOTE_CLOSED.match(after)
        if not (opened and closed):
            return False
        if _aimed_at_someone(text.folded, start, end):
            return False  # "you're a total 'a*******'": the notice's word, used on a person
        if self._policy_words and self._policy_words.search(text.folded):
            return True
        # Two or more of the notice's masks quoted in one comment: the list itself is the subject
        # ("For the newcomers: no “s***”, no “f***”, no “a*******”, and keep it civil.").
        return sum(1 for mask in self._notice_masks if mask in text.folded) >= 2


# A quoted mask said of a person: "you're an 'a*******'", "… but you clearly are one".
_SAID_OF_SOMEONE_BEFORE = re.compile(
    r"\b(?:you(?:'re|re| are)|u r|ur|your|he's|she's|he is|she is|they're|they are|call(?:ing|ed)? (?:you|him|her|them))"
    r"\s+(?:(?:an?|such|total|complete|real|absolute|utter|right|proper|massive|little)\s+){0,3}\W{0,2}$"
)
_SAID_OF_SOMEONE_AFTER = re.compile(
    r"^\W{0,3}[^.!?]{0,40}?\b(?:you(?:'re|re)|u r|you(?:\s+(?:clearly|definitely|obviously|certainly|surely|really))?\s+are)"
    r"\s+(?:clearly\s+|definitely\s+|obviously\s+|certainly\s+|surely\s+)?(?:one|a big one)\b(?!\s+(?:to|of|who|that|more|day|thing|way)\b)"
)


def _aimed_at_someone(folded: str, start: int, end: int) -> bool:
    return bool(_SAID_OF_SOMEONE_BEFORE.search(folded[max(0, start - 40):start]) or _SAID_OF_SOMEONE_AFTER.match(folded[end:end + 60]))


def _is_fill_line_before_a_word(token: str) -> bool:
    """A run of three or more underscores, then a common English word ("____yes"): a line or a blank, no letters hidden."""
    rest = token.lstrip("_")
    if len(token) - len(rest) < 3 or len(rest) < 2 or not rest.isalpha():
        return False
    return english_words().get(rest, 9) <= _COMMON_TIER


_TRUNCATED = re.compile(r"(?<![a-z0-9'@$*#-])([a-z]{1,6})-(?![a-z0-9*#-])")
_TRUNCATION_DASHES = "\u2014\u2013"  # em and en dash
_COMMON_TIER = 1  # english_words' tiers 0 and 1: Zipf 4 and over ("yes", "the"; not "ing")


def _mask_positions(folded: str):
    # str.find runs in C and most comments have no mask character at all, so
    # this is cheaper than scanning with a regular expression.
    for char in _HARD_MASKS:
        index = folded.find(char)
        while index >= 0:
            yield index
            index = folded.find(char, index + 1)
    if "@" in folded:
        for at in _INNER_AT.finditer(folded):
            yield at.start()
    index = folded.find("-")
    while index >= 0:
        # Only a dash after one to three letters at a word's start can be a
        # mask ("a-hole", "s--t", "f-ing"); "up-armored" is an ordinary word.
        if _SHORT_HEAD.search(folded, max(0, index - 4), index):
            yield index
        index = folded.find("-", index + 1)


_SHORT_HEAD = re.compile(r"(?:^|(?<=[^a-z0-9@$!|-]))[a-z@$]{1,3}-*$")


def _spaced_bounds(folded: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """A lone mask symbol among single characters spaced out ("f % c k") takes them in.

    Returns the bounds and the stretch of spaced characters walked to find them.
    """
    left, right = start, end
    while left >= 2 and folded[left - 1] == " " and folded[left - 2] in _TOKEN_CHARS and (left < 3 or folded[left - 3] not in _TOKEN_CHARS):
        left -= 2
    while right + 1 < len(folded) and folded[right] == " " and folded[right + 1] in _TOKEN_CHARS and (right + 2 >= len(folded) or folded[right + 2] not in _TOKEN_CHARS):
        right += 2
    pieces = (right - left + 1) // 2
    joined = folded[left:right].replace(" ", "")
    letters = sum(1 for c in joined if c.isalpha())
    # Mostly letters: "a 5 * 5" is a letter beside arithmetic, not "a$*$".
    bounds = (left, right) if pieces >= 3 and letters > len(joined) - letters else (start, end)
    return bounds, (left, right)


_LOOSE_INNER_RUN = 4  # symbols in a run inside a masked word from which its length may be a symbol off


def _pattern_for(token: str) -> str | None:
    """A regular expression over lexicon spellings for what the mask can hide."""
    parts = []
    token = _STRETCHED.sub(r"\1", token)  # "f@ckiiiing" reads as "f@cking"
    hyphen = _HARD_MASK_PRESENT.search(token) is not None  # "half-a**ed": the dash joins words
    tail = re.search(r"[*#%^~_]{3,}$", token)
    body = token[: tail.start()] if tail else token
    for run in re.finditer(r"[*#%^~_]+|-+|.", body):
        piece = run.group()
        if piece[0] in _HARD_MASKS:
            # A long run inside a word is as often a symbol off as one at the end ("mother******r").
            n = len(piece)
            parts.append(f"[a-z]{{{n - 1},{n + 1}}}" if n >= _LOOSE_INNER_RUN else f"[a-z]{{{n}}}")
        elif piece[0] == "-":
            # A dash hides any number of letters ("a-hole"), unless symbols do the hiding.
            parts.append("" if hyphen else "[a-z]+")
        elif piece in _READINGS:
            parts.append(f"(?:{_READINGS[piece]}|[a-z])")
        elif piece.isalpha():
            parts.append(re.escape(piece))
        else:
            return None
    if tail:
        # Masks are often one symbol short or long ("a*******" for "asshole").
        length = len(tail.group())
        parts.append(f"[a-z]{{{length - 1},{length + 1}}}")
    if not any(p.isalpha() or p.startswith("(?:") for p in parts):
        return None
    return "^" + "".join(parts) + "$"


def _shows_most_letters(token: str) -> bool:
    shown = sum(1 for c in token if c.isalpha())
    hidden = sum(1 for c in token if c in _HARD_MASKS)
    return shown >= 3 and shown > hidden


def _kind(terms: tuple[Term, ...]) -> str:
    sure_strong = [t for t in terms if t.masks == "sure" and t.severity in ("strong", "slur")]
    sure_mild = [t for t in terms if t.masks == "sure" and t.severity == "mild"]
    if sure_strong and not sure_mild:
        return "slur" if all(t.severity == "slur" for t in sure_strong) else "strong"
    if sure_mild and not sure_strong and not any(t.masks == "ambiguous" and t.severity != "mild" for t in terms):
        return "mild"
    return "ambiguous"
