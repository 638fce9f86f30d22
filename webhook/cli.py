"""The service's subcommands of `moderation`: serve, seed, user add, user token, deliver.

Each handler parses its arguments and calls one function of the library.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import threading
from datetime import datetime, timezone

from moderation import Engine

from . import DEFAULT_DB, config_from_environment
from .accounts import PasswordError, add_moderator, issue_token
from .outbox import deliver_due, deliver_forever
from .seed import load_seed
from .server import serve
from .store import ModeratorStore, Store


def register(commands) -> None:
    """Add the service's subcommands to the `moderation` parser."""
    db_help = f"SQLite file (default: $MODERATION_DB or {DEFAULT_DB})"
    serve_parser = commands.add_parser("serve", help="run the webhook and the review queue under gunicorn")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8080)
    serve_parser.add_argument("--db", default=None, help=db_help)
    serve_parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    serve_parser.set_defaults(handler=run_serve)

    seed = commands.add_parser("seed", help="load the seed article and comments into a database")
    seed.add_argument("--db", default=None, help=db_help)
    seed.set_defaults(handler=run_seed)

    user = commands.add_parser("user", help="manage moderators")
    user_commands = user.add_subparsers(title="user commands")
    add = user_commands.add_parser("add", help="create a moderator (or reset their password)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    add.add_argument("--db", default=None, help=db_help)
    add.set_defaults(handler=run_user_add)
    token = user_commands.add_parser("token", help="issue an API bearer token for a moderator (printed once)")
    token.add_argument("name")
    token.add_argument("--db", default=None, help=db_help)
    token.set_defaults(handler=run_user_token)
    user.set_defaults(handler=lambda args: user.print_help() or 2)

    deliver = commands.add_parser("deliver", help="deliver moderator decisions to the platform's callback URL")
    deliver.add_argument("--db", default=None, help=db_help)
    deliver.add_argument("--url", default=os.environ.get("MODERATION_CALLBACK_URL"), help="callback URL (default: $MODERATION_CALLBACK_URL)")
    deliver.add_argument("--once", action="store_true", help="one pass, then exit")
    deliver.set_defaults(handler=run_deliver)


def _say(message: str) -> None:
    print(message, flush=True)


def _store(args: argparse.Namespace) -> Store:
    return Store(args.db or config_from_environment()["MODERATION_DB"])


def _rules(args: argparse.Namespace) -> str | None:
    # `--rules` belongs to the main `moderation` parser; the environment is the service's fallback.
    return getattr(args, "rules", None) or os.environ.get("MODERATION_RULES") or None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run_serve(args: argparse.Namespace) -> int:
    """`moderation serve`: the seeded demo database by default, under gunicorn."""
    return serve(args.host, args.port, args.db, args.workers, _rules(args), say=_say)


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


def run_deliver(args: argparse.Namespace) -> int:
    """`moderation deliver`: post due callbacks, retrying with backoff; loops unless --once."""
    config = config_from_environment()
    if not args.url or not config["MODERATION_CALLBACK_SECRET"]:
        print("moderation: set --url (or MODERATION_CALLBACK_URL) and MODERATION_WEBHOOK_SECRET (or MODERATION_CALLBACK_SECRET)", file=sys.stderr)
        return 2
    moderators, secret = ModeratorStore(_store(args)), config["MODERATION_CALLBACK_SECRET"]
    if args.once:
        delivered, failed = deliver_due(moderators, args.url, secret, _now())
        _say(f"callbacks delivered {delivered}, failed {failed}")
        return 0
    try:
        deliver_forever(moderators, args.url, secret, threading.Event(), say=_say)
    except KeyboardInterrupt:
        pass
    return 0
