"""The `kiosk` command.

Subcommands live in `kiosk/cli/cmd_*.py`; each module has `register(registry)` and adds its
parsers to `registry.commands`, `registry.sim` (`kiosk sim …`) or `registry.bench`
(`kiosk bench …`). A handler takes the parsed arguments and returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk import __version__

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

Handler = Callable[[argparse.Namespace], int]


@dataclass
class CommandRegistry:
    commands: argparse._SubParsersAction[Any]
    sim: argparse._SubParsersAction[Any]
    bench: argparse._SubParsersAction[Any]


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    """The validated configuration named by --config / --data-dir (or their env vars)."""
    from kiosk.config import load_config

    return load_config(getattr(args, "config", None), getattr(args, "data_dir", None))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $KIOSK_CONFIG or built-in demo)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where data lives (default: $KIOSK_DATA_DIR or the user data dir)",
    )


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose sub-parsers share the global options."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.prog.count(" ") >= 1 and not any(a.dest == "config" for a in self._actions):
            _common(self)


# `kiosk run` starts the window: only its own module is imported (the others pull in
# SQLAlchemy, cryptography, ... and cost about half a second before the first paint).
_ONLY = {"run": "cmd_run"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand, or with `only` (a `cmd_*` module name) that module's alone."""
    parser = _Parser(
        prog="kiosk",
        description="Hospital lobby kiosk: identify, check insurance, prices, queue tickets.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    sim_parser = commands.add_parser(
        "sim", help="simulators for testers (card over vpcd, gateway, PKI)"
    )
    sim = sim_parser.add_subparsers(dest="sim_command", metavar="SIMULATOR", parser_class=_Parser)
    sim.required = True
    bench_parser = commands.add_parser("bench", help="benchmarks that print measured numbers")
    bench = bench_parser.add_subparsers(
        dest="bench_command", metavar="BENCHMARK", parser_class=_Parser
    )
    bench.required = True
    registry = CommandRegistry(commands=commands, sim=sim, bench=bench)
    package = importlib.import_module("kiosk.cli")
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_") and only in (None, info.name):
            importlib.import_module(f"kiosk.cli.{info.name}").register(registry)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_ONLY.get(argv[0]) if argv else None)
    args = parser.parse_args(argv)
    from kiosk.start_config import ConfigError  # no pydantic for `kiosk run`'s first paint

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
