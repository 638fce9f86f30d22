"""Write moderation/data/english_words.txt.gz: English words and names by frequency, from wordfreq.

Run: .venv/bin/pip install -e '.[build]' && .venv/bin/python tools/build_english_words.py

The vulgarity matcher reads the list to tell a word or a name that merely
contains a vulgar string ("Matsushita", "Dikshit", "Phuket") from a vulgar
compound ("shitshow", "dickmove"): see moderation/detectors/vulgarity/words.py
(issue #9). wordfreq's data is licensed CC BY-SA 4.0 (Robyn Speer and
contributors; sources: Wikipedia, subtitles, news, books, web text, Twitter,
Reddit); the derived file carries that licence and this attribution.

The file holds lowercase ASCII words of wordfreq's large English list with a
Zipf frequency of at least 1.5 (about one in 30 million words), most frequent
first; lines "# below 5.0", "# below 4.0" and "# below 3.0" end the tiers
of frequency (Zipf 3.0 is about one word in a million).
"""

from __future__ import annotations

import gzip
from importlib.metadata import version
from pathlib import Path

from wordfreq import iter_wordlist, zipf_frequency

OUT = Path(__file__).resolve().parent.parent / "moderation" / "data" / "english_words.txt.gz"
KNOWN = 1.5
# Tiers, most frequent first; a line "# below N" ends each.
TIERS = (5.0, 4.0, 3.0)


def main() -> None:
    tiers: list[list[str]] = [[] for _ in range(len(TIERS) + 1)]
    for word in iter_wordlist("en", wordlist="large"):
        if not (word.isascii() and word.isalpha()):
            continue
        zipf = zipf_frequency(word, "en", wordlist="large")
        if zipf < KNOWN:
            break  # the list is in order of frequency
        tiers[sum(zipf < tier for tier in TIERS)].append(word)
    header = [
        f"# English words and names, most frequent first, from wordfreq {version('wordfreq')} (large English list), Zipf >= {KNOWN}.",
        "# Data: wordfreq, Robyn Speer and contributors, CC BY-SA 4.0; this derived list is under the same licence.",
        "# Rebuild: python tools/build_english_words.py",
    ]
    lines = list(header)
    for tier, words in zip(TIERS, tiers):
        lines += [*words, f"# below {tier}"]
    lines += tiers[-1]
    # A fixed mtime keeps the file byte-identical from one build to the next.
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("ascii"))
    counts = ", ".join(f"{len(words):,} at Zipf >= {tier}" for tier, words in zip(TIERS, tiers))
    print(f"{OUT}: {counts}, {len(tiers[-1]):,} more down to {KNOWN}; {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
