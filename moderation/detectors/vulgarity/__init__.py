"""Vulgarity in every disguise: lexicon words found by the matcher and masks read by the mask reader."""

from __future__ import annotations

import re
from dataclasses import replace

import ahocorasick_rs

from ...normalization import Text, double_v_reading, upside_down_reading
from ...rules.lexicon import Term
from ...rules.settings import strings
from ..signal import Signal
from .masks import MaskReader
from .matcher import Matcher
from .spans import Spans

# Which rule a lexicon word fires, by the term's severity.
_RULE_BY_SEVERITY = {"strong": "vulgar-word", "mild": "mild-language", "slur": "slur", "acronym": "vulgar-acronym"}
# The names of the letters, as a word spelled out in them is written ("ess aitch eye tee").
_LETTER_NAMES = {
    "ay": "a", "aye": "a", "bee": "b", "see": "c", "cee": "c", "sea": "c", "dee": "d", "ee": "e", "eff": "f", "ef": "f",
    "gee": "g", "aitch": "h", "haitch": "h", "eye": "i", "jay": "j", "kay": "k", "el": "l", "ell": "l", "em": "m",
    "en": "n", "oh": "o", "pee": "p", "cue": "q", "queue": "q", "ar": "r", "are": "r", "ess": "s", "tee": "t",
    "you": "u", "yoo": "u", "vee": "v", "double-you": "w", "double you": "w", "doubleyou": "w", "double-u": "w",
    "double u": "w", "ex": "x", "why": "y", "wye": "y", "zed": "z", "zee": "z",
}
_LETTER_NAME = "|".join(sorted((re.escape(n).replace("\\ ", "\\s+") for n in _LETTER_NAMES), key=len, reverse=True))
_LETTER_NAME_SPLIT = re.compile(rf"\b(?:{_LETTER_NAME})\b")
# Three names or more in a row, split by spaces or hyphens; the rare names say where to look.
_LETTER_NAME_RUN = re.compile(rf"\b(?:{_LETTER_NAME})(?:[\s-]+(?:{_LETTER_NAME})){{2,}}\b")
_LETTER_NAME_HINTS = ahocorasick_rs.AhoCorasick(
    [" eff", " ess ", "aitch", " kay", " tee ", " dee ", "double-you", "double you", "doubleyou", "double u", " zed ", " cee ", " vee ", " wye ", " ell ", "eff you", "ess aitch", " eye see"]
)


def _read_as(char: str, letter: str):
    """A reading of the text with `char` as `letter` too, for letters that look like two Latin
    ones: folded to the first, read as the second as well ("ſhit" and "ſuck")."""
    return lambda text: text.reading(char, letter) if char in text.original else None


# Readings of the text besides its folded form, in order, each with the disguise it undoes
# (None: the matcher names the disguise). Their spans map to the original.
_OTHER_READINGS = (
    (_read_as("ſ", "f"), None),
    (_read_as("ß", "b"), None),
    (upside_down_reading, "writing upside down"),
    (double_v_reading, "\"vv\" for \"w\""),
)
_RULE_BY_MASK = {"strong": "vulgar-mask", "slur": "slur", "mild": "mild-language", "ambiguous": "possible-mask", "mention": "notice-mask-quoted"}


class VulgarityDetector:
    """Reports strong, mild, slur and acronym words, plain, disguised or masked."""

    rule_ids = ("vulgar-word", "vulgar-disguised", "vulgar-mask", "vulgar-acronym", "mild-language", "possible-mask", "slur", "notice-mask-quoted")

    def __init__(self, terms: tuple[Term, ...], config: dict, source: str):
        self.matcher = Matcher(terms)
        self.masks = MaskReader(
            terms,
            strings(config, "vulgarity", "notice_masks", source),
            strings(config, "vulgarity", "policy_words", source),
            strings(config, "vulgarity", "name_titles", source),
        )

    def detect(self, text: Text) -> list[Signal]:
        """One signal per vulgar, mild or slur word, and per readable mask."""
        signals = []
        reported = Spans()
        found = [(match, text) for match in self.matcher.find(text)]
        for read, disguise in _OTHER_READINGS:
            other = read(text)
            if other is None:
                continue
            # "ſhit" with an "f", "ʞɔnɟ sᴉɥʇ" turned back the right way up, "tvvat" with a "w":
            # a word found there counts where no reading before it found one.
            taken = Spans()
            for match, source in found:
                taken.add(*source.span(match.start, match.end))
            found += [
                (replace(match, disguises=(disguise, *(d for d in match.disguises if d != "look-alike letters"))) if disguise else match, other)
                for match in self.matcher.find(other)
                if not taken.overlaps(*other.span(match.start, match.end))
            ]
        for match, source in found:
            start, end, evidence = source.evidence(match.start, match.end)
            term = match.term
            if match.near_miss:
                rule, detail = "possible-mask", f"may be a misspelling of '{match.near_miss}' or the word '{term.word}'"
            elif match.maybe_name:
                rule, detail = "possible-mask", f"'{evidence}' holds the word '{term.word}' but is no English word: it may be a name or a word of another language"
            elif term.severity == "strong" and match.disguises:
                rule, detail = "vulgar-disguised", f"the word '{term.word}', disguised by " + ", ".join(match.disguises)
            else:
                rule = _RULE_BY_SEVERITY[term.severity]
                detail = f"the word '{term.word}'" + (f", disguised by {', '.join(match.disguises)}" if match.disguises else "")
            signals.append(Signal(rule, start, end, evidence, detail))
            reported.add(start, end)
        for start, end, term in self._spelled_out(text.folded):
            first, last, evidence = text.evidence(start, end)
            if not reported.overlaps(first, last):
                rule = "vulgar-acronym" if term.severity == "acronym" else "vulgar-disguised" if term.severity == "strong" else _RULE_BY_SEVERITY[term.severity]
                signals.append(Signal(rule, first, last, evidence, f"the word '{term.word}', spelled out in the names of its letters"))
                reported.add(first, last)
        for mask in self.masks.find(text):
            start, end, evidence = text.evidence(mask.start, mask.end)
            if reported.overlaps(start, end):
                continue  # already read as a word ("a$$hole")
            readings = " or ".join(f"'{r}'" for r in mask.readings[:3])
            detail = f"a mask that reads as {readings}" if mask.kind != "mention" else f"quotes the notice's own mask {evidence!r}"
            signals.append(Signal(_RULE_BY_MASK[mask.kind], start, end, evidence, detail))
            reported.add(start, end)
        return signals

    def _spelled_out(self, folded: str):
        """Words spelled in the names of their letters ("ess aitch eye tee", "eff you see kay")."""
        if not _LETTER_NAME_HINTS.find_matches_as_indexes(folded):
            return  # one pass over the comment: the rarer names, as words
        for run in _LETTER_NAME_RUN.finditer(folded):
            names = _LETTER_NAME_SPLIT.findall(run.group())
            letters = "".join(_LETTER_NAMES[name] for name in names)
            found = self.matcher.lookup(letters)
            if found:
                yield run.start(), run.end(), found[0]

