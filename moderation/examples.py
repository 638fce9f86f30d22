"""Run every rule's examples through the whole engine (STYLE example 8), for `moderation rules check` and the tests."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Engine
from .model import Article, Comment


@dataclass(frozen=True)
class ExampleFailure:
    """One example that does not do what its rule says: a `match` the rule missed, or a `no_match` it fired on."""

    source: str
    rule: str
    kind: str  # "match", "no_match" or "missing"
    text: str
    fired: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line naming file and rule id, for people."""
        if self.kind == "missing":
            return f"{self.source}: rule {self.rule!r}: {self.text}"
        what = "missed its match example" if self.kind == "match" else "fired on its no_match example"
        return f"{self.source}: rule {self.rule!r} {what} {self.text!r} (rules that fired: {', '.join(self.fired) or 'none'})"


def check_examples(engine: Engine, article: Article | None = None) -> tuple[int, list[ExampleFailure]]:
    """Evaluate every rule's examples under `article`; returns (examples run, failures). A rule without examples both ways fails too."""
    failures: list[ExampleFailure] = []
    run = 0
    for rule in engine.rules.rules.values():
        if not rule.examples_match or not rule.examples_no_match:
            failures.append(ExampleFailure(rule.source, rule.id, "missing", "needs `match` and `no_match` examples"))
        for kind, examples in (("match", rule.examples_match), ("no_match", rule.examples_no_match)):
            for text in examples:
                run += 1
                fired = tuple(dict.fromkeys(reason.rule for reason in engine.evaluate(Comment(text=text, article=article)).reasons))
                if (rule.id in fired) != (kind == "match"):
                    failures.append(ExampleFailure(rule.source, rule.id, kind, text, fired))
    return run, failures
