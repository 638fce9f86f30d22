"""The service's subcommands of `moderation`: serve, seed, user, deliver."""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import subprocess
import sys
import time
from datetime import datetime, timezone

from werkzeug.security import generate_password_hash

from moderation import Engine

from .outbox import deliver_due
from .seed import load_seed
from .store import ModeratorStore, Store
from .tools import issue_token

DEFAULT_DB = os.path.join("instance", "moderation.db")


def register(commands) -> None:
    """Add the service's subcommands to the `moderation` parser."""
    serve = commands.add_parser("serve", help="run the webhook and review queue under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--db", default=None, help=f"SQLite file (default: $MODERATION_DB or {DEFAULT_DB})")
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(handler=run_serve)

    seed = commands.add_parser("seed", help="load the seed article and comments into a database")
    seed.add_argument("--db", default=None)
    seed.set_defaults(handler=run_seed)

    user = commands.add_parser("user", help="manage moderators")
    user_commands = user.add_subparsers(title="user commands")
    add = user_commands.add_parser("add", help="create a moderator (or reset their password)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--db", default=None)
    add.set_defaults(handler=run_user_add)
    token = user_commands.add_parser("token", help="issue an API bearer token for a moderator")
    token.add_argument("name")
    token.add_argument("--db", default=None)
    token.set_defaults(handler=run_user_token)

    deliver = commands.add_parser("deliver", help="deliver moderator decisions to the platform's callback URL")
    deliver.add_argument("--db", default=None)
    deliver.add_argument("--url", default=os.environ.get("MODERATION_CALLBACK_URL"), help="callback URL (default: $MODERATION_CALLBACK_URL)")
    deliver.add_argument("--once", action="store_true", help="one pass, then exit")
    deliver.set_defaults(handler=run_deliver)


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("MODERATION_DB") or DEFAULT_DB


def _store(args: argparse.Namespace) -> Store:
    path = _db(args)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return Store(path)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def run_seed(args: argparse.Namespace) -> int:
    """`moderation seed`: the demo article and comments, moderated by the engine."""
    added = load_seed(_store(args), Engine.from_directory(args.rules), _now())
    print(f"seeded {added} comments into {_db(args)}")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    """`moderation user add NAME`: a moderator with a hashed password."""
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(f"password for {args.name}: ")
    if len(password) < 8:
        print("moderation: the password needs at least 8 characters", file=sys.stderr)
        return 2
    ModeratorStore(_store(args)).add_moderator(args.name, generate_password_hash(password), _now().isoformat())
    print(f"moderator {args.name} saved in {_db(args)}")
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
    secret_list = os.environ.get("MODERATION_WEBHOOK_SECRET", "").replace(",", " ").split()
    if not args.url or not secret_list:
        print("moderation: set --url (or MODERATION_CALLBACK_URL) and MODERATION_WEBHOOK_SECRET", file=sys.stderr)
        return 2
    moderators = ModeratorStore(_store(args))
    while True:
        delivered, failed = deliver_due(moderators, args.url, secret_list[0], _now())
        if delivered or failed:
            print(f"callbacks delivered {delivered}, failed {failed}", flush=True)
        if args.once:
            return 0
        time.sleep(1)


def run_serve(args: argparse.Namespace) -> int:
    """`moderation serve`: the seeded demo database by default, under gunicorn."""
    path = _db(args)
    env = dict(os.environ, MODERATION_DB=path)
    if not env.get("MODERATION_WEBHOOK_SECRET"):
        env["MODERATION_WEBHOOK_SECRET"] = "whsec_" + secrets.token_urlsafe(24)
        print(f"no MODERATION_WEBHOOK_SECRET set; signing with a new one for this run: {env['MODERATION_WEBHOOK_SECRET']}")
    env.setdefault("MODERATION_SECRET_KEY", secrets.token_hex(32))
    store = _store(args)
    if not store.connection.execute("SELECT 1 FROM comments LIMIT 1").fetchone():
        print(f"seeded {load_seed(store, Engine.from_directory(args.rules), _now())} demo comments into {path}")
    moderators = ModeratorStore(store)
    if moderators.count_moderators() == 0:
        password = secrets.token_urlsafe(9)
        moderators.add_moderator("admin", generate_password_hash(password), _now().isoformat())
        print(f"created moderator 'admin' with password {password} (change it: moderation user add admin)")
    else:
        print("moderators exist; set a password with: .venv/bin/moderation user add NAME")
    print(f"serving on http://{args.host}:{args.port}/  (database {path}); sign in at http://{args.host}:{args.port}/sign-in", flush=True)
    deliverer = None
    if env.get("MODERATION_CALLBACK_URL"):
        # Moderator decisions reach the platform from the durable outbox, beside the web workers.
        deliverer = subprocess.Popen([sys.executable, "-m", "moderation.cli", "deliver", "--db", path], env=env)
    command = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind", f"{args.host}:{args.port}", "webhook.wsgi:app"]
    try:
        return subprocess.call(command, env=env)
    finally:
        if deliverer is not None:
            deliverer.terminate()
            deliverer.wait(timeout=10)
