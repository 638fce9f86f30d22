"""Engine speed, start-up and memory, with better-profanity measured in the same run as the baseline.

Run: .venv/bin/python benchmarks/engine_speed.py  (or `make bench`)

Prints figures and ratios; it asserts nothing, because shared machines are
noisy (targets from issue #2: >= 5,000 comments/s on one core for 300-800
character comments, >= 500x better-profanity's contains_profanity, start-up
< 0.3 s, memory < 50 MB, a 1 MB comment well under a second).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from moderation import Article, Comment, Engine  # noqa: E402

SHARED = PROJECT.parent / "shared" / "data" / "civil_toxic_spans" / "dev.jsonl"


def comments_300_to_800(count: int = 2000) -> tuple[list[str], str]:
    """Real 300-800 character comments when the shared data is beside the project, else seeds."""
    if SHARED.is_file():
        texts = [row["text"] for row in map(json.loads, SHARED.open(encoding="utf-8")) if 300 <= len(row["text"]) <= 800]
        source = f"{SHARED.name} (civil_toxic_spans)"
    else:
        seeds = [json.loads(line)["text"] for line in (PROJECT / "seeds" / "comments.jsonl").open(encoding="utf-8")]
        rng = random.Random(1)
        texts = [" ".join(rng.sample(seeds, 4)) for _ in range(count)]
        texts = [t[:800] for t in texts if len(t) >= 300]
        source = "seeds/comments.jsonl, joined four at a time"
    return texts[:count], source


def measure_rate(function, items, repeat: int = 3) -> float:
    """Best of `repeat` passes, in items per second (the least disturbed pass)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        for item in items:
            function(item)
        best = min(best, time.process_time() - started)
    return len(items) / best


def start_up_seconds() -> float:
    """Median time to import the package and build the engine in a fresh interpreter."""
    code = "import time; t=time.perf_counter(); from moderation import Engine; Engine.from_directory(); print(time.perf_counter()-t)"
    runs = [float(subprocess.check_output([sys.executable, "-c", code], cwd=PROJECT, text=True)) for _ in range(5)]
    return statistics.median(runs)


def memory_mb(texts_file: Path) -> float:
    """Peak resident memory of a fresh process that builds the engine and checks 2,000 comments."""
    # VmHWM from /proc: ru_maxrss would carry over the parent's peak across exec.
    peak = "print(int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024)"
    code = (
        "import json; from moderation import Engine, Comment; e=Engine.from_directory();"
        f"[e.evaluate(Comment(text=t)) for t in json.load(open({str(texts_file)!r}))];" + peak
    )
    baseline = peak
    total = float(subprocess.check_output([sys.executable, "-c", code], cwd=PROJECT, text=True))
    bare = float(subprocess.check_output([sys.executable, "-c", baseline], cwd=PROJECT, text=True))
    return total, total - bare


def trie_regex_vs_automaton(engine: Engine, texts: list[str]) -> tuple[float, float]:
    """Seconds per comment for the lexicon as a trie-shaped `re` pattern and as Aho-Corasick."""
    matcher = engine._detectors[0].matcher
    keys = sorted(matcher._keys, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, keys)))
    folded = [t.lower() for t in texts]
    regex = measure_rate(lambda t: list(pattern.finditer(t)), folded)
    automaton = measure_rate(lambda t: matcher._automaton.find_matches_as_indexes(t, overlapping=True), folded)
    return regex, automaton


def main() -> None:
    texts, source = comments_300_to_800()
    print(f"comments: {len(texts)} of 300-800 characters from {source}; mean {statistics.mean(map(len, texts)):.0f} chars")
    print(f"engine start-up (import + build, fresh interpreter, median of 5): {start_up_seconds() * 1000:.0f} ms")

    engine = Engine.from_directory()
    article_lines = (PROJECT / "seeds" / "article.txt").read_text(encoding="utf-8").partition("\n")
    article = Article(article_lines[0], article_lines[2])
    comments = [Comment(text=t) for t in texts]
    with_article = [Comment(text=t, article=article) for t in texts]
    ours = measure_rate(engine.evaluate, comments)
    ours_article = measure_rate(engine.evaluate, with_article)
    print(f"engine full verdict, one core: {ours:,.0f} comments/s ({1e6 / ours:.0f} us each); with an article for relevance: {ours_article:,.0f}/s")

    from better_profanity import profanity

    profanity.load_censor_words()
    sample = texts[:150]
    theirs = measure_rate(profanity.contains_profanity, sample, repeat=1)
    print(f"better-profanity contains_profanity: {theirs:,.1f} comments/s ({1e3 / theirs:.0f} ms each) on the first {len(sample)}")
    print(f"ratio engine / better-profanity: {ours / theirs:,.0f}x")

    regex, automaton = trie_regex_vs_automaton(engine, texts[:500])
    print(f"lexicon scan alone: re alternation {regex:,.0f}/s vs Aho-Corasick {automaton:,.0f}/s ({automaton / regex:.1f}x)")

    big = ("A long comment about Diyala, the Badr Organization and the army. " * 16_000)[:1_000_000]
    started = time.process_time()
    engine.evaluate(Comment(text=big + " f u c k", article=article))
    print(f"1 MB comment: {time.process_time() - started:.2f} s")

    dump = PROJECT / "build" / "bench_texts.json"
    dump.parent.mkdir(exist_ok=True)
    dump.write_text(json.dumps(texts), encoding="utf-8")
    total, extra = memory_mb(dump)
    print(f"memory: peak RSS {total:.0f} MB for a process that builds the engine and checks {len(texts)} comments ({extra:.0f} MB above a bare interpreter)")


if __name__ == "__main__":
    main()
