"""Shouting: a comment mostly in capital letters, or flooded with ! and ? marks."""

from __future__ import annotations

import re

from ..normalization import Text
from ..rules.settings import number
from .signal import Signal

# Handles and links are not shouting, whatever their case.
_NOT_PROSE = re.compile(r"@\w+|https?://\S+|www\.\S+")
_UPPER_ASCII = bytes(range(ord("A"), ord("Z") + 1))
_LOWER_ASCII = bytes(range(ord("a"), ord("z") + 1))


class ShoutingDetector:
    """Flags comments written mostly in capitals and runs of ! and ? marks."""

    rule_ids = ("shouting", "punctuation-flood")

    def __init__(self, config: dict, source: str):
        self.min_capital_share = number(config, "shouting", "min_capital_share", source, 0.0, 1.0)
        self.min_letters = int(number(config, "shouting", "min_letters", source, 1, 10_000))
        run = int(number(config, "shouting", "punctuation_run", source, 2, 100))
        self._flood = re.compile(r"[!?]{%d,}" % run)

    def detect(self, text: Text) -> list[Signal]:
        """A shouting signal over the whole comment and one per punctuation flood."""
        signals = []
        original = text.original
        prose = _NOT_PROSE.sub(" ", original) if "@" in original or "//" in original or "www." in original else original
        upper, letters = _count_letters(prose)
        if letters >= self.min_letters and upper > self.min_capital_share * letters:
            share = round(100 * upper / letters)
            signals.append(Signal("shouting", 0, len(original), original, f"{share}% of {letters} letters are capitals"))
        if "!!" in original or "??" in original or "?!" in original or "!?" in original:
            flood = self._flood.search(original)
            if flood:
                signals.append(Signal("punctuation-flood", flood.start(), flood.end(), flood.group(), f"{len(flood.group())} marks in a row"))
        return signals


def _count_letters(text: str) -> tuple[int, int]:
    """Capital and all letters of the Latin alphabet (letters of other scripts are not counted)."""
    # Counting with bytes.translate runs in C: delete a class, measure the loss.
    # UTF-8 bytes of other characters are all >= 0x80, so they never count.
    data = text.encode("utf-8", "ignore")
    without_upper = len(data.translate(None, _UPPER_ASCII))
    upper = len(data) - without_upper
    lower = without_upper - len(data.translate(None, _UPPER_ASCII + _LOWER_ASCII))
    return upper, upper + lower

