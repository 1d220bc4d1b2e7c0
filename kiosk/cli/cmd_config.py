"""`kiosk config show|check`."""

from __future__ import annotations

import argparse
import json

from kiosk.cli import CommandRegistry, config_from_args
from kiosk.config import masked_dict, to_toml


def _show(args: argparse.Namespace) -> int:
    data = masked_dict(config_from_args(args))
    print(
        json.dumps(data, indent=2, ensure_ascii=False) if args.json else to_toml(data),
        end="" if not args.json else "\n",
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    config_from_args(args)
    print("configuration ok")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "config", help="show or check the effective configuration"
    )
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION")
    sub.required = True
    show = sub.add_parser("show", help="print the effective configuration, secrets masked")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
    check = sub.add_parser("check", help="validate the configuration and exit")
    check.set_defaults(func=_check)
