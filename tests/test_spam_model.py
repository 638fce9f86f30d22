"""The learned spam layer: spam in shapes no phrase list names is rejected, honest comments that share its words are not (issue #9, item 2).

The tables were written before the engine was run on them; the first reading is
in moderation/detectors/spam_model/README.md ("Tables").
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from moderation import Comment
from moderation.detectors.spam_model import GATE_FILE, SIGNS, SpamModel, mark, shipped_model
from moderation.normalization import normalize

PROJECT = Path(__file__).resolve().parent.parent
MODEL_DIR = PROJECT / "moderation" / "detectors" / "spam_model"
RULES_SPAM = tomllib.loads((PROJECT / "rules" / "spam.toml").read_text(encoding="utf-8"))["spam"]


def is_spam(engine, article, text: str) -> bool:
    return any(reason.category == "spam" for reason in engine.evaluate(Comment(text=text, article=article)).reasons)


SPAM = [
    ("money offer", "Quick question for the readers: would an extra $400 every week change your life? I can show you how I do it from my kitchen table."),
    ("dating", "Hi dear, I am Olga, 27, looking for a kind serious man for a relationship. Write to me at olga.sweet27@mailbox.org"),
    ("praise then plug", "What a thoughtful analysis, thank you. Anyone renovating this spring, our granite countertops are the best value in Ohio: stonecraft-kitchens.net"),
    ("topic-dressed product", "When the next war starts, gas will hit $10. Our portable solar generator keeps your fridge running for days. 35% off: sunvault-power.com"),
    ("loan", "Get up to $3,000 deposited in your account by tomorrow. No credit check, just text CASH to 47788."),
    ("followers", "Grow your page fast: 5,000 active followers delivered in one day, cheap packages, DM @growfast_media"),
    ("crypto on telegram", "I turned $500 into $9,000 with one signal group. The admin is honest, join on Telegram @profitking_signals"),
    ("psychic", "Lady Miriam, spiritual healer: she removed the curse on my family and brought my husband home. Call her on +1 917 555 0188"),
    ("seo", "Does your business website get no visitors? We guarantee first page on Google in 60 days or you pay nothing. Email seo@rankpilot.biz"),
    ("phone spy", "Want to see every message your husband sends? This app works on any phone without touching it. Ask me for the link."),
    ("recovery scam", "I lost my retirement to a fake exchange and a recovery hacker got it all back in a week. Contact him on WhatsApp +44 7700 900123"),
    ("mlm", "Any moms here want to earn from home? I joined a wellness team last year and now I make more than my husband. Message me!"),
    ("pills", "Doctors hate this: my cousin lost 30 pounds in 6 weeks with these keto drops, no diet, no gym. Order yours at ketoslimnow.co"),
    ("casino", "Bored tonight? New players get 100 free spins and a $200 bonus at the luckiest casino online. Play now!"),
    ("essay", "Students! Stuck with your thesis? Professional writers, any subject, 24 hour delivery, WhatsApp +1 332 555 0142"),
]

HAM = [
    ("wages", "My brother-in-law drives for a delivery app and clears maybe $14 an hour after gas. That is the real economy."),
    ("link to news", "Reuters had the full interview last week: https://www.reuters.com/world/ worth reading before you judge."),
    ("warning about scams", "Be careful, my mother got a call from a man claiming to be from her bank asking for a code. It was a scam."),
    ("remote work", "Working from home has its perks but I have not spoken to a colleague in person in three months."),
    ("crypto opinion", "Crypto exchanges keep collapsing and people keep acting surprised. It is gambling with extra steps."),
    ("dating opinion", "Dating after fifty is a whole new world, my sister says the apps are full of people lying about their age."),
    ("loan opinion", "Payday loans trap people, the state should cap the interest like our neighbours did."),
    ("civic call", "Call your representative's office and ask where they stand on the bill, the number is on their website."),
    ("followers opinion", "Politicians with millions of followers and no real supporters at their rallies. Bought, obviously."),
    ("reply", "@sam_k I think you have the dates wrong, the vote was in March, not June."),
    ("sharp", "Please explain how your plan pays for itself, because the numbers you quoted do not add up."),
    ("phone number of an office", "The county's flood hotline is 555-0192 if anyone still has water in the basement."),
    ("free", "Free speech means the government cannot jail you for this comment, not that the site must host it."),
    ("prices", "We paid $3.50 for a dozen eggs this week, it was $1.99 two years ago."),
    ("recommendation", "If you want to understand the history, read the library's copy of the old county records, it is free."),
]


@pytest.mark.parametrize("text", [pytest.param(text, id=label) for label, text in SPAM])
def test_spam_in_shapes_no_phrase_list_names_is_spam(engine, seed_article, text):
    assert is_spam(engine, seed_article, text)


@pytest.mark.parametrize("text", [pytest.param(text, id=label) for label, text in HAM])
def test_honest_comments_that_share_spam_words_are_not_spam(engine, seed_article, text):
    assert not is_spam(engine, seed_article, text)


@pytest.mark.parametrize(
    "text, sign",
    [
        ("call 1-800-555-0199 now", "zzphone"),
        ("whatsapp +44 7911 123456", "zzphone"),
        ("ring (646) 555-0100", "zzphone"),
        ("earn $500 a day", "zzmoney"),
        ("500 dollars a week", "zzmoney"),
        ("telegram @cash_king", "zzhandle"),
        ("write to anna21@mail.com", "zzemail"),
        ("visit easy-cash.biz today", "zzlink"),
        ("see https://www.reuters.com/world", "zznews"),
        ("text WIN to 80086", "zzcode"),
    ],
)
def test_mark_writes_a_sign_word_for_each_way_to_be_reached_or_paid(text, sign):
    assert sign.encode() in mark(normalize(text).folded, shipped_model().trusted)


@pytest.mark.parametrize("text", ["in 2004 and 2005", "20,000 fighters at 600 a month", "the 1920 revolt", "a 12.5% rise"])
def test_years_counts_and_rates_are_not_phone_numbers(text):
    assert b"zzphone" not in mark(normalize(text).folded)


def test_the_shipped_model_records_the_sources_it_was_trained_from():
    digest = hashlib.sha256()
    for name in ("sources.toml", "written_spam.toml", "written_ham.toml"):
        digest.update((MODEL_DIR / name).read_bytes())
    assert shipped_model().sources_sha256 == digest.hexdigest()


def test_the_shipped_models_are_small_and_load_without_numpy():
    assert (MODEL_DIR / "model.bin.gz").stat().st_size + (MODEL_DIR / "gate.bin.gz").stat().st_size < 400_000
    assert 0 < SpamModel.load().size <= 20_000
    assert SpamModel.load(GATE_FILE).counts


def test_the_reason_names_what_weighed_most_in_words_a_moderator_reads(engine, seed_article):
    text = "Earn $300 a day from your phone, no experience, just message our team on WhatsApp +1 305 555 0177 today"
    reasons = [r for r in engine.evaluate(Comment(text=text, article=seed_article)).reasons if r.category == "spam"]
    assert reasons and "spam model" in reasons[0].explanation
    assert not any(sign in reasons[0].explanation for sign in SIGNS)


def test_the_gate_lets_every_spam_case_through_to_the_full_model():
    gate = shipped_model(GATE_FILE)
    threshold = RULES_SPAM["model_gate"]
    cleared = [label for label, text in SPAM if gate.probability(normalize(text).folded) < threshold]
    assert cleared == []


def test_the_gate_clears_most_honest_comments(engine):
    gate = shipped_model(GATE_FILE)
    threshold = RULES_SPAM["model_gate"]
    cleared = sum(1 for _, text in HAM if gate.probability(normalize(text).folded) < threshold)
    assert cleared >= len(HAM) // 2


@pytest.mark.parametrize(
    "shape",
    ["a.com." * 40_000, "1,1," * 60_000 + " dollars", "x.y" * 80_000 + "@mail.com", "'ab " * 60_000],
    ids=["domains joined by dots", "a run of digits and commas", "dotted letters before an at sign", "stray apostrophes"],
)
def test_no_shape_makes_the_spam_and_relevance_reading_grow_with_the_square_of_the_length(engine, seed_article, shape):
    # Regression (issue #11 style): "a.com.a.com..." took 150 s at 1 MB when the bare-domain pattern was unbounded.
    import time

    started = time.process_time()
    engine.evaluate(Comment(text=shape, article=seed_article))
    assert time.process_time() - started < 5
