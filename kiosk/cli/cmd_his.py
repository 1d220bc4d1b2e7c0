"""`kiosk his status|retry|export|worker`, `kiosk sim his` and `kiosk bench his`."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from kiosk.cli import CommandRegistry, config_from_args


def _service(args: argparse.Namespace) -> Any:
    from kiosk.his.service import HisService
    from kiosk.queue.db import make_engine, sqlite_url
    from kiosk.queue.service import DB_FILE

    config = config_from_args(args)
    dsn = config.storage.dsn.get_secret_value()
    engine = make_engine(
        dsn or sqlite_url(config.data_path / DB_FILE), config.storage.busy_timeout_s
    )
    return HisService(config, engine)


def _status(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        st = service.status()
        if args.json:
            print(json.dumps(dict(st.as_dict(), backend=service.settings.backend)))
        else:
            age = st.oldest_pending_age_s
            print(f"HIS backend   {service.settings.backend}")
            print(f"pending       {st.pending}")
            print(f"delivered     {st.delivered}")
            print(f"dead          {st.dead}")
            print(f"oldest pending {'-' if age is None else f'{age:.0f} s'}")
            if st.last_error:
                print(f"last error    {st.last_error}")
        return 1 if st.dead else 0
    finally:
        service.close()


def _retry(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        print(f"{service.retry()} dead letter(s) queued again")
        return 0
    finally:
        service.close()


def _export(args: argparse.Namespace) -> int:
    from kiosk.his.export import export_day

    service = _service(args)
    try:
        text = export_day(service.outbox, args.date, args.format)
    finally:
        service.close()
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


def _worker(args: argparse.Namespace) -> int:
    service = _service(args)
    if not service.enabled:
        print("his.backend = none: nothing to deliver", file=sys.stderr)
        return 2
    service.start()
    print(
        f"delivering to {service.settings.url} ({service.settings.backend}); Ctrl-C stops",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0


def _sim(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta

    from kiosk.his.simulator import FAULTS, VN, HisSimulator

    sim = HisSimulator(args.host, args.port, secret=args.secret)
    now = datetime.now(VN).replace(second=0, microsecond=0)
    sim.add_appointment(
        "LH00000001", now + timedelta(minutes=20), "noi", "Khám Nội", citizen_id="001090123456"
    )
    sim.add_appointment("LH00000002", now - timedelta(hours=2), "mat", "Khám Mắt")
    try:
        sim.start()
    except OSError as exc:
        print(f"kiosk sim his: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    if args.fault:
        sim.set_fault(args.fault)
    print(f"HIS simulator on {sim.url}  (REST /v1, FHIR {sim.url}/fhir)", flush=True)
    print(f"  faults: {', '.join(FAULTS)}")
    print(f'  switch: curl -X POST {sim.url}/_sim/fault -d \'{{"fault": "http500"}}\'')
    print(f"  state:  curl {sim.url}/_sim/state", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


def _bench(args: argparse.Namespace) -> int:
    from kiosk.his.bench import run

    return run(args)


def register(registry: CommandRegistry) -> None:
    his = registry.commands.add_parser("his", help="the HIS hand-off: outbox state, retry, export")
    sub = his.add_subparsers(dest="his_command", metavar="ACTION")
    sub.required = True
    p = sub.add_parser("status", help="pending, delivered, dead, oldest pending age")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_status)
    p = sub.add_parser("retry", help="queue the dead letters again")
    p.set_defaults(func=_retry)
    p = sub.add_parser("export", help="a day's registrations as XML1 or JSON")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=["xml1", "json"], default="xml1")
    p.add_argument("--output", "-o", metavar="FILE", default="-")
    p.set_defaults(func=_export)
    p = sub.add_parser("worker", help="run the delivery worker (for a server without a kiosk)")
    p.set_defaults(func=_worker)
    s = registry.sim.add_parser("his", help="HIS simulator (FHIR + REST) with fault switches")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8790)
    s.add_argument("--secret", default="sim-secret", help="HMAC key of the REST API")
    s.add_argument("--fault", default=None)
    s.set_defaults(func=_sim)
    b = registry.bench.add_parser("his", help="registrations/s through the outbox on PostgreSQL")
    b.add_argument("--kiosks", type=int, default=8)
    b.add_argument("--seconds", type=float, default=5.0)
    b.add_argument(
        "--outage-s", type=float, default=600.0, help="simulated outage length (accelerated clock)"
    )
    b.add_argument("--backlog", type=int, default=2000)
    b.add_argument("--dsn", default="", help="PostgreSQL DSN (default: start a throw-away server)")
    b.set_defaults(func=_bench)
