"""`kiosk ticket issue|print`, `kiosk queue call|status|lines`, `kiosk bench queue`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli import CommandRegistry, config_from_args

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def _ticket_dict(ticket: Any) -> dict[str, Any]:
    out = asdict(ticket)
    out["day"] = ticket.day.isoformat()
    out["issued_at"] = ticket.issued_at.isoformat()
    return out


class _DatabaseDown(Exception):
    pass


EXIT_DB_DOWN = 3


def _service(args: argparse.Namespace) -> tuple[Any, Any]:
    from kiosk.bootstrap import build_queue

    config = config_from_args(args)
    try:
        return config, build_queue(config)
    except Exception as exc:
        if _is_db_error(exc):
            raise _DatabaseDown(_where(config)) from exc
        raise


def _is_db_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError, OperationalError

    from kiosk.queue.model import QueueUnavailable

    return isinstance(exc, OperationalError | DBAPIError | QueueUnavailable | OSError)


def _where(config: KioskConfig) -> str:
    from sqlalchemy.engine import make_url

    dsn = config.storage.dsn.get_secret_value()
    if not dsn:
        return f"SQLite in {config.data_path}"
    try:
        url = make_url(dsn)
        return f"PostgreSQL {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    except Exception:
        return "PostgreSQL (storage.dsn)"


def _db_guard(func: Any) -> Any:
    """One clear line and exit code 3 when the queue database is down (no traceback)."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except _DatabaseDown as exc:
            cause = exc.__cause__
            print(
                f"kiosk: queue database unreachable ({exc}): "
                f"{type(cause).__name__ if cause else 'error'}; check storage.dsn and that the "
                "database server is running",
                file=sys.stderr,
            )
            return EXIT_DB_DOWN
        except Exception as exc:
            if not _is_db_error(exc):
                raise
            print(
                f"kiosk: queue database unreachable ({type(exc).__name__}); check storage.dsn "
                "and that the database server is running",
                file=sys.stderr,
            )
            return EXIT_DB_DOWN

    return run


def _issue(args: argparse.Namespace) -> int:
    from kiosk.queue.lines import line_by_id
    from kiosk.queue.service import QueueError, TicketRequest

    config, queue = _service(args)
    try:
        try:
            line = line_by_id(config, args.line)
        except KeyError:
            print(f"kiosk: unknown line {args.line!r} (see `kiosk queue lines`)", file=sys.stderr)
            return 2
        insured = args.insured or line.kind == "insured"
        priority = args.priority
        if line.kind == "priority" and not priority:
            print("kiosk: the priority line needs --priority", file=sys.stderr)
            return 2
        request = TicketRequest(
            clinic_id=line.clinic_id,
            insured=insured,
            priority=priority,
            citizen_id=args.citizen_id,
            insurance_verified=args.verified,
            staff_note=args.note,
            language=args.language,
        )
        try:
            ticket = queue.issue(request)
        except (QueueError, ValueError) as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 1
        outcome = None
        if args.print:
            outcome = _print(config, queue, ticket, args.language)
            reprint = ticket.reprint
            ticket = replace(queue.get(ticket.id), reprint=reprint)  # with its print status
        if args.json:
            data = _ticket_dict(ticket)
            if outcome is not None:
                data["print"] = asdict(outcome)
            print(json.dumps(data, ensure_ascii=False))
        else:
            extra = " (reprint)" if ticket.reprint else ""
            print(
                f"{ticket.number}{extra}  line {ticket.line_id}  ahead {ticket.people_ahead}  id {ticket.id}"
            )
            if outcome is not None:
                print("printed" if outcome.ok else f"not printed: {outcome.error_code}")
        return 0
    finally:
        queue.close()


def _print(config: KioskConfig, queue: Any, ticket: Any, language: str) -> Any:
    from kiosk.bootstrap import build_printer, build_printing

    printer = build_printer(config)
    try:
        return build_printing(queue, printer).print_ticket(
            ticket, config, language, config.devices.printer.timeout_s
        )
    finally:
        if printer is not None:
            printer.close()


def _reprint(args: argparse.Namespace) -> int:
    config, queue = _service(args)
    try:
        try:
            ticket = queue.get(args.ticket_id)
        except KeyError:
            print(f"kiosk: no ticket {args.ticket_id}", file=sys.stderr)
            return 1
        outcome = _print(
            config, queue, replace(ticket, reprint=True), args.language or ticket.language
        )
        print(
            json.dumps(asdict(outcome), ensure_ascii=False)
            if args.json
            else ("printed" if outcome.ok else f"not printed: {outcome.error_code}")
        )
        return 0 if outcome.ok else 1
    finally:
        queue.close()


