"""What a detector reports: a rule id fired on a span of the original text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signal:
    """One detector finding; the engine turns it into a `Reason` using the rule's data.

    `start`/`end` are offsets into the ORIGINAL comment text (STYLE example 5);
    `detail` is a short phrase for the moderator, e.g. "the word 'fuck', letters split by spaces".
    """

    rule: str
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    detail: str = ""
