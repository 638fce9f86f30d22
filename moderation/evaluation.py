"""Score the engine on a labeled JSONL file, with better-profanity scored beside it on the same rows."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .model import Article, Comment, Decision

VERDICTS = ("approve", "hold", "reject")
# Categories that mean "vulgar" and "uncivil" in the civil_toxic_spans labels.
VULGAR_CATEGORIES = frozenset({"vulgarity", "vulgar_acronym"})
UNCIVIL_CATEGORIES = frozenset({"insult", "threat", "identity_attack", "name_calling", "mild_insult", "violent_rhetoric", "incivility"})


@dataclass
class Score:
    """Counts for one binary label: precision, recall and F1 derive from them."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        """Count one row."""
        if predicted and actual:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif actual:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        """One report line: P, R, F1 and the counts."""
        return (
            f"{name:<28} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f}"
            f"  (tp={self.true_positive} fp={self.false_positive} fn={self.false_negative} tn={self.true_negative})"
        )


@dataclass
class Report:
    """What `moderation eval` prints."""

    kind: str
    rows: int
    lines: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def text(self, max_misses: int = 60) -> str:
        """The report as text, misses last."""
        out = [f"{self.kind}: {self.rows} rows", *self.lines]
        if self.misses:
            out.append(f"\nmisses ({len(self.misses)}, first {min(max_misses, len(self.misses))}):")
            out.extend(self.misses[:max_misses])
        return "\n".join(out)


def read_jsonl(lines: Iterable[str]) -> list[dict]:
    """Labeled rows from JSONL text; blank lines are skipped."""
    rows = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"line {number}: not JSON: {error.msg}") from None
    return rows


def evaluate_file(
    rows: list[dict],
    decide: Callable[[Comment], Decision],
    article: Article | None = None,
    baseline: Callable[[str], bool] | None = None,
    baseline_sample: int = 300,
    seed: int = 0,
) -> Report:
    """Score `decide` on rows in the seed-comments or civil_toxic_spans format."""
    if not rows:
        raise ValueError("no rows to evaluate")
    if "class" in rows[0] and rows[0].get("expected") in ("vulgar", "clean"):
        return _evaluate_spans(rows, decide, article, baseline, baseline_sample, seed)
    if "expected" in rows[0]:
        return _evaluate_verdicts(rows, decide, article, baseline, baseline_sample, seed)
    if "vulgar" in rows[0]:
        return _evaluate_spans(rows, decide, article, baseline, baseline_sample, seed)
    raise ValueError("unknown format: rows need `expected` (approve/hold/reject) or `vulgar`/`uncivil` labels")


def _decide_all(rows: list[dict], decide, article) -> tuple[list[Decision], float]:
    started = time.perf_counter()
    decisions = [decide(Comment(text=row["text"], id=str(row.get("id")), article=article, author=row.get("author"))) for row in rows]
    return decisions, time.perf_counter() - started


def _sample(rows: list[dict], size: int, seed: int) -> list[int]:
    indexes = list(range(len(rows)))
    if size and len(indexes) > size:
        indexes = sorted(random.Random(seed).sample(indexes, size))
    return indexes


def _evaluate_verdicts(rows, decide, article, baseline, baseline_sample, seed) -> Report:
    decisions, seconds = _decide_all(rows, decide, article)
    report = Report("verdicts", len(rows))
    confusion = Counter((row["expected"], d.action) for row, d in zip(rows, decisions))
    agree = sum(confusion[(v, v)] for v in VERDICTS)
    report.lines.append(f"engine: verdict agreement {agree}/{len(rows)} = {agree / len(rows):.3f}  ({len(rows) / seconds:,.0f} comments/s)")
    for verdict in VERDICTS:
        score = Score()
        for row, d in zip(rows, decisions):
            score.add(d.action == verdict, row["expected"] == verdict)
        report.lines.append(score.line(f"  {verdict}"))
    approve_rejected = confusion[("approve", "reject")]
    report.lines.append(f"  approve-labelled comments rejected: {approve_rejected}")
    report.lines.append("  confusion (rows: expected, columns: engine):")
    report.lines.append("    " + " " * 9 + "".join(f"{v:>9}" for v in VERDICTS))
    for expected in VERDICTS:
        report.lines.append(f"    {expected:<9}" + "".join(f"{confusion[(expected, got)]:>9}" for got in VERDICTS))
    if baseline is not None:
        indexes = _sample(rows, baseline_sample, seed)
        started = time.perf_counter()
        flagged = {i: baseline(rows[i]["text"]) for i in indexes}
        bp_seconds = time.perf_counter() - started
        bp_agree = sum((("reject" if flagged[i] else "approve") == rows[i]["expected"]) for i in indexes)
        ours = sum(decisions[i].action == rows[i]["expected"] for i in indexes)
        bp_reject = Score()
        our_reject = Score()
        for i in indexes:
            bp_reject.add(flagged[i], rows[i]["expected"] == "reject")
            our_reject.add(decisions[i].action == "reject", rows[i]["expected"] == "reject")
        report.lines.append(f"better-profanity (reject if contains_profanity, else approve) on the same {len(indexes)} rows:")
        report.lines.append(f"  verdict agreement {bp_agree}/{len(indexes)} = {bp_agree / len(indexes):.3f} (engine {ours / len(indexes):.3f}); {len(indexes) / bp_seconds:,.1f} comments/s")
        report.lines.append(bp_reject.line("  better-profanity reject"))
        report.lines.append(our_reject.line("  engine reject"))
    for row, d in zip(rows, decisions):
        if d.action != row["expected"]:
            why = "; ".join(f"{r.rule}:{r.evidence[:40]!r}" for r in d.reasons if r.action != "approve") or "no reason"
            report.misses.append(f"  {row.get('id')}: expected {row['expected']} {row.get('labels', '')}, got {d.action} [{why}]\n      {row['text'][:160]!r}")
    return report


def _evaluate_spans(rows, decide, article, baseline, baseline_sample, seed) -> Report:
    decisions, seconds = _decide_all(rows, decide, article)
    corpus = "class" in rows[0]
    report = Report("vulgar/clean corpus" if corpus else "vulgar/uncivil labels", len(rows))
    report.lines.append(f"engine: {len(rows) / seconds:,.0f} comments/s")
    labels = {"vulgar": VULGAR_CATEGORIES} if corpus else {"vulgar": VULGAR_CATEGORIES, "uncivil": UNCIVIL_CATEGORIES}
    for label, categories in labels.items():
        score = Score()
        for row, d in zip(rows, decisions):
            actual = row["expected"] == "vulgar" if corpus else bool(row[label])
            predicted = bool(categories & set(d.categories))
            score.add(predicted, actual)
            if predicted != actual and label == "vulgar":
                kind = "missed" if actual else "false alarm"
                cls = f" [{row.get('class')}]" if corpus else ""
                report.misses.append(f"  {row.get('id')}{cls} {kind}: {row['text'][:150]!r} -> {d.categories}")
        report.lines.append(score.line(f"  engine {label}"))
    if corpus:
        by_class: dict[str, Counter] = {}
        for row, d in zip(rows, decisions):
            predicted = bool(VULGAR_CATEGORIES & set(d.categories))
            by_class.setdefault(row["class"], Counter())[predicted == (row["expected"] == "vulgar")] += 1
        report.lines.append("  right by class: " + ", ".join(f"{c} {n[True]}/{n[True] + n[False]}" for c, n in sorted(by_class.items())))
    if baseline is not None:
        indexes = _sample(rows, baseline_sample, seed)
        started = time.perf_counter()
        flagged = {i: baseline(rows[i]["text"]) for i in indexes}
        bp_seconds = time.perf_counter() - started
        report.lines.append(f"better-profanity contains_profanity beside the engine on the same {len(indexes)} rows ({len(indexes) / bp_seconds:,.1f} comments/s):")
        for label, categories in labels.items():
            bp, ours = Score(), Score()
            for i in indexes:
                actual = rows[i]["expected"] == "vulgar" if corpus else bool(rows[i][label])
                bp.add(flagged[i], actual)
                ours.add(bool(categories & set(decisions[i].categories)), actual)
            report.lines.append(bp.line(f"  better-profanity {label}"))
            report.lines.append(ours.line(f"  engine {label}"))
    return report
