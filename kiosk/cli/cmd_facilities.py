"""`kiosk facilities import FILE` and `kiosk facilities show CODE`: the facility names shown
for an insurance card's registered facility (MA_DKBD)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.cli import CommandRegistry, config_from_args


def _import(args: argparse.Namespace) -> int:
    from kiosk.insurance.facilities import import_csv

    config = config_from_args(args)
    try:
        report = import_csv(Path(args.file), config.data_path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"kiosk facilities import: cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    for line, why in report.rejected:
        print(f"  line {line}: {why}")
    print(f"{len(report.facilities)} facilities imported, {len(report.rejected)} rows rejected")
    if report.facilities:
        print(f"written to {config.data_path / 'facilities.csv'} (read at the next start)")
    return 0 if report.facilities else 1


def _show(args: argparse.Namespace) -> int:
    from kiosk.insurance.facilities import FacilityDirectory

    directory = FacilityDirectory.load(config_from_args(args).data_path)
    print(directory.describe(args.code) or "-")
    return 0 if directory.name(args.code) else 1


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "facilities", help="health facility names for insurance cards (MA_DKBD)"
    )
    sub = parser.add_subparsers(dest="facilities_command", metavar="ACTION")
    sub.required = True
    imp = sub.add_parser("import", help="import a facility list (CSV: code, name[, province])")
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    show = sub.add_parser("show", help="the name shown for a facility code")
    show.add_argument("code")
    show.set_defaults(func=_show)
