"""The service's subcommands of `moderation`: serve, init, seed, user add/token, secret rotate/show, backup, deliver.

Each handler parses its arguments and calls one function of the library.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from moderation import Engine
from moderation.cli import non_negative_number, text_value, whole_number

from . import DEFAULT_DB, config_from_environment
from .accounts import PasswordError, add_moderator, issue_token
from .outbox import deliver_due, deliver_forever
from .secrets_file import (
    SESSION_KEY_FILE, WEBHOOK_SECRETS_FILE, SecretRing, SecretsError, ensure_session_key, ensure_webhook_secret, fingerprint, instance_dir,
    prepare_folder, read_session_key, read_webhook_secrets, rotate_webhook_secret,
)
from .seed import load_seed
from .server import StartError, serve
from .store import ModeratorStore, Store

DEFAULT_GRACE_DAYS = 7


def register(commands) -> None:
    """Add the service's subcommands to the `moderation` parser."""
    db_help = f"SQLite file (default: $MODERATION_DB or {DEFAULT_DB})"
    instance_help = "folder of the secrets (default: $MODERATION_INSTANCE, else the database's folder)"
    serve_parser = commands.add_parser("serve", help="run the webhook and the review queue under gunicorn")
    serve_parser.add_argument("--host", type=text_value, default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0: every interface)")
    serve_parser.add_argument("--port", type=whole_number(1, 65535), default=8080, help="TCP port, 1-65535 (default 8080)")
    serve_parser.add_argument("--db", default=None, help=db_help)
    serve_parser.add_argument("--instance", metavar="DIR", default=None, help=instance_help)
    serve_parser.add_argument("--workers", type=whole_number(1, 64), default=2, help="gunicorn sync workers, 1-64 (default 2)")
    serve_parser.add_argument("--demo", action="store_true",
                              help="the demo: seed an empty database with the sample article and comments, create moderator 'admin', make the secrets")
    serve_parser.set_defaults(handler=run_serve)

    init = commands.add_parser("init", help="create an empty production database and its secrets (no demo rows)")
    init.add_argument("--db", default=None, help=db_help)
    init.add_argument("--instance", metavar="DIR", default=None, help=instance_help)
    init.set_defaults(handler=run_init)

    seed = commands.add_parser("seed", help="load the seed article and comments into a database")
    seed.add_argument("--db", default=None, help=db_help)
    seed.set_defaults(handler=run_seed)

    user = commands.add_parser("user", help="manage moderators")
    user_commands = user.add_subparsers(title="user commands")
    add = user_commands.add_parser("add", help="create a moderator (or reset their password)")
    add.add_argument("name", type=text_value)
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    add.add_argument("--db", default=None, help=db_help)
    add.set_defaults(handler=run_user_add)
    token = user_commands.add_parser("token", help="issue an API bearer token for a moderator (printed once)")
    token.add_argument("name", type=text_value)
    token.add_argument("--db", default=None, help=db_help)
    token.set_defaults(handler=run_user_token)
    user.set_defaults(handler=lambda args: user.print_help() or 2)

    secret = commands.add_parser("secret", help="the webhook secrets and the session key kept in the instance folder")
    secret_commands = secret.add_subparsers(title="secret commands")
    rotate = secret_commands.add_parser("rotate", help="make a new webhook secret (printed); the old ones stay valid for the grace period")
    rotate.add_argument("--grace", type=non_negative_number, default=DEFAULT_GRACE_DAYS, metavar="DAYS",
                        help=f"days the old secrets are still accepted (default {DEFAULT_GRACE_DAYS}; fractions allowed; 0: not at all)")
    rotate.add_argument("--db", default=None, help=db_help)
    rotate.add_argument("--instance", metavar="DIR", default=None, help=instance_help)
    rotate.set_defaults(handler=run_secret_rotate)
    show = secret_commands.add_parser("show", help="where the secrets are and which webhook secrets are active (values only with --reveal)")
    show.add_argument("--reveal", action="store_true", help="print the webhook secrets' values too (never the session key)")
    show.add_argument("--db", default=None, help=db_help)
    show.add_argument("--instance", metavar="DIR", default=None, help=instance_help)
    show.set_defaults(handler=run_secret_show)
    secret.set_defaults(handler=lambda args: secret.print_help() or 2)

    backup = commands.add_parser("backup", help="copy the database while the service runs (SQLite's online backup)")
    backup.add_argument("out", metavar="OUT", help="the copy to write (replaced if it exists; never the database itself)")
    backup.add_argument("--db", default=None, help=db_help)
    backup.set_defaults(handler=run_backup)

    deliver = commands.add_parser("deliver", help="deliver moderator decisions to the platform's callback URL")
    deliver.add_argument("--db", default=None, help=db_help)
    deliver.add_argument("--instance", metavar="DIR", default=None, help=instance_help)
    deliver.add_argument("--url", default=os.environ.get("MODERATION_CALLBACK_URL"), help="callback URL (default: $MODERATION_CALLBACK_URL)")
    deliver.add_argument("--once", action="store_true", help="one pass, then exit")
    deliver.set_defaults(handler=run_deliver)


