"""Find lexicon words in folded text, in every disguise, with Aho-Corasick automata.

Why Aho-Corasick (ahocorasick-rs): it finds every word of the lexicon in one
pass over the text, in time linear in its length. Measured here on 600
characters: 3 us against 22 us for a trie-shaped `re` pattern of the same
list; `make bench` prints it against a plain `re` alternation (about 190x).
The disguises are undone before the search, so the automaton only sees plain
letters:

1. `normalize` has already folded case, accents, look-alike letters and
   invisible characters (one character in, one out, or a map back).
2. Stand-in digits and symbols are read as letters ("sh1t", "a$$") by a
   same-length `str.translate`, so spans still line up.
3. The same text with separators dropped finds split letters ("f.u.c.k",
   "fu ck"); such a candidate is kept only when its pieces make one word.
4. Runs of three or more of a letter mark stretched words ("fuuuck"), which
   are squeezed and looked up again.

Python only runs for the rare candidate, where the checks that need judgement
happen: word boundaries, inflections, the term's allow list, clean senses
nearby, names, and whether digits sit inside a word that has letters.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from ...normalization import Text, fold
from ...rules.lexicon import Term, letters_of
from ...rules.settings import word_list
from ..edits import one_edit_apart
from ..language import common_words_of
from .runs import Runs
from .spans import Spans
from .words import MIN_LEFT_OVER, InsideWords, english_words

# Digits and symbols that stand in for letters (leetspeak), read the usual way.
# They count only inside words that also have letters: "iPhone 11" stays clean.
_STAND_INS = {"4": "a", "@": "a", "8": "b", "(": "c", "3": "e", "9": "g", "1": "i", "!": "i", "|": "i", "0": "o", "5": "s", "$": "s", "7": "t", "+": "t"}
_READ_STAND_INS = str.maketrans(_STAND_INS)
_STAND_IN_CHARS = frozenset(_STAND_INS)
_SEPARATORS = " \t\n\r.-_,*/:~"
_DROP_SEPARATORS = str.maketrans("", "", _SEPARATORS)
_SEPARATOR_CHARS = frozenset(_SEPARATORS)
_SEPARATOR_RUN = re.compile(r"[\s.\-_,*/:~]+")
_SEPARATOR_CHAR = re.compile(r"[ \t\n\r.\-_,*/:~]")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_WORD_CHARS = _LETTERS | frozenset("0123456789") | _STAND_IN_CHARS
# A "!" or "$" at either end of a word is punctuation, not a stand-in letter.
_TRIM_LEFT, _TRIM_RIGHT = "!$|(+@", "!$|(+"
# How far on either side of a candidate a word is read (longer than any allow-list word).
_WINDOW = 48
# Endings a whole-word term may take and still be the same word.
_SUFFIXES = frozenset({"", "s", "es", "ed", "d", "er", "ers", "ing", "in", "y", "ie", "ies", "ish", "z"})
_STRETCH_KEYS = [c * 3 for c in "abcdefghijklmnopqrstuvwxyz"]
_SHORT_WORDS = word_list("short_words")
_CODE = re.compile(r"[A-Z]{1,3}-?[0-9]{2,}")


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon word found in folded text; `disguises` names how it was written."""

    term: Term
    spelling: str
    start: int
    end: int
    disguises: tuple[str, ...]
    near_miss: str = ""  # an allow-list word this one resembles ("Shite" ~ "shiite")
    maybe_name: bool = False  # inside an unknown word that may be a name ("Shitanshu"): a moderator decides


_REPEAT = re.compile(r"(.)\1+")
_STRETCH = re.compile(r"(.)\1\1+")
# Compiled once: a pattern string passed to re.sub is looked up in re's cache on every call.
_AFTER_SENTENCE_END = re.compile(r"(?:^|[.!?:\"“]\s*)$")
# An acronym followed by a number names a standard or a code.
_NUMBER_AFTER = re.compile(r" ?[0-9]")
# A title before a name ends in a full stop that ends no sentence.
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Mx)\.\s+$")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w.]*\s+$")
_CAPITALISED_AFTER = re.compile(r"\s+[A-Z][a-z]")
_NOT_LETTER = re.compile(r"[^a-z]")


