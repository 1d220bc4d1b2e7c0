"""The payment flow's states over the real PaymentService (SQLite), the bank simulator sending
real signed notifications to a real receiver, and the e-invoice simulator over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.payment.banksim import BankSimulator
from kiosk.payment.einvoice_sim import EInvoiceSimulator
from kiosk.payment.fees import FeeLine, FeesUnavailable, HisFees, Statement
from kiosk.payment.flow import PaymentFlow, PayStep, thread_runner
from kiosk.payment.invoice import EInvoiceClient, InvoiceDesk
from kiosk.payment.service import PaymentService, State
from tests.kiosk.payment.test_payment_flow import Receiver, _config, _wait

LINES = [
    FeeLine("K01", "Khám Nội", 180000, 130000, 50000),
    FeeLine("X01", "Xét nghiệm máu", 100000, 0, 100000),
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Fees:
    """A fee source with fixed lines (what a HIS would answer), or one that fails."""

    def __init__(self, lines=LINES, fail: bool = False) -> None:
        self.lines, self.fail = lines, fail

    def statement(self, reference: str) -> Statement:
        if self.fail:
            raise FeesUnavailable("down")
        return Statement(reference, list(self.lines), estimate=False)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[dict]:
    config = _config(tmp_path)
    service = PaymentService.from_config(config)
    receiver = Receiver(service)
    bank = BankSimulator(
        receiver.url, config.payment.webhook_secret.get_secret_value(), config.payment.account
    ).start()
    einvoice = EInvoiceSimulator().start()
    yield {"service": service, "bank": bank, "einvoice": einvoice, "receiver": receiver}
    einvoice.stop()
    bank.stop()
    receiver.close()
    service.close()


def _flow(world, fees=None, clock=None, timeout_s=60.0, invoices=True) -> PaymentFlow:
    desk = None
    if invoices:
        client = EInvoiceClient(world["einvoice"].url, "demo-einvoice-key", timeout_s=1.0)
        desk = InvoiceDesk(client, None, world["service"])
    return PaymentFlow(
        world["service"], fees or Fees(), thread_runner, desk, clock or Clock(), 1.0, timeout_s
    )


def _until(flow: PaymentFlow, step: PayStep, timeout: float = 5.0) -> None:
    assert _wait(lambda: flow.step is step, timeout), f"stuck at {flow.step}, wanted {step}"


def _paying(flow: PaymentFlow) -> None:
    flow.start("MALK-0001")
    _until(flow, PayStep.FEES)
    assert flow.statement.due == 150000 and flow.statement.fund_pays == 130000
    flow.pay()
    _until(flow, PayStep.PAYING)


def test_paid_only_when_the_bank_says_so_then_the_invoice(world):
    flow = _flow(world)
    _paying(flow)
    bill = flow.bill
    assert bill.amount_due == 150000 and flow.payload.startswith("000201010212")
    for _ in range(3):  # "I have paid" without paying: re-checks, never marks it paid
        flow.check_now()
        assert _wait(lambda: not flow.polling)
    assert flow.step is PayStep.PAYING and flow.checks >= 3
    assert world["service"].get(bill.bill_number).state is State.OPEN
    world["bank"].pay(bill.bill_number, 150000)
    assert _wait(lambda: world["service"].get(bill.bill_number).settled)
    flow.check_now()
    _until(flow, PayStep.INVOICE)
    assert flow.invoice.bill_number == bill.bill_number and flow.invoice.amount == 150000
    events = [e["event"] for e in world["service"].events(bill.bill_number)]
    assert events[-1] == "invoice"


def test_timeout_leaves_the_bill_open_for_the_counter_and_a_late_payment_lands(world):
    clock = Clock()
    flow = _flow(world, clock=clock, timeout_s=30)
    _paying(flow)
    number = flow.bill.bill_number
    clock.now += 29
    flow.tick()
    assert flow.step is PayStep.PAYING and flow.seconds_left() == 1
    clock.now += 1
    flow.tick()
    assert flow.step is PayStep.TIMED_OUT
    assert _wait(lambda: world["service"].get(number).kiosk_gave_up)
    open_numbers = [b.bill_number for b in world["service"].open_bills()]
    assert number in open_numbers  # the counter sees it
    flow.reset()  # the patient walked away
    world["bank"].pay(number, 150000)
    assert _wait(lambda: world["service"].get(number).settled)
    late = world["service"].get(number)
    assert late.late and late.state is State.PAID
    assert flow.step is PayStep.IDLE  # nothing shown to the next patient


def test_try_again_after_timeout_keeps_the_same_bill(world):
    clock = Clock()
    flow = _flow(world, clock=clock, timeout_s=30)
    _paying(flow)
    number = flow.bill.bill_number
    clock.now += 31
    flow.tick()
    assert _wait(lambda: world["service"].get(number).kiosk_gave_up)
    flow.pay()
    _until(flow, PayStep.PAYING)
    assert flow.bill.bill_number == number
    assert len(world["service"].open_bills()) == 1


def test_partial_payment_keeps_the_qr_for_the_rest_and_duplicates_count_once(world):
    flow = _flow(world)
    _paying(flow)
    number = flow.bill.bill_number
    first_payload = flow.payload
    world["bank"].pay(number, 50000, duplicates=2)
    assert world["bank"].wait_sent(3)
    assert _wait(lambda: world["service"].get(number).state is State.PARTIAL)
    flow.check_now()
    assert _wait(lambda: flow.bill.amount_paid == 50000)
    assert flow.step is PayStep.PAYING and flow.bill.outstanding == 100000
    assert flow.payload != first_payload and "5406100000" in flow.payload  # tag 54 = 100000
    world["bank"].pay(number, 100000)
    assert _wait(lambda: world["service"].get(number).state is State.PAID)
    flow.check_now()
    _until(flow, PayStep.INVOICE)
    assert world["service"].get(number).amount_paid == 150000


def test_cancel_cancels_unless_the_money_arrived(world):
    flow = _flow(world)
    _paying(flow)
    number = flow.bill.bill_number
    flow.cancel()
    assert _wait(lambda: world["service"].get(number).state is State.CANCELLED)
    assert flow.step is PayStep.CANCELLED
    other = _flow(world)
    _paying(other)
    paid = other.bill.bill_number
    world["bank"].pay(paid, 150000)
    assert _wait(lambda: world["service"].get(paid).settled)
    other.cancel()  # the patient taps Huỷ a moment after paying
    _until(other, PayStep.INVOICE)
    assert world["service"].get(paid).state is State.PAID


def test_fees_failure_and_nothing_due(world):
    flow = _flow(world, fees=Fees(fail=True))
    flow.start("X")
    _until(flow, PayStep.FEES_FAILED)
    assert flow.error == "fees" and world["service"].open_bills() == []
    zero = _flow(world, fees=Fees(lines=[FeeLine("K", "Khám", 100, 100, 0)]))
    zero.start("Y")
    _until(zero, PayStep.NOTHING_DUE)
    zero.pay()
    assert zero.step is PayStep.NOTHING_DUE


def test_an_answer_after_reset_is_dropped(world):
    gate = threading.Event()

    class SlowFees(Fees):
        def statement(self, reference: str) -> Statement:
            gate.wait(5)
            return super().statement(reference)

    flow = _flow(world, fees=SlowFees())
    flow.start("Z")
    flow.reset()
    gate.set()
    time.sleep(0.3)
    assert flow.step is PayStep.IDLE and flow.statement is None


def test_his_fees_lines_add_up_and_garbage_is_unavailable():
    class Item:
        def __init__(self, code, amount, fund, paid=False):
            self.code, self.name, self.amount, self.fund_pays, self.paid = (
                code,
                code,
                amount,
                fund,
                paid,
            )

    class His:
        def __init__(self, items):
            self.items = items

        def fees(self, visit_id):
            return type("Fees", (), {"items": self.items})()

    statement = HisFees(His([Item("A", 50000, 130000), Item("B", 9, 0, paid=True)])).statement("V")
    assert [(line.total, line.fund_pays, line.patient_pays) for line in statement.lines] == [
        (180000, 130000, 50000)
    ]
    assert not statement.estimate
    with pytest.raises(FeesUnavailable):
        HisFees(His([Item("A", "lots", 0)])).statement("V")
    with pytest.raises(FeesUnavailable):
        HisFees(His([Item("A", -5, 0)])).statement("V")


def test_fees_from_the_real_his_through_the_composition_root(tmp_path: Path):
    from dataclasses import replace
    from datetime import datetime

    from kiosk.bootstrap import build_services
    from kiosk.config import KioskConfig
    from kiosk.his.record import build_registration
    from kiosk.his.simulator import HisSimulator
    from kiosk.payment.fees import fee_source
    from kiosk.queue.service import TicketRequest
    from tests.kiosk.his.his_testing import insured, patient

    sim = HisSimulator(secret="s")
    sim.start()
    try:
        config = KioskConfig.model_validate(
            {
                "data_dir": str(tmp_path / "d"),
                "his": {"backend": "rest", "url": sim.url, "secret": "s"},
                "payment": {"enabled": True},
            }
        )
        services = build_services(config)
        cid = "001090000011"
        reg = build_registration(
            config=config,
            identity=replace(patient(), citizen_id=cid),
            eligibility=insured(),
            clinic_id="noi",
            priority=None,
            arrived_at=datetime.now(),
        )
        request = TicketRequest(clinic_id="noi", insured=True, citizen_id=cid)
        ma_lk = services.his.issue(services.queue, request, reg).delivery.ma_lk
        sim.set_fees(
            ma_lk,
            [
                {"code": "K01", "name": "Khám Nội", "amount": 50000, "fund_pays": 130000},
                {"code": "X9", "name": "Đã trả", "amount": 70000, "paid": True},
            ],
        )
        try:
            source = fee_source(services)
            assert isinstance(source, HisFees)
            statement = source.statement(ma_lk)
            assert not statement.estimate and statement.due == 50000
            assert [(line.code, line.total, line.fund_pays) for line in statement.lines] == [
                ("K01", 180000, 130000)
            ]
            sim.stop()  # the HIS goes away: the patient is told, nothing is stored
            with pytest.raises(FeesUnavailable):
                source.statement(ma_lk)
        finally:
            services.close()
    finally:
        sim.stop()
