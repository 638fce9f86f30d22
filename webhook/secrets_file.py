"""Secrets that survive restarts: the webhook secrets and the session key, in owner-only files of the instance folder.

The instance folder is `--instance DIR`, else $MODERATION_INSTANCE, else the
database's folder (`instance/` for the default database). In it:

- `webhook-secrets.json`: the webhook secrets, newest first, each with the
  time it was made and, once rotated out, the time it stops being accepted:
  `{"secrets": [{"secret": "whsec_…", "created_at": "…", "expires_at": null}]}`
- `session-key`: the key every worker signs moderators' sessions with.

Both are written 0600 (a temporary file renamed over the old one, so a reader
never sees half a file); a folder made here is 0700, and a folder other users
may write to is refused. The environment still wins: MODERATION_WEBHOOK_SECRET
and MODERATION_SECRET_KEY, when set, are used instead of the files.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

WEBHOOK_SECRETS_FILE = "webhook-secrets.json"
SESSION_KEY_FILE = "session-key"
# How often a worker looks at the secrets file for a rotation (one stat a second).
REFRESH_SECONDS = 1.0

log = logging.getLogger("webhook.secrets")


class SecretsError(ValueError):
    """A secrets file or folder that cannot be used as it is (the message says what to do)."""


def new_webhook_secret() -> str:
    """A fresh secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def fingerprint(secret: str) -> str:
    """A short name for a secret that does not reveal it (the first 12 hex digits of its SHA-256)."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class WebhookSecret:
    """One webhook secret: when it was made and, once rotated out, when it stops being accepted."""

    secret: str
    created_at: str
    expires_at: str | None = None

    def active(self, now: datetime) -> bool:
        """Whether a signature made with it is accepted at `now`."""
        return self.expires_at is None or now < datetime.fromisoformat(self.expires_at)


def instance_dir(db_path: str, instance: str | None = None, environ=os.environ) -> Path:
    """The folder of the secrets: `instance`, else $MODERATION_INSTANCE, else the database's folder."""
    given = instance or environ.get("MODERATION_INSTANCE")
    return Path(given).absolute() if given else Path(os.path.abspath(db_path)).parent


def prepare_folder(folder: Path) -> list[str]:
    """Create the folder owner-only (0700) if missing; refuse one others may write to. Returns notes to print."""
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask, never widened
        return []
    mode = folder.stat().st_mode
    if not stat.S_ISDIR(mode):
        raise SecretsError(f"{folder} is not a folder")
    if mode & 0o022:
        raise SecretsError(f"{folder} may be written by other users, who could replace the secrets: "
                           f"give the service a folder of its own with --instance DIR (or `chmod 700 {folder}`)")
    if mode & 0o077:
        return [f"note: {folder} can be read by other users (mode {stat.S_IMODE(mode):o}); the secret files are 0600, "
                f"`chmod 700 {folder}` hides the database too"]
    return []


def _write_private(path: Path, text: str) -> None:
    """Write a file readable by its owner only, replacing the old one at once."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _read_private(path: Path) -> str | None:
    """A secret file's text (None if missing); refuse one that other users may read."""
    try:
        with open(path, encoding="utf-8") as handle:
            if os.fstat(handle.fileno()).st_mode & 0o077:
                raise SecretsError(f"{path} can be read by other users: `chmod 600 {path}` (and consider the secret leaked: rotate it)")
            return handle.read()
    except FileNotFoundError:
        return None


def _parse_webhook_secrets(text: str, path: Path) -> list[WebhookSecret]:
    try:
        data = json.loads(text)
        entries = [WebhookSecret(str(e["secret"]), str(e["created_at"]), e.get("expires_at")) for e in data["secrets"]]
    except (ValueError, KeyError, TypeError) as error:
        raise SecretsError(f"{path} is not a webhook secrets file ({error}); move it away and run `moderation secret rotate`") from None
    return entries


def read_webhook_secrets(folder: Path) -> list[WebhookSecret]:
    """The webhook secrets stored in the folder, newest first ([] if there is no file)."""
    path = folder / WEBHOOK_SECRETS_FILE
    text = _read_private(path)
    return [] if text is None else _parse_webhook_secrets(text, path)


