"""better-profanity's word list as a vocabulary source: which of its words the rules do not cover.

better-profanity ships a list of about 900 words and phrases. Many are not
"gratuitous vulgarity" under the notice ("stupid", "god", "gay", "kill"), so
the engine does not adopt it wholesale; a site owner reviews what it lists
here and adds what belongs to `rules/vulgarity.toml`, with its severity and
allow list.
"""

from __future__ import annotations

from importlib import resources

from .model import Comment

REVIEWED = frozenset({"vulgarity", "vulgar_acronym", "mild_language", "identity_attack", "possible_mask"})


def better_profanity_words() -> list[str]:
    """The words and phrases of better-profanity's bundled list."""
    listing = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text(encoding="utf-8")
    return sorted({line.strip().lower() for line in listing.splitlines() if line.strip()})


def uncovered_words(evaluate, words: list[str]) -> list[str]:
    """The words no vulgarity, slur or mild-language rule fires on, for a site owner to review."""
    return [word for word in words if not REVIEWED & set(evaluate(Comment(text=word)).categories)]
