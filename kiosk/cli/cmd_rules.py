"""`kiosk rules show|check|import` and `kiosk estimate` (benefit rules as dated data)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from kiosk.cli import CommandRegistry, config_from_args


def _show(args: argparse.Namespace) -> int:
    from kiosk import rules

    config = config_from_args(args)
    path = rules.path_for(config.data_path)
    ruleset = rules.load(config.data_path)
    day = date.fromisoformat(args.date) if args.date else date.today()
    if args.json:
        data = ruleset.model_dump(mode="json")
        data["path"] = str(path)
        data["in_force"] = [r.id for r in ruleset.rules if r.applies_on(day)]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"rules {ruleset.version} from {path}")
    for rule in ruleset.rules:
        mark = "*" if rule.applies_on(day) else " "
        until = rule.valid_to.isoformat() if rule.valid_to else "open"
        check = "" if rule.verified else "  [not verified]"
        print(
            f" {mark} {rule.id}: {rule.valid_from.isoformat()} .. {until}  ({rule.cite()}){check}"
        )
        print(f"     {rule.text_vi}")
    print(f"(* = in force on {day.isoformat()})")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk import rules

    path = Path(args.file) if args.file else None
    try:
        if path is not None:
            ruleset = rules.parse(path.read_text(encoding="utf-8"), str(path))
        else:
            ruleset = rules.load(config_from_args(args).data_path)
    except (rules.RulesError, OSError) as exc:
        print(f"kiosk rules check: {exc}", file=sys.stderr)
        return 1
    unverified = sum(not r.verified for r in ruleset.rules)
    print(f"rules {ruleset.version} ok: {len(ruleset.rules)} rules, {unverified} not verified")
    return 0


def _import(args: argparse.Namespace) -> int:
    from kiosk import rules

    config = config_from_args(args)
    try:
        ruleset = rules.import_file(Path(args.file), config.data_path)
    except (rules.RulesError, OSError) as exc:
        print(f"kiosk rules import: {exc}; nothing changed", file=sys.stderr)
        return 1
    print(f"imported rules {ruleset.version} ({len(ruleset.rules)} rules)")
    return 0


def _estimate(args: argparse.Namespace) -> int:
    from kiosk import rules
    from kiosk.identity.bhyt import CARD_15
    from kiosk.rules.estimate import estimate

    config = config_from_args(args)
    card = args.card.strip().upper()
    level = int(card[2]) if CARD_15.match(card) else None
    try:
        day = date.fromisoformat(args.date) if args.date else date.today()
        result = estimate(
            rules.load(config.data_path),
            price=args.price,
            benefit_level=level,
            route=args.route,
            day=day,
            facility=config.insurance.facility,
            inpatient=args.inpatient,
            listed_disease=args.listed_disease,
            high_cost=args.high_cost,
        )
    except (ValueError, rules.RulesError) as exc:
        print(f"kiosk estimate: {exc}", file=sys.stderr)
        return 2
    data = {"date": day.isoformat(), "route": args.route, "benefit_level": level}
    data.update(result.as_dict())
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"estimate on {day.isoformat()}, route {args.route}, benefit level {level or '?'}")
    print(
        f"  price {result.price} đ: fund pays {result.fund_pays} đ ({result.percent} %), "
        f"patient pays {result.patient_pays} đ"
    )
    if result.note:
        print(f"  note: {result.note}")
    for rule in result.applied:
        flag = "" if rule.verified else " [not verified]"
        print(f"  rule {rule.id} ({rule.cite()}){flag}: {rule.text_vi}")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "rules", help="the dated benefit rules (show, check, import)"
    )
    sub = parser.add_subparsers(dest="rules_command", metavar="ACTION")
    sub.required = True
    show = sub.add_parser("show", help="list the rules, marking those in force")
    show.add_argument("--date", metavar="YYYY-MM-DD", help="in force on this day (default today)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_show)
    check = sub.add_parser("check", help="validate a rules file (default: the one in use)")
    check.add_argument("file", nargs="?")
    check.set_defaults(func=_check)
    imp = sub.add_parser("import", help="validate a rules file and install it in the data dir")
    imp.add_argument("file")
    imp.set_defaults(func=_import)

    est = registry.commands.add_parser(
        "estimate", help="fund and patient share of one price under the dated rules (for IT)"
    )
    est.add_argument("--price", type=int, required=True, help="insured price in đồng")
    est.add_argument("--card", required=True, metavar="CODE", help="15-character card code")
    est.add_argument("--route", choices=("in", "self", "referred"), default="in")
    est.add_argument("--date", metavar="YYYY-MM-DD")
    est.add_argument("--inpatient", action="store_true")
    est.add_argument("--listed-disease", action="store_true", help="Circular 01/2025 disease")
    est.add_argument("--high-cost", action="store_true", help="a high-cost technical service")
    est.add_argument("--json", action="store_true")
    est.set_defaults(func=_estimate)