def _call(args: argparse.Namespace) -> int:
    config, queue = _service(args)
    try:
        try:
            ticket = queue.call_next(args.line, counter=args.counter)
        except ValueError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(None if ticket is None else _ticket_dict(ticket), ensure_ascii=False))
        elif ticket is None:
            print(f"{args.line}: nobody waiting")
        else:
            print(f"{args.line}: call {ticket.number}")
        return 0
    finally:
        queue.close()


def _status(args: argparse.Namespace) -> int:
    config, queue = _service(args)
    try:
        try:
            rows = queue.status(args.line)
        except KeyError:
            print(f"kiosk: unknown line {args.line!r}", file=sys.stderr)
            return 2
        health = queue.health()
        if args.json:
            print(
                json.dumps(
                    {
                        "database": health.summary,
                        "ok": health.ok,
                        "lines": [r.as_dict() for r in rows],
                    },
                    ensure_ascii=False,
                )
            )
            return 0
        print(health.summary)
        print(
            f"{'line':<14}{'issued':>7}{'waiting':>9}{'called':>8}  {'current':<10}{'min/call':>9}{'print fail':>11}"
        )
        for r in rows:
            svc = "-" if r.service_min is None else f"{r.service_min:.1f}"
            print(
                f"{r.line_id:<14}{r.issued:>7}{r.waiting:>9}{r.called:>8}  {r.current_number or '-':<10}{svc:>9}{r.print_failed:>11}"
            )
        return 0
    finally:
        queue.close()


def _lines(args: argparse.Namespace) -> int:
    from kiosk.queue.lines import all_lines
    from kiosk.queue.priority import all_priorities

    config = config_from_args(args)
    lines = all_lines(config)
    prios = all_priorities(config)
    if args.json:
        print(
            json.dumps(
                {
                    "lines": [asdict(ln) | {"example": ln.number(1)} for ln in lines],
                    "priorities": [asdict(p) for p in prios],
                },
                ensure_ascii=False,
            )
        )
        return 0
    for ln in lines:
        print(f"{ln.id:<14}{ln.kind:<10}{ln.number(1)}")
    print("priorities: " + ", ".join(p.id for p in prios))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from kiosk.queue.bench import run_bench

    result = run_bench(
        backend=args.backend,
        workers=args.workers,
        tickets=args.tickets,
        dsn=args.dsn,
        lines=args.lines,
        data_dir=getattr(args, "data_dir", None),
    )
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k:>18}: {v}")
        target = (
            ">= 500 tickets/s, p99 < 50 ms, no duplicate, no gap"
            if args.backend == "postgres"
            else "no duplicate, no gap"
        )
        print(f"{'target':>18}: {target} (8 x 500 on PostgreSQL, 4 x 500 on SQLite)")
    return 0 if result["duplicates"] == 0 and result["gaps"] == 0 else 1


def _bench_wait(args: argparse.Namespace) -> int:
    from kiosk.queue.bench_wait import run_bench as run_wait_bench

    result = run_wait_bench(days=args.days, seed=args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        "wait estimate vs the wait that followed (relative error over waits >= 5 min; "
        "absolute error over all tickets)"
    )
    head = f"{'scenario':<26}{'tickets':>8}  {'new med/p90 %':>14}{'old med/p90 %':>15}"
    print(head + f"{'new med/p90 min':>17}{'old med/p90 min':>17}{'in range':>10}")
    rows = [*result["scenarios"].items(), ("all", result["all"])]
    for name, r in rows:
        new, old = r["new"], r["old"]
        print(
            f"{name:<26}{r['tickets']:>8}  "
            f"{new['median_pct']:>6}/{new['p90_pct']:<7}{old['median_pct']:>7}/{old['p90_pct']:<7}"
            f"{new['median_min']:>8}/{new['p90_min']:<8}{old['median_min']:>8}/{old['p90_min']:<8}"
            f"{str(r.get('in_range_pct', '')) + ('%' if 'in_range_pct' in r else ''):>10}"
        )
    ok = result["all"]["new"]["median_pct"] <= 25
    print(f"target: median relative error <= 25 % ({'met' if ok else 'NOT met'}); "
          "old = the previous estimator, same run")  # fmt: skip
    return 0


