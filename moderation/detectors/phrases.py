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
import sys
from functools import lru_cache
from dataclasses import dataclass

import ahocorasick_rs

from ..errors import RuleFileError
from ..normalization import Text
from .signal import Signal
from .parts_of_speech import is_a_noun
from .vulgarity.words import english_words

_WINDOW = 90  # characters each side of a trigger: phrases are shorter than this
_LIST_NAME = re.compile(r"\{([a-z_]+)\}")
_WORD_CHAR = re.compile(r"[a-z0-9]")


class LazyPattern:
    """A regular expression compiled on its first search.

    The word lists make some alternatives thousands of characters long (the
    epithets, the nationalities): compiling them all cost the engine's start-up
    a tenth of a second, paid again by every command and worker that never
    needs most of them. The rule's own text is checked at load (`checked`), so
    a broken pattern still fails there, naming the rule.
    """

    __slots__ = ("pattern", "groupindex", "_compiled")

    def __init__(self, source: str, checked: re.Pattern):
        self.pattern = source
        self.groupindex = checked.groupindex
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def finditer(self, text: str, start: int = 0, end: int = sys.maxsize):
        return self.compiled().finditer(text, start, end)

    def match(self, text: str, start: int = 0, end: int = sys.maxsize):
        return self.compiled().match(text, start, end)


# What a {list} stands for while a pattern is checked at load: two widths, like a
# real list, so a list inside a look-behind (which needs one width) fails there too.
_LIST_STAND_IN = "(?:x|yy)"


@dataclass(frozen=True)
class PhraseRule:
    """A rule id with its pattern split into alternatives, each with the trigger words that wake it."""

    rule: str
    alternatives: tuple[LazyPattern, ...]
    triggers: tuple[tuple[str, ...], ...]
    handle_group: str = ""
    # Per alternative: every match starts on one of its trigger words (\b(?:{insult})…),
    # so it is tried at those words instead of searched for around them.
    anchored: tuple[bool, ...] = ()
    # Per alternative: strings one of which every match opens with (() when the
    # pattern does not say): where none is near the triggers, the search is skipped.
    openings: tuple[tuple[str, ...], ...] = ()
    # Per alternative: every match ends on one of its trigger words (…(?:{insult}|{epithet})\b),
    # so the search stops a trigger's length after the last one instead of a window after it.
    ends_on_trigger: tuple[bool, ...] = ()
    # A named group that must be a proper name as written: capitalised, and no common word ("Maliki the thug", not "Meet the fool").
    name_group: str = ""
    # A named group that must be a noun: no word English uses mostly as a verb or an adjective ("you galah", not "you know").
    noun_group: str = ""