def squeeze(text: str) -> str:
    """Collapse every run of a repeated character to one: "fuuuck" -> "fuck"."""
    return _squeeze_word(text) if len(text) <= _CACHED_LENGTH else _REPEAT.sub(r"\1", text)


def destretch(text: str) -> str:
    """Collapse runs of three or more of a character to two: "shiiiite" -> "shiite"."""
    return _destretch_word(text) if len(text) <= _CACHED_LENGTH else _STRETCH.sub(r"\1\1", text)


# Words recur, so their folds are remembered; a long run is not (8,192 cached
# copies of a 1 MB comment would hold gigabytes).
_CACHED_LENGTH = 64


@lru_cache(maxsize=8192)
def _squeeze_word(text: str) -> str:
    return _REPEAT.sub(r"\1", text)


@lru_cache(maxsize=8192)
def _destretch_word(text: str) -> str:
    return _STRETCH.sub(r"\1\1", text)


def read_stand_ins(text: str) -> str:
    """Read stand-in digits and symbols as letters, keeping the length ("sh1t" -> "shit")."""
    return text.translate(_READ_STAND_INS)


class Matcher:
    """Finds the lexicon's terms in a `Text`; built once per rule set."""

    def __init__(self, terms: tuple[Term, ...]):
        self.terms = terms
        entries: dict[str, tuple[Term, str]] = {}
        for term in terms:
            for spelling in term.spellings:
                letters = letters_of(spelling)
                entries.setdefault(letters, (term, spelling))
                # "1" and "|" read as "i" but may stand for "l" ("he11"): index that reading too.
                if "l" in letters:
                    entries.setdefault(letters.replace("l", "i"), (term, spelling))
                # "v" for "u" ("cvnt", "bvllshit"); not in three-letter words, where it
                # makes acronyms ("CVM").
                if "u" in letters and len(letters) >= 4:
                    entries.setdefault(letters.replace("u", "v"), (term, spelling))
        self._keys = list(entries)
        self._entries = [entries[k] for k in self._keys]
        self._automaton = ahocorasick_rs.AhoCorasick(self._keys + _STRETCH_KEYS)
        self._stretch_from = len(self._keys)
        squeezed: dict[str, tuple[Term, str]] = {}
        for key, entry in entries.items():
            squeezed.setdefault(squeeze(key), entry)
        self._squeezed_keys = list(squeezed)
        self._squeezed_entries = [squeezed[k] for k in self._squeezed_keys]
        self._squeezed_index = squeezed
        self._squeezed_automaton = ahocorasick_rs.AhoCorasick(self._squeezed_keys)
        self._respellings = {letters_of(s) for t in terms for s in t.all_respellings}
        self._inside = InsideWords(frozenset(self._keys))
        self._allow = {t.word: tuple(destretch(a.replace(" ", "")) for a in _allowed_words(t)) for t in terms}
        # Allowed words without double letters survive full squeezing ("scuuunthorpe").
        self._allow_unsqueezable = {word: tuple(a for a in allow if a == squeeze(a)) for word, allow in self._allow.items()}
        self._near = {
            t.word: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in t.clean_near) + r")\b")
            for t in terms
            if t.clean_near
        }
        self._after = {
            t.word: re.compile(r"[\s.,/]*(?:" + "|".join(re.escape(w) for w in t.clean_after) + r")\b")
            for t in terms
            if t.clean_after
        }
        # Per term that is an ordinary word elsewhere: the common words of each such language.
        self._languages = {t.word: tuple(common_words_of(code) for code in t.languages) for t in terms if t.languages}

    def lookup(self, letters: str) -> tuple[Term, str] | None:
        """The term and spelling whose letters these are (stand-ins read, repeats squeezed)."""
        return self._squeezed_index.get(squeeze(read_stand_ins(letters)))

    def find(self, text: Text) -> list[Match]:
        """Every lexicon word in `text`, with spans into the folded text, in order."""
        if "|" in text.folded or "+" in text.folded:
            text = _with_stroke_separators(text)
        if text.folded.translate(_ORDINARY_CHARS) or _QUIET_HINT.search(text.folded) and _QUIET_SEPARATED.search(text.folded):
            text = _with_symbol_separators(text)
        plain = read_stand_ins(text.folded)
        found: list[Match] = []
        taken = Spans()
        words = Runs(text.folded, _WORD_CHARS, trim_left=_TRIM_LEFT, trim_right=_TRIM_RIGHT)
        stretched: set[int] = set()
        longest: dict[int, tuple[int, int]] = {}
        plain_hits = self._automaton.find_matches_as_indexes(plain, overlapping=True)
        for index, start, end in plain_hits:
            if index >= self._stretch_from:
                stretched.add(start)
            elif end > longest.get(start, (0, -1))[1]:
                longest[start] = (index, end)
        for start in sorted(longest):
            index, end = longest[start]
            if taken.holds(start):
                continue
            term, spelling = self._entries[index]
            match = self._judge(text, words, start, end, term, spelling, split=False)
            if match:
                found.append(match)
                taken.add(match.start, match.end)
        if stretched:
            self._find_stretched(text, words, plain, stretched, found, taken)
        joined = plain.translate(_DROP_SEPARATORS)
        if len(joined) != len(plain):
            self._find_split(text, words, plain, joined, plain_hits, found, taken)
        found.sort(key=lambda m: m.start)
        return found

    # -- the three kinds of candidate ------------------------------------------

    def _find_stretched(self, text: Text, words: Runs, plain: str, starts: set[int], found: list, taken: Spans) -> None:
        tokens: list[tuple[int, int]] = []
        for start in sorted(starts):
            # A run of one letter holds a stretch key at every position: bound
            # each token once, not once per position (issue #11: quadratic on
            # 10,000 "a"s).
            if tokens and start < tokens[-1][1]:
                continue
            tokens.append(words.token(start, start + 3))
        for left, right in tokens:
            if taken.overlaps(left, right):
                continue
            token = squeeze(plain[left:right])
            for index, start, end in self._squeezed_automaton.find_matches_as_indexes(token, overlapping=True):
                term, spelling = self._squeezed_entries[index]
                if not term.inside and (start != 0 or squeeze(token[end:]) not in _SUFFIXES):
                    continue
                match = self._judge(text, words, left, right, term, spelling, split=False, whole_token=True)
                if match:
                    found.append(match)
                    taken.add(left, right)
                    break

    def _find_split(self, text: Text, words: Runs, plain: str, joined: str, plain_hits: list, found: list, taken: Spans) -> None:
        # Joining keeps every plain hit and may add some; the added ones span a
        # separator. Comparing counts first skips the (slower) mapping back in
        # the common case where joining added nothing.
        if _stretched_spaced(plain):
            self._find_split_stretched(text, words, plain, joined, found, taken)
        hits = [h for h in self._automaton.find_matches_as_indexes(joined, overlapping=True) if h[0] < self._stretch_from]
        if len(hits) == sum(1 for h in plain_hits if h[0] < self._stretch_from):
            return
        in_plain = Counter(index for index, _, _ in plain_hits)
        gained = Counter(index for index, _, _ in hits)
        gained.subtract(in_plain)
        # Where a character of the joined text sits in the plain text: after as many
        # separators as have no more letters before them than it has.
        letters_before = list(accumulate(map(len, _SEPARATOR_CHAR.split(plain)[:-1])))
        for index, start, end in hits:
            if gained[index] <= 0:
                continue
            first = start + bisect_right(letters_before, start)
            last = end - 1 + bisect_right(letters_before, end - 1) + 1
            if last - first == end - start or taken.overlaps(first, last):
                continue  # no separator inside: the plain pass judged it already
            term, spelling = self._entries[index]
            match = self._judge(text, words, first, last, term, spelling, split=True)
            if match:
                found.append(match)
                taken.add(match.start, match.end)

    def _find_split_stretched(self, text: Text, words: Runs, plain: str, joined: str, found: list, taken: Spans) -> None:
        # Letters split apart and stretched at once ("f u u u c k", "sh 1 1 1 t"):
        # the joined letters are squeezed and searched for squeezed spellings,
        # then mapped back through both steps to the letters as written.
        kept = [at for at, char in enumerate(plain) if char not in _SEPARATOR_CHARS]
        squeezed, runs = [], []
        for at, char in enumerate(joined):
            if squeezed and squeezed[-1] == char:
                runs[-1][1] = at
            else:
                squeezed.append(char)
                runs.append([at, at])
        longest: dict[int, tuple[int, int]] = {}
        for index, start, end in self._squeezed_automaton.find_matches_as_indexes("".join(squeezed), overlapping=True):
            if end > longest.get(start, (0, -1))[1]:
                longest[start] = (index, end)  # "bastard", not the "ass" inside it
        for start, (index, end) in sorted(longest.items()):
            first, last = kept[runs[start][0]], kept[runs[end - 1][1]] + 1
            if last - first == runs[end - 1][1] - runs[start][0] + 1 or taken.overlaps(first, last):
                continue  # no separator inside: not split (the stretched pass reads those)
            term, spelling = self._squeezed_entries[index]
            match = self._judge(text, words, first, last, term, spelling, split=True)
            if match:
                found.append(match)
                taken.add(match.start, match.end)

    # -- judging one candidate -------------------------------------------------

    def _judge(self, text: Text, words: Runs, start: int, end: int, term: Term, spelling: str, split: bool, whole_token: bool = False) -> Match | None:
        folded = text.folded
        maybe_name = False
        if split:
            bounds = self._split_bounds(folded, start, end, term)
            if bounds is None:
                return None
            start, end = bounds
            token_start, token_end = start, end
            pieces = [p for p in _SEPARATOR_RUN.split(folded[start:end]) if p]
            if not _split_stand_ins_plausible(squeeze("".join(pieces))):
                return None
            word = read_stand_ins("".join(pieces))
            letters = letters_of(spelling)
            if letters not in word and letters.replace("l", "i") not in word and squeeze(letters) in squeeze(word):
                word, letters = squeeze(word), squeeze(letters)  # split and stretched: judged squeezed
            at = word.find(letters) if letters in word else word.find(letters.replace("l", "i"))
            rel_start, rel_end = max(at, 0), max(at, 0) + len(letters)
            if not term.inside and (rel_start != 0 or word[rel_end:] not in _SUFFIXES):
                return None
        else:
            token_start, token_end = words.token(start, end)
            # A word longer than any real one ("shitshitshit…" for 1 MB) is
            # judged on a window around the candidate, so each of its many
            # candidates costs the window, not the whole run (issue #11).
            token_start, token_end = max(token_start, start - _WINDOW), min(token_end, end + _WINDOW)
            token = folded[token_start:token_end]
            if not self._stand_ins_plausible([token]) or self._is_code(text, token_start, token_end):
                return None
            word = read_stand_ins(token)
            rel_start, rel_end = start - token_start, end - token_start
            if whole_token:
                rel_start, rel_end = 0, len(word)
            elif not self._is_whole_word(text, token_start, start, word, rel_end, term.severity == "acronym"):
                inside = self._inside_word(term, token, word, rel_start, rel_end, text, token_start, token_end)
                if inside is None:
                    return None
                maybe_name = inside == "name"
        if self._allowed(term, word, rel_start, rel_end):
            return None
        if whole_token:
            start, end = token_start, token_end
        first, last = text.span(start, end)
        written = text.original[first:last]
        if term.lowercase_only and not written.islower():
            return None
        if term.severity == "acronym" and _NUMBER_AFTER.match(folded, end):
            return None  # a standard or a code: "BS 7671"
        if self._clean_sense(folded, term, start, end) or self._is_name(text, term, first, last):
            return None
        disguises = self._disguises(written, folded[start:end], split, spelling)
        starts_sentence = _AFTER_SENTENCE_END.search(text.original[max(0, first - 3):first]) is not None
        near_miss = "" if starts_sentence else self._near_miss(term, written, word)
        return Match(term, spelling, start, end, disguises, near_miss, maybe_name)

    @staticmethod
    def _written_as_name(text: Text, token_start: int, token_end: int) -> bool:
        """Capitalised and not where a sentence starts: "Mr. Shitole" is, "Shitole." at the start is not known to be."""
        first, last = text.span(token_start, token_end)
        written = text.original[first:last]
        if not (written[:1].isupper() and written[1:].islower()):
            return False
        before = text.original[max(0, first - 4):first]
        return _AFTER_SENTENCE_END.search(before) is None or _TITLE_BEFORE.search(text.original[max(0, first - 6):first]) is not None

    def _inside_word(self, term: Term, token: str, word: str, rel_start: int, rel_end: int, text: Text, token_start: int, token_end: int) -> str | None:
        """A term found inside a longer word: "vulgar", "name" (a moderator decides) or None (innocent)."""
        if not token.isalpha():
            return "vulgar" if term.inside else None  # digits or symbols in it: a disguise, judged as before
        if not term.inside and (not term.compounds or self._inside.is_known(word)):
            # Most of these: "class", "passed", "document". A known word ("peacock") is
            # a word; only an unknown one may be a vulgar compound.
            return None
        prefix, rest = word[:rel_start], word[rel_end:]
        if self._inside.is_compound(prefix, rest):
            # "shitshow", "dickmove"; a non-inside term's compound written as a name ("Glasscock") is a name,
            # and so is any word that reads as words run together but is written as one part of a full
            # name ("Yoshitaka Kinoshita" is not "yo shit aka"): a moderator decides.
            if not term.inside:
                return None if self._written_as_name(text, token_start, token_end) else "vulgar"
            if _commonest_words_around(prefix, rest):
                return "vulgar"  # "Gofuckyourself Darren": "go" and "yourself" make no name
            return "name" if self._part_of_a_full_name(text, token_start, token_end) else "vulgar"
        if not term.inside:
            return None
        as_name = self._written_as_name(text, token_start, token_end)
        if token_start > 0 and text.folded[token_start - 1] == "#":
            return "vulgar"  # "#fucktheHOA": a hashtag is words run together, not a name
        if self.lookup(word) is not None or any(self.lookup(word[: -len(s)]) for s in _SUFFIXES if s and word.endswith(s)):
            return "vulgar"  # the word stretched or respelled ("shitt", "fuckk")
        if self._inside.is_ending(rest, word[rel_end - 1]) and not as_name:
            return "vulgar"  # the vulgar word with an ending ("muthafuckin"), not a name
        if self._inside.is_known(word):
            return None  # "Matsushita", "Dikshit", "Phuket": a word or name English text uses
        return "name" if len(prefix) + len(rest) >= MIN_LEFT_OVER else "vulgar"

    @staticmethod
    def _stand_ins_plausible(words: list[str]) -> bool:
        # Digits read as letters only inside words that also have letters ("sh1t");
        # all-symbol spellings such as "@$$" pass, numbers such as "455" do not.
        return not any(
            not any(c in _LETTERS for c in word) and any(c.isdigit() for c in word) for word in words
        )

    @staticmethod
    def _split_bounds(folded: str, start: int, end: int, term: Term) -> tuple[int, int] | None:
        pieces = [p for p in _SEPARATOR_RUN.split(folded[start:end]) if p]
        if term.severity == "acronym":
            separators = set(_SEPARATOR_RUN.findall(folded[start:end]))
            if len(letters_of(term.word)) < 3 and separators != {"."}:
                return None  # "a f" is not "af"; "B.S." may be "BS"
        if all(len(p) == 1 for p in pieces):
            # Fully split: take in letters split the same way on either side, so
            # "a.s.s.e.t.s" is judged as the word "assets", not as "ass".
            # Only across the separators the word itself uses: in "a t.w.a.t" the
            # article "a " is not part of the word.
            # Only across the separator runs the word itself uses: in "a d . i . c . k"
            # the article "a " is not part of the word either.
            runs = sorted(set(_SEPARATOR_RUN.findall(folded[start:end])), key=len, reverse=True) or [" "]
            sep = "(?:" + "|".join(map(re.escape, runs)) + ")"
            while (ahead := re.match(sep + r"[a-z0-9@$!](?![a-z0-9])", folded[end:end + 5])):
                end += ahead.end()
            taken_in = []
            while (behind := re.search(r"(?<![a-z0-9])[a-z0-9@$!]" + sep + "$", folded[max(0, start - 8):start])):
                start -= len(behind.group())
                taken_in.append(behind.group())
            if taken_in and taken_in[-1][0] in "ai" and len(taken_in) == 1:
                start += len(taken_in[-1])  # "a f u c k": the article, not a letter of the word
            if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
                return None
            return start, end
        # Partly split ("fu ck"): the pieces must stand alone, none may follow an
        # apostrophe ("it's hit"), and some piece of two or more letters must not
        # be an ordinary short word ("as s", "s hit" are words, not a split).
        if start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "'"):
            return None
        if end < len(folded) and (folded[end].isalnum() or folded[end] == "'"):
            return None
        if not any(len(p) >= 2 and p not in _SHORT_WORDS for p in pieces):
            return None
        return start, end

    @staticmethod
    def _is_whole_word(text: Text, token_start: int, start: int, word: str, rel_end: int, bare: bool = False) -> bool:
        if token_start != start:
            # A capital after a small letter starts a new word in run-together
            # text ("#ObamaIsAnAss"), where the original lines up with the folded.
            original = text.original
            if text.offsets is not None or not (original[start].isupper() and original[start - 1].islower()):
                return False
        rest = word[rel_end:]
        if bare:
            return rest == ""  # an acronym takes no endings: "BSD" is not "BS"
        return rest in _SUFFIXES or squeeze(rest) in _SUFFIXES

    @staticmethod
    def _is_code(text: Text, token_start: int, token_end: int) -> bool:
        # Capital letters and then only digits name a road, a model or a form
        # ("A55", "B52", "M25"): not a word with digits for letters.
        first, last = text.span(token_start, token_end)
        return _CODE.fullmatch(text.original[first:last]) is not None

    def _allowed(self, term: Term, word: str, rel_start: int, rel_end: int) -> bool:
        allow = self._allow[term.word]
        if not allow:
            return False
        # Judge on the de-stretched word, so "Shiiiite" is still "shiite"; an
        # innocent word without double letters also survives full squeezing
        # ("scuuunthorpe"), which cannot turn a vulgar word into it.
        squeezed = squeeze(word)
        if squeezed != word and any(innocent in squeezed for innocent in self._allow_unsqueezable[term.word]):
            return True
        first = len(destretch(word[:rel_start]))
        last = first + len(destretch(word[rel_start:rel_end]))
        word = destretch(word)
        for innocent in allow:
            index = word.find(innocent)
            while index >= 0:
                if index <= first and index + len(innocent) >= last:
                    return True
                index = word.find(innocent, index + 1)
        return False

    def _clean_sense(self, folded: str, term: Term, start: int, end: int) -> bool:
        if term.severity == "acronym" and _spelled_out_nearby(folded, re.sub(r"[^a-z]", "", folded[start:end]), start, end):
            return True  # "the World Taekwondo Federation, once known as the WTF"; "FFS, meaning fee-for-service"
        near = self._near.get(term.word)
        if near and near.search(folded, max(0, start - 60), min(len(folded), end + 60)):
            return True
        after = self._after.get(term.word)
        if after and after.match(folded, end):
            return True
        languages = self._languages.get(term.word)
        return bool(languages and _among_words_of(folded, start, end, languages))

    @staticmethod
    def _part_of_a_full_name(text: Text, token_start: int, token_end: int) -> bool:
        """Capitalised, with another capitalised word right before or after it ("Yoshitaka Kinoshita")."""
        return _beside_a_capitalised_word(text.original, *text.span(token_start, token_end))

    @staticmethod
    def _is_name(text: Text, term: Term, first: int, last: int) -> bool:
        # "Dick Cheney", "Philip K. Dick": a capitalised word beside another is a name.
        return term.names and _beside_a_capitalised_word(text.original, first, last)

    def _near_miss(self, term: Term, written: str, word: str) -> str:
        # A capitalised word one letter short of an innocent one ("the Shite
        # militias" for Shiite) may be a typo, not vulgarity: a moderator decides.
        # Only a word written as a capitalised one is: "Shite", not "SHITE",
        # not letters drawn from other scripts or symbols ("🅳🅸🅲🅺", "ᎠᎥᏟᏦ").
        if not (written[:1].isupper() and written[1:].islower() and written.isalpha()) or term.severity not in ("strong", "slur"):
            return ""
        for innocent in self._allow[term.word]:
            # One letter short of it ("Shite"); at _NEAR_MISS_SWAP_LENGTH letters, also one wrong or two swapped ("Shitte").
            if (len(innocent) == len(word) + 1 or len(innocent) == len(word) >= _NEAR_MISS_SWAP_LENGTH) and one_edit_apart(innocent, word):
                return innocent
        return ""

    def _disguises(self, written: str, folded: str, split: bool, spelling: str) -> tuple[str, ...]:
        found = [_character_disguise(c) for c in written if not c.isascii()]
        if split:
            found.append("letters split apart")
        if any(c in _STAND_IN_CHARS for c in folded) or any(c in "<>/\\()_-" for c in written if not split):
            found.append("digits or symbols for letters")  # "sh1t", and letters drawn: "fuc|<"
        letters = _NOT_LETTER.sub("", folded)
        if len(destretch(letters)) < len(letters):
            found.append("stretched letters")
        if "v" in letters and "u" in spelling and "v" not in spelling:
            found.append("look-alike letters")  # "cvnt"
        if letters_of(spelling) in self._respellings:
            found.append("respelled")
        return tuple(dict.fromkeys(f for f in found if f))


