"""`kiosk sim gateway`, `kiosk check-insurance` and `kiosk bench insurance`."""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from kiosk.cli import CommandRegistry, config_from_args
from kiosk.models import Identity, IdentitySource, mask_id


def _sim_gateway(args: argparse.Namespace) -> int:
    from kiosk.insurance.simulator import FAULTS, GatewaySimulator

    sim = GatewaySimulator(
        host=args.host,
        port=args.port,
        people=args.people,
        latency_ms=args.latency_ms,
        token_ttl_s=args.token_ttl_s,
    )
    if args.fault:
        sim.set_fault(args.fault, args.fault_rate)
    try:
        sim.start()
    except OSError as exc:
        print(
            f"kiosk sim gateway: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    print(f"gateway simulator on {sim.url} ({len(sim.people.people)} people)", flush=True)
    print(f"  faults: {', '.join(FAULTS)}")
    print(f'  switch: curl -X POST {sim.url}/_sim/fault -d \'{{"fault": "timeout"}}\'')
    print(f"  health: curl {sim.url}/_sim/health")
    print("  Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _parse_dob(text: str) -> tuple[date | None, int | None]:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    return datetime.strptime(text, "%d/%m/%Y").date(), None


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _initials(name: str) -> str:
    """`Nguyễn Văn An` -> `N. V. A.`: enough for IT to recognise the configured officer."""
    return " ".join(f"{part[0]}." for part in name.split()) or "(not set)"


def _check_insurance(args: argparse.Namespace) -> int:
    from kiosk.bootstrap import build_gateway
    from kiosk.insurance import decision
    from kiosk.logging_setup import register_sensitive, setup_from_config

    config = config_from_args(args)
    setup_from_config(config)  # like the kiosk: masked, to the log file and stderr
    register_sensitive(args.name, args.card)
    try:
        birth_date, birth_year = _parse_dob(args.dob)
        today = datetime.strptime(args.today, "%d/%m/%Y").date() if args.today else None
    except ValueError:
        print("kiosk check-insurance: dates are DD/MM/YYYY (birth: or YYYY)", file=sys.stderr)
        return 2
    card = args.card.strip().upper()
    identity = Identity(
        source=IdentitySource.KEYPAD,
        citizen_id=card if len(card) == 12 and card.isdigit() else None,
        bhyt_card=None if len(card) == 12 and card.isdigit() else card,
        full_name=args.name,
        birth_date=birth_date,
        birth_year=birth_year,
    )
    checker = build_gateway(config, base_url=args.base_url)
    try:
        result = checker.check_detailed(identity, today)
    finally:
        checker.close()
    ins = config.insurance
    eligibility = asdict(result.eligibility)
    out = {
        "gateway": {
            "base_url": checker.base_url,
            "username": ins.username,
            "password": "********" if checker.password_source != "not set" else "(not set)",
            "password_from": checker.password_source,
            "officer_name": _initials(ins.officer_name),
            "officer_id": mask_id(ins.officer_id),
            "proxy": ins.proxy,
        },
        "outcome": str(result.outcome),
        "answered": result.answered,
        "elapsed_ms": round(result.elapsed_s * 1000, 1),
        "error": result.error,
        "decision": _jsonable(eligibility),
        "visit_history": decision.visit_history(result.raw or {}),
        "raw": result.raw,
        "first_raw": result.first_raw,
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        e = result.eligibility
        print(f"gateway {checker.base_url}: {result.outcome} in {out['elapsed_ms']} ms")
        if result.error:
            print(f"  error: {result.error}")
        print(f"  maKetQua: {e.code or '-'}   verified: {e.verified}   action: {e.action}")
        print(f"  coverage: {e.coverage_percent if e.coverage_percent is not None else '-'} %")
        print(f"  card: {e.card_number or '-'}  valid {e.valid_from} .. {e.valid_to}")
        from kiosk.insurance.facilities import FacilityDirectory

        facility = FacilityDirectory.load(config.data_path).describe(e.registered_facility)
        print(f"  registered facility: {facility or '-'}  correct route: {e.correct_route}")
        print(f"  benefit level: {e.benefit_level}  5 years from: {e.five_year_date}")
        print(f"  patient (vi): {e.message_vi}")
        print(f"  patient (en): {e.message_en}")
        print(f"  staff note:   {e.staff_note}")
        history = out["visit_history"]
        print(f"  visit history: {len(history)} (dsLichSuKCB2018 + dsLichSuKCB2025)")
        for label, raw in (("first answer (003/004)", result.first_raw), ("raw", result.raw)):
            if raw:
                print(f"  {label}:")
                for key, value in raw.items():
                    if value not in (None, ""):
                        print(f"    {key}: {value}")
    return 0 if result.answered else 1


def _bench(args: argparse.Namespace) -> int:
    from kiosk.insurance import bench

    results = bench.run(args.checks, args.concurrency, args.fault_rate)
    print(json.dumps(results, indent=2) if args.json else bench.report(results))
    faulted = results["faulted"]
    return 0 if faulted["raised"] == 0 and faulted["classified"] else 1


def register(registry: CommandRegistry) -> None:
    from kiosk.insurance.simulator import FAULTS

    sim = registry.sim.add_parser("gateway", help="BHXH gateway simulator (HTTP, faults)")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8780)
    sim.add_argument("--people", metavar="FILE", help="people table (default: the demo file)")
    sim.add_argument("--latency-ms", type=int, default=0, help="added to every answer")
    sim.add_argument("--token-ttl-s", type=float, default=600.0, help="token lifetime")
    sim.add_argument("--fault", choices=sorted(FAULTS), help="start with this fault on")
    sim.add_argument("--fault-rate", type=float, default=1.0, help="share of requests faulted")
    sim.set_defaults(func=_sim_gateway)

    check = registry.commands.add_parser(
        "check-insurance",
        help="ask the gateway about one card (for hospital IT); exit 1 when it could not answer",
    )
    check.add_argument("--base-url", metavar="URL", help="default: insurance.base_url")
    check.add_argument(
        "--card", required=True, metavar="CODE", help="15-char card, 10 or 12 digits"
    )
    check.add_argument("--name", required=True, metavar="NAME")
    check.add_argument("--dob", required=True, metavar="DD/MM/YYYY", help="or the year only")
    check.add_argument("--today", metavar="DD/MM/YYYY", help="decide as of this day")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_check_insurance)

    bench = registry.bench.add_parser(
        "insurance", help="gateway client overhead, throughput and fault handling vs the simulator"
    )
    bench.add_argument("--checks", type=int, default=400, help="checks per phase")
    bench.add_argument("--concurrency", type=int, default=8)
    bench.add_argument("--fault-rate", type=float, default=0.2)
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench)