class PhraseDetector:
    """Runs every phrase rule of the rule set over a comment."""

    def __init__(self, word_lists: dict, rules: list[tuple[str, dict]], source: str):
        self.lists = _check_lists(word_lists, source)
        # What a site owner should know about the rules that is not an error (see `_compile`).
        self.notes: list[str] = []
        self.phrase_rules: list[PhraseRule] = [self._compile(rule_id, detect, source) for rule_id, detect in rules]
        self.rule_ids = tuple(r.rule for r in self.phrase_rules)
        # The alternatives of a rule that the same trigger words wake form a group and
        # share one list of positions: an insult word wakes a score of alternatives.
        self._groups: list[tuple[tuple[int, ...], ...]] = []
        triggers: dict[str, list[tuple[int, int]]] = {}
        for index, phrase in enumerate(self.phrase_rules):
            by_words: dict[frozenset[str], list[int]] = {}
            for alternative, words in enumerate(phrase.triggers):
                by_words.setdefault(frozenset(words), []).append(alternative)
            groups = tuple(tuple(alternatives) for alternatives in by_words.values())
            self._groups.append(groups)
            for group, alternatives in enumerate(groups):
                for trigger in phrase.triggers[alternatives[0]]:
                    triggers.setdefault(trigger, []).append((index, group))
        # Per rule and group: each alternative with what `detect` needs to try it, in rule order.
        self._plans: list[tuple[tuple[tuple[int, LazyPattern, bool, tuple[str, ...], int], ...], ...]] = [
            tuple(
                tuple(
                    (alternative, phrase.alternatives[alternative], phrase.anchored[alternative], phrase.openings[alternative],
                     phrase.ends_on_trigger[alternative])
                    for alternative in alternatives
                )
                for alternatives in groups
            )
            for phrase, groups in zip(self.phrase_rules, self._groups)
        ]
        self._trigger_words = list(triggers)
        self._woken_by = [triggers[w] for w in self._trigger_words]
        self._automaton = ahocorasick_rs.AhoCorasick(self._trigger_words) if triggers else None
        # A trigger's length and a plural "s" and a boundary after it: how far past the last
        # trigger a match that ends on one can reach.
        self._longest_trigger = max(map(len, self._trigger_words), default=0) + 2

    def detect(self, text: Text) -> list[Signal]:
        """Signals for every phrase rule that matches near one of its triggers."""
        if self._automaton is None:
            return []
        folded = text.folded
        woken: dict[int, dict[int, list[int]]] = {}
        for index, start, end in self._automaton.find_matches_as_indexes(folded, overlapping=True):
            if (start > 0 and _WORD_CHAR.match(folded, start - 1) and _WORD_CHAR.match(folded, start)) or (
                _WORD_CHAR.match(folded, end) and _WORD_CHAR.match(folded, end - 1)
            ):
                continue  # triggers are whole words: "kill" is not in "skill"; "(((" may touch a word
            for rule_index, group in self._woken_by[index]:
                woken.setdefault(rule_index, {}).setdefault(group, []).append(start)
        signals = []
        for rule_index in sorted(woken):
            phrase = self.phrase_rules[rule_index]
            plans = self._plans[rule_index]
            by_group = woken[rule_index]
            # Alternatives in rule order (the first that matches speaks), each with its group's
            # positions and window, worked out once a group.
            tried = []
            for group, positions in by_group.items():
                window = _window(folded, positions)
                near: dict[tuple[str, ...], bool] = {}
                for plan in plans[group]:
                    tried.append((plan, positions, window, near))
            if len(by_group) > 1:
                tried.sort(key=lambda entry: entry[0][0])
            for (_, pattern, anchored, openings, ends_on_trigger), positions, window, near in tried:
                if openings:
                    found = near.get(openings)
                    if found is None:
                        found = near[openings] = _any_near(folded, openings, window)
                    if not found:
                        continue
                signal = self._match(
                    phrase, pattern, text, positions, anchored, self._longest_trigger if ends_on_trigger else 0, window,
                )
                if signal:
                    signals.append(signal)
                    break
        return signals

    def _match(
        self, phrase: PhraseRule, pattern: re.Pattern, text: Text, positions: list[int], anchored: bool = False, ends_within: int = 0,
        window: tuple[int, int] | None = None,
    ) -> Signal | None:
        # One search over the stretch around the triggers; a match counts only
        # if it covers one of them, so a rule fires where it woke. A match that
        # ends on a trigger ends within `ends_within` characters of the last one.
        folded = text.folded
        window_start, window_end = window or _window(folded, positions)
        if ends_within:
            window_end = min(window_end, positions[-1] + ends_within)
        if anchored:
            candidates = (pattern.match(folded, start, window_end) for start in (sorted(set(positions)) if len(positions) > 1 else positions))
        else:
            candidates = pattern.finditer(folded, window_start, window_end)
        for found in candidates:
            if found is None:
                continue
            end = max(found.end(), found.start() + 1)
            if not any(found.start() <= p < end for p in positions):
                continue
            if phrase.handle_group and not _looks_like_handle(text, found, phrase.handle_group):
                continue
            if phrase.name_group and not _looks_like_a_name(text, found, phrase.name_group):
                continue
            if phrase.noun_group and not _is_a_noun(found, phrase.noun_group):
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

        entries = detect.get("triggers", [])
        if not isinstance(entries, list) or not entries:
            raise RuleFileError(source, "a phrase rule needs at least one trigger word", rule=rule_id, field="detect.triggers")
        for entry in entries:
            if not isinstance(entry, str) or not entry:
                raise RuleFileError(source, "must be a list of words or {list} names", rule=rule_id, field="detect.triggers")
            listed = _LIST_NAME.fullmatch(entry)
            if listed and listed.group(1) not in self.lists:
                raise RuleFileError(source, f"names an unknown word list {entry}", rule=rule_id, field="detect.triggers")
        # Each top-level alternative runs only when a trigger it mentions wakes
        # it: a long rule costs no more than the one phrase that can match.
        # Compiled one by one and never as a whole: that would double the
        # rules' share of start-up (a broken bracket still fails in some part).
        alternatives, triggers, anchored, openings, ends = [], [], [], [], []
        parts = _top_level_alternatives(pattern)
        for number, part in enumerate(parts, 1):
            words = self._mentioned(part, entries)
            if not words:
                words = [w for entry in entries for w in self._expand_trigger(entry)]
                if len(parts) > 1:
                    # Correct but slow: every trigger word of the rule wakes it. Said by `rules check`.
                    self.notes.append(
                        f"{source}: rule '{rule_id}', alternative {number} of its pattern ({part[:50]!r}…) names none of "
                        "the rule's triggers, so every one of them wakes it: add the words that should, or the {list} it uses"
                    )
            # Tried only at its own trigger words: an opening or closing word the rule lists
            # for another alternative ("stop" behind {stop_word}) wakes this one nowhere.
            own = set(words)
            anchored.append(_starts_on_a_trigger(part, entries, own))
            ends.append(_ends_on_a_trigger(part, entries, own))
            # An anchored alternative is tried at its opening words already; a long
            # list of openings costs more to look for than the search it would save.
            opening = () if anchored[-1] else _opening_strings(part, self.lists)
            openings.append(opening if len(opening) <= _MAX_OPENINGS else ())
            try:
                checked = re.compile(_LIST_NAME.sub(lambda name: expand(name) and _LIST_STAND_IN, part))
                alternatives.append(LazyPattern(_LIST_NAME.sub(expand, part), checked))
            except re.error as error:
                raise RuleFileError(source, f"is not a valid regular expression: {error}", rule=rule_id, field="detect.pattern") from None
            triggers.append(tuple(dict.fromkeys(words)))
        handle_group = detect.get("handle_group", "")
        if handle_group and not any(handle_group in alternative.groupindex for alternative in alternatives):
            raise RuleFileError(source, f"names no group of the pattern: {handle_group}", rule=rule_id, field="detect.handle_group")
        name_group = detect.get("name_group", "")
        if name_group and not any(name_group in alternative.groupindex for alternative in alternatives):
            raise RuleFileError(source, f"names no group of the pattern: {name_group}", rule=rule_id, field="detect.name_group")
        noun_group = detect.get("noun_group", "")
        if noun_group and not any(noun_group in alternative.groupindex for alternative in alternatives):
            raise RuleFileError(source, f"names no group of the pattern: {noun_group}", rule=rule_id, field="detect.noun_group")
        return PhraseRule(
            rule_id, tuple(alternatives), tuple(triggers), handle_group, tuple(anchored), tuple(openings),
            name_group=name_group, ends_on_trigger=tuple(ends), noun_group=noun_group,
        )

    def _mentioned(self, part: str, entries: list[str]) -> list[str]:
        """The trigger words a pattern alternative can match where they stand: a {list} it names, whole."""
        plain = _plain_words(part)
        words: list[str] = []
        for entry in entries:
            if _LIST_NAME.fullmatch(entry):
                if entry in part:
                    words.extend(self._expand_trigger(entry))
            elif _mentions(part, plain, entry):
                words.append(entry)
        return words

    def _expand_trigger(self, entry: str) -> tuple[str, ...]:
        """A trigger entry as words: a {list} name stands for the words of that list."""
        listed = _LIST_NAME.fullmatch(entry)
        return self.lists[listed.group(1)] if listed else (entry,)