def _sim_printer(args: argparse.Namespace) -> int:
    from hardware.printer.base import PaperState
    from hardware.printer.netsim import NetworkPrinterSimulator
    from hardware.printer.status_bytes import PrinterCondition

    out = Path(args.out) if args.out else config_from_args(args).data_path / "printed-net"
    sim = NetworkPrinterSimulator(args.host, args.port, out, args.width)
    paper = (
        PaperState.OUT
        if args.paper_out
        else PaperState.NEAR_END
        if args.near_end
        else PaperState.OK
    )
    sim.condition = PrinterCondition(
        online=not (args.paper_out or args.cover_open),
        cover_open=args.cover_open,
        paper=paper,
        error=False,
    )
    sim.silent = args.silent
    sim.never_read = args.never_read
    sim.reset_after = args.reset_after
    print(
        f"ESC/POS printer simulator on {sim.host}:{sim.port}, pages to {out} (Ctrl+C stops)",
        flush=True,
    )
    try:
        sim.serve_forever()
    finally:
        sim.close()
    return 0


def register(registry: CommandRegistry) -> None:
    ticket = registry.commands.add_parser(
        "ticket", help="issue or reprint queue tickets (scripting, tests)"
    )
    tsub = ticket.add_subparsers(dest="ticket_command", metavar="ACTION")
    tsub.required = True
    issue = tsub.add_parser("issue", help="issue the next number of a line")
    issue.add_argument(
        "--line",
        required=True,
        help="line id, e.g. noi, noi.bhyt, noi.ut (see `kiosk queue lines`)",
    )
    issue.add_argument("--priority", help="priority category id (e.g. age_75_plus)")
    issue.add_argument("--insured", action="store_true", help="the patient uses health insurance")
    issue.add_argument("--verified", action="store_true", help="the insurance was verified")
    issue.add_argument("--note", default="", help="staff note printed on the ticket")
    issue.add_argument(
        "--citizen-id", help="for same-day reprint detection (only a keyed hash is stored)"
    )
    issue.add_argument("--language", choices=["vi", "en"], default="vi")
    issue.add_argument("--print", action="store_true", help="print it on the configured printer")
    issue.add_argument("--json", action="store_true")
    issue.set_defaults(func=_db_guard(_issue))
    rep = tsub.add_parser("reprint", help="print an issued ticket again")
    rep.add_argument("ticket_id")
    rep.add_argument("--language", choices=["vi", "en"])
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(func=_db_guard(_reprint))

    queue = registry.commands.add_parser(
        "queue", help="the counter side: call tickets, show the lines"
    )
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION")
    qsub.required = True
    call = qsub.add_parser(
        "call", help="call the next ticket for a line's counter (priority first)"
    )
    call.add_argument("--line", required=True)
    call.add_argument("--counter", default="", help="which counter, when several serve the line")
    call.add_argument("--json", action="store_true")
    call.set_defaults(func=_db_guard(_call))
    status = qsub.add_parser("status", help="today's numbers per line")
    status.add_argument("--line")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_db_guard(_status))
    lines = qsub.add_parser("lines", help="the configured lines and priority categories")
    lines.add_argument("--json", action="store_true")
    lines.set_defaults(func=_lines)

    bench = registry.bench.add_parser(
        "queue", help="concurrent ticket issuing: throughput, latency, duplicates, gaps"
    )
    bench.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    bench.add_argument("--workers", type=int, default=4, help="processes issuing at the same time")
    bench.add_argument("--tickets", type=int, default=500, help="tickets per worker")
    bench.add_argument("--lines", type=int, default=1, help="lines the workers spread over")
    bench.add_argument(
        "--dsn",
        default="",
        help="postgres: an existing database (default: start a temporary server)",
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench)

    wait = registry.bench.add_parser(
        "wait", help="replay simulated days: wait estimates vs the waits that followed"
    )
    wait.add_argument("--days", type=int, default=3, help="days per scenario")
    wait.add_argument("--seed", type=int, default=1)
    wait.add_argument("--json", action="store_true")
    wait.set_defaults(func=_bench_wait)

    sim = registry.sim.add_parser(
        "printer", help="a network ESC/POS printer (raw TCP) that writes what it prints as PNG"
    )
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=9100)
    sim.add_argument("--out", help="folder for the pages (default: <data dir>/printed-net)")
    sim.add_argument("--width", type=int, default=576, help="dots per line")
    sim.add_argument("--paper-out", action="store_true")
    sim.add_argument("--near-end", action="store_true")
    sim.add_argument("--cover-open", action="store_true")
    sim.add_argument("--silent", action="store_true", help="never answer status or completion")
    sim.add_argument("--never-read", action="store_true", help="accept, then never read")
    sim.add_argument(
        "--reset-after", type=int, metavar="BYTES", help="reset the connection after BYTES"
    )
    sim.set_defaults(func=_sim_printer)
