"""Every rule ships with examples that must and must not fire it; this runs them all (STYLE example 8)."""

from __future__ import annotations

import pytest

from moderation import Comment, load_rules

RULES = load_rules()
CASES = [
    pytest.param(rule.id, text, expected, id=f"{rule.id}-{'match' if expected else 'no_match'}-{index}")
    for rule in RULES.rules.values()
    for expected, examples in ((True, rule.examples_match), (False, rule.examples_no_match))
    for index, text in enumerate(examples)
]


def test_every_rule_has_examples_both_ways():
    missing = [r.id for r in RULES.rules.values() if not r.examples_match or not r.examples_no_match]
    assert missing == []


@pytest.mark.parametrize("rule_id, text, expected", CASES)
def test_rule_example(engine, seed_article, rule_id, text, expected):
    decision = engine.evaluate(Comment(text=text, article=seed_article))
    fired = {reason.rule for reason in decision.reasons}
    assert (rule_id in fired) == expected, f"{rule_id} {'missed' if expected else 'fired on'} {text!r}: {decision.to_dict()['reasons']}"