# A word this long or longer may also be a typo with one letter wrong or two swapped
# ("Shitte", "Shiiet"); shorter ones are too near too many words.
_NEAR_MISS_SWAP_LENGTH = 6


def _commonest_words_around(prefix: str, rest: str) -> bool:
    """Whether the letters before and after the strong word are each nothing or one of
    English's commonest words (tier 0, two letters or more): "go…yourself", not "yo…aka"."""
    if not (prefix or rest):
        return False
    common = english_words()
    return all(not piece or (len(piece) >= 2 and common.get(piece) == 0) for piece in (prefix, rest))


_LANGUAGE_WINDOW = 60  # characters each side of the word
_LANGUAGE_WORDS = 2  # different common words of the language in that stretch
_WORD_OF_LETTERS = re.compile(r"[a-z']+")


def _among_words_of(folded: str, start: int, end: int, languages: tuple[frozenset[str], ...]) -> bool:
    """Whether the words around [start, end) include two different common words of one of `languages`."""
    nearby = set(_WORD_OF_LETTERS.findall(folded, max(0, start - _LANGUAGE_WINDOW), min(len(folded), end + _LANGUAGE_WINDOW)))
    return any(len(nearby & words) >= _LANGUAGE_WORDS for words in languages)


_EXPANSION_WORD = re.compile(r"[a-z]+")
_SENTENCE_END = re.compile(r"[.!?]\s")
_EXPANSION_REACH = 50  # characters either side: the expansion stands beside the acronym


