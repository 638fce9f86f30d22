"""Rules load from data and fail with an error naming file, rule and field (STYLE example 9)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from moderation import Comment, Engine, RuleFileError, default_rules_dir, load_rules
from moderation.rules import RULE_FIELDS


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    return folder


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_project_rules_load_with_a_version():
    rules = load_rules()
    assert rules.version
    assert {"vulgar-word", "insult-at-commenter", "threat-of-violence", "shouting"} <= set(rules.rules)


def test_bad_action_names_file_rule_and_field(rules_copy):
    replace_in(rules_copy / "civility.toml", 'action = "hold"', 'action = "maybe"')
    with pytest.raises(RuleFileError) as caught:
        load_rules(rules_copy)
    message = str(caught.value)
    assert "civility.toml" in message and "name-calling" in message and "'action'" in message


def test_unknown_rule_field_is_named(rules_copy):
    replace_in(rules_copy / "vulgarity.toml", 'id = "vulgar-word"', 'id = "vulgar-word"\nsevirity = "strong"')
    with pytest.raises(RuleFileError, match="sevirity"):
        load_rules(rules_copy)


def test_invalid_pattern_is_named(rules_copy):
    replace_in(rules_copy / "civility.toml", 'triggers = ["islam"', 'triggers = ["islam"')
    replace_in(rules_copy / "civility.toml", 'pattern = "\\\\b(?:islam', 'pattern = "(\\\\b(?:islam')
    with pytest.raises(RuleFileError, match="religion-generalization.*detect.pattern"):
        Engine(load_rules(rules_copy))


def test_name_group_must_name_a_group_of_the_pattern(rules_copy):
    replace_in(rules_copy / "civility.toml", 'name_group = "pname"', 'name_group = "surname"')
    with pytest.raises(RuleFileError, match="name-calling.*detect.name_group"):
        Engine(load_rules(rules_copy))


def test_noun_group_must_name_a_group_of_the_pattern(rules_copy):
    replace_in(rules_copy / "civility.toml", 'noun_group = "epithet_noun"', 'noun_group = "noun"')
    with pytest.raises(RuleFileError, match="insult-vocative.*detect.noun_group"):
        Engine(load_rules(rules_copy))


def test_handle_group_must_name_a_group_of_the_pattern(rules_copy):
    replace_in(rules_copy / "civility.toml", 'handle_group = "name"', 'handle_group = "nickname"')
    with pytest.raises(RuleFileError, match="insult-at-commenter.*detect.handle_group"):
        Engine(load_rules(rules_copy))


def test_broken_toml_names_the_file(rules_copy):
    (rules_copy / "extra.toml").write_text("[[rule]\nid = ", encoding="utf-8")
    with pytest.raises(RuleFileError, match="extra.toml.*not valid TOML"):
        load_rules(rules_copy)


def test_missing_policy_file_is_an_error(tmp_path):
    with pytest.raises(RuleFileError, match="policy.toml"):
        load_rules(tmp_path)


def test_bad_term_severity_names_the_term(rules_copy):
    replace_in(rules_copy / "vulgarity.toml", 'word = "twat"\nseverity = "strong"', 'word = "twat"\nseverity = "awful"')
    with pytest.raises(RuleFileError, match="term twat.*severity"):
        load_rules(rules_copy)


def test_site_owner_adds_a_word_without_code(rules_copy):
    with (rules_copy / "vulgarity.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[term]]\nword = "frak"\nseverity = "strong"\ninside = true\nmasks = "sure"\n')
    decision = Engine(load_rules(rules_copy)).evaluate(Comment(text="What the fr4k is this?"))
    assert decision.action == "reject"


def test_site_owner_changes_a_category_action(rules_copy):
    replace_in(rules_copy / "policy.toml", '# vulgar_acronym = "hold"', 'vulgar_acronym = "hold"')
    decision = Engine(load_rules(rules_copy)).evaluate(Comment(text="WTF is the transit board thinking?"))
    assert decision.action == "hold"


def test_author_policy_reads_from_policy_file(rules_copy):
    replace_in(rules_copy / "policy.toml", "strike_limit = 3", "strike_limit = 5")
    assert load_rules(rules_copy).author_policy.strike_limit == 5


def test_every_rule_field_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    undocumented = [name for name in RULE_FIELDS if f"`{name}`" not in readme]
    assert undocumented == []


def test_bad_detector_setting_names_the_field(rules_copy):
    replace_in(rules_copy / "civility.toml", "min_capital_share = 0.6", "min_capital_share = 6")
    with pytest.raises(RuleFileError, match="civility.toml.*shouting.min_capital_share"):
        Engine(load_rules(rules_copy))


def test_site_owner_trusts_a_new_domain(rules_copy):
    text = "The full Amiri transcript is at https://iraq-notes.example.org/amiri.html if anyone wants it."
    assert "unvetted_link" in Engine(load_rules(rules_copy)).evaluate(Comment(text=text)).categories
    replace_in(rules_copy / "spam.toml", 'trusted_domains = ["reuters.com",', 'trusted_domains = ["iraq-notes.example.org", "reuters.com",')
    assert "unvetted_link" not in Engine(load_rules(rules_copy)).evaluate(Comment(text=text)).categories


def test_every_term_field_is_documented_in_the_readme_and_the_rules_file():
    from moderation.rules.lexicon import Term

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rules = (Path(__file__).resolve().parent.parent / "rules" / "vulgarity.toml").read_text(encoding="utf-8")
    fields = set(Term.__dataclass_fields__)
    assert [f for f in fields if f"`{f}`" not in readme] == []
    assert [f for f in fields if f"#   {f}" not in rules] == []


def test_every_alternative_of_the_shipped_phrase_rules_names_a_trigger_of_its_own():
    # An alternative that mentions none of its rule's triggers is woken by all of them
    # (the loader's fallback, which `rules check` notes): correct, but it runs on nearly
    # every comment. In the shipped rules each alternative names the words that wake it.
    assert Engine.from_directory().notes_on_rules == ()