def _say(message: str) -> None:
    print(message, flush=True)


def _fail(message: str, code: int = 1) -> int:
    print(f"moderation: {message}", file=sys.stderr)
    return code


def _db_path(args: argparse.Namespace) -> str:
    return args.db or config_from_environment()["MODERATION_DB"]


def _store(args: argparse.Namespace) -> Store:
    return Store(_db_path(args))


def _instance(args: argparse.Namespace) -> Path:
    return instance_dir(_db_path(args), getattr(args, "instance", None))


def _rules(args: argparse.Namespace) -> str | None:
    # `--rules` belongs to the main `moderation` parser; the environment is the service's fallback.
    return getattr(args, "rules", None) or os.environ.get("MODERATION_RULES") or None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run_serve(args: argparse.Namespace) -> int:
    """`moderation serve`: a production database as it is; with --demo the seeded demo."""
    try:
        return serve(args.host, args.port, args.db, args.workers, _rules(args), say=_say, demo=args.demo, instance=args.instance)
    except (StartError, SecretsError) as error:
        return _fail(str(error))


def run_init(args: argparse.Namespace) -> int:
    """`moderation init`: an empty database (every migration, no demo rows) and its secrets, then what to do next."""
    path, folder = _db_path(args), _instance(args)
    try:
        notes = prepare_folder(folder)
        created = ensure_webhook_secret(folder, _now())
        ensure_session_key(folder)
    except SecretsError as error:
        return _fail(str(error))
    existed = os.path.exists(path)
    store = Store(path)
    moderators = ModeratorStore(store)
    for note in notes:
        _say(note)
    if existed and not store.is_empty():
        _say(f"{path} already holds comments: left as it was (migrations applied)")
    else:
        _say(f"created {path}: every migration applied, no comments, no moderators")
    if created:
        _say(f"webhook secret (printed only now; the platform signs its posts with it): {created.secret}")
        _say(f"  kept in {folder / WEBHOOK_SECRETS_FILE} (owner-only); `moderation secret rotate` replaces it")
    else:
        _say(f"webhook secret: already in {folder / WEBHOOK_SECRETS_FILE} (`moderation secret show`)")
    _say(f"session key: {folder / SESSION_KEY_FILE}")
    db_option = f" --db {path}" if args.db else ""
    if not moderators.count_moderators():
        _say(f"next: add a moderator with `moderation user add NAME{db_option}`, then start with `moderation serve{db_option}`")
    else:
        _say(f"next: `moderation serve{db_option}`")
    return 0


def run_seed(args: argparse.Namespace) -> int:
    """`moderation seed`: the demo article and comments, moderated by the engine."""
    store = _store(args)
    _say(f"seeded {load_seed(store, Engine.from_directory(_rules(args)), _now())} comments into {store.path}")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    """`moderation user add NAME`: a moderator with a hashed password."""
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass.getpass(f"password for {args.name}: ")
    store = _store(args)
    try:
        add_moderator(ModeratorStore(store), args.name, password, _now().isoformat())
    except PasswordError as error:
        print(f"moderation: {error}", file=sys.stderr)
        return 2
    _say(f"moderator {args.name} saved in {store.path}")
    return 0


