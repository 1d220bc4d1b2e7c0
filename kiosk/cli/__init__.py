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
from typing import Any

from kiosk import __version__
from kiosk.config import ConfigError, KioskConfig, load_config

Handler = Callable[[argparse.Namespace], int]


@dataclass
class CommandRegistry:
    commands: argparse._SubParsersAction[Any]
    sim: argparse._SubParsersAction[Any]
    bench: argparse._SubParsersAction[Any]


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    """The validated configuration named by --config / --data-dir (or their env vars)."""
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


def build_parser() -> argparse.ArgumentParser:
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
        if info.name.startswith("cmd_"):
            importlib.import_module(f"kiosk.cli.{info.name}").register(registry)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
