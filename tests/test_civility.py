"""Incivility: insults aimed at people, threats, identity attacks and shouting; sharp criticism passes."""

from __future__ import annotations

import pytest

from moderation import Comment
from moderation.normalization import normalize
from moderation.detectors.phrases import PhraseDetector

CASES = [
    # (name, comment, expected category or None for civil, expected action)
    ("insult at a commenter", "@GaryT you are a complete moron, as usual.", "insult", "reject"),
    ("vocative insult", "Read it again, you ignorant fool.", "insult", "reject"),
    ("insult at the author", "The author is a clueless hack who should stick to sports.", "insult", "reject"),
    ("people like you", "People like you are idiots, plain and simple.", "insult", "reject"),
    ("an insult like you", "Only stupid sheep like you believe that.", "insult", "reject"),
    ("a vocative insult", "Hey ignorant loser, read the report before you post.", "insult", "reject"),
    ("you were", "She left because you were a loser.", "insult", "reject"),
    ("a disgrace", "Your a disgrace to this town.", "insult", "reject"),
    ("don't be", "Please don't be stupid.", "mild_insult", "hold"),
    ("name-calling a public figure", "The governor is a buffoon and the council are his puppets.", "name_calling", "hold"),
    ("name-calling a minister", "The defence minister is a spineless coward.", "name_calling", "hold"),
    ("belittling an argument", "What a ridiculous argument, honestly.", "mild_insult", "hold"),
    ("do you even", "@sam do you even understand the budget?", "mild_insult", "hold"),
    ("threat by bullet", "Someone should put a bullet in that judge.", "threat", "reject"),
    ("wished death", "I hope she dies before the election.", "threat", "reject"),
    ("threat to a commenter", "I know where you live, @mike.", "threat", "reject"),
    ("urged execution", "Every one of them should be hanged.", "threat", "reject"),
    ("mass violence", "Nuke them and be done with it.", "threat", "reject"),
    ("coordinated threat", "I will find you and kill you.", "threat", "reject"),
    ("told to die", "Now you can go die; nobody will miss you.", "threat", "reject"),
    ("told to kill oneself", "Do the world a favor and kill yourself.", "threat", "reject"),
    ("call to kill", "Only one way to handle a terrorist. Kill the SOB.", "violent_rhetoric", "hold"),
    ("veiled threat", "Keep running your mouth, @mike. You'll regret this.", "violent_rhetoric", "hold"),
    ("dehumanising a group", "Mexicans are animals, every one.", "identity_attack", "reject"),
    ("distrust of a group", "Jews can't be trusted with money.", "identity_attack", "reject"),
    ("go back", "Go back to your own country.", "identity_attack", "reject"),
    ("a trait pinned on a group", "Blacks are lazy, everyone knows it.", "identity_attack", "reject"),
    ("a conspiracy trope", "Jews control the media and the banks.", "identity_attack", "reject"),
    ("keeping a group out", "Keep the Muslims out of our country.", "identity_attack", "reject"),
    ("religion generalisation", "Christianity itself is the problem in this country.", "religion_generalization", "hold"),
    ("shouting", "THIS COUNCIL HAS LOST ITS MIND AND NOBODY IS LISTENING TO US", "shouting", "hold"),
    ("punctuation flood, noted but approved", "Are you serious?!?!?!?!", "shouting", "approve"),
]

CIVIL = [
    ("sharp criticism of a public figure", "The governor's plan is naive and will cost us for a decade."),
    ("disagreement with a commenter", "@GaryT I think you're wrong about the numbers; the audit says otherwise."),
    ("news of violence", "Three people were shot near the station last night, police said."),
    ("policy on strikes", "Air strikes alone will not defeat the insurgency."),
    ("criticism of a militia", "The militias are burning homes and the army looks away."),
    ("acronyms", "ISIS, the IRGC and NATO all have a stake in Mosul."),
    ("emphasis", "That is NOT what the report says."),
    ("one question mark pair", "Why did nobody ask??"),
    ("a bill, not a person", "The bill should be killed in committee."),
    ("a contest, not a fight", "We're gonna kill them on Sunday."),
    ("advice, not a threat", "You will regret it down the road if you buy that house."),
    ("a prison term, not a death wish", "I hope he rots in prison for the rest of his life."),
    ("a warning, not a wish", "Without insulin you could die."),
    ("outrage at a situation", "It is a disgrace how the city treats its veterans."),
    ("people like us", "People like you and me pay for the depot."),
    ("a group's place, not a trope", "The Kurds control the roads north of Kirkuk."),
    ("staff, not a group", "These people are lazy bureaucrats at city hall."),
]


