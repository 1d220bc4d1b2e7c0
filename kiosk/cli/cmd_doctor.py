"""`kiosk doctor [--json]`: the admin status checks from a shell; exit 1 when any fails."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.admin.doctor import all_ok, format_table, run_checks, start_devices
from kiosk.cli import CommandRegistry, config_from_args


def _doctor(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    from kiosk.bootstrap import build_services

    try:
        services = build_services(config)
    except Exception as exc:  # a backend that cannot even be built is a failed diagnosis
        failure = {
            "name": "startup",
            "ok": False,
            "summary": "the kiosk services cannot be built",
            "reason": f"{type(exc).__name__}: {exc}",
            "fix": "check the configuration with `kiosk config check` and the log",
        }
        if args.json:
            failed = {"ok": False, "kiosk_id": config.kiosk_id, "checks": [failure]}
            print(json.dumps(failed, indent=2, ensure_ascii=False))
        else:
            print(f"FAIL  startup  {failure['reason']}", file=sys.stderr)
        return 1
    try:
        start_devices(services)
        results = run_checks(services, timeout_s=args.timeout)
    finally:
        services.close()
    ok = all_ok(results)
    if args.json:
        report: dict[str, object] = {
            "ok": ok,
            "kiosk_id": config.kiosk_id,
            "checks": [r.to_dict() for r in results],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_table(results))
    return 0 if ok else 1


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "doctor", help="check devices, gateway, database and disk; exit 1 when anything fails"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable report")
    parser.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds allowed per check"
    )
    parser.set_defaults(func=_doctor)
