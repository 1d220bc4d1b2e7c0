"""`kiosk payment qr|open|status|reconcile` and `kiosk sim bank`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from kiosk.cli import CommandRegistry, config_from_args


def _service(args: argparse.Namespace) -> Any:
    from kiosk.bootstrap import build_payment

    return build_payment(config_from_args(args))


def _qr(args: argparse.Namespace) -> int:
    from kiosk.payment.vietqr import VietQr, VietQrError, decode

    c = config_from_args(args).payment
    try:
        payload = VietQr(
            c.bank_bin, c.account, args.amount, args.bill, args.purpose, c.service
        ).payload()
    except VietQrError as exc:
        print(f"kiosk payment qr: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"payload": payload, "fields": decode(payload)}, ensure_ascii=False))
    else:
        print(payload)
    return 0


def _bill_dict(bill: Any) -> dict[str, Any]:
    out = asdict(bill)
    out["state"] = bill.state.value
    out["outstanding"] = bill.outstanding
    return out


def _open(args: argparse.Namespace) -> int:
    from kiosk.payment.service import PaymentError

    service = _service(args)
    try:
        bill = service.open_bill(args.amount, args.purpose)
        payload = service.qr(bill.bill_number, bill.amount_due, bill.purpose)
    except PaymentError as exc:
        print(f"kiosk payment open: {exc}", file=sys.stderr)
        return 2
    finally:
        service.close()
    print(json.dumps({**_bill_dict(bill), "payload": payload}, ensure_ascii=False))
    return 0


def _status(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        bills = [service.get(args.bill)] if args.bill else service.open_bills()
    except KeyError:
        print(f"kiosk payment status: no bill {args.bill}", file=sys.stderr)
        return 1
    finally:
        service.close()
    if args.json:
        print(json.dumps([_bill_dict(b) for b in bills], ensure_ascii=False))
    else:
        for b in bills:
            late = " late" if b.late else ""
            print(
                f"{b.bill_number}  {b.state.value:10}  due {b.amount_due:>10,} đ  paid {b.amount_paid:>10,} đ{late}"
            )
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    from kiosk.payment.reconcile import reconcile

    service = _service(args)
    try:
        report = reconcile(service)
    finally:
        service.close()
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(
            f"checked {report.checked} open bills: {report.applied} payments applied, "
            f"{report.duplicates} already known, {len(report.errors)} errors"
        )
        for error in report.errors:
            print(f"  {error}")
    return 1 if report.errors else 0


def _sim_bank(args: argparse.Namespace) -> int:
    from kiosk.payment.banksim import BankSimulator

    c = config_from_args(args).payment
    try:
        sim = BankSimulator(
            args.webhook, c.webhook_secret.get_secret_value(), c.account, args.host, args.port
        )
    except OSError as exc:
        print(f"kiosk sim bank: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"bank simulator on {sim.url}, notifications to {args.webhook}", flush=True)
    print(
        f'  pay:    curl -X POST {sim.url}/_sim/pay -d \'{{"bill_number": "...", "amount": 150000}}\''
    )
    print(f"  status: {sim.url}/api/transactions?bill=...")
    try:
        sim._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim._server.server_close()
    return 0


def register(registry: CommandRegistry) -> None:
    pay = registry.commands.add_parser("payment", help="VietQR bills, their state, reconciliation")
    sub = pay.add_subparsers(dest="payment_command", metavar="ACTION", required=True)
    qr = sub.add_parser("qr", help="print the VietQR payload for an amount (try it in a bank app)")
    qr.add_argument("--amount", type=int, required=True, help="whole đồng")
    qr.add_argument("--bill", default="", help="bill number (tag 62-01)")
    qr.add_argument("--purpose", default="", help="transfer purpose, plain letters (tag 62-08)")
    qr.add_argument("--json", action="store_true")
    qr.set_defaults(func=_qr)
    op = sub.add_parser("open", help="open a bill and print it with its QR payload (JSON)")
    op.add_argument("--amount", type=int, required=True)
    op.add_argument("--purpose", default="")
    op.set_defaults(func=_open)
    st = sub.add_parser("status", help="one bill, or every bill the counter must look at")
    st.add_argument("bill", nargs="?", default="")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_status)
    rc = sub.add_parser("reconcile", help="ask the bank about open bills and apply what it says")
    rc.add_argument("--json", action="store_true")
    rc.set_defaults(func=_reconcile)

    bank = registry.sim.add_parser("bank", help="a bank that sends signed payment notifications")
    bank.add_argument("--webhook", required=True, help="where notifications go (kiosk serve)")
    bank.add_argument("--host", default="127.0.0.1")
    bank.add_argument("--port", type=int, default=8790)
    bank.set_defaults(func=_sim_bank)
