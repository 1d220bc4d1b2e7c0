"""`kiosk admin hash-pin|unlock`: make the admin PIN hash; clear a lockout from a shell."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.admin.pin import PinFormatError, PinGuard, check_pin_format, hash_pin
from kiosk.cli import CommandRegistry, config_from_args


def _read_pin(args: argparse.Namespace) -> str:
    if args.stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n").strip()
    first = getpass.getpass("New admin PIN (4-12 digits): ")
    check_pin_format(first)
    second = getpass.getpass("Repeat the PIN: ")
    if first != second:
        raise PinFormatError("the two PINs differ")
    return first


def _hash_pin(args: argparse.Namespace) -> int:
    try:
        pin = _read_pin(args)
        encoded = hash_pin(pin)
    except PinFormatError as exc:
        print(f"kiosk admin hash-pin: {exc}", file=sys.stderr)
        return 2
    except EOFError:
        print("kiosk admin hash-pin: no PIN given", file=sys.stderr)
        return 2
    print("# put this line in the [admin] section of /etc/kiosk/kiosk.toml", file=sys.stderr)
    print(f'pin_hash = "{encoded}"')
    return 0


def _unlock(args: argparse.Namespace) -> int:
    guard = PinGuard.from_config(config_from_args(args))
    guard.reset()
    print("admin PIN lockout cleared")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser("admin", help="admin mode: PIN hash, lockout")
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION")
    sub.required = True
    hp = sub.add_parser(
        "hash-pin",
        help="read a PIN (no echo, or one line from stdin) and print the admin.pin_hash line",
    )
    hp.add_argument("--stdin", action="store_true", help="read the PIN from standard input")
    hp.set_defaults(func=_hash_pin)
    unlock = sub.add_parser("unlock", help="clear a PIN lockout (needs access to the data dir)")
    unlock.set_defaults(func=_unlock)
