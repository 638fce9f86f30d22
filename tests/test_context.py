"""Bearing on the article, spam, links and language, judged on an article the rules never saw."""

from __future__ import annotations

import pytest

from moderation import Article, Comment

ARTICLE = Article(
    title="Riverside council votes to close two branch libraries",
    text=(
        "The Riverside city council voted 5-2 on Tuesday to close the Eastgate and Millbrook branch "
        "libraries at the end of June, citing a budget shortfall of $1.2 million. Councillor Dana Ortiz, "
        "who voted against the plan, said the closures would hit families without internet at home. "
        "Mayor Tom Becker said the library system would keep its central branch open longer hours. "
        "Residents packed the meeting; many asked why the council had not considered raising parking fees "
        "instead. The library board will meet next week to decide what happens to the books and staff."
    ),
)

CASES = [
    ("sports", "Did anyone watch the playoff game last night? What a finish in overtime, unbelievable.", "off_topic"),
    ("recipe", "Who has a banana bread recipe that works? Mine always sinks in the middle.", "off_topic"),
    ("weather", "Third snowstorm this month and the plows still haven't come down our street at all.", "off_topic"),
    ("self-declared", "Off topic, but does anyone know a good plumber near Millbrook? Our sink is leaking.", "off_topic"),
    ("casino", "Best online casino of the year, 200% deposit match plus 50 free spins at luckyspin-777.biz", "spam"),
    ("pharmacy", "Cheap pills, viagra and cialis, no prescription needed, discreet shipping www.pills-now.co", "spam"),
    ("link farm", "Great read! Visit cheap-deals-now.net, best-loans-today.biz and quick-cash-4u.info today", "spam"),
    ("money", "My cousin makes $95/hour working from home on her laptop, go to easyhomecash.com now", "spam"),
    ("repeated", "Save the libraries! " * 12, "spam"),
    ("shortened link", "The council's budget slides are here, worth a look before the board meets: bit.ly/3xYzLib", "unvetted_link"),
    ("own podcast", "We talked about the Eastgate library closure on my podcast this week, search for it.", "self_promo"),
    ("spanish", "No estoy de acuerdo con el cierre de las bibliotecas, los niños del barrio las necesitan mucho.", "non_english"),
    ("german", "Die Schließung der Bibliotheken ist ein großer Fehler für die Familien in der Stadt.", "non_english"),
]

ON_TOPIC = [
    ("question about a person", "Did Councillor Ortiz propose any alternative to closing Eastgate?"),
    ("non-native english", "In my country we have also this problem, when the library close the children have no place to study after school."),
    ("about the article", "The article doesn't say how much the parking fees would have raised, which seems like the key number."),
    ("short reply", "Agreed, well said."),
    ("reply to a commenter", "@maria_k I think you're right, though I'd add that the weekend hours matter most to working parents."),
    ("trusted link", "The council minutes are on the city site, and Reuters covered a similar case: https://www.reuters.com/world/us/libraries-2023"),
]


@pytest.mark.parametrize("name, text, category", CASES, ids=[c[0] for c in CASES])
def test_context_rule_fires(engine, name, text, category):
    decision = engine.evaluate(Comment(text=text, article=ARTICLE))
    assert category in decision.categories, decision.to_dict()


@pytest.mark.parametrize("name, text", ON_TOPIC, ids=[c[0] for c in ON_TOPIC])
def test_on_topic_comment_is_approved(engine, name, text):
    decision = engine.evaluate(Comment(text=text, article=ARTICLE))
    assert decision.action == "approve", decision.to_dict()


def test_off_topic_is_held_never_rejected(engine):
    decision = engine.evaluate(Comment(text=CASES[0][1], article=ARTICLE))
    assert decision.action == "hold"


def test_spam_with_an_on_topic_opening_is_still_spam(engine):
    text = "Sad news about the Eastgate library. Meanwhile, turn $200 into $5,000 with our crypto bot at autoprofit-bot.biz"
    decision = engine.evaluate(Comment(text=text, article=ARTICLE))
    assert decision.action == "reject" and "spam" in decision.categories
    assert "off_topic" not in decision.categories


def test_without_an_article_nothing_is_off_topic(engine):
    assert "off_topic" not in engine.evaluate(Comment(text=CASES[0][1])).categories
