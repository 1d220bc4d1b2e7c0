"""Bills confirmed only by the bank: the bank simulator sends real signed HTTP notifications to
a real receiver (the same `receive` the kiosk server mounts), with delays, duplicates, bad
signatures, partial and late payments, cancellations, refunds, and a kiosk restart with a
payment that arrived while nobody listened (found by reconciliation)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from kiosk.payment.banksim import BankSimulator
from kiosk.payment.notify import receive, signed_headers
from kiosk.payment.reconcile import reconcile
from kiosk.payment.service import Applied, PaymentError, PaymentService, State


def _config(tmp_path: Path, status_url: str = "") -> KioskConfig:
    return KioskConfig.model_validate(
        {"data_dir": str(tmp_path / "data"), "payment": {"enabled": True, "status_url": status_url}}
    )


class Receiver:
    """A real HTTP endpoint around kiosk.payment.notify.receive."""

    def __init__(self, service: PaymentService) -> None:
        self.answers: list[tuple[int, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, data = receive(service, body, dict(self.headers))
                outer.answers.append((status, data))
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/payments/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[PaymentService, BankSimulator, Receiver]]:
    config = _config(tmp_path)
    service = PaymentService.from_config(config)
    receiver = Receiver(service)
    bank = BankSimulator(
        receiver.url, config.payment.webhook_secret.get_secret_value(), config.payment.account
    ).start()
    yield service, bank, receiver
    bank.stop()
    receiver.close()
    service.close()


def _wait(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_showing_the_qr_confirms_nothing_the_bank_does(setup):
    service, bank, _ = setup
    bill = service.open_bill(150000, "Tam ung")
    assert bill.state is State.OPEN and not bill.settled
    assert service.get(bill.bill_number).state is State.OPEN  # the patient says "I have paid"
    bank.pay(bill.bill_number, 150000, delay_s=0.2)
    assert _wait(lambda: service.get(bill.bill_number).settled)
    paid = service.get(bill.bill_number)
    assert paid.state is State.PAID and paid.amount_paid == 150000 and not paid.late


def test_duplicates_are_applied_once_and_bad_signatures_refused(setup):
    service, bank, receiver = setup
    bill = service.open_bill(80000)
    bank.pay(bill.bill_number, 80000, duplicates=3)
    bank.pay(bill.bill_number, 80000, bad_signature=True)
    assert bank.wait_sent(5)
    assert _wait(lambda: len(receiver.answers) == 5)
    results = sorted(a[1].get("result") or a[1]["error"] for a in receiver.answers)
    assert results == ["applied", "bad signature", "duplicate", "duplicate", "duplicate"]
    assert service.get(bill.bill_number).amount_paid == 80000


def test_partial_then_rest_and_overpayment(setup):
    service, bank, _ = setup
    bill = service.open_bill(100000)
    bank.pay(bill.bill_number, 40000)
    assert _wait(lambda: service.get(bill.bill_number).state is State.PARTIAL)
    assert service.get(bill.bill_number).outstanding == 60000
    bank.pay(bill.bill_number, 60000, describe_only=True)  # bill number only in the text
    assert _wait(lambda: service.get(bill.bill_number).state is State.PAID)
    other = service.open_bill(50000)
    bank.pay(other.bill_number, 70000)
    assert _wait(lambda: service.get(other.bill_number).state is State.OVERPAID)
    assert other.bill_number in [b.bill_number for b in service.open_bills()]  # counter refunds


def test_the_patient_walks_away_and_pays_late(setup):
    service, bank, _ = setup
    bill = service.open_bill(120000)
    service.give_up(bill.bill_number)  # the pay screen timed out
    still = service.get(bill.bill_number)
    assert still.state is State.OPEN and still.kiosk_gave_up
    assert bill.bill_number in [b.bill_number for b in service.open_bills()]
    bank.pay(bill.bill_number, 120000, delay_s=0.1)
    assert _wait(lambda: service.get(bill.bill_number).settled)
    assert service.get(bill.bill_number).late


def test_cancelled_then_paid_needs_a_refund_and_the_refund_closes_it(setup):
    service, bank, _ = setup
    bill = service.open_bill(90000)
    service.cancel(bill.bill_number)
    bank.pay(bill.bill_number, 90000)
    assert _wait(lambda: service.get(bill.bill_number).state is State.REFUND_DUE)
    bank.pay(bill.bill_number, -90000)  # the refund goes out
    assert _wait(lambda: service.get(bill.bill_number).state is State.REFUNDED)
    paid = service.open_bill(1000)
    service.apply_transaction("T-1", paid.bill_number, 1000, "")
    with pytest.raises(PaymentError, match="refund"):
        service.cancel(paid.bill_number)


def test_garbage_and_foreign_notifications_never_change_a_bill(setup):
    service, _, receiver = setup
    bill = service.open_bill(10000)
    secret = service.config.webhook_secret.get_secret_value()
    cases = [
        b"not json",
        json.dumps(
            {
                "transaction_id": "X1",
                "amount": "10000",
                "account": service.config.account,
                "bill_number": bill.bill_number,
            }
        ).encode(),  # fmt: skip
        json.dumps(
            {
                "transaction_id": "X2",
                "amount": 10000.0,
                "account": service.config.account,
                "bill_number": bill.bill_number,
            }
        ).encode(),  # fmt: skip
        json.dumps(
            {
                "transaction_id": "X3",
                "amount": 10000,
                "account": "999",
                "bill_number": bill.bill_number,
            }
        ).encode(),  # fmt: skip
    ]
    for body in cases:
        status, data = receive(service, body, signed_headers(secret, body))
        assert status == 400 and not data["ok"]
    body = cases[1]
    stale = signed_headers(secret, body, now=time.time() - 3600)
    assert receive(service, body, stale)[0] == 401
    assert receive(service, body, {})[0] == 401
    assert service.get(bill.bill_number).state is State.OPEN


def test_unknown_bill_is_kept_for_the_counter(setup):
    service, _, _ = setup
    applied, bill = service.apply_transaction("T-9", "KI000000NOSUCHBL", 5000, "")
    assert applied is Applied.UNKNOWN_BILL and bill is None
    assert service.events("KI000000NOSUCHBL")[0]["event"] == "unknown_bill"


def test_a_payment_made_while_the_kiosk_was_down_is_found_by_reconcile(tmp_path: Path):
    bank = BankSimulator("http://127.0.0.1:9/nowhere", "demo-bank-secret", "113366668888").start()
    try:
        config = _config(tmp_path, status_url=f"{bank.url}/api/transactions")
        first = PaymentService.from_config(config)
        bill = first.open_bill(200000)
        first.close()  # the kiosk restarts; the notification goes nowhere
        bank.webhook_down = True
        bank.pay(bill.bill_number, 200000)
        again = PaymentService.from_config(config)
        assert again.get(bill.bill_number).state is State.OPEN  # the bill survived the restart
        report = reconcile(again)
        assert (report.checked, report.applied, report.errors) == (1, 1, [])
        assert again.get(bill.bill_number).state is State.PAID
        assert reconcile(again).applied == 0  # nothing open any more
        again.close()
    finally:
        bank.stop()


def test_reconcile_with_the_bank_down_reports_and_changes_nothing(tmp_path: Path):
    config = _config(tmp_path, status_url="http://127.0.0.1:9/api/transactions")
    service = PaymentService.from_config(config)
    bill = service.open_bill(1000)
    report = reconcile(service)
    assert report.checked == 1 and report.applied == 0 and len(report.errors) == 1
    assert service.get(bill.bill_number).state is State.OPEN
    service.close()


@pytest.mark.postgres
def test_eight_kiosks_receiving_the_same_notifications_apply_each_once(tmp_path: Path, pg_dsn):
    from concurrent.futures import ThreadPoolExecutor

    config = KioskConfig.model_validate(
        {"data_dir": str(tmp_path), "storage": {"dsn": pg_dsn}, "payment": {"enabled": True}}
    )
    services = [PaymentService.from_config(config) for _ in range(8)]
    bill = services[0].open_bill(300000)
    txns = [(f"FT{i}", 100000) for i in range(3)]

    def deliver(k: int) -> list[Applied]:
        return [services[k].apply_transaction(t, bill.bill_number, a, "")[0] for t, a in txns]

    with ThreadPoolExecutor(8) as pool:
        results = [r for rs in pool.map(deliver, range(8)) for r in rs]
    assert results.count(Applied.APPLIED) == 3 and results.count(Applied.DUPLICATE) == 21
    final = services[0].get(bill.bill_number)
    assert final.state is State.PAID and final.amount_paid == 300000
    for s in services:
        s.close()
