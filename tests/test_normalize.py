"""Folding undoes single-character disguises and keeps spans pointing into the original text."""

from __future__ import annotations

import pytest

from moderation import normalize

CASES = [
    ("plain ascii", "Hello World", "hello world"),
    ("cyrillic look-alikes", "ѕhіt", "shit"),
    ("greek look-alikes", "fυck", "fuck"),
    ("fullwidth", "ｆｕｃｋ", "fuck"),
    ("mathematical bold", "𝐟𝐮𝐜𝐤", "fuck"),
    ("circled", "ⓕⓤⓒⓚ", "fuck"),
    ("superscript", "ᶠᵘᶜᵏ", "fuck"),
    ("small capitals", "ꜰᴜᴄᴋ", "fuck"),
    ("precomposed accent", "fück", "fuck"),
    ("combining mark", "fu\u0308ck", "fuck"),
    ("zero-width space", "f\u200buck", "fuck"),
    ("soft hyphen", "sh\u00adit", "shit"),
    ("word joiner", "s\u2060hit", "shit"),
    ("right-to-left override", "\u202ekcuf\u202c", "fuck"),
    ("fullwidth asterisk", "s＊＊＊", "s***"),
    ("curly quotes", "“quoted”", '"quoted"'),
]


@pytest.mark.parametrize("name, written, folded", CASES, ids=[c[0] for c in CASES])
def test_folds_disguise(name, written, folded):
    assert normalize(written).folded == folded


@pytest.mark.parametrize("written", ["say f\u200buck now", "a fu\u0308ck b", "x \u202ekcuf\u202c y", "ok 𝐟𝐮𝐜𝐤 ok"])
def test_span_of_folded_word_points_at_original_word(written):
    text = normalize(written)
    start = text.folded.index("fuck")
    first, last = text.span(start, start + 4)
    original_word = written[first:last]
    assert normalize(original_word.replace("\u202e", "").replace("\u202c", "")).folded in ("fuck", "kcuf")


def test_ascii_text_needs_no_offset_map():
    assert normalize("Plain text.").offsets is None


def test_one_megabyte_comment_folds():
    text = normalize("ѕhіt happens. " * 80_000)
    assert len(text.folded) == len(text.original)


# Issue #9: look-alikes outside the hand list come from Unicode's confusables (UTS #39).
@pytest.mark.parametrize("written, folded", [
    ("fսck", "fuck"),            # Armenian seh
    ("ꮪhit", "shit"),            # Cherokee small letter
    ("ᏚᎻᎥᎢ", "shit"),            # Cherokee capitals, a whole word
    ("ꓐitch", "bitch"),          # Lisu
    ("ⲟ", "o"),                  # Coptic
    ("🇫🇺🇨🇰", "fuck"),          # regional indicator letters
    ("sh⭕t", "shot"),           # an emoji circle for "o"
    ("f❌ck", "f*ck"),           # an emoji cross hides a letter, like an asterisk
])
def test_lookalikes_from_unicode_confusables_fold_to_latin(written, folded):
    assert normalize(written).folded == folded


@pytest.mark.parametrize("written", ["شكرا جزيلا", "שלום לכולם", "नमस्ते", "日本語", "안녕하세요"])
def test_scripts_people_write_in_are_not_folded_into_latin(written):
    assert not any("a" <= c <= "z" for c in normalize(written).folded)


def test_a_confusable_word_maps_back_to_what_was_written(engine):
    from moderation import Comment

    text = "What the ꓝսᏟꮶ is this?"
    reason = engine.evaluate(Comment(text=text)).reasons[0]
    assert reason.evidence == "ꓝսᏟꮶ" and text[reason.start:reason.end] == reason.evidence


# Regression (issue #11, found by tests/test_engine_properties.py): drawings were
# read one at a time, so one beside a drawing stayed and was read on a second
# fold ("\\/|\\|a" folded to "\\/na", then to "vna"): a chain is now read whole.
@pytest.mark.parametrize("written, folded", [("\\/|\\|a", "vna"), ("f|_||<", "fuk"), ("()()a", "ooa"), ("fuc|<", "fuck"), ("| a | b |", "| a | b |")])
def test_a_chain_of_drawn_letters_beside_a_letter_is_read_whole(written, folded):
    assert normalize(written).folded == folded
    assert normalize(folded).folded == folded


def test_a_long_chain_of_drawn_letters_folds_in_linear_time():
    text = normalize("()" * 500_000 + "a")
    assert text.folded == "o" * 500_000 + "a" and text.span(499_999, 500_001) == (999_999, 1_000_001)


def test_an_emoji_syllable_is_read_as_its_letters_only_as_part_of_a_word():
    # "bull💩" and "🍑hole" spell strong words; a picture alone is no word ("the film was 💩").
    word = normalize("pure bull\U0001F4A9 here")
    assert word.folded == "pure bullshit here"
    assert word.evidence(5, 13)[2] == "bull\U0001F4A9"
    assert normalize("total \U0001F351hole").folded == "total asshole"
    assert normalize("the film was \U0001F4A9").folded == "the film was \U0001F4A9"
    assert normalize("peach season \U0001F351 is here").folded == "peach season \U0001F351 is here"
    # A run is read whole, so the folded text stays a fixed point.
    assert normalize("a\U0001F4A9\U0001F4A9").folded == normalize(normalize("a\U0001F4A9\U0001F4A9").folded).folded == "ashitshit"


def test_text_written_upside_down_is_read_the_right_way_up_with_spans_in_the_original():
    from moderation.normalization import upside_down_reading

    turned = upside_down_reading(normalize("ʇᴉɥs sᴉɥʇ"))
    assert turned.folded == "this shit"
    assert turned.evidence(5, 9)[2] == "ʇᴉɥs"
    # Ordinary text, and a single turned letter (a phonetic symbol), have no such reading.
    assert upside_down_reading(normalize("plain text")) is None
    assert upside_down_reading(normalize("the vowel ɐ in Portuguese")) is None


def test_a_drawn_letter_made_a_letter_by_the_next_drawing_is_read_in_the_same_pass():
    # "\/0|\|a": "|\|" beside "a" is an "n", which puts "\/" beside a digit and a letter.
    folded = normalize("\\/0|\\|a").folded
    assert folded == "v0na" == normalize(folded).folded
