"""Load and validate the policy in rules/: rules, word lists, thresholds and author settings."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RuleFileError
from .lexicon import Term, parse_terms

ACTIONS = ("approve", "hold", "reject")
SEVERITIES = ("info", "mild", "moderate", "strong", "severe")
_RULE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CATEGORY = re.compile(r"[a-z]+(?:_[a-z]+)*")
# Fields of a [[rule]] table, each with a line for the docs test (STYLE example 12).
RULE_FIELDS = {
    "id": "stable kebab-case id that reasons, logs and examples name",
    "category": "snake_case category the verdict lists (vulgarity, insult, off_topic …)",
    "severity": "info | mild | moderate | strong | severe",
    "action": "approve | hold | reject: what this rule asks for when it fires",
    "ban": "true: the author is banned at once (slurs, threats)",
    "strike": "true: counts towards the strikes that ban",
    "explain": "one sentence a moderator reads",
    "clause": "the words of the policy the rule enforces",
    "examples": "match / no_match comments run through the whole engine by the tests",
    "detect": "detector settings of a phrase rule (triggers, pattern, handle_group, name_group, noun_group)",
}


@dataclass(frozen=True)
class Rule:
    """One policy rule: what fires it, what it asks for, and how it explains itself."""

    id: str
    category: str
    severity: str
    action: str
    explain: str
    clause: str = ""
    ban: bool = False
    strike: bool = False
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    detect: dict = field(default_factory=dict, compare=False)
    source: str = ""


@dataclass(frozen=True)
class AuthorPolicy:
    """What the service does about authors: strikes that ban, ban length, new-author hold."""

    strike_limit: int = 3
    strike_window_days: int = 30
    ban_days: int | None = None
    hold_new_authors: bool = False


@dataclass(frozen=True)
class RuleSet:
    """Every rule, detector setting and lexicon term read from a rules folder."""

    version: str
    rules: dict[str, Rule]
    sections: dict[str, tuple[dict, str]]
    terms: tuple[Term, ...]
    author_policy: AuthorPolicy
    directory: str = ""

    def section(self, name: str) -> tuple[dict, str]:
        """A detector's settings table and the file it came from ({} if absent)."""
        return self.sections.get(name, ({}, ""))


def default_rules_dir() -> Path:
    """The rules/ folder shipped beside the package."""
    return Path(__file__).resolve().parents[2] / "rules"


def load_rules(directory: str | Path | None = None) -> RuleSet:
    """Read every *.toml file of a rules folder; fail naming file, rule and field."""
    folder = Path(directory) if directory else default_rules_dir()
    policy_file = folder / "policy.toml"
    if not policy_file.is_file():
        raise RuleFileError(str(policy_file), "missing: a rules folder needs policy.toml")
    policy = _read(policy_file)
    version = policy.get("version")
    if not isinstance(version, str) or not version:
        raise RuleFileError(str(policy_file), "must be a non-empty string", field="version")
    overrides = policy.get("actions", {})
    if not isinstance(overrides, dict) or any(v not in ACTIONS for v in overrides.values()):
        raise RuleFileError(str(policy_file), f"each category's action must be one of {', '.join(ACTIONS)}", field="actions")
    rules: dict[str, Rule] = {}
    sections: dict[str, tuple[dict, str]] = {}
    terms: list[Term] = []
    for path in sorted(folder.glob("*.toml")):
        data = policy if path == policy_file else _read(path)
        source = str(path)
        for entry in data.get("rule", []):
            rule = _parse_rule(entry, source, overrides)
            if rule.id in rules:
                raise RuleFileError(source, f"duplicate rule id (also in {rules[rule.id].source})", rule=rule.id, field="id")
            rules[rule.id] = rule
        if "term" in data:
            terms.extend(parse_terms(data["term"], source))
        for name, value in data.items():
            if name in ("rule", "term", "version", "actions", "authors"):
                continue
            if not isinstance(value, dict):
                raise RuleFileError(source, "unknown top-level setting", field=name)
            if name in sections:
                raise RuleFileError(source, f"the [{name}] table is also in {sections[name][1]}", field=name)
            sections[name] = (value, source)
    return RuleSet(version, rules, sections, tuple(terms), _author_policy(policy, str(policy_file)), str(folder))


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RuleFileError(str(path), f"is not valid TOML: {error}") from None
    except OSError as error:
        raise RuleFileError(str(path), f"cannot be read: {error.strerror}") from None


