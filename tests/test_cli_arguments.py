"""Arguments are checked: unexpected ones and impossible values are a usage error (exit 2, one line), never a traceback or a silent wait."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MODERATION = str(Path(sys.executable).with_name("moderation"))

# (arguments, the command whose usage is shown, words the one-line message holds)
USAGE_ERRORS = [
    (["check", "one", "two"], "moderation check", "unexpected arguments: two"),
    (["check", "some text", "--jsonl"], "moderation check", "not both"),
    (["check"], "moderation check", "give the comment text"),
    (["check", "--readable", "some text"], "moderation check", "--readable goes with --jsonl"),
    (["eval", "x.jsonl", "--baseline-sample", "-1"], "moderation eval", "-1 is out of range: a whole number 0 or more"),
    (["eval", "x.jsonl", "--baseline-sample", "lots"], "moderation eval", "'lots' is not a whole number"),
    (["eval", "x.jsonl", "--misses", "-3"], "moderation eval", "-3 is out of range"),
    (["eval", "a.jsonl", "b.jsonl"], "moderation eval", "unexpected arguments: b.jsonl"),
    (["vocabulary", "extra"], "moderation vocabulary", "unexpected arguments: extra"),
    (["rules", "check", "a", "b"], "moderation rules check", "unexpected arguments: b"),
    (["serve", "--port", "0"], "moderation serve", "0 is out of range: a whole number from 1 to 65535"),
    (["serve", "--port", "70000"], "moderation serve", "70000 is out of range"),
    (["serve", "--port", "-1"], "moderation serve", "-1 is out of range"),
    (["serve", "--workers", "0"], "moderation serve", "0 is out of range: a whole number from 1 to 64"),
    (["serve", "--workers", "-2"], "moderation serve", "-2 is out of range"),
    (["serve", "--host", ""], "moderation serve", "must not be empty"),
    (["serve", "now"], "moderation serve", "unexpected arguments: now"),
    (["init", "blog.db"], "moderation init", "unexpected arguments: blog.db"),
    (["seed", "extra"], "moderation seed", "unexpected arguments: extra"),
    (["user", "add", "maria", "extra"], "moderation user add", "unexpected arguments: extra"),
    (["user", "add", ""], "moderation user add", "must not be empty"),
    (["user", "token"], "moderation user token", "required: name"),
    (["secret", "rotate", "--grace", "-1"], "moderation secret rotate", "-1 is out of range: a number, 0 or more"),
    (["secret", "rotate", "--grace", "nan"], "moderation secret rotate", "out of range"),
    (["secret", "show", "extra"], "moderation secret show", "unexpected arguments: extra"),
    (["backup"], "moderation backup", "required: OUT"),
    (["backup", "a.db", "b.db"], "moderation backup", "unexpected arguments: b.db"),
    (["deliver", "--once", "extra"], "moderation deliver", "unexpected arguments: extra"),
]


@pytest.mark.parametrize("argv, command, message", USAGE_ERRORS, ids=[" ".join(a) or "none" for a, _, _ in USAGE_ERRORS])
def test_a_bad_argument_is_a_usage_error(tmp_path, argv, command, message):
    # No standard input and a time limit: a command that waited for input or started a server would fail here.
    done = subprocess.run([MODERATION, *argv], cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"usage: {command} ")
    assert lines[-1].startswith(f"{command}: error: ") and message in lines[-1]
    assert not (tmp_path / "instance").exists()  # nothing was started or written


@pytest.mark.parametrize("argv", [[], ["user"], ["secret"], ["rules"]])
def test_a_command_without_its_subcommand_prints_its_help(argv):
    done = subprocess.run([MODERATION, *argv], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "usage:" in done.stdout and "Traceback" not in done.stderr
