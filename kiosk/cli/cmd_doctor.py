"""`kiosk doctor [--json]`: the admin status checks from a shell; exit 1 when any fails."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from kiosk.admin.doctor import all_ok, format_table, run_checks, start_devices
from kiosk.bootstrap import Services, build_services
from kiosk.cli import CommandRegistry, config_from_args
from kiosk.config import KioskConfig


def _doctor(args: argparse.Namespace) -> int:
    return doctor(config_from_args(args), as_json=args.json, timeout_s=args.timeout)


def doctor(
    config: KioskConfig,
    *,
    as_json: bool = False,
    timeout_s: float = 10.0,
    build: Callable[[KioskConfig], Services] = build_services,
) -> int:
    """Builds the services (with `build`: tests hand in a failing one), checks, reports."""
    try:
        services = build(config)
    except Exception as exc:  # a backend that cannot even be built is a failed diagnosis
        failure = {
            "name": "startup",
            "ok": False,
            "summary": "the kiosk services cannot be built",
            "reason": f"{type(exc).__name__}: {exc}",
            "fix": "check the configuration with `kiosk config check` and the log",
        }
        if as_json:
            failed = {"ok": False, "kiosk_id": config.kiosk_id, "checks": [failure]}
            print(json.dumps(failed, indent=2, ensure_ascii=False))
        else:
            print(f"FAIL  startup  {failure['reason']}", file=sys.stderr)
        return 1
    try:
        start_devices(services)
        results = run_checks(services, timeout_s=timeout_s)
    finally:
        services.close()
    ok = all_ok(results)
    if as_json:
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
