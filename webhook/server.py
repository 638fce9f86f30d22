"""`moderation serve`: check the port, load the secrets, prepare the database (the demo only with --demo), then run gunicorn.

The process stays gunicorn's parent: SIGTERM stops both, and SIGHUP reloads
the rules. A reload first builds an engine from the rules folder here; a
folder that does not load is refused (logged, the old rules keep serving);
one that loads is copied as the last good rules and gunicorn gets the HUP,
which starts new workers on it and lets the old ones finish their requests.
A worker that boots while the folder is broken serves that copy instead of
failing (webhook/__init__.py `load_engine`), so gunicorn never stops for it.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from moderation import Engine
from moderation.examples import check_examples
from moderation.rules import default_rules_dir

from . import DEFAULT_DB, config_from_environment
from .accounts import add_moderator
from .limits import GUNICORN_LIMIT_FIELD_SIZE, GUNICORN_LIMIT_REQUEST_LINE
from .outbox import deliver_forever
from .secrets_file import (
    SESSION_KEY_FILE, WEBHOOK_SECRETS_FILE, active_webhook_secrets, ensure_session_key, ensure_webhook_secret, instance_dir, new_webhook_secret,
    prepare_folder,
)
from .seed import load_seed
from .store import ModeratorStore, Store

__all__ = ["DEMO_MODERATOR", "StartError", "gunicorn_command", "new_webhook_secret", "prepare", "serve"]

DEMO_MODERATOR = "admin"


class StartError(Exception):
    """The service cannot start as asked; the message says which option or command to use."""


def gunicorn_command(app: str, host: str, port: int, workers: int) -> list[str]:
    """The production server's command line; the load benchmark runs its bare app with the same one."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync", "--bind", _bind(host, port),
            "--log-level", "warning", "--graceful-timeout", "5",
            # Above the app's own limits, which answer in problem+json (webhook/limits.py).
            "--limit-request-line", str(GUNICORN_LIMIT_REQUEST_LINE), "--limit-request-field_size", str(GUNICORN_LIMIT_FIELD_SIZE), app]


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def prepare(store: Store, engine: Engine, now: datetime) -> tuple[int, str | None]:
    """The demo (`serve --demo`): seed an empty database, create the demo moderator if there is none. Returns (seeded, new password)."""
    seeded = load_seed(store, engine, now) if store.is_empty() else 0
    moderators = ModeratorStore(store)
    if moderators.count_moderators():
        return seeded, None
    password = secrets.token_urlsafe(12)
    add_moderator(moderators, DEMO_MODERATOR, password, now.isoformat())
    return seeded, password


def check_port(host: str, port: int) -> tuple[str, int]:
    """Bind the address as gunicorn will, and let go; returns the address really bound. StartError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        probe = socket.socket(family, socket.SOCK_STREAM)
    except OSError as error:
        raise StartError(f"cannot listen on {host}: {error.strerror}; choose another --host") from None
    with probe:
        # As gunicorn does: connections of a previous run waiting in TIME_WAIT do not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror:
            raise StartError(f"--host {host}: no such host name or address") from None
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise StartError(f"port {port} is already in use on {host} (another `moderation serve`, or another server): "
                                 f"choose a free port with --port, e.g. --port {port + 1 if port < 65535 else 8081}") from None
            if error.errno == errno.EADDRNOTAVAIL:
                raise StartError(f"{host} is not an address of this machine: choose one with --host "
                                 "(127.0.0.1: this machine only; 0.0.0.0: every interface)") from None
            if error.errno == errno.EACCES:
                raise StartError(f"port {port} needs privileges here: choose one above 1023 with --port (and a proxy in front for 80/443)") from None
            raise StartError(f"cannot listen on {host} port {port}: {error.strerror}") from None
        address = probe.getsockname()
    return address[0], address[1]


def _outward_address(family: int) -> str | None:
    """This machine's address on its default route (a UDP socket is aimed there; nothing is sent), if it has one."""
    target = ("2001:db8::1", 9) if family == socket.AF_INET6 else ("192.0.2.1", 9)
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect(target)
            return udp.getsockname()[0]
    except OSError:
        return None


