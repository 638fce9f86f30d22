"""A set of [start, end) spans kept as a sorted union, so overlap tests cost a bisection, not a scan.

Detectors skip a candidate that overlaps a span already reported. Scanning
a list of reported spans for each candidate costs the product of the two
counts, which a comment of 200,000 repeated words turns into hours
(issue #11); a sorted union answers in O(log n).
"""

from __future__ import annotations

from bisect import bisect_right


class Spans:
    """The union of the spans added so far."""

    __slots__ = ("_starts", "_ends")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def __bool__(self) -> bool:
        return bool(self._starts)

    def holds(self, position: int) -> bool:
        """True when `position` lies inside a span."""
        at = bisect_right(self._starts, position) - 1
        return at >= 0 and position < self._ends[at]

    def overlaps(self, start: int, end: int) -> bool:
        """True when [start, end) shares a position with a span."""
        at = bisect_right(self._starts, end - 1) - 1
        return at >= 0 and start < self._ends[at] and self._starts[at] < end

    def add(self, start: int, end: int) -> None:
        """Add [start, end), merging it with the spans it touches."""
        starts, ends = self._starts, self._ends
        low = bisect_right(ends, start - 1)  # first span ending at or after start
        high = bisect_right(starts, end)  # spans starting after end stay
        if low < high:
            start = min(start, starts[low])
            end = max(end, ends[high - 1])
        starts[low:high] = [start]
        ends[low:high] = [end]
