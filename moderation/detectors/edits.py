"""Words one edit apart: a letter dropped, added or changed, or two neighbours swapped.

A typo of a word the engine knows reads as that word where the detector says
so: the vulgarity matcher sends "Shitte" (Shiite) to a moderator instead of
rejecting it, and relevance reads "embasy" as the article's "embassy".
"""

from __future__ import annotations


def one_letter_dropped(word: str) -> set[str]:
    """Every word one letter shorter than `word`, each with one of its letters left out."""
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit_apart(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by one letter dropped, added or changed, or by two neighbours swapped."""
    if a == b:
        return False
    if abs(len(a) - len(b)) == 1:
        longer, shorter = (a, b) if len(a) > len(b) else (b, a)
        return shorter in one_letter_dropped(longer)
    if len(a) != len(b):
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(differ) == 1 or (
        len(differ) == 2 and differ[1] == differ[0] + 1 and a[differ[0]] == b[differ[1]] and a[differ[1]] == b[differ[0]]
    )
