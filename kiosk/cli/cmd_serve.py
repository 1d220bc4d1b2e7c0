"""`kiosk serve` (the staff and lobby web app), `kiosk staff …` (accounts and API keys) and
`kiosk bench board`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.cli import config_from_args


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from web.app import create_app
    from web.settings import load_settings

    config = config_from_args(args)
    settings = load_settings(args.web_config)
    app = create_app(config, settings)
    tls: dict[str, Any] = {}
    if settings.tls_certfile:
        tls = {"ssl_certfile": settings.tls_certfile, "ssl_keyfile": settings.tls_keyfile or None}
    uvicorn.run(
        app, host=args.host, port=args.port, log_level="info", timeout_graceful_shutdown=2, **tls
    )
    return 0


def _auth(args: argparse.Namespace) -> Any:
    from kiosk.queue.service import QueueService
    from web.auth import Auth
    from web.settings import load_settings

    config = config_from_args(args)
    return Auth(QueueService.from_config(config).engine, load_settings(args.web_config))


def _staff_add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    try:
        _auth(args).add_user(args.username, password, args.role)
    except ValueError as exc:
        print(f"kiosk staff add: {exc}", file=sys.stderr)
        return 2
    print(f"{args.username}: {args.role}")
    return 0


def _staff_list(args: argparse.Namespace) -> int:
    for name, role in _auth(args).list_users():
        print(f"{name}\t{role}")
    return 0


def _staff_key(args: argparse.Namespace) -> int:
    print(_auth(args).new_api_key(args.name, args.role))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from web.bench import run

    return run(args)


def register(registry: Any) -> None:
    p = registry.commands.add_parser("serve", help="the counter, board and phone web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--web-config", metavar="FILE", help="web settings (TOML)")
    p.set_defaults(func=_serve)

    s = registry.commands.add_parser("staff", help="staff accounts and API keys of the web app")
    sub = s.add_subparsers(dest="staff_command", metavar="ACTION")
    sub.required = True
    add = sub.add_parser("add", help="add or reset an account")
    add.add_argument("username")
    add.add_argument("--role", choices=["counter", "supervisor", "admin"], default="counter")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(func=_staff_add)
    ls = sub.add_parser("list", help="list accounts")
    ls.set_defaults(func=_staff_list)
    key = sub.add_parser("api-key", help="create an API key for a machine (printed once)")
    key.add_argument("name")
    key.add_argument("--role", choices=["counter", "supervisor", "admin"], default="counter")
    key.set_defaults(func=_staff_key)
    for q in (add, ls, key):
        q.add_argument("--web-config", metavar="FILE")

    b = registry.bench.add_parser("board", help="call -> board latency on PostgreSQL")
    b.add_argument("--kiosks", type=int, default=8)
    b.add_argument("--counters", type=int, default=20)
    b.add_argument("--boards", type=int, default=10)
    b.add_argument("--calls", type=int, default=200)
    b.set_defaults(func=_bench)
