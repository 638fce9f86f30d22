"""Moderate blog comments against a published civility and vulgarity policy, with reasons."""

from .engine import Engine
from .errors import InputError, ModerationError, RuleFileError
from .model import Article, Comment, Decision, Reason, Verdict
from .normalization import Text, normalize
from .rules import AuthorPolicy, Rule, RuleSet, default_rules_dir, load_rules

__all__ = [
    "Article",
    "AuthorPolicy",
    "Comment",
    "Decision",
    "Engine",
    "InputError",
    "ModerationError",
    "Reason",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "Text",
    "Verdict",
    "default_rules_dir",
    "load_rules",
    "normalize",
]
