"""The word list: vulgar terms with their severity, forms and the innocent words they protect."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import RuleFileError
from ..normalization import normalize

SEVERITIES = ("mild", "strong", "slur", "acronym")
MASK_READINGS = ("sure", "ambiguous", "never")

_PLAIN_WORD = re.compile(r"[a-z][a-z' -]*[a-z]|[a-z]")


@dataclass(frozen=True)
class Term:
    """One lexicon entry; its allow list and clean contexts live beside it (STYLE example 6)."""

    word: str
    severity: str
    inside: bool = False
    masks: str = "sure"
    forms: tuple[str, ...] = ()
    respellings: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    clean_near: tuple[str, ...] = ()
    clean_after: tuple[str, ...] = ()
    # Languages (codes of moderation/data/foreign_words.txt) in which the spelling is an
    # ordinary word: German "dick" (thick), "Ass" (an ace). Among that language's
    # common words it is read as theirs ("Das Buch ist mir zu dick").
    languages: tuple[str, ...] = ()
    lowercase_only: bool = False
    names: bool = False
    # A word that is not `inside`: whether it counts run together with English
    # words ("dickmove", "smugprick"); false where its compounds are innocent.
    compounds: bool = True

    @property
    def spellings(self) -> tuple[str, ...]:
        """The word, its forms and its respellings: every surface the matcher looks for."""
        return (self.word, *self.forms, *self.all_respellings)

    @property
    def all_respellings(self) -> tuple[str, ...]:
        """The listed respellings, and each in the forms built on the word ("azz" gives "dumbazz")."""
        composed = [
            form.replace(self.word, respelling)
            for respelling in self.respellings
            if " " not in respelling and len(respelling) >= 3
            for form in self.forms
            if self.word in form and form != self.word
        ]
        return tuple(dict.fromkeys((*self.respellings, *composed)))


_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")


@lru_cache(maxsize=8192)
def letters_of(spelling: str) -> str:
    """The letters of a spelling, folded like comment text ("half-assed" -> "halfassed")."""
    return _NOT_LETTER_OR_DIGIT.sub("", normalize(spelling).folded)


def parse_terms(entries: object, source: str) -> tuple[Term, ...]:
    """Build terms from the `[[term]]` tables of a rules file, naming the bad field on error."""
    if not isinstance(entries, list):
        raise RuleFileError(source, "`term` must be a list of [[term]] tables", field="term")
    terms = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = entry.get("word") if isinstance(entry, dict) else None
        rule = f"term {label or index + 1}"
        if not isinstance(entry, dict):
            raise RuleFileError(source, "each [[term]] must be a table", rule=rule)
        known = set(Term.__dataclass_fields__)
        for key in entry:
            if key not in known:
                raise RuleFileError(source, f"unknown field (known: {', '.join(sorted(known))})", rule=rule, field=key)
        word = _text(entry, "word", source, rule, required=True)
        if not _PLAIN_WORD.fullmatch(word):
            raise RuleFileError(source, "write the word in plain lowercase letters", rule=rule, field="word")
        if word in seen:
            raise RuleFileError(source, "the same word is listed twice", rule=rule, field="word")
        seen.add(word)
        severity = _text(entry, "severity", source, rule, required=True)
        if severity not in SEVERITIES:
            raise RuleFileError(source, f"must be one of {', '.join(SEVERITIES)}", rule=rule, field="severity")
        masks = _text(entry, "masks", source, rule) or "sure"
        if masks not in MASK_READINGS:
            raise RuleFileError(source, f"must be one of {', '.join(MASK_READINGS)}", rule=rule, field="masks")
        terms.append(
            Term(
                word=word,
                severity=severity,
                inside=_flag(entry, "inside", source, rule),
                masks=masks,
                forms=_words(entry, "forms", source, rule),
                respellings=_words(entry, "respellings", source, rule),
                allow=_words(entry, "allow", source, rule),
                clean_near=_words(entry, "clean_near", source, rule),
                clean_after=_words(entry, "clean_after", source, rule),
                languages=_words(entry, "languages", source, rule),
                lowercase_only=_flag(entry, "lowercase_only", source, rule),
                names=_flag(entry, "names", source, rule),
                compounds=_flag(entry, "compounds", source, rule, default=True),
            )
        )
    return tuple(terms)


def _text(entry: dict, key: str, source: str, rule: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise RuleFileError(source, "is required", rule=rule, field=key)
        return ""
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(source, "must be a non-empty string", rule=rule, field=key)
    return value.strip()


def _flag(entry: dict, key: str, source: str, rule: str, default: bool = False) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise RuleFileError(source, "must be true or false", rule=rule, field=key)
    return value


def _words(entry: dict, key: str, source: str, rule: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleFileError(source, "must be a list of non-empty strings", rule=rule, field=key)
    # The same folding as comment text, so "Cockburn" and "cockburn" are one entry.
    return tuple(normalize(v.strip()).folded for v in value)