def _spelled_out_nearby(folded: str, acronym: str, start: int, end: int) -> bool:
    """Whether words whose first letters spell the acronym stand within a sentence's reach of it.

    An acronym written beside its own expansion means that expansion; the vulgar
    one, spelled out, is a vulgar word and is found as one.
    """
    if len(acronym) < 3:
        return False  # two letters ("bs") are spelled by chance too often
    before = _SENTENCE_END.split(folded[max(0, start - _EXPANSION_REACH):start])[-1]  # the same sentence only
    after = _SENTENCE_END.split(folded[end:end + _EXPANSION_REACH])[0]
    before = "".join(word[0] for word in _EXPANSION_WORD.findall(before))
    after = "".join(word[0] for word in _EXPANSION_WORD.findall(after))
    return acronym in before or acronym in after


def _beside_a_capitalised_word(original: str, first: int, last: int) -> bool:
    """Whether original[first:last] is a capitalised word with another capitalised word right before or after it."""
    word = original[first:last]
    if not (word[:1].isupper() and word[1:].islower()):
        return False
    return bool(_CAPITALISED_BEFORE.search(original[max(0, first - 30):first]) or _CAPITALISED_AFTER.match(original[last:last + 4]))


def _allowed_words(term: Term) -> tuple[str, ...]:
    """The allow list, and each allowed word respelled as the term is ("basterdization")."""
    respelled = [
        word.replace(term.word, respelling)
        for word in term.allow
        if term.word in word
        for respelling in term.respellings
        if " " not in respelling
    ]
    return tuple(dict.fromkeys((*term.allow, *respelled)))


