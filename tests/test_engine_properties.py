"""Properties of the engine over any text (hypothesis): it never raises, spans point into the original,
the order rules are listed in does not matter, and folding is idempotent (issue #11)."""

from __future__ import annotations

import dataclasses
import random
import sys
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation import Article, Comment, Engine, load_rules, normalize

# Every general category but Cs: a lone surrogate is no text (the service refuses
# it with a 422 before the engine; `str.encode` would fail on it).
CATEGORIES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
              "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn")
# Characters the engine treats specially, so the strategies hit them far more often than chance would.
SPECIAL = list("*#@$!%&|\\/_-.()<>'\" \n\r\t01345") + ["\u202e", "\u202b", "\u202c", "\u2069", "\u200b", "\u00ad", "\u0301", "ß", "ﬁ",
                                                        "İ", "ǅ", "Ⓕ", "ｕ", "𝐜", "ᴋ", "ѕ", "і", "¡", "＊", "🅰", "⒡"]

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _one_of_each_category() -> dict[str, str]:
    found: dict[str, str] = {}
    for codepoint in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(codepoint))
        if category != "Cs" and category not in found:
            found[category] = chr(codepoint)
        if len(found) == len(CATEGORIES):
            break
    return found


EVERY_CATEGORY = _one_of_each_category()


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def shuffled_engines(rules):
    """The same rules listed in three other orders: rules, lexicon terms and detector sections shuffled."""
    engines = []
    for seed in range(3):
        rng = random.Random(seed)
        ids = list(rules.rules)
        rng.shuffle(ids)
        terms = list(rules.terms)
        rng.shuffle(terms)
        sections = list(rules.sections.items())
        rng.shuffle(sections)
        engines.append(Engine(dataclasses.replace(rules, rules={i: rules.rules[i] for i in ids}, terms=tuple(terms), sections=dict(sections))))
    return engines


def _examples() -> list[str]:
    rules = load_rules()
    return [text for rule in rules.rules.values() for text in (*rule.examples_match, *rule.examples_no_match)]


EXAMPLES = _examples()

any_char = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.sampled_from(SPECIAL),
    st.sampled_from(CATEGORIES).flatmap(lambda category: st.characters(categories=(category,))),
)
any_text = st.text(any_char, max_size=120)
# Rule examples (each fires or must not fire some rule), cut, joined and sprinkled with any characters:
# random text alone almost never reaches the rules.
example_text = st.builds(
    lambda parts, noise, cut: "".join(p + n for p, n in zip(parts, noise))[cut:],
    st.lists(st.sampled_from(EXAMPLES), min_size=1, max_size=3),
    st.lists(any_text, min_size=3, max_size=3),
    st.integers(0, 5),
)
comment_text_base = st.one_of(any_text, example_text)
# Letters drawn with symbols ("|<", "|_|", "()"), the one fold that reads several characters as one.
DRAWINGS = ["|\\/|", "|_|", "|-|", "|\\|", "|<", "/\\", "\\/", "|)", "()", "|", "\\", "/", "(", ")", "<", "_", "-"]
drawn_text = st.lists(st.one_of(st.sampled_from(DRAWINGS), st.sampled_from(list("afcksu *.")), any_char), max_size=30).map("".join)
comment_text = st.one_of(comment_text_base, drawn_text)


def _check_reasons(text: str, decision) -> None:
    assert decision.action in ("approve", "hold", "reject")
    for reason in decision.reasons:
        if reason.start is None:
            assert reason.end is None and reason.evidence == ""
            continue
        assert 0 <= reason.start <= reason.end <= len(text), (reason.rule, reason.start, reason.end, len(text))
        assert reason.evidence == text[reason.start:reason.end], reason.rule


@SETTINGS
@given(text=comment_text)
def test_the_engine_never_raises_and_every_span_lies_in_the_original_text(engine, text):
    _check_reasons(text, engine.evaluate(Comment(text=text)))


@SETTINGS
@given(text=comment_text, title=st.text(any_char, max_size=40), body=st.one_of(st.just(""), any_text, st.sampled_from(EXAMPLES)))
def test_the_engine_never_raises_with_any_article(engine, text, title, body):
    _check_reasons(text, engine.evaluate(Comment(text=text, article=Article(title=title, text=body))))


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_character_of_every_general_category_is_read(engine, category):
    char = EVERY_CATEGORY[category]
    for text in (char, char * 50, f"What a load of bull{char}shit about {char} Diyala{char}", f"s{char}*{char}*{char}*"):
        _check_reasons(text, engine.evaluate(Comment(text=text)))


def _verdict(decision) -> tuple:
    return decision.action, sorted((r.rule, r.start, r.end, r.evidence, r.action) for r in decision.reasons)


@SETTINGS
@given(text=comment_text)
def test_verdicts_do_not_depend_on_the_order_rules_are_listed_in(engine, shuffled_engines, text):
    expected = _verdict(engine.evaluate(Comment(text=text)))
    for other in shuffled_engines:
        assert _verdict(other.evaluate(Comment(text=text))) == expected


def test_every_rule_example_gets_the_same_verdict_whatever_the_order_of_the_rules(engine, shuffled_engines):
    for text in EXAMPLES:
        expected = _verdict(engine.evaluate(Comment(text=text)))
        assert all(_verdict(other.evaluate(Comment(text=text))) == expected for other in shuffled_engines), text


# What idempotence means for `normalize`: the folded text is a fixed point. Folding
# it again changes nothing (the same characters), and the second fold's map back is
# the identity (every span of the folded text maps to itself): so a detector that
# were handed an already folded text would read, and point at, exactly the same.
@SETTINGS
@given(text=st.one_of(any_text, example_text, drawn_text, st.text(st.sampled_from(SPECIAL + list("abcfkuhs")), max_size=40)))
def test_normalising_the_folded_text_again_changes_nothing(text):
    folded = normalize(text).folded
    again = normalize(folded)
    assert again.folded == folded
    assert all(again.span(i, i + 1) == (i, i + 1) for i in range(len(folded)))