def _url(address: str, port: int) -> str:
    return f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"


def describe_address(address: str, port: int) -> tuple[str, str]:
    """(where the server listens, in words; a URL to open on this machine)."""
    if address in ("0.0.0.0", "::"):
        loopback = "127.0.0.1" if address == "0.0.0.0" else "::1"
        outward = _outward_address(socket.AF_INET if address == "0.0.0.0" else socket.AF_INET6)
        elsewhere = f"; from other machines {_url(outward, port)}/ or this machine's name" if outward else ""
        return f"every {'IPv4' if address == '0.0.0.0' else 'IPv6'} interface ({_bind(address, port)}{elsewhere})", _url(loopback, port)
    return _bind(address, port), _url(address, port)


@dataclass
class Secrets:
    """What `serve` told the workers about the secrets, and what to print."""

    env: dict
    notes: list


def load_secrets(folder: Path, demo: bool, db: str, now: datetime, environ=os.environ) -> Secrets:
    """The secrets for this start: the environment's if set, else the instance folder's, made there once when missing.

    Outside demo mode a missing webhook secret stops the start: `moderation init`
    makes it, so a service pointed at the wrong folder fails loudly instead of
    answering every post from the platform with 401.
    """
    from_environment = bool(environ.get("MODERATION_WEBHOOK_SECRET", "").strip())
    if not demo and not from_environment and not active_webhook_secrets(folder, now):
        raise StartError(f"no webhook secret in {folder}: run `moderation init --db {db}` (it makes one and prints it), "
                         "or set MODERATION_WEBHOOK_SECRET; --demo makes one on its own")
    notes = prepare_folder(folder)
    env = {"MODERATION_INSTANCE": str(folder)}
    if from_environment:
        notes.append("webhook secret: from MODERATION_WEBHOOK_SECRET (it wins over the instance's file)")
    else:
        path = folder / WEBHOOK_SECRETS_FILE
        active = active_webhook_secrets(folder, now)
        if active:
            notes.append(f"webhook secret: {len(active)} active, loaded from {path} (`moderation secret show` lists them)")
        else:
            created = ensure_webhook_secret(folder, now)
            notes.append(f"created the webhook secret {created.secret} : the platform signs its posts with it. "
                         f"It is kept in {path} (owner-only) and used on every start; printed only now")
    if environ.get("MODERATION_SECRET_KEY", "").strip():
        notes.append("session key: from MODERATION_SECRET_KEY")
    else:
        created = ensure_session_key(folder)
        notes.append(f"session key: {'created in' if created else 'loaded from'} {folder / SESSION_KEY_FILE}")
    return Secrets(env, notes)


class RulesSnapshot:
    """A copy of the last rules folder that loaded, at one path that stays put (a symlink swapped at once on each update)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="moderation-rules-"))
        self.current = self.root / "current"
        self._generation = 0

    def update(self, folder: Path) -> None:
        """Copy the folder's *.toml files (all `load_rules` reads) and point `current` at the copy."""
        self._generation += 1
        target = self.root / f"v{self._generation}"
        target.mkdir()
        for path in Path(folder).glob("*.toml"):
            shutil.copy2(path, target / path.name)
        link = self.root / f".current-{self._generation}"
        os.symlink(target, link)
        os.replace(link, self.current)
        # Keep the one before too: a worker booting this instant may still be reading it.
        for old in self.root.glob("v*"):
            if old.name not in (f"v{self._generation}", f"v{self._generation - 1}"):
                shutil.rmtree(old, ignore_errors=True)

    def remove(self) -> None:
        """Delete the copies."""
        shutil.rmtree(self.root, ignore_errors=True)