# "|" and "+" read as "i" and "t" ("sh|t", "+wat"), but between single letters
# on both sides, two or more times, they separate letters like dots ("f|u|c|k",
# "s + h + i + t"): read there as a separator, the same length.
_STROKE_SEPARATED = re.compile(r"(?<![a-z0-9@$!|+])[a-z0-9@$!](?: ?[|+] ?[a-z0-9@$!]){2,}(?![a-z0-9@$!|+])")
# A letter written alone twice over a separator ("u u", "1 1" once stand-ins are
# read): maybe split and stretched. Looked for with an automaton of every such
# pair: a regular expression with a back-reference cost 12 us a comment.
_LETTER_PAIRS = [f"{c}{sep}{c}" for c in "abcdefghijklmnopqrstuvwxyz" for sep in _SEPARATORS]
_LETTER_PAIR_AUTOMATON = ahocorasick_rs.AhoCorasick(_LETTER_PAIRS)


def _stretched_spaced(plain: str) -> bool:
    """Whether a single letter stands alone twice in a row, split by a separator."""
    for _, start, end in _LETTER_PAIR_AUTOMATON.find_matches_as_indexes(plain, overlapping=True):
        if (start == 0 or not plain[start - 1].isalpha()) and (end == len(plain) or not plain[end].isalpha()):
            return True
    return False


