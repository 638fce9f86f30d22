"""A comment bears on the article when it shares its distinctive words, quotes it or talks about the post."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
from pathlib import Path

import pytest

from moderation import Article, RuleFileError, normalize
from moderation.detectors.relevance import ArticleProfile, RelevanceDetector, stem

PROJECT = Path(__file__).resolve().parent.parent
RELEVANCE_TOML = PROJECT / "rules" / "relevance.toml"
CONFIG = tomllib.loads(RELEVANCE_TOML.read_text(encoding="utf-8"))["relevance"]

DROUGHT = Article(
    title="Valley water district orders a 30 percent cut as reservoirs fall",
    text=(
        "The Valley Water District board voted on Monday to require every household to cut water use by 30 percent, "
        "the steepest restriction since the drought of 1977. Reservoirs behind Pine Creek Dam stand at 22 percent of "
        "capacity. General manager Rosa Alvarado said lawn watering will be limited to one day a week and that "
        "district inspectors will fine repeat offenders. Farmers in the eastern valley, who draw on groundwater, are "
        "exempt for now, a decision several board members criticized. Alvarado said the district is negotiating to buy "
        "water from the Sierra Irrigation Cooperative, but the price has doubled since last summer."
    ),
)


@pytest.fixture(scope="module")
def detector() -> RelevanceDetector:
    return RelevanceDetector(CONFIG, str(RELEVANCE_TOML))


@pytest.fixture(scope="module")
def iraq(detector) -> ArticleProfile:
    title, _, body = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    return detector.profile(Article(title.strip(), body.strip()))


@pytest.fixture(scope="module")
def drought(detector) -> ArticleProfile:
    return detector.profile(DROUGHT)


def off_topic(detector: RelevanceDetector, profile: ArticleProfile, text: str) -> bool:
    return [signal.rule for signal in detector.detect(normalize(text), profile)] == ["off-topic"]


OFF_TOPIC_ON_IRAQ = [
    ("sports", "Did anybody watch the Celtics on Sunday? That overtime was the best basketball I have seen all season."),
    ("recipe", "Best chili recipe I know: two pounds of chuck, dried anchos, a bottle of dark beer and patience."),
    ("weather", "Ice storm here in Minneapolis knocked out power for the whole block, third time this winter."),
    ("personal news", "My daughter just got accepted to college, first in our family. Sorry, I just had to tell someone!"),
    ("site feature", "Why does the comment box keep logging me out on my phone? It happens every time I switch apps."),
    ("unrelated politics", "Hillary's private email server is the real scandal nobody in the media wants to cover this week."),
    ("a name that is also a word", "Heading to the lake this weekend, hoping the weather holds up for some fishing with the kids."),
    ("self-declared, despite sharing words", "Off topic, but can anyone recommend a slow cooker recipe for pulled pork? My Iraqi friend swears by hers."),
    ("self-declared with OT", "OT: has anyone read the new biography of Churchill? Is it worth the money?"),
]

ON_TOPIC_ON_IRAQ = [
    ("disagreement", "Working next to Shiite militias against a common foe hardly means we take orders from Tehran. The post stretches it."),
    ("sarcasm", "Wonderful. Our pilots now fly cover for the same militia men who planted roadside bombs for us in 2006. Progress!"),
    ("question about a person", "What did Amiri actually do between 2003 and now? Was he in parliament the whole time?"),
    ("a place the article does not name", "Kerry keeps telling us Tehran is a partner. Partners don't run your army for you."),
    ("another city of the country", "Mosul fell in a weekend. That tells you everything about the state of the army back then."),
    ("non-native english", "My uncle live in Baqubah still. He say the Badr men control every checkpoint, the army only watch."),
    ("all lowercase", "nobody on tv even says the name amirli. thousands of people and not one segment about them"),
    ("the author's name", "I have read Lake for years. He is usually careful, so I take this seriously and so should you."),
    ("a quote", "\"Then, the need to accommodate Sunnis trumped all.\" That one sentence sums up the whole reversal."),
    ("the post itself", "The article makes a strong case, though the closing paragraph reaches too far for my taste."),
    ("the comment rules", "Question for the moderators: does quoting a masked word from the notice count as using it?"),
    ("words of the article's field", "Give it a year and they will turn those same weapons on our soldiers, mark my words."),
    ("a self-declared marker, negated", "This is not off topic at all: the militias decide who gets the air support now."),
]

EXEMPT_ON_IRAQ = [
    ("short reaction", "Great post, thanks."),
    ("reply to a commenter", "@desert_fox Fair, but by that logic we would never have gone back into Anbar at all in 2007."),
    ("link with a caption", "The full speech is here https://www.state.gov/r/pa/prs/ps/2015/02/237450.htm"),
    ("not in english", "Je ne comprends pas pourquoi les Américains soutiennent ces milices, c'est une erreur grave."),
]


@pytest.mark.parametrize("name, text", OFF_TOPIC_ON_IRAQ, ids=[case[0] for case in OFF_TOPIC_ON_IRAQ])
def test_comments_about_something_else_are_off_topic(detector, iraq, name, text):
    assert off_topic(detector, iraq, text)


@pytest.mark.parametrize("name, text", ON_TOPIC_ON_IRAQ, ids=[case[0] for case in ON_TOPIC_ON_IRAQ])
def test_comments_that_bear_on_the_article_pass(detector, iraq, name, text):
    assert detector.detect(normalize(text), iraq) == []


@pytest.mark.parametrize("name, text", EXEMPT_ON_IRAQ, ids=[case[0] for case in EXEMPT_ON_IRAQ])
def test_short_replies_links_and_other_languages_are_not_judged(detector, iraq, name, text):
    assert detector.detect(normalize(text), iraq) == []


DROUGHT_CASES = [
    ("question about the rule", "Does the 30 percent cut apply to apartment buildings or only to single family homes?", False),
    ("the manager by name", "Alvarado keeps saying the farmers are exempt for now, but for how long exactly?", False),
    ("the reservoir", "I drove past Pine Creek last week and the reservoir looked like a mud flat, honestly scary.", False),
    ("a comment about Iraq", "The Iranian militias are taking over the Iraqi army and Obama is helping them do it.", True),
    ("sports", "Did anybody watch the Celtics on Sunday? That overtime was the best basketball I have seen all season.", True),
]


@pytest.mark.parametrize("name, text, expected", DROUGHT_CASES, ids=[case[0] for case in DROUGHT_CASES])
def test_relevance_is_judged_against_each_article(detector, drought, name, text, expected):
    assert off_topic(detector, drought, text) == expected


def test_without_an_article_nothing_is_off_topic(detector):
    assert detector.detect(normalize(OFF_TOPIC_ON_IRAQ[0][1]), None) == []


def test_the_reason_covers_the_comment_and_says_what_was_shared(detector, iraq):
    text = "The hockey game went to a shootout last night and I nearly lost my voice yelling at the refs."
    [signal] = detector.detect(normalize(text), iraq)
    assert (signal.start, signal.end, signal.evidence) == (0, len(text), text)
    assert signal.detail.startswith("shares no distinctive words with the article 'Backed by Obama, Iranian militias")
    [signal] = detector.detect(normalize("Our dog got shot with a pellet by some kid down the street, the vet says he will be fine."), iraq)
    assert signal.detail.startswith("shares only 'shot' (weight 1 of 1.5) with the article")


def test_a_declared_off_topic_comment_is_reported_at_the_declaration(detector, iraq):
    text = "Random question for the regulars: what e-reader do you all use for long articles like this one?"
    [signal] = detector.detect(normalize(text), iraq)
    assert signal.evidence == "Random question" == text[signal.start : signal.end]


def test_the_profile_is_a_frozen_value_computed_once(detector, iraq):
    assert dataclasses.is_dataclass(iraq)
    with pytest.raises(dataclasses.FrozenInstanceError):
        iraq.title = "another"
    assert iraq.weights[stem("iraq")] >= CONFIG["name_weight"]


STEMS = [
    ("Iranian", "Iran"), ("Iranians", "Iran"), ("Iraqi", "Iraq"), ("Iraqis", "Iraq"), ("militias", "militia"),
    ("Syrian", "Syria"), ("American", "America"), ("families", "family"), ("integrating", "integration"),
    ("fighters", "fight"), ("jihadists", "jihad"), ("Shiites", "Shiite"), ("Amiri's", "Amiri"),
]


@pytest.mark.parametrize("word, other", STEMS)
def test_light_stemming_lets_forms_of_a_word_meet(word, other):
    assert stem(word.lower()) == stem(other.lower())


@pytest.mark.parametrize("word, other", [("witness", "wit"), ("assist", "ass"), ("allies", "all"), ("soldiers", "sold")])
def test_stemming_keeps_different_words_apart(word, other):
    assert stem(word) != stem(other)


BAD_CONFIG = [
    ("threshold", lambda c: c.update(threshold=0), "relevance.threshold"),
    ("min words as text", lambda c: c.update(min_words="eight"), "relevance.min_words"),
    ("no markers", lambda c: c.update(off_topic_markers=[]), "relevance.off_topic_markers"),
    ("post words not a list", lambda c: c.update(post_words="the post"), "relevance.post_words"),
]


@pytest.mark.parametrize("name, change, field", BAD_CONFIG, ids=[case[0] for case in BAD_CONFIG])
def test_bad_settings_raise_an_error_naming_the_field(name, change, field):
    config = copy.deepcopy(CONFIG)
    change(config)
    with pytest.raises(RuleFileError) as raised:
        RelevanceDetector(config, "rules/relevance.toml")
    assert raised.value.field == field


OFF_TOPIC = "Did anybody watch the Celtics on Sunday? That overtime was the best basketball I have seen all season."


def test_a_reply_is_exempt_from_the_off_topic_check(engine, seed_article):
    # Issue #10: the README said replies are exempt; a reply sent with parent_id was still held.
    from moderation import Comment

    assert engine.evaluate(Comment(OFF_TOPIC, article=seed_article)).action == "hold"
    assert engine.evaluate(Comment(OFF_TOPIC, article=seed_article, parent_id="c-17")).action == "approve"


def test_a_comment_opening_on_a_handle_is_a_reply(engine, seed_article):
    from moderation import Comment

    # A comment that says it is off topic is held, unless it answers a commenter.
    said = "Off topic, but did anybody watch the Celtics on Sunday?"
    assert engine.evaluate(Comment(said, article=seed_article)).action == "hold"
    assert engine.evaluate(Comment("@rivers_end " + said, article=seed_article)).action == "approve"
    assert engine.evaluate(Comment(said + " Ask @rivers_end.", article=seed_article)).action == "hold"


def test_a_comment_rejected_for_another_reason_does_not_also_list_off_topic(engine, seed_article):
    from moderation import Comment

    decision = engine.evaluate(Comment(OFF_TOPIC + " The refs were fucking blind.", article=seed_article))
    assert decision.action == "reject" and "off_topic" not in decision.categories


def test_a_comment_on_the_sites_own_policy_is_not_off_topic(engine, seed_article):
    from moderation import Comment

    text = 'Odd that the notice names "s***" and "f***" yet says nothing about people who lie about their sources.'
    decision = engine.evaluate(Comment(text, article=seed_article))
    assert decision.action == "approve" and "off_topic" not in decision.categories


def test_an_article_word_misspelt_by_one_letter_bears_on_it(detector, iraq):
    assert detector.detect(normalize("Wierd how the embasy didnt deny any of it. If it was false they would of said so."), iraq) == []


def test_a_common_word_one_letter_off_an_article_word_is_taken_as_written(detector, iraq):
    # "forced" is one letter off the article's "forces", and is a word of its own
    assert detector.detect(normalize("The forced march was on television and I cried watching the whole film with my aunt."), iraq) != []
