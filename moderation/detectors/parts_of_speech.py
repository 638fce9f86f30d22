"""Whether a word is a noun: the words English uses mostly as verbs, adjectives or adverbs.

A phrase rule may ask that a word it captured be a noun (`noun_group`): "Sit
down, you galah." closes on a name for the reader, "Cheers, you know." and
"Fair enough, you misread it." on a verb. The list (data/not_nouns.txt.gz,
built by tools/build_wordnet_lists.py from WordNet 3.0's sense-tagged counts)
holds the words that are more often something else, with their inflected
forms; a word it does not hold, the function words aside, is taken for a
noun, so an epithet nobody listed ("drongo", "numpty") counts as one.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from .language import FUNCTION_WORDS


@lru_cache(maxsize=1)
def _not_nouns() -> str:
    """The packaged list as one string, a word a line between newlines.

    A phrase rule asks only after its pattern matched, a few times in a thousand
    comments, so one search of 250 kB is cheaper than a set of 27,000 strings
    (4.6 MB) held by every worker.
    """
    data = resources.files("moderation").joinpath("data/not_nouns.txt.gz").read_bytes()
    return "\n" + gzip.decompress(data).decode("ascii")


def is_a_noun(word: str) -> bool:
    """Whether a lowercase word may be a noun: not one English uses mostly as a verb, an adjective, an adverb or a function word."""
    return word not in FUNCTION_WORDS and f"\n{word}\n" not in _not_nouns()
