"""The engine's work grows linearly with a comment's length, whatever its shape.

Counted, not timed (machines here are shared and noisy): the lines of the
engine's own Python run for a comment of 2,000 characters and of 8,000. Four
times the length may cost about four times the lines; the square of the
length would cost sixteen. `benchmarks/worst_case.py` prints the seconds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from moderation import Article, Comment, load_rules

ENGINE_FILES = str(Path(__file__).resolve().parent.parent / "moderation")

# Regression (issue #11): runs of one character were quadratic in the matcher,
# the mask reader, the spaced-letter reader and the link finder.
SHAPES = [
    "a", "A", "s", "*", "* ", "!", "@", "|", "$", "#", "_ ", ".-_,*/:~", "shit", "sh1t", "cock", "a$$", "f*ck ", "|_|",
    "f u c k ", "s.h.i.t.", "fuuuuuuck ", "ѕһіt ", "а", "Ｆｕｃｋ", "f\u200bu\u200bc\u200bk ", "\u202ekcuf ", "dick ",
    "http://x.com", "www.x.com.", "click.", "you are an idiot ", "THIS IS OUTRAGEOUS ", "I will kill you ",
]


def lines_run(engine, text: str, article: Article) -> int:
    """How many lines of the engine's modules run while it decides on `text`."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(ENGINE_FILES) else None

    sys.settrace(calls)
    try:
        engine.evaluate(Comment(text=text, article=article))
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", SHAPES)
def test_engine_work_grows_linearly_with_length(engine, shape):
    article = Article("Iraq's militias", "The militias took the town back from ISIS, and the envoy said the army would hold it.")
    short, long = ((shape * 8000)[:n] for n in (2000, 8000))
    lines_run(engine, short[:100], article)  # caches warmed: the first comment builds lazily
    growth = lines_run(engine, long, article) / max(lines_run(engine, short, article), 1)
    assert growth < 6, f"{shape!r}: 4x the length ran {growth:.1f}x the lines"


def test_a_pasted_word_lists_a_few_reasons_per_rule_and_counts_the_rest(engine):
    decision = engine.evaluate(Comment(text="f*ck " * 5000))
    assert decision.action == "reject"
    vulgar = [r for r in decision.reasons if r.rule == "vulgar-disguised"]
    assert len(vulgar) == 10  # was 5,000, megabytes of JSON for the store (issue #11)
    assert decision.notes == ("vulgar-disguised: 4990 more like these not listed",)


# Regression (issue #9): "@handle, then anything, then a closing epithet" was
# written `@\w+[^\n]*?,…$`; searched from every @ of a pasted reply, each
# search ran to the end of the comment: 100 KB took 28 s. Regular expressions
# run in C, which the line count above cannot see, so the rules are checked
# by shape: a run that may cross words must have an upper bound ({0,120}).
UNBOUNDED_RUN = re.compile(r"(?<!\\)(?:\.|\[\^(?![^\]]*\\s)[^\]]*\])(?:[*+]|\{\d*,\})")


def test_no_rule_pattern_has_an_unbounded_run_across_words():
    rules = load_rules()
    patterns = [(rule.id, rule.detect["pattern"]) for rule in rules.rules.values() if rule.detect]
    incivility, _ = rules.section("incivility")
    patterns += [(f"incivility.reject.{label}", table["pattern"]) for label, table in incivility.get("reject", {}).items()]
    found = [(rule_id, m.group()) for rule_id, pattern in patterns for m in UNBOUNDED_RUN.finditer(pattern)]
    assert found == []


def test_the_unbounded_run_check_sees_the_shapes_it_forbids():
    assert UNBOUNDED_RUN.search(r"@\w+\b[^\n]*?,\s*idiot$")
    assert UNBOUNDED_RUN.search(r"you.+idiot")
    assert UNBOUNDED_RUN.search(r"[^.!?]{3,}")
    assert not UNBOUNDED_RUN.search(r"@\w+\b[^\n]{0,120}?,\s*idiot$")
    assert not UNBOUNDED_RUN.search(r"(?:[^\s]+\s+)?throat")
    assert not UNBOUNDED_RUN.search(r"\.+")