def write_webhook_secrets(folder: Path, entries: list[WebhookSecret]) -> None:
    """Store the webhook secrets, newest first."""
    rows = [{"secret": e.secret, "created_at": e.created_at, "expires_at": e.expires_at} for e in entries]
    _write_private(folder / WEBHOOK_SECRETS_FILE, json.dumps({"secrets": rows}, indent=2) + "\n")


def active_webhook_secrets(folder: Path, now: datetime) -> list[WebhookSecret]:
    """The stored webhook secrets accepted at `now`, newest first."""
    return [e for e in read_webhook_secrets(folder) if e.active(now)]


def ensure_webhook_secret(folder: Path, now: datetime) -> WebhookSecret | None:
    """Create the first webhook secret if none is active; returns it when it was just created (else None)."""
    entries = read_webhook_secrets(folder)
    if any(e.active(now) for e in entries):
        return None
    created = WebhookSecret(new_webhook_secret(), now.isoformat())
    write_webhook_secrets(folder, [created])
    return created


def rotate_webhook_secret(folder: Path, now: datetime, grace: timedelta) -> tuple[WebhookSecret, list[WebhookSecret]]:
    """A new secret first; the ones active now stay accepted for `grace` (not longer than they already were). Returns (new, kept)."""
    until = (now + grace).isoformat()
    kept = []
    for entry in read_webhook_secrets(folder):
        if not entry.active(now):
            continue  # expired: nothing accepts it any more, so it is dropped from the file
        if entry.expires_at is None or datetime.fromisoformat(entry.expires_at) > now + grace:
            entry = WebhookSecret(entry.secret, entry.created_at, until)
        if entry.active(now):
            kept.append(entry)
    created = WebhookSecret(new_webhook_secret(), now.isoformat())
    write_webhook_secrets(folder, [created, *kept])
    return created, kept


def read_session_key(folder: Path) -> str | None:
    """The stored session key, or None."""
    text = _read_private(folder / SESSION_KEY_FILE)
    if text is None:
        return None
    return text.strip() or None


def ensure_session_key(folder: Path) -> bool:
    """Create the session key if missing; True when it was just created."""
    if read_session_key(folder):
        return False
    _write_private(folder / SESSION_KEY_FILE, secrets.token_hex(32) + "\n")
    return True


class SecretRing(Sequence):
    """The webhook secrets a worker accepts now, from the instance's file.

    A live list: the file is looked at again at most once a second, so a
    `moderation secret rotate` reaches every running worker without a restart,
    and a rotated-out secret stops being accepted when its grace ends. A file
    that cannot be read at that moment keeps the secrets read before (logged).
    """

    def __init__(self, path: Path, clock=time.time, refresh: float = REFRESH_SECONDS):
        self.path = Path(path)
        self.clock = clock
        self.refresh = refresh
        self._entries: list[tuple[str, float | None]] = []
        self._seen: tuple | None = None
        self._checked = float("-inf")
        self._reload()

    def _reload(self) -> None:
        self._checked = time.monotonic()
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            self._seen, self._entries = None, []
            return
        seen = (info.st_ino, info.st_mtime_ns, info.st_size)
        if seen == self._seen:
            return
        try:
            with open(self.path, encoding="utf-8") as handle:
                entries = _parse_webhook_secrets(handle.read(), self.path)
        except (OSError, SecretsError) as error:
            log.error("webhook secrets not re-read, the ones read before stay in use: %s", error)
            return
        self._seen = seen
        self._entries = [(e.secret, datetime.fromisoformat(e.expires_at).timestamp() if e.expires_at else None) for e in entries]

    def _current(self) -> list[str]:
        if time.monotonic() - self._checked >= self.refresh:
            self._reload()
        now = self.clock()
        return [secret for secret, expires in self._entries if expires is None or now < expires]

    def __iter__(self):
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __getitem__(self, index):
        return self._current()[index]

    def __repr__(self) -> str:
        return f"SecretRing({str(self.path)!r}, {len(self)} active)"
