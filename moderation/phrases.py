"""Phrase rules: patterns over folded text, woken only where one of their trigger words occurs.

Civility rules (insults aimed at people, threats, identity attacks…) are
phrases, not single words. Each rule names trigger words; one Aho-Corasick
pass finds every trigger in the comment, and only the rules woken by a
trigger run their pattern, in a window around it. Patterns may name word
lists from the `[civility.words]` table as `{insult}`, `{group}` and so on,
so a site owner adds a word once and every rule that uses the list sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick_rs

from .errors import RuleFileError
from .normalize import Text
from .signal import Signal

_WINDOW = 90  # characters each side of a trigger: phrases are shorter than this
_LIST_NAME = re.compile(r"\{([a-z_]+)\}")
_WORD_CHAR = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class PhraseRule:
    """A rule id with its compiled pattern, trigger words and handle check."""

    rule: str
    pattern: re.Pattern
    triggers: tuple[str, ...]
    handle_group: str = ""


class PhraseDetector:
    """Runs every phrase rule of the rule set over a comment."""

    def __init__(self, word_lists: dict, rules: list[tuple[str, dict]], source: str):
        self.lists = _check_lists(word_lists, source)
        self.phrase_rules: list[PhraseRule] = [self._compile(rule_id, detect, source) for rule_id, detect in rules]
        self.rule_ids = tuple(r.rule for r in self.phrase_rules)
        triggers: dict[str, list[int]] = {}
        for index, phrase in enumerate(self.phrase_rules):
            for trigger in phrase.triggers:
                triggers.setdefault(trigger, []).append(index)
        self._trigger_words = list(triggers)
        self._woken_by = [triggers[w] for w in self._trigger_words]
        self._automaton = ahocorasick_rs.AhoCorasick(self._trigger_words) if triggers else None

    def detect(self, text: Text) -> list[Signal]:
        """Signals for every phrase rule that matches near one of its triggers."""
        if self._automaton is None:
            return []
        folded = text.folded
        woken: dict[int, list[int]] = {}
        for index, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            if (start > 0 and _WORD_CHAR.match(folded, start - 1)) or _WORD_CHAR.match(folded, end):
                continue  # triggers are whole words: "kill" is not in "skill"
            for rule_index in self._woken_by[index]:
                woken.setdefault(rule_index, []).append(start)
        signals = []
        for rule_index in sorted(woken):
            signal = self._match(self.phrase_rules[rule_index], text, woken[rule_index])
            if signal:
                signals.append(signal)
        return signals

    def _match(self, phrase: PhraseRule, text: Text, positions: list[int]) -> Signal | None:
        # One search over the stretch around all the rule's triggers; a match
        # counts only if it covers one of them, so a rule fires where it woke.
        folded = text.folded
        window_start = max(0, positions[0] - _WINDOW)
        window_end = min(len(folded), positions[-1] + _WINDOW)
        for found in phrase.pattern.finditer(folded, window_start, window_end):
            end = max(found.end(), found.start() + 1)
            if not any(found.start() <= p < end for p in positions):
                continue
            if phrase.handle_group and not _looks_like_handle(text, found, phrase.handle_group):
                continue
            start, end, evidence = text.evidence(found.start(), found.end())
            return Signal(phrase.rule, start, end, evidence)
        return None

    def _compile(self, rule_id: str, detect: dict, source: str) -> PhraseRule:
        pattern = detect.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise RuleFileError(source, "a phrase rule needs a `pattern` string", rule=rule_id, field="detect.pattern")

        def expand(name: re.Match) -> str:
            words = self.lists.get(name.group(1))
            if words is None:
                raise RuleFileError(source, f"names an unknown word list {{{name.group(1)}}}", rule=rule_id, field="detect.pattern")
            return word_alternation(words)

        try:
            compiled = re.compile(_LIST_NAME.sub(expand, pattern))
        except re.error as error:
            raise RuleFileError(source, f"is not a valid regular expression: {error}", rule=rule_id, field="detect.pattern") from None
        triggers: list[str] = []
        for entry in detect.get("triggers", []):
            if not isinstance(entry, str) or not entry:
                raise RuleFileError(source, "must be a list of words or {list} names", rule=rule_id, field="detect.triggers")
            listed = _LIST_NAME.fullmatch(entry)
            if listed:
                if listed.group(1) not in self.lists:
                    raise RuleFileError(source, f"names an unknown word list {entry}", rule=rule_id, field="detect.triggers")
                triggers.extend(self.lists[listed.group(1)])
            else:
                triggers.append(entry)
        if not triggers:
            raise RuleFileError(source, "a phrase rule needs at least one trigger word", rule=rule_id, field="detect.triggers")
        handle_group = detect.get("handle_group", "")
        if handle_group and handle_group not in compiled.groupindex:
            raise RuleFileError(source, f"names no group of the pattern: {handle_group}", rule=rule_id, field="detect.handle_group")
        return PhraseRule(rule_id, compiled, tuple(dict.fromkeys(triggers)), handle_group)


def word_alternation(words: tuple[str, ...]) -> str:
    """A regular expression matching any of `words`, shaped as a trie.

    Python's `re` tries alternatives one by one at each position; sharing
    prefixes means a position is ruled out after one or two tests instead of
    one per word. Longer words are tried before their prefixes.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(trie) + ")"


def _check_lists(word_lists: object, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(word_lists, dict):
        raise RuleFileError(source, "must be a table of word lists", field="civility.words")
    checked = {}
    for name, words in word_lists.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(source, "must be a list of words", field=f"civility.words.{name}")
        checked[name] = tuple(w.lower() for w in words)
    return checked


def _looks_like_handle(text: Text, found: re.Match, group: str) -> bool:
    """A commenter's handle, not a public figure's name: @name, CamelCase, digits or underscores."""
    if found.start(group) < 0:
        return True  # this alternative of the pattern names no one to check
    first, last = text.span(found.start(group), found.end(group))
    name = text.original[first:last]
    return bool(
        name.startswith("@")
        or name.lower() in ("you", "u", "ya")
        or re.search(r"[a-z][A-Z]|\d|_", name)
    )