@pytest.mark.parametrize("name, text, category, action", CASES, ids=[c[0] for c in CASES])
def test_incivility_is_caught(engine, name, text, category, action):
    decision = engine.evaluate(Comment(text=text))
    assert category in decision.categories, decision.to_dict()
    assert decision.action == action
    reason = next(r for r in decision.reasons if r.category == category)
    assert text[reason.start:reason.end] == reason.evidence and reason.evidence


@pytest.mark.parametrize("name, text", CIVIL, ids=[c[0] for c in CIVIL])
def test_civil_comment_is_approved(engine, name, text):
    decision = engine.evaluate(Comment(text=text))
    assert decision.action == "approve", decision.to_dict()


def test_threats_and_identity_attacks_call_for_a_ban(engine):
    assert engine.evaluate(Comment(text="Someone should put a bullet in that judge.")).ban
    # Telling someone to die is rejected with a strike; a moderator bans.
    told_to_die = engine.evaluate(Comment(text="Do the world a favor and go die."))
    assert told_to_die.action == "reject" and told_to_die.strike and not told_to_die.ban
    assert engine.evaluate(Comment(text="Mexicans are animals, every one.")).ban
    assert not engine.evaluate(Comment(text="The governor is a buffoon.")).ban


def test_an_alternative_opening_on_its_triggers_is_tried_at_them_and_still_matches():
    detector = PhraseDetector(
        {"insult": ["idiot", "clown"]},
        [("r", {"triggers": ["{insult}", "troll", "trolls"], "pattern": r"\b(?:{insult}|trolls?)\s+in\s+chief\b|\byou\s+(?:{insult})\b"})],
        "test",
    )
    assert detector.phrase_rules[0].anchored == (True, False)
    for text, evidence in [("The clown in chief spoke.", "clown in chief"), ("Troll in chief again.", "Troll in chief"), ("Sit down, you idiot.", "you idiot")]:
        assert [s.evidence for s in detector.detect(normalize(text))] == [evidence]
    assert detector.detect(normalize("The chief clown spoke.")) == []


def test_an_alternative_is_anchored_only_on_words_that_wake_it():
    # "stop" is a trigger of the rule (behind {stop_word}) but not of the second alternative,
    # which is woken by "spewing": tried only at "stop", it would never match.
    detector = PhraseDetector(
        {"stop_word": ["stop", "quit"], "spewing": ["spewing"]},
        [("r", {"triggers": ["{stop_word}", "{spewing}"], "pattern": r"\b(?:{stop_word})\s+being\s+rude\b|\b(?:stop|quit)\s+(?:{spewing})\s+lies\b"})],
        "test",
    )
    assert detector.phrase_rules[0].anchored == (True, False)
    assert [s.evidence for s in detector.detect(normalize("Please stop spewing lies."))] == ["stop spewing lies"]
    assert [s.evidence for s in detector.detect(normalize("Quit being rude."))] == ["Quit being rude"]


def test_an_alternative_closing_on_its_triggers_is_searched_only_up_to_them_and_still_matches():
    detector = PhraseDetector(
        {"insult": ["idiot", "idiots", "waste of space"]},
        [("r", {"triggers": ["{insult}"], "pattern": r"\bthe\s+(?:[a-z]+\s+){0,6}(?:{insult})s?\b|\b(?:{insult})\s+over\s+there\b"})],
        "test",
    )
    assert detector.phrase_rules[0].ends_on_trigger == (True, False)
    cases = [
        ("Ask the pompous tiresome idiots at the back.", "the pompous tiresome idiots"),
        ("Honestly the biggest waste of space I have seen.", "the biggest waste of space"),
        ("That idiot over there again.", "idiot over there"),
    ]
    for text, evidence in cases:
        assert [s.evidence for s in detector.detect(normalize(text))] == [evidence], text
