"""The values that flow through the engine: a comment in, a decision out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["approve", "hold", "reject"]

# Verdicts ordered by how far they keep a comment from the page; the strictest
# reason wins (issue #2: "the categories found, and every reason").
VERDICT_ORDER: dict[str, int] = {"approve": 0, "hold": 1, "reject": 2}

SEVERITIES = ("info", "mild", "moderate", "strong", "severe")


@dataclass(frozen=True, slots=True)
class Article:
    """The post a comment is written under: relevance is judged against it."""

    title: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment to moderate; only `text` is required."""

    text: str
    id: str | None = None
    article: Article | None = None
    author: str | None = None
    # The comment it answers, if any: a reply bears on the thread, so the off-topic check skips it.
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a rule fired: where, on what evidence, and what the policy says."""

    rule: str
    category: str
    severity: str
    action: Verdict
    explanation: str
    clause: str = ""
    start: int | None = None
    end: int | None = None
    evidence: str = ""
    ban: bool = False
    strike: bool = False

    def to_dict(self) -> dict:
        """The reason as JSON-ready data (the stable `check --jsonl` shape plus prose)."""
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "action": self.action,
            "start": self.start,
            "end": self.end,
            "evidence": self.evidence,
            "explanation": self.explanation,
            "clause": self.clause,
            "ban": self.ban,
            "strike": self.strike,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict on one comment with every reason behind it."""

    action: Verdict
    reasons: tuple[Reason, ...] = ()
    rules_version: str = ""
    comment_id: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def categories(self) -> tuple[str, ...]:
        """Distinct categories of the reasons, in the order first found."""
        return tuple(dict.fromkeys(reason.category for reason in self.reasons))

    @property
    def ban(self) -> bool:
        """True when a reason's category is one the policy bans for at once."""
        return any(reason.ban for reason in self.reasons)

    @property
    def strike(self) -> bool:
        """True when a reason counts as a strike towards a ban (policy `strike = true`)."""
        return any(reason.strike for reason in self.reasons)

    @property
    def deciding_reasons(self) -> tuple[Reason, ...]:
        """The reasons whose action equals the verdict (what a moderator reads first)."""
        return tuple(r for r in self.reasons if r.action == self.action)

    def to_dict(self) -> dict:
        """The decision as JSON-ready data, the shape `moderation check --jsonl` writes."""
        return {
            "id": self.comment_id,
            "action": self.action,
            "categories": list(self.categories),
            "ban": self.ban,
            "strike": self.strike,
            "rules_version": self.rules_version,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "notes": list(self.notes),
        }
