"""Deliver moderator decisions to the platform: signed callbacks from the durable outbox, with backoff.

The promise (issue #11): every callback reaches the platform at least once and,
deduplicated by its `webhook-id`, exactly once. Each callback keeps one id over
all its attempts. A deliverer leases a callback before it sends it, so two
deliverers never send one callback at once; but a callback is marked delivered
only after the platform's 2xx, so a deliverer that dies (or times out on a slow
platform) between the platform's receipt and that mark sends it again, and the
platform must drop the second copy by its id, as Standard Webhooks asks.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from .ingest import iso
from .signing import sign
from .store import ModeratorStore

MAX_BACKOFF = timedelta(hours=1)


# Beyond the request's timeout, how long a leased callback waits before another deliverer may take it.
LEASE_MARGIN = timedelta(seconds=30)
# Callbacks one round sends at most.
ROUND_LIMIT = 50


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: urllib would turn the POST into a GET without
    its body, and a 2xx to that GET would mark a callback delivered that the
    platform never saw. A redirect is a failed attempt that names the new URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102 (urllib's hook)
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def backoff(attempts: int, base: float = 5.0) -> timedelta:
    """Wait before the next try: 5 s, 10 s, 20 s … (`base` doubled per attempt) at most an hour."""
    return min(timedelta(seconds=base * 2 ** min(attempts, 30)), MAX_BACKOFF)


def deliver_due(moderators: ModeratorStore, url: str, secret: str | Sequence[str], now: datetime, timeout: float = 5.0,
                backoff_base: float = 5.0) -> tuple[int, int]:
    """Post every due callback once; returns (delivered, failed). Failures wait and are retried later.

    `secret` may be several (the webhook secrets during a rotation, read afresh
    each round): each signs, and the platform checks whichever it knows.
    """
    secrets = [secret] if isinstance(secret, str) else list(secret)
    delivered = failed = 0
    started = time.monotonic()
    lease_until = iso(now + timedelta(seconds=timeout) + LEASE_MARGIN)
    for _ in range(ROUND_LIMIT):
        entry = moderators.claim_due(iso(now), lease_until)
        if entry is None:
            break
        body = json.dumps({"type": entry["event"], "data": json.loads(entry["payload"])}).encode()
        # The same id on every retry of one callback, as Standard Webhooks asks, so the platform can drop duplicates.
        message_id = "msg_" + hashlib.sha256(f"{entry['created_at']}|{entry['id']}".encode()).hexdigest()[:24]
        # Stamped when sent, not when the round began: behind a slow platform the
        # last of fifty callbacks would go out minutes old, near the tolerance.
        timestamp = int(now.timestamp() + time.monotonic() - started)
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(sign(key, message_id, timestamp, body) for key in secrets),
        })
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                ok = 200 <= response.status < 300
                error = f"HTTP {response.status}"
        except urllib.error.HTTPError as caught:
            where = caught.headers.get("Location") if 300 <= caught.code < 400 else None
            ok, error = False, f"HTTP {caught.code}" + (f": the callback URL redirects to {where}; set MODERATION_CALLBACK_URL to that" if where else "")
        except (urllib.error.URLError, OSError) as caught:
            ok, error = False, str(getattr(caught, "reason", caught))
        if ok:
            moderators.mark_delivered(entry["id"], iso(now))
            delivered += 1
        else:
            moderators.mark_failed(entry["id"], error, iso(now + backoff(entry["attempts"], backoff_base)))
            failed += 1
    return delivered, failed


def deliver_forever(moderators: ModeratorStore, url: str, secret: str | Sequence[str], stop: threading.Event, every: float = 1.0, say=print,
                    timeout: float = 5.0, backoff_base: float = 5.0) -> None:
    """Deliver due callbacks every `every` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            delivered, failed = deliver_due(moderators, url, secret, datetime.now(timezone.utc), timeout, backoff_base)
        except Exception as error:  # noqa: BLE001 (the loop outlives a bad round: the outbox keeps the work)
            say(f"callback delivery failed this round: {error}")
            delivered = failed = 0
        if delivered or failed:
            say(f"callbacks delivered {delivered}, failed {failed} (retried with backoff)")
        stop.wait(every)
