"""Comments not in English are held; English of every kind, short replies and emojis pass."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from moderation import RuleFileError, normalize
from moderation.detectors.language import LanguageDetector

LANGUAGE_TOML = Path(__file__).resolve().parent.parent / "rules" / "language.toml"
CONFIG = tomllib.loads(LANGUAGE_TOML.read_text(encoding="utf-8"))["language"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(CONFIG, str(LANGUAGE_TOML))


NOT_ENGLISH = [
    ("french", "Je ne comprends pas pourquoi les Américains soutiennent ces milices, c'est une erreur grave.", "French"),
    ("spanish", "Es increíble que Washington apoye a las milicias chiítas en Irak después de todo lo que pasó.", "Spanish"),
    ("german", "Wir sollten nicht vergessen, dass die Milizen in Diyala seit Monaten die Armee kontrollieren.", "German"),
    ("italian", "Questo articolo spiega bene perché le milizie sciite sono ormai più forti dell'esercito iracheno.", "Italian"),
    ("portuguese", "Obrigado pelo artigo, mas acho que o problema principal é o governo de Bagdá e não o Irã.", "Portuguese"),
    ("dutch", "Het is duidelijk dat de Iraanse milities nu de baas zijn in het Iraakse leger, en niemand doet iets.", "Dutch"),
    ("polish", "To jest skandal, Amerykanie pomagają teraz irańskim milicjom w Iraku i nikt nie pyta dlaczego.", None),
    ("finnish, a language without a list", "Tämä on todella hyvä artikkeli ja olen samaa mieltä kirjoittajan kanssa, kiitos paljon.", None),
    ("russian", "Это позор. Американцы помогают иранским ополченцам в Ираке.", None),
    ("arabic", "هذه الميليشيات تسيطر على الجيش العراقي في ديالى منذ أشهر", None),
    ("chinese", "这些民兵现在控制着伊拉克军队，美国却在为他们提供空中支援。", None),
]

ENGLISH = [
    ("non-native", "My uncle live in Baqubah still. He say the Badr men control every checkpoint, the army only watch."),
    ("non-native with errors", "My English is not so good, but I think the army there is not more independent, the militia give the orders now."),
    ("lowercase with typos", "nobody relly belives the goverment in baghdad controls anything outside the green zone anymore"),
    ("an advert in clipped English", "Get 10,000 real Instagram followers for only $9.99! Fast delivery, no password needed. Visit followboost.net"),
    ("a list of names", "Amiri, Soleimani, Badr, Quds Force, Kataib Hezbollah: same chain, different hats."),
    ("a foreign phrase quoted", "My French is bad but: les milices sont l'armée maintenant. That is the point of the article."),
    ("foreign words in English", "The de facto leader of the militias is Amiri, not Abadi, and everyone in Baghdad knows it."),
    ("shouting", "WHERE IS THE SENATE ON THIS? A MILITIA COMMANDER CALLS IN OUR AIR STRIKES AND NOBODY CARES"),
    ("look-alike letters", "Тhe whole рlan was doomed from the stаrt and every general in Baghdad knew it."),
]

TOO_SHORT = [
    ("a word of thanks", "Merci beaucoup!"),
    ("a short reply", "Gracias amigo, muy bien dicho."),
    ("emojis", "🇺🇸🙏💔😂😂😂"),
    ("a name in its own script", "Great post, شكرا"),
]


@pytest.mark.parametrize("name, text, language", NOT_ENGLISH, ids=[case[0] for case in NOT_ENGLISH])
def test_comments_in_other_languages_are_held_over_their_whole_text(detector, name, text, language):
    [signal] = detector.detect(normalize(text))
    assert (signal.rule, signal.start, signal.end, signal.evidence) == ("non-english", 0, len(text), text)
    if language:
        assert f"common {language} words" in signal.detail


@pytest.mark.parametrize("name, text", ENGLISH, ids=[case[0] for case in ENGLISH])
def test_english_of_every_kind_passes(detector, name, text):
    assert detector.detect(normalize(text)) == []


@pytest.mark.parametrize("name, text", TOO_SHORT, ids=[case[0] for case in TOO_SHORT])
def test_short_comments_and_emojis_are_not_judged(detector, name, text):
    assert detector.detect(normalize(text)) == []


def test_detail_says_what_showed_the_language(detector):
    [signal] = detector.detect(normalize("Это позор. Американцы помогают иранским ополченцам в Ираке."))
    assert signal.detail.endswith("letters are in a script other than Latin")


@pytest.mark.parametrize("field", ["min_words", "min_foreign_share", "min_other_script_share"])
def test_bad_settings_raise_an_error_naming_the_field(field):
    config = copy.deepcopy(CONFIG)
    config[field] = -1
    with pytest.raises(RuleFileError) as raised:
        LanguageDetector(config, "rules/language.toml")
    assert raised.value.field == f"language.{field}"