# Any other symbol repeated between single letters separates them like a dot
# ("f\\u\\c\\k", "b·u·l·l", "s♥h♥i♥t"): one symbol, the same each time, three
# letters or more. Looked for only when the text has a character outside
# letters, digits, spaces, the separators and common punctuation.
_ORDINARY_CHARS = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz0123456789" + _SEPARATORS + "'\"!?()[]&;%#@$+|")
_SYMBOL_SEPARATED = re.compile(r"(?<![a-z0-9@$!'])[a-z0-9@$!]([^a-z0-9@$!\s.\-_,*/:~|+])[a-z0-9@$!](?:\1[a-z0-9@$!])+(?![a-z0-9@$!'])")
# Common punctuation used the same way ("b;a;s;t;a;r;d", "d#i#c#k", "t'w'a't"):
# looked for only where one stands between single letters twice running.
_QUIET_HINT = re.compile(r"[;#'%&][a-z0-9][;#'%&]")  # a cheap first look: one letter between two marks
_QUIET_SEPARATED = re.compile(r"(?<![a-z0-9])[a-z0-9]([;#'%&])[a-z0-9]\1[a-z0-9]")


def _with_symbol_separators(text: Text) -> Text:
    folded = _SYMBOL_SEPARATED.sub(lambda m: m.group().replace(m.group(1), "."), text.folded)
    return text if folded == text.folded else Text(text.original, folded, text.offsets)


def _with_stroke_separators(text: Text) -> Text:
    folded = _STROKE_SEPARATED.sub(lambda m: m.group().replace("|", ".").replace("+", "."), text.folded)
    return text if folded == text.folded else Text(text.original, folded, text.offsets)


def _split_stand_ins_plausible(joined: str) -> bool:
    # "s-h-1-t" is a word with one stand-in; "a $5" is a letter beside a price.
    letters = sum(1 for c in joined if c in _LETTERS)
    return letters >= 2 and letters > len(joined) - letters


def _character_disguise(char: str) -> str:
    """How one non-ASCII character inside a matched word disguises it."""
    category = unicodedata.category(char)
    if category in ("Cf", "Zs", "Zl", "Zp") or char in "\u115f\u1160\u3164\u034f":
        return "invisible characters"
    if category == "Mn":
        return "accented letters"
    decomposition = unicodedata.decomposition(char)
    if decomposition and not decomposition.startswith("<"):
        return "accented letters"
    if char.isalpha() or decomposition or fold(char).isalpha():
        return "look-alike letters"  # also symbols folded to letters ("b¡tch")
    return ""
