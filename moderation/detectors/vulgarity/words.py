"""English words and names by frequency, to judge a vulgar string found inside a longer word (issue #9).

A strong word inside another word is one of three things. A vulgar compound
("shitshow", "dickmove", "selfishassholes"): the rest of the word is made of
English words and endings. An ordinary word or name that happens to contain
it ("Matsushita", "Dikshit", "Phuket", "ashita"): the whole word is in a large
frequency list of English as written (wordfreq, which holds the names and
foreign words English text uses), and the rest is no English word. Or an
unknown word: a name or a foreign word nobody listed, when enough of it is
left over ("Shitanshu", "Kuntal") — a moderator decides those; or a typo or
stretch of the vulgar word ("shitt"), which stays vulgar.

The allow lists in the rules still come first: they name the innocent words
that do look like compounds ("cocktail", "Scunthorpe"). The list
(data/english_words.txt.gz, built by tools/build_english_words.py from
wordfreq, CC BY-SA 4.0) is read the first time a word needs it.

A known word or an unknown one with letters left over counts as innocent only
if what follows the vulgar string is no mere ending ("muthafuckin" is "-in"
on a vulgar word), or if it is written as a name: capitalised, not at the
start of a sentence ("Priya Dikshit").
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

# Endings that turn a vulgar word into another vulgar word ("fuckery", "shitless").
DERIVATIONS = frozenset({
    "", "s", "es", "ed", "d", "er", "ers", "ing", "in", "y", "ie", "ies", "ish", "z",
    "ery", "eries", "ness", "less", "ful", "fully", "ly", "ity", "ist", "ists", "tastic", "en", "est", "iest", "ier",
})
# Letters left over besides the vulgar string for an unknown word to be judged a possible name.
MIN_LEFT_OVER = 2
# How frequent an English word must be to count as a part of a compound, by its
# length: short ones are often names or abbreviations ("ama", "chi", "ole").
PART_TIER = {3: 1}  # 3 letters: Zipf >= 4; longer: >= 3 (tiers: Zipf >= 5, >= 4, >= 3)
# Two-letter words make vulgar phrases run together ("fuckedup", "gofuckyourself",
# "fuckit"); others ("al", "an") mostly end names ("Kuntal", "Phukan").
TWO_LETTER_PARTS = frozenset({"up", "go", "me", "my", "it", "of", "on", "so", "oh", "ur", "yo", "ya", "to", "in", "no"})
# Before the vulgar string, the short words of a sentence run together count too
# ("whatatwat", "myneighbourisaprick", "heisadick"); after it they would turn names
# into compounds ("Yamashita" ends in "a"), so they count only before, and a single
# letter only after another word ("Ashton" is no "a" + "sht" + "on").
PREFIX_PARTS = frozenset({"a", "i", "is", "as", "at", "be", "he", "we", "us", "am", "or", "by", "an"})
_TIERS = ("# below 5.0", "# below 4.0", "# below 3.0")


@lru_cache(maxsize=1)
def english_words() -> dict[str, int]:
    """Each English word or name of Zipf >= 1.5 with its tier: 0 for Zipf >= 5, 1 for >= 4, 2 for >= 3, 3 below.

    One table, not a set a tier: 159,000 words held once cost about 14 MB, four
    sets of them 22 MB (and 33 MB at the peak of reading them).
    """
    data = resources.files("moderation").joinpath("data/english_words.txt.gz").read_bytes()
    text = gzip.decompress(data).decode("ascii")
    ranks: dict[str, int] = {}
    tier = 0
    for line in text.split("\n"):
        if line in _TIERS:
            tier = _TIERS.index(line) + 1
        elif line and not line.startswith("#"):
            ranks.setdefault(line, tier)
    return ranks


_CUT_MEMO = 4096


class InsideWords:
    """Judges a lexicon word found inside a longer one; built once per lexicon."""

    def __init__(self, spellings: frozenset[str]):
        # Every lexicon spelling counts as a part of a compound ("dumbass" + "politicians").
        self._spellings = spellings
        # Answers of `_parts`, remembered: a word pasted into one long run
        # ("shitshit…") puts the same letters around each of its thousands of
        # candidates, and cutting 48 letters into words costs 0.4 ms in Python
        # (1 MB took 35 s). Bounded: forgetting changes time, never an answer.
        self._cut: dict[tuple[str, bool], bool] = {}

    def is_compound(self, prefix: str, rest: str) -> bool:
        """Whether the letters around the vulgar string are English words, vulgar words and endings."""
        if not prefix and rest in DERIVATIONS:
            return bool(rest)
        return self._parts(prefix, ending=False) and self._parts(rest, ending=True)

    def is_known(self, word: str) -> bool:
        """Whether `word` is an English word or a name English text uses (Zipf >= 1.5)."""
        return word in english_words()

    @staticmethod
    def is_ending(rest: str, last_letter: str) -> bool:
        """Whether the letters after the vulgar string are an ending ("-in", "-ery"), its last consonant doubled or not ("-tiest")."""
        return rest in DERIVATIONS or (rest[:1] == last_letter and rest[1:] in DERIVATIONS)

    def _parts(self, letters: str, ending: bool) -> bool:
        # Can `letters` be cut into words (and, in the rest of a word, endings:
        # "fuck|ed|up", "shit|less")? Cut points reachable from the start.
        if not letters:
            return True
        known = self._cut.get((letters, ending))
        if known is None:
            if len(self._cut) >= _CUT_MEMO:
                self._cut.clear()
            known = self._cut[(letters, ending)] = self._cut_into_parts(letters, ending)
        return known

    def _cut_into_parts(self, letters: str, ending: bool) -> bool:
        ranks = english_words()
        reachable = [True] + [False] * len(letters)
        for at in range(len(letters)):
            if not reachable[at]:
                continue
            for stop in range(at + (1 if not ending else 2), min(len(letters), at + 20) + 1):
                part = letters[at:stop]
                if len(part) <= 2:
                    # a single letter only after another part: "what|a|twat", not "a|sht|on" (Ashton)
                    word = part in TWO_LETTER_PARTS or (not ending and part in PREFIX_PARTS and (at > 0 or len(part) == 2))
                else:
                    word = ranks.get(part, 3) <= PART_TIER.get(len(part), 2) or part in self._spellings
                if word or (ending and part in DERIVATIONS):
                    reachable[stop] = True
        return reachable[-1]