def _parse_rule(entry: object, source: str, overrides: dict) -> Rule:
    if not isinstance(entry, dict):
        raise RuleFileError(source, "each [[rule]] must be a table")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise RuleFileError(source, "must be a kebab-case id such as 'vulgar-word'", rule=str(rule_id), field="id")
    for key in entry:
        if key not in RULE_FIELDS:
            raise RuleFileError(source, f"unknown field (known: {', '.join(RULE_FIELDS)})", rule=rule_id, field=key)
    category = _required_text(entry, "category", source, rule_id)
    if not _CATEGORY.fullmatch(category):
        raise RuleFileError(source, "must be a snake_case category", rule=rule_id, field="category")
    severity = _required_text(entry, "severity", source, rule_id)
    if severity not in SEVERITIES:
        raise RuleFileError(source, f"must be one of {', '.join(SEVERITIES)}", rule=rule_id, field="severity")
    action = overrides.get(category) or _required_text(entry, "action", source, rule_id)
    if action not in ACTIONS:
        raise RuleFileError(source, f"must be one of {', '.join(ACTIONS)}", rule=rule_id, field="action")
    examples = entry.get("examples", {})
    if not isinstance(examples, dict) or set(examples) - {"match", "no_match"}:
        raise RuleFileError(source, "must be a table with `match` and `no_match` lists", rule=rule_id, field="examples")
    for key in ("match", "no_match"):
        listed = examples.get(key, [])
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            raise RuleFileError(source, "must be a list of strings", rule=rule_id, field=f"examples.{key}")
    for flag in ("ban", "strike"):
        if not isinstance(entry.get(flag, False), bool):
            raise RuleFileError(source, "must be true or false", rule=rule_id, field=flag)
    detect = entry.get("detect", {})
    if not isinstance(detect, dict):
        raise RuleFileError(source, "must be a table", rule=rule_id, field="detect")
    clause = entry.get("clause", "")
    if not isinstance(clause, str):
        raise RuleFileError(source, "must be a string", rule=rule_id, field="clause")
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        action=action,
        explain=_required_text(entry, "explain", source, rule_id),
        clause=clause,
        ban=entry.get("ban", False),
        strike=entry.get("strike", False),
        examples_match=tuple(examples.get("match", [])),
        examples_no_match=tuple(examples.get("no_match", [])),
        detect=detect,
        source=source,
    )


def _required_text(entry: dict, key: str, source: str, rule_id: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(source, "is required and must be a non-empty string", rule=rule_id, field=key)
    return value.strip()


def _author_policy(policy: dict, source: str) -> AuthorPolicy:
    authors = policy.get("authors", {})
    if not isinstance(authors, dict):
        raise RuleFileError(source, "must be a table", field="authors")
    known = AuthorPolicy.__dataclass_fields__
    for key in authors:
        if key not in known:
            raise RuleFileError(source, f"unknown setting (known: {', '.join(known)})", field=f"authors.{key}")
    values = {}
    for key in ("strike_limit", "strike_window_days", "ban_days"):
        if key in authors:
            value = authors[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RuleFileError(source, "must be a whole number, 0 or more", field=f"authors.{key}")
            values[key] = value
    if values.get("ban_days") == 0:
        values["ban_days"] = None  # 0: until a moderator lifts it
    if "hold_new_authors" in authors:
        if not isinstance(authors["hold_new_authors"], bool):
            raise RuleFileError(source, "must be true or false", field="authors.hold_new_authors")
        values["hold_new_authors"] = authors["hold_new_authors"]
    return AuthorPolicy(**values)
