"""Worst-case engine time: comments of adversarial shapes at 1 KB, 100 KB and 1 MB, against ordinary prose.

Run: .venv/bin/python benchmarks/worst_case.py  (or `make bench-worst`)

Any commenter can post any string, so no shape may drive the engine
super-linearly (issue #11: a run of one letter took 4.3 s at 10,000
characters and grew with the square of the length). For each shape this
prints the CPU time at each size, the growth from one size to the next
(linear growth is x100 from 1 KB to 100 KB and x10 from 100 KB to 1 MB; the
square of the length would be x10,000 and x100) and the time against
ordinary prose of the same size, measured in the same run. It asserts
nothing: shared machines are noisy, and the figures are for reading.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation import Article, Comment, Engine  # noqa: E402

SIZES = (1_000, 100_000, 1_000_000)
# Each shape is repeated to the size asked for. Chosen to hit every place that
# widens a candidate, scans around a hint or reads a mask: runs, separators,
# masks, spaced letters, look-alikes, links, and words run together.
SHAPES = {
    "ordinary prose (baseline)": "The militias took the town back from ISIS, and the envoy said the army would hold it. ",
    "one letter repeated": "a",
    "one letter, upper case": "A",
    "asterisks": "*",
    "asterisks and spaces": "* ",
    "exclamation marks": "!",
    "at signs": "@",
    "pipes": "|",
    "separators": ".-_,*/:~",
    "vulgar word run together": "shit",
    "leetspeak run together": "sh1t",
    "masked words": "f*ck ",
    "spaced letters": "f u c k ",
    "letters split by dots": "s.h.i.t.",
    "stretched letters": "fuuuuuuck ",
    "homoglyphs (Cyrillic)": "ѕһіt ",
    "homoglyph run (Cyrillic a)": "а",
    "fullwidth letters": "Ｆｕｃｋ",
    "zero-width between letters": "f\u200bu\u200bc\u200bk ",
    "right-to-left override": "\u202ekcuf ",
    "links run together": "http://x.com",
    "domains joined by dots": "click.",
    "repeated insult": "you are an idiot ",
    "replies with a closing epithet that never closes": "@jo x, airhead x ",
    "replies with sentences of one epithet": "@jo x. dolt, ",
    "shouting": "THIS IS OUTRAGEOUS ",
}


def text_of(shape: str, size: int) -> str:
    """The shape repeated to exactly `size` characters."""
    return (shape * (size // len(shape) + 1))[:size]


def seconds(engine: Engine, text: str, article: Article, repeat: int) -> float:
    """Least CPU time of `repeat` evaluations (the least disturbed)."""
    comment = Comment(text=text, article=article)
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        engine.evaluate(comment)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--largest", type=int, choices=SIZES, default=SIZES[-1], help="stop at this size (CI runs 100000)")
    args = parser.parse_args(argv)
    sizes = [size for size in SIZES if size <= args.largest]
    engine = Engine.from_directory()
    title, _, body = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    article = Article(title, body)
    repeats = {1_000: 20, 100_000: 3, 1_000_000: 1}
    print(f"CPU seconds per comment with the seed article (best of {', '.join(f'{repeats[s]} at {s:,}' for s in sizes)} characters)")
    header = "".join(f"{f'{size:,} chars':>14}" for size in sizes)
    growth = "".join(f"{f'x {a // 1000:,}K->{b // 1000:,}K':>13}" for a, b in zip(sizes, sizes[1:]))
    print(f"{'shape':30}{header}{growth}{'vs prose at largest':>21}")
    prose: float | None = None
    worst_growth = 0.0
    for name, shape in SHAPES.items():
        times = [seconds(engine, text_of(shape, size), article, repeats[size]) for size in sizes]
        if prose is None:
            prose = times[-1]
        steps = [b / max(a, 1e-6) for a, b in zip(times, times[1:])]
        if name != "ordinary prose (baseline)" and len(steps) > 1:
            worst_growth = max(worst_growth, steps[-1] / (sizes[-1] / sizes[-2]))
        cells = "".join(f"{t:>14.4f}" for t in times) + "".join(f"{s:>13.1f}" for s in steps)
        print(f"{name:30}{cells}{times[-1] / prose:>20.1f}x", flush=True)
    if len(sizes) > 2:
        print(f"largest last-step growth against linear: {worst_growth:.2f} (1.00 is linear; the square of the length would be {sizes[-1] / sizes[-2]:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
