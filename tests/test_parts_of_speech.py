"""The noun test a phrase rule's `noun_group` reads: verbs and adjectives out, unlisted words in."""

from __future__ import annotations

import pytest

from moderation import Comment, Engine
from moderation.detectors.parts_of_speech import is_a_noun


@pytest.mark.parametrize("word", ["know", "misread", "nailed", "got", "jealous", "confused", "include", "the", "too", "yourself"])
def test_verbs_adjectives_and_function_words_are_no_nouns(word):
    assert not is_a_noun(word)


@pytest.mark.parametrize("word", ["galah", "drongo", "numpty", "windbag", "tool", "jerk", "fascist", "dork"])
def test_nouns_and_words_no_list_holds_are_nouns(word):
    # "tool", "jerk" and "fascist" are verbs or adjectives as often, but each has a sense that is a person
    assert is_a_noun(word)


@pytest.fixture(scope="module")
def engine():
    return Engine.from_directory()


@pytest.mark.parametrize("text", [
    "Sit down, you knuckle-dragging galah.",
    "That was never the plan, you drongo!",
    "@quietcartographer read it again, you pompous plonker.",
])
def test_a_sentence_closing_on_you_and_a_noun_is_an_insult(engine, text):
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "reject" and "insult-vocative" in {r.rule for r in decision.reasons}


@pytest.mark.parametrize("text", [
    "Fair enough, you know.",
    "I see the point, you misread it though.",
    "If a post made you vote for anyone, you need mental help!",
    "Happy new year, you lot!",
    "Good luck with the move, you lucky dog.",
])
def test_a_verb_or_a_kind_word_after_you_is_no_insult(engine, text):
    assert "insult-vocative" not in {r.rule for r in engine.evaluate(Comment(text=text)).reasons}


def test_a_persons_name_makes_no_noun_of_a_verb():
    # WordNet's "Lie" (Trygve Lie) is a person; "lie" after "you" is a verb
    assert not is_a_noun("lie")


@pytest.mark.parametrize("text", [
    "Fair dinkum, you boofhead, Jones should have walked out of that meeting.",
    "You're a proper nong for asking, mate.",
    "@stonebridge Your such a dumdum, the dates are in the report.",
])
def test_a_noun_in_a_vocative_or_after_an_intensifier_is_an_insult(engine, text):
    assert "insult-vocative" in {r.rule for r in engine.evaluate(Comment(text=text)).reasons}


@pytest.mark.parametrize("text", ["You lie, and I can show you where.", "Thanks, you Canadians, for the syrup.", "You're a complete stranger to me."])
def test_a_verb_a_people_or_a_kind_phrase_is_no_vocative_insult(engine, text):
    assert "insult-vocative" not in {r.rule for r in engine.evaluate(Comment(text=text)).reasons}