def _plain_words(part: str) -> str:
    """A pattern alternative with escapes and symbols blanked: the words it spells out."""
    return re.sub(r"\\[a-z]|[^a-z' -]", " ", part)


def _mentions(part: str, plain: str, word: str) -> bool:
    """Whether a pattern alternative (`plain`: its `_plain_words`) can match where this trigger word stands."""
    first = word.split()[0]
    if _LETTERS.fullmatch(first):
        return first in plain
    # "1488", "14/88", "(((": digits and symbols stand in the pattern as written or escaped
    return first in part or re.escape(first) in part


_LETTERS = re.compile(r"[a-z'-]+")


# An alternative that opens on a group of trigger words: \b(?:{insult}|trolls?)
_OPENS_ON_WORDS = re.compile(r"\\b\(\?:((?:\{[a-z_]+\}|[a-z]+\??)(?:\|(?:\{[a-z_]+\}|[a-z]+\??))*)\)")


# An alternative that closes on a group of trigger words: …(?:{insult}|{epithet})s?\b
_CLOSES_ON_WORDS = re.compile(r"\(\?:((?:\{[a-z_]+\}|[a-z]+)(?:\|(?:\{[a-z_]+\}|[a-z]+))*)\)(?:s\?)?\\b$")


def _ends_on_a_trigger(part: str, entries: list[str], trigger_words: set[str]) -> bool:
    """Whether every match of this alternative ends on a trigger word (each closing word or list is a trigger, at the top level)."""
    closing = _CLOSES_ON_WORDS.search(part)
    if closing is None or _depth_at(part, closing.start()) != 0:
        return False
    return all(piece in entries if piece.startswith("{") else piece in trigger_words for piece in closing.group(1).split("|"))


def _depth_at(pattern: str, index: int) -> int:
    """How many groups are open at `index` of a pattern."""
    return sum((char == "(") - (char == ")") for _, char, _ in _structure(pattern[:index]))


def _structure(pattern: str):
    """(index, character, groups open before it) for each character of a pattern that is no escape and in no character class."""
    depth, in_class, escaped = 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            yield index, char, depth
            depth += (char == "(") - (char == ")")


