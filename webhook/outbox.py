"""Deliver moderator decisions to the platform: signed callbacks from the durable outbox, with backoff."""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from .ingest import iso
from .signing import sign
from .store import ModeratorStore

MAX_BACKOFF = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 5 s, 10 s, 20 s … at most an hour."""
    return min(timedelta(seconds=5 * 2 ** attempts), MAX_BACKOFF)


def deliver_due(moderators: ModeratorStore, url: str, secret: str | Sequence[str], now: datetime, timeout: float = 5.0) -> tuple[int, int]:
    """Post every due callback once; returns (delivered, failed). Failures wait and are retried later.

    `secret` may be several (the webhook secrets during a rotation, read afresh
    each round): each signs, and the platform checks whichever it knows.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    delivered = failed = 0
    for entry in moderators.due_callbacks(iso(now)):
        body = json.dumps({"type": entry["event"], "data": json.loads(entry["payload"])}).encode()
        # The same id on every retry of one callback, as Standard Webhooks asks, so the platform can drop duplicates.
        message_id = "msg_" + hashlib.sha256(f"{entry['created_at']}|{entry['id']}".encode()).hexdigest()[:24]
        timestamp = int(now.timestamp())
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(sign(key, message_id, timestamp, body) for key in secrets),
        })
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                ok = 200 <= response.status < 300
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as caught:
            ok, error = False, f"HTTP {caught.code}"
        except (urllib.error.URLError, OSError) as caught:
            ok, error = False, str(getattr(caught, "reason", caught))
        if ok:
            moderators.mark_delivered(entry["id"], iso(now))
            delivered += 1
        else:
            moderators.mark_failed(entry["id"], error, iso(now + backoff(entry["attempts"])))
            failed += 1
    return delivered, failed


def deliver_forever(moderators: ModeratorStore, url: str, secret: str | Sequence[str], stop: threading.Event, every: float = 1.0, say=print) -> None:
    """Deliver due callbacks every `every` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            delivered, failed = deliver_due(moderators, url, secret, datetime.now(timezone.utc))
        except Exception as error:  # noqa: BLE001 (the loop outlives a bad round: the outbox keeps the work)
            say(f"callback delivery failed this round: {error}")
            delivered = failed = 0
        if delivered or failed:
            say(f"callbacks delivered {delivered}, failed {failed} (retried with backoff)")
        stop.wait(every)
