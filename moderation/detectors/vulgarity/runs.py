"""The run of word characters around a position, found in time linear in the run, once per run.

A detector that widens a candidate to its whole word walks left and right
over word characters. Walked afresh for every candidate, a long run holding
a candidate at every position ("aaaa…", "****…", "shitshit…") costs the
square of its length: 10,000 "a"s took 6.5 s (issue #11). Here each run is
measured once, in C (a regular expression forwards, the same one over the
reversed text backwards), and candidates inside it reuse the answer.
"""

from __future__ import annotations

import re


class Runs:
    """Maximal runs of `chars` in one text, with their ends trimmed of `trim_left`/`trim_right`."""

    __slots__ = ("_text", "_chars", "_reversed", "_run", "_trim_left", "_trim_right", "_last")

    def __init__(self, text: str, chars: frozenset[str], trim_left: str = "", trim_right: str = ""):
        self._text = text
        self._chars = chars
        self._reversed: str | None = None
        self._run = _run_pattern(chars)
        self._trim_left = trim_left
        self._trim_right = trim_right
        # The last run measured: (left, right, core_left, core_right), where the
        # core is the run with its trimmable ends stripped.
        self._last = (0, -1, 0, 0)

    def around(self, start: int, end: int) -> tuple[int, int, int, int]:
        """The run holding text[start:end] widened over `chars`, and its core without trimmed ends."""
        last = self._last
        if last[0] <= start and end <= last[1]:
            return last
        text, chars = self._text, self._chars
        # Ordinary words are short: walked a few characters in Python, they cost
        # less than a regular expression; a long run is measured in C.
        right, stop = end, min(len(text), end + _SHORT)
        while right < stop and text[right] in chars:
            right += 1
        if right == stop and right < len(text) and text[right] in chars:
            right = self._run.match(text, right).end()
        left, stop = start, max(0, start - _SHORT)
        while left > stop and text[left - 1] in chars:
            left -= 1
        if left == stop and left > 0 and text[left - 1] in chars:
            if self._reversed is None:
                self._reversed = text[::-1]
            from_end = len(text) - left
            left -= self._run.match(self._reversed, from_end).end() - from_end
        run = text[left:right]
        core_left = left + len(run) - len(run.lstrip(self._trim_left)) if self._trim_left else left
        core_right = left + len(run.rstrip(self._trim_right)) if self._trim_right else right
        self._last = (left, right, core_left, core_right)
        return self._last

    def token(self, start: int, end: int) -> tuple[int, int]:
        """The word around text[start:end]: its run, less trimmable ends outside [start, end)."""
        left, right, core_left, core_right = self.around(start, end)
        return min(core_left, start), max(core_right, end)


# How far a run is walked in Python before it is measured in C.
_SHORT = 24
_PATTERNS: dict[frozenset[str], re.Pattern] = {}


def _run_pattern(chars: frozenset[str]) -> re.Pattern:
    pattern = _PATTERNS.get(chars)
    if pattern is None:
        pattern = _PATTERNS[chars] = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]*")
    return pattern
