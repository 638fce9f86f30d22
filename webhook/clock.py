"""The app's clock (MODERATION_CLOCK in its config, time.time unless a test sets one) as UTC datetimes."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app


def moment(seconds: float) -> datetime:
    """Seconds since the epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def app_now() -> datetime:
    """Now, by the current app's clock."""
    return moment(current_app.config["MODERATION_CLOCK"]())
