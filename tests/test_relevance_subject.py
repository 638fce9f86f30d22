"""Comments on the seed article's subject in words the article does not use bear on it; chatter does not (issue #9, item 2).

These cases were written before the engine was run on them; the first reading
is in moderation/detectors/spam_model/README.md ("Off topic").
"""

from __future__ import annotations

import pytest

from moderation import Comment


def held_off_topic(engine, article, text: str) -> bool:
    return "off-topic" in {reason.rule for reason in engine.evaluate(Comment(text=text, article=article)).reasons}


# On the subject (war and foreign policy, US government, the region's history and
# its people), in words the article mostly does not use.
ON_SUBJECT = [
    ("congress", "Someone on Capitol Hill should hold hearings before another dollar of appropriations goes to this."),
    ("war powers", "Congress never authorized any of this. The war powers resolution exists for exactly this situation."),
    ("intelligence", "The CIA warned about these groups years ago and the Pentagon ignored the briefings."),
    ("the Maliki years", "Nobody remembers how Nouri al-Maliki purged the officer corps after 2011? That is where this started."),
    ("Saddam", "Under Saddam the Baathists kept a lid on all of it by terror. Removing him opened the box."),
    ("the surge", "Petraeus and the Surge bought time, and the politicians in Baghdad wasted every month of it."),
    ("the Awakening", "The Sahwa councils in Anbar fought al-Qaeda when they trusted us. Then we walked away from them."),
    ("colonial history", "The borders were drawn by the British and the French after the Ottoman collapse, and we are still living with it."),
    ("Hezbollah", "This is the Hezbollah model: a party with its own army inside a weak state. Lebanon shows where it ends."),
    ("Syria", "Assad survived because Tehran and Moscow decided he would. Same playbook next door."),
    pytest.param("2003", "We broke it in 2003 and have been trying to glue the pieces together ever since.",
                 marks=pytest.mark.xfail(strict=True, reason="a year alone is too little to bear on the subject; nothing else here does")),
    ("the PMF", "The Popular Mobilization Forces answer to nobody in the cabinet, everyone there knows it."),
    ("Kurds", "The Peshmerga did most of the hard fighting in the north and got nothing for it in Washington."),
    ("Sistani", "Ayatollah Sistani's fatwa is what filled those units with volunteers in the first place."),
    ("leverage", "A superpower that gives away its leverage for free should not be surprised when its partners ignore it."),
    ("oil", "Follow the oil money: Basra's exports pay for the whole patronage system."),
    ("Sadr", "Muqtada al-Sadr's men were killing our soldiers in 2004 and now they are part of the coalition."),
    ("veterans", "I did two tours in Anbar with the Marines. Hearing this makes me wonder what it was for."),
]

# Chatter that bears on nothing in the article, some of it in war-like or political words.
OFF_SUBJECT = [
    ("basketball", "Our point guard attacked the rim all night and the defense collapsed in the fourth quarter again."),
    ("football", "The Patriots' offensive line got crushed, the quarterback was sacked six times in the first half."),
    ("weather", "Three days of freezing rain and the whole county is under a travel advisory. Stay safe out there."),
    ("recipe", "For a better stew, brown the beef in batches and deglaze the pan with a splash of red wine."),
    ("health update", "Mom's surgery went well this morning, she is awake and asking for coffee. Thanks for the prayers."),
    ("pets", "Our new puppy chewed through the couch cushions while we were at work, lesson learned about crates."),
    ("site feature", "The new comment editor keeps eating my paragraphs when I paste text from my phone."),
    ("unrelated politics", "The county commission finally approved the new dog park after two years of zoning arguments."),
    pytest.param("movie", "That new superhero movie was a bomb, two and a half hours of explosions and no story at all.",
                 marks=pytest.mark.xfail(strict=True, reason="the light stem meets 'movie' with the title's 'move', and 'bomb' is a war word")),
    ("gardening", "Losing the battle with the weeds this year, the bindweed is strangling my tomatoes."),
    pytest.param("a cold", "Fighting off a nasty cold all week, the whole office has it and nobody stays home.",
                 marks=pytest.mark.xfail(strict=True, reason="the light stem meets 'office' with 'officer', and 'fighting' is a war word")),
    ("golf", "Watching the British Open this weekend, the wind off the sea made every hole a nightmare."),
    ("chess", "I finally beat my brother at chess using a queen sacrifice I read about, he is furious."),
    ("traffic", "The new roundabout on the highway exit has caused more accidents in a month than the light did in years."),
    ("music", "Saw the band at the arena last night, the drummer played a twenty minute solo and nobody left."),
    ("travel", "Flights to Denver for the holidays are triple the price of last year, we are driving instead."),
]


def _param(case):
    if hasattr(case, "values"):  # already a pytest.param(label, text, marks=...)
        label, text = case.values
        return pytest.param(text, id=label, marks=case.marks)
    label, text = case
    return pytest.param(text, id=label)


@pytest.mark.parametrize("text", [_param(case) for case in ON_SUBJECT])
def test_a_comment_on_the_subject_in_other_words_is_not_held_off_topic(engine, seed_article, text):
    assert not held_off_topic(engine, seed_article, text)


@pytest.mark.parametrize("text", [_param(case) for case in OFF_SUBJECT])
def test_chatter_that_bears_on_nothing_in_the_article_is_held_off_topic(engine, seed_article, text):
    assert held_off_topic(engine, seed_article, text)