def run_user_token(args: argparse.Namespace) -> int:
    """`moderation user token NAME`: a bearer token for the JSON tools, printed once."""
    moderators = ModeratorStore(_store(args))
    if moderators.moderator(args.name) is None:
        print(f"moderation: no moderator {args.name}; create one with `moderation user add {args.name}`", file=sys.stderr)
        return 2
    print(issue_token(moderators, args.name, _now().isoformat()))
    return 0


def _environment_note() -> str | None:
    if os.environ.get("MODERATION_WEBHOOK_SECRET", "").strip():
        return ("note: MODERATION_WEBHOOK_SECRET is set here; a service started with it uses it and ignores the file "
                "(rotate it there by listing the new secret first)")
    return None


def run_secret_rotate(args: argparse.Namespace) -> int:
    """`moderation secret rotate`: a new webhook secret, printed; the active ones stay valid for --grace days."""
    folder, now = _instance(args), _now()
    try:
        prepare_folder(folder)
        created, kept = rotate_webhook_secret(folder, now, timedelta(days=args.grace))
    except SecretsError as error:
        return _fail(str(error))
    _say(f"new webhook secret (printed only now): {created.secret}")
    _say(f"  kept in {folder / WEBHOOK_SECRETS_FILE}; a running service accepts it within a second")
    for entry in kept:
        _say(f"  the previous secret {fingerprint(entry.secret)} is accepted until {entry.expires_at}")
    if not kept:
        _say("  no earlier secret is accepted any more")
    note = _environment_note()
    if note:
        _say(note)
    return 0


def run_secret_show(args: argparse.Namespace) -> int:
    """`moderation secret show`: the files, and each webhook secret's state; values only with --reveal."""
    folder, now = _instance(args), _now()
    try:
        entries = read_webhook_secrets(folder)
        session_key = read_session_key(folder)
    except SecretsError as error:
        return _fail(str(error))
    _say(f"instance folder: {folder}")
    _say(f"webhook secrets: {folder / WEBHOOK_SECRETS_FILE}" + ("" if entries else " (none yet: `moderation init` or `moderation secret rotate`)"))
    for entry in entries:
        state = "active" if entry.expires_at is None else f"active until {entry.expires_at}" if entry.active(now) else f"expired {entry.expires_at}"
        value = f" {entry.secret}" if args.reveal else ""
        _say(f"  {fingerprint(entry.secret)} made {entry.created_at}: {state}{value}")
    _say(f"session key: {folder / SESSION_KEY_FILE}" + ("" if session_key else " (none yet: made on the first start)"))
    if os.environ.get("MODERATION_SECRET_KEY", "").strip():
        _say("note: MODERATION_SECRET_KEY is set here; a service started with it uses it instead of the file")
    note = _environment_note()
    if note:
        _say(note)
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """`moderation backup --db PATH OUT`: a consistent copy of a live database, checked and renamed into place."""
    path = _db_path(args)
    if not os.path.exists(path):
        return _fail(f"no database at {path}")
    started = time.monotonic()
    counts = Store(path).backup(args.out)
    size = os.path.getsize(args.out)
    _say(f"backed up {path} to {args.out} ({size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s): "
         + ", ".join(f"{n} {table}" for table, n in counts.items()))
    return 0


def run_deliver(args: argparse.Namespace) -> int:
    """`moderation deliver`: post due callbacks, retrying with backoff; loops unless --once."""
    config = config_from_environment()
    # As `serve` signs them: the callback secret if set, else every webhook secret accepted now (the environment's, or the instance's file).
    secret = os.environ.get("MODERATION_CALLBACK_SECRET") or config["MODERATION_WEBHOOK_SECRETS"] or SecretRing(_instance(args) / WEBHOOK_SECRETS_FILE)
    if not args.url or not secret:
        print("moderation: set --url (or MODERATION_CALLBACK_URL) and a secret: MODERATION_CALLBACK_SECRET, MODERATION_WEBHOOK_SECRET "
              "or the instance's file (`moderation init`)", file=sys.stderr)
        return 2
    moderators = ModeratorStore(_store(args))
    if args.once:
        delivered, failed = deliver_due(moderators, args.url, secret, _now())
        _say(f"callbacks delivered {delivered}, failed {failed}")
        return 0
    try:
        deliver_forever(moderators, args.url, secret, threading.Event(), say=_say)
    except KeyboardInterrupt:
        pass
    return 0
