"""`moderation rules check [DIR]`: a rules folder validated and every rule's examples run through the whole engine, no service."""

from __future__ import annotations

import shutil

import pytest

from moderation.cli import SEED_ARTICLE, main, read_article
from moderation.examples import check_examples
from moderation.rules import default_rules_dir


@pytest.fixture
def rules(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), folder)
    return folder


def test_the_projects_rules_pass(capsys):
    assert main(["rules", "check"]) == 0
    out = capsys.readouterr().out
    assert "all as expected" in out and "rules version" in out


def test_the_check_is_the_one_the_tests_run(engine):
    run, failures = check_examples(engine, read_article(str(SEED_ARTICLE)))
    assert failures == [] and run == sum(len(r.examples_match) + len(r.examples_no_match) for r in engine.rules.rules.values())


def test_a_failing_example_is_printed_with_file_and_rule_id_and_exits_1(rules, capsys):
    (rules / "extra.toml").write_text(
        '[[rule]]\nid = "zzzq-word"\ncategory = "spam"\nseverity = "mild"\naction = "hold"\nexplain = "Says zzzq."\n'
        'detect = { triggers = ["zzzq"], pattern = "\\\\bzzzq\\\\b" }\n'
        '[rule.examples]\nmatch = ["I say zzzq.", "A calm note about the weather in Diyala."]\nno_match = ["zzzqx is a word"]\n', encoding="utf-8")
    assert main(["rules", "check", str(rules)]) == 1
    captured = capsys.readouterr()
    assert "extra.toml: rule 'zzzq-word' missed its match example 'A calm note about the weather in Diyala.'" in captured.out
    assert "I say zzzq." not in captured.out  # the example that holds is not listed
    assert "1 failures" in captured.err


def test_a_rule_without_examples_both_ways_fails(rules, capsys):
    (rules / "extra.toml").write_text(
        '[[rule]]\nid = "lonely-rule"\ncategory = "spam"\nseverity = "mild"\naction = "hold"\nexplain = "x"\n'
        'detect = { triggers = ["zzzq"], pattern = "zzzq" }\n', encoding="utf-8")
    assert main(["rules", "check", str(rules)]) == 1
    assert "extra.toml: rule 'lonely-rule': needs `match` and `no_match` examples" in capsys.readouterr().out


def test_an_invalid_folder_names_file_rule_and_field_and_exits_1(rules, capsys):
    (rules / "spam.toml").write_text('[[rule]]\nid = "bad-rule"\ncategory = "spam"\nseverity = "loud"\n', encoding="utf-8")
    assert main(["rules", "check", str(rules)]) == 1
    err = capsys.readouterr().err
    assert "spam.toml" in err and "'bad-rule'" in err and "'severity'" in err


def test_the_folder_comes_from_the_main_rules_option_too(rules, capsys):
    (rules / "policy.toml").unlink()
    assert main(["--rules", str(rules), "rules", "check"]) == 1
    assert "policy.toml" in capsys.readouterr().err


def test_an_alternative_that_names_none_of_its_triggers_is_noted_but_passes(rules, capsys):
    # Correct (every trigger word wakes it) but slow: the check says so, and still passes.
    (rules / "extra.toml").write_text(
        '[[rule]]\nid = "zzzq-phrase"\ncategory = "mild_insult"\nseverity = "mild"\naction = "hold"\nexplain = "Says zzzq."\n'
        'detect = { triggers = ["zzzq"], pattern = "\\\\bzzzq\\\\s+now\\\\b|\\\\bglum\\\\s+face\\\\b" }\n'
        '[rule.examples]\nmatch = ["zzzq now, please."]\nno_match = ["A glum mood."]\n', encoding="utf-8")
    assert main(["rules", "check", str(rules)]) == 0
    captured = capsys.readouterr()
    assert "rule 'zzzq-phrase', alternative 2 of its pattern" in captured.err and "names none of the rule's triggers" in captured.err
    assert "all as expected" in captured.out
