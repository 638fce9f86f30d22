"""Read detector settings from a rules file, naming the field on error, and the bundled word lists."""

from __future__ import annotations

from importlib import resources

from ..errors import RuleFileError


def number(config: dict, section: str, key: str, source: str, low: float = 0, high: float = float("inf")) -> float:
    """A number setting of `[section]`, within [low, high]."""
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        limits = f"from {low:g} to {high:g}" if high != float("inf") else f"{low:g} or more"
        raise RuleFileError(source, f"must be a number {limits}", field=f"{section}.{key}")
    return float(value)


def strings(config: dict, section: str, key: str, source: str) -> tuple[str, ...]:
    """A list-of-strings setting of `[section]`, lowercased (empty when absent)."""
    value = config.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RuleFileError(source, "must be a list of non-empty strings", field=f"{section}.{key}")
    return tuple(v.lower() for v in value)


def word_list(name: str) -> frozenset[str]:
    """A bundled list from moderation/data/NAME.txt: words split on white space, # lines skipped."""
    text = resources.files("moderation").joinpath(f"data/{name}.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())