def _starts_on_a_trigger(part: str, entries: list[str], trigger_words: set[str]) -> bool:
    """Whether every match of this alternative starts on a trigger word (each opening word or list is a trigger)."""
    opening = _OPENS_ON_WORDS.match(part)
    if opening is None:
        return False
    for piece in opening.group(1).split("|"):
        if piece.startswith("{"):
            if piece not in entries:
                return False
        elif not ({piece[:-2], piece[:-1]} if piece.endswith("s?") else {piece}) <= trigger_words:
            return False
    return True


_LITERAL = re.compile(r"[a-z' ]+")
_AT_HANDLE = "(?<![\\w@])@"
_MAX_OPENINGS = 8


def _opening_strings(part: str, lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Strings one of which opens every match of an alternative: `\\bhey\\s+…` -> ("hey",).

    Read from a leading `\\b` and a word or a group of words (`(?:people|those)`,
    `{list}`, `words?`); () when the opening is anything else, so the caller
    searches as before. A necessary condition only, never a change of meaning.
    """
    if part.startswith(_AT_HANDLE):
        return ("@",)  # a reply to a handle: without an @ near, nothing to search
    if not part.startswith("\\b"):
        return ()
    rest = part[2:]
    if rest.startswith("(?:"):
        depth, close = 0, -1
        for index, char in enumerate(rest):
            if char == "\\":
                return ()  # escapes inside the group: not read here
            depth += char == "("
            depth -= char == ")"
            if depth == 0:
                close = index
                break
        if close < 0 or rest[close + 1:close + 2] in ("?", "*", "{"):
            return ()
        branches = _top_level_alternatives(rest[3:close])
    else:
        branches = [rest]
    found: list[str] = []
    for branch in branches:
        listed = _LIST_NAME.match(branch)
        if listed:
            words = lists.get(listed.group(1))
            if not words or branch[listed.end():listed.end() + 1] in ("?", "*", "{"):
                return ()  # an unknown or optional list opens nothing for certain
            found.extend(words)
            continue
        literal = _LITERAL.match(branch)
        if literal is None:
            return ()
        text = literal.group()
        if branch[literal.end():literal.end() + 1] in ("?", "*", "{"):
            text = text[:-1]  # the last letter may be absent
        if len(text.strip()) < 2:
            return ()
        found.append(text)
    return tuple(dict.fromkeys(found))


def _any_near(folded: str, openings: tuple[str, ...], window: tuple[int, int]) -> bool:
    """Whether one of the opening strings occurs in the stretch `_match` searches (`window`, from `_window`)."""
    low, high = window
    return any(folded.find(opening, low, high) >= 0 for opening in openings)


def _window(folded: str, positions: list[int]) -> tuple[int, int]:
    """The stretch of the folded text around a rule's trigger positions that its pattern is searched in."""
    return max(0, positions[0] - _WINDOW), min(len(folded), positions[-1] + _WINDOW)


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a pattern at the `|` that are not inside brackets or parentheses."""
    parts, start = [], 0
    for index, char, depth in _structure(pattern):
        if char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return parts


def word_alternation(words) -> str:
    """A regular expression matching any of `words`, shaped as a trie (see `_trie_alternation`)."""
    return _trie_alternation(tuple(words))


@lru_cache(maxsize=256)  # a list named in many patterns is shaped once
def _trie_alternation(words: tuple[str, ...]) -> str:
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


def _captured(found: re.Match, group: str) -> bool:
    """Whether this alternative of the pattern has the group and the match captured something in it (one to check)."""
    return group in found.re.groupindex and found.start(group) >= 0


def _looks_like_a_name(text: Text, found: re.Match, group: str) -> bool:
    """A person's or a place's name as written: a capital first letter, and not a common English word ("Meet", "The")."""
    if not _captured(found, group):
        return True
    first, last = text.span(found.start(group), found.end(group))
    name = text.original[first:last]
    if not name[:1].isupper():
        return False
    return english_words().get(found.group(group), 9) > _COMMON_WORD_TIER


_COMMON_WORD_TIER = 0  # english_words' tier 0 (Zipf 5 and over): "Meet", "Thanks", "Trust"; names such as Obama are tier 1


def _is_a_noun(found: re.Match, group: str) -> bool:
    """The captured word may be a noun (parts_of_speech): "galah", "numpty", not "know" or "misread"."""
    return not _captured(found, group) or is_a_noun(found.group(group))


def _looks_like_handle(text: Text, found: re.Match, group: str) -> bool:
    """A commenter's handle, not a public figure's name: @name, CamelCase, digits or underscores."""
    if not _captured(found, group):
        return True
    first, last = text.span(found.start(group), found.end(group))
    name = text.original[first:last]
    return bool(
        name.startswith("@")
        or name.lower() in ("you", "u", "ya", "yourself")
        or re.search(r"[a-z][A-Z]|\d|_", name)
    )