def reload_rules(folder: Path, current: Engine, snapshot: RulesSnapshot, server: subprocess.Popen, article, say=print) -> Engine:
    """On SIGHUP: the new rules if they load (gunicorn is told to replace its workers), else the old ones (the refusal is logged)."""
    try:
        engine = Engine.from_directory(folder)
    except Exception as error:  # noqa: BLE001 (whatever stops the folder loading refuses the reload)
        say(f"rules reload refused, still serving version {current.rules_version}: {error}")
        return current
    run, failures = check_examples(engine, article)
    if failures:
        say(f"warning: {len(failures)} of the new rules' examples fail (`moderation rules check {folder}` lists them); reloading anyway")
    snapshot.update(folder)
    server.send_signal(signal.SIGHUP)
    say(f"rules reloaded from {folder}: version {current.rules_version} -> {engine.rules_version}; gunicorn replaces its workers gracefully")
    return engine


def serve(host: str = "127.0.0.1", port: int = 8080, db: str | None = None, workers: int = 2, rules: str | None = None, say=print,
          demo: bool = False, instance: str | None = None) -> int:
    """Run the service until stopped: gunicorn workers, the callback deliverer when a URL is set, rules reloaded on SIGHUP."""
    config = config_from_environment()
    path = db or config["MODERATION_DB"] or DEFAULT_DB
    now = datetime.now(timezone.utc)
    folder = instance_dir(path, instance)
    rules_dir = Path(rules or config["MODERATION_RULES"] or default_rules_dir()).absolute()
    engine = Engine.from_directory(rules_dir)
    # The port first, before anything is written: a busy one is the commonest mistake.
    address, bound_port = check_port(host, port)
    found = load_secrets(folder, demo, path, now)
    store = Store(path)
    password = None
    if demo:
        seeded, password = prepare(store, engine, now)
        if seeded:
            say(f"demo: seeded {seeded} demo comments into {path}")
    snapshot = RulesSnapshot()
    snapshot.update(rules_dir)
    env = dict(os.environ, MODERATION_DB=path, MODERATION_RULES=str(rules_dir), MODERATION_RULES_FALLBACK=str(snapshot.current), **found.env)
    for note in found.notes:
        say(note)
    if password:
        say(f"demo: created moderator '{DEMO_MODERATOR}' with password {password} (change it: moderation user add {DEMO_MODERATOR} --db {path})")
    elif not ModeratorStore(store).count_moderators():
        say(f"no moderator yet: add one with `moderation user add NAME --db {path}`")
    where, url = describe_address(address, bound_port)
    say(f"serving {path} (rules version {engine.rules_version}) on {where}: {url}/ ; sign in at {url}/sign-in")
    stop = threading.Event()
    callback_url = config["MODERATION_CALLBACK_URL"]
    if callback_url:
        # The secrets as the workers see them (the instance's file when the environment sets none), read again each round.
        callback_secret = os.environ.get("MODERATION_CALLBACK_SECRET") or config_from_environment(env)["MODERATION_WEBHOOK_SECRETS"]
        # Moderator decisions reach the platform from the durable outbox, beside the web workers.
        threading.Thread(target=deliver_forever, args=(ModeratorStore(store), callback_url, callback_secret, stop), kwargs={"say": say},
                         daemon=True).start()
    article = _seed_article()
    reload_wanted = threading.Event()
    # A plain SIGTERM to this process (a service manager) stops gunicorn too, instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # SIGHUP (systemctl reload) reloads the rules; the work is done below, not inside the handler.
    signal.signal(signal.SIGHUP, lambda *_: reload_wanted.set())
    server = subprocess.Popen(gunicorn_command("webhook.wsgi:app", address, bound_port, workers), env=env)
    try:
        while True:
            try:
                return server.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            if reload_wanted.is_set():
                reload_wanted.clear()
                engine = reload_rules(rules_dir, engine, snapshot, server, article, say)
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=15)
        snapshot.remove()


def _seed_article():
    from moderation.cli import SEED_ARTICLE, read_article

    return read_article(str(SEED_ARTICLE)) if SEED_ARTICLE.exists() else None
