"""Errors the engine raises: small named classes under ModerationError."""

from __future__ import annotations


class ModerationError(Exception):
    """Base of every error the moderation engine raises."""


class RuleFileError(ModerationError):
    """A rules file is missing, unreadable or invalid; names file, rule and field."""

    def __init__(self, path: str, message: str, rule: str | None = None, field: str | None = None):
        self.path = str(path)
        self.rule = rule
        self.field = field
        where = self.path
        if rule:
            where += f", rule {rule!r}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class InputError(ModerationError):
    """A comment or article handed to the engine is not usable (e.g. not text)."""
