"""The disguise corpus: strong words in every disguise are caught, hard clean cases pass (issue #2 bar)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderation import Comment
from moderation.evaluation import VULGAR_CATEGORIES, Score

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.jsonl"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_disguise_corpus_meets_precision_and_recall(engine, path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 400
    score = Score()
    misses = []
    for row in rows:
        predicted = bool(VULGAR_CATEGORIES & set(engine.evaluate(Comment(text=row["text"])).categories))
        actual = row["expected"] == "vulgar"
        score.add(predicted, actual)
        if predicted != actual:
            misses.append((row["class"], row["text"]))
    assert score.precision >= 0.98, misses
    assert score.recall >= 0.97, misses


def test_corpus_covers_every_disguise_and_clean_class():
    rows = [json.loads(line) for path in CORPUS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    classes = {row["class"] for row in rows}
    assert {"asterisk_mask", "symbol_mask", "leetspeak", "spaced", "partial_split", "stretched", "homoglyph", "invisible", "accent", "fullwidth", "respelling", "acronym"} <= classes
    assert {"scunthorpe", "place_name", "surname", "animal_sense", "arithmetic", "footnote_markdown", "redacted", "mention", "leet_innocent", "spaced_innocent"} <= classes
    assert sum(r["expected"] == "vulgar" for r in rows) >= 400
    assert sum(r["expected"] == "clean" for r in rows) >= 200
