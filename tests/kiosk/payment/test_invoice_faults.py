"""The e-invoice provider hangs, dies, answers garbage or "still issuing": the patient is told
within the bound, the bill stays paid, the failure is recorded, and the invoice comes once the
provider is back (issued once per bill). Real HTTP throughout."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from hardware.printer.simulated import SimulatedPrinter
from kiosk.payment.einvoice_sim import EInvoiceSimulator
from kiosk.payment.fees import FeeLine
from kiosk.payment.flow import PaymentFlow, PayStep, thread_runner
from kiosk.payment.invoice import EInvoiceClient, InvoiceDesk, InvoiceUnavailable, render_invoice
from kiosk.payment.service import PaymentService, State
from tests.kiosk.payment.test_flow_states import Fees
from tests.kiosk.payment.test_payment_flow import _config, _wait

pytestmark = pytest.mark.faults
LINES = [FeeLine("K01", "Khám Nội", 180000, 130000, 50000)]


@pytest.fixture
def service(tmp_path: Path):
    s = PaymentService.from_config(_config(tmp_path))
    yield s
    s.close()


def _paid_bill(service: PaymentService):
    bill = service.open_bill(50000, "Vien phi", "V1")
    service.apply_transaction("FT1", bill.bill_number, 50000, "")
    return service.get(bill.bill_number)


def _paid_flow(service, desk) -> PaymentFlow:
    flow = PaymentFlow(service, Fees(LINES), thread_runner, desk, poll_s=0.1, timeout_s=60)
    flow.start("V1")
    assert _wait(lambda: flow.step is PayStep.FEES)
    flow.pay()
    assert _wait(lambda: flow.step is PayStep.PAYING)
    service.apply_transaction("FT-" + flow.bill.bill_number, flow.bill.bill_number, 50000, "")
    flow.check_now()
    return flow


@pytest.mark.parametrize("mode", ["garbage", "error", "not_ready"])
def test_bad_answers_tell_the_patient_and_lose_nothing(service, mode):
    with EInvoiceSimulator() as sim:
        sim.set_mode(mode)
        desk = InvoiceDesk(EInvoiceClient(sim.url, sim.api_key, 1.0), None, service)
        flow = _paid_flow(service, desk)
        assert _wait(lambda: flow.step is PayStep.INVOICE_FAILED)
        expected = {"garbage": "garbage", "error": "down", "not_ready": "not_ready"}[mode]
        assert flow.error == expected
        number = flow.bill.bill_number
        assert service.get(number).state is State.PAID  # the payment stands
        assert [e["detail"] for e in service.events(number) if e["event"] == "invoice_failed"] == [
            expected
        ]
        sim.set_mode("ok")  # the provider recovers: the same bill gets its one invoice
        first = desk.fetch(service.get(number), LINES)
        again = desk.fetch(service.get(number), LINES)
        assert first.number == again.number and len(sim.issued) == 1


def test_a_provider_that_hangs_is_given_up_within_the_timeout(service):
    with EInvoiceSimulator() as sim:
        sim.set_mode("slow", delay_s=5)
        desk = InvoiceDesk(EInvoiceClient(sim.url, sim.api_key, 0.8), None, service)
        t0 = time.monotonic()
        flow = _paid_flow(service, desk)
        assert _wait(lambda: flow.step is PayStep.INVOICE_FAILED, 4)
        assert time.monotonic() - t0 < 2.5
        assert flow.error == "slow"


def test_a_dripping_socket_and_a_closed_port(service):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip() -> None:  # accepts, sends a header byte every 0.3 s, never finishes
        conn, _ = listener.accept()
        conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n{":
            if stop.is_set():
                break
            try:
                conn.send(bytes([byte]))
            except OSError:  # the client gave up and closed: what we wanted
                break
            time.sleep(0.3)
        conn.close()

    threading.Thread(target=drip, daemon=True).start()
    desk = InvoiceDesk(EInvoiceClient(f"http://127.0.0.1:{port}", "k", 1.0), None, service)
    bill = _paid_bill(service)
    t0 = time.monotonic()
    with pytest.raises(InvoiceUnavailable) as caught:
        desk.fetch(bill, LINES)  # each byte comes within the read timeout: the total bounds it
    elapsed = time.monotonic() - t0
    assert caught.value.reason == "slow" and elapsed < 2.5
    stop.set()
    listener.close()
    with pytest.raises(InvoiceUnavailable) as refused:
        desk.fetch(bill, LINES)
    assert refused.value.reason == "down"
    assert service.get(bill.bill_number).state is State.PAID
    failures = [
        e["detail"] for e in service.events(bill.bill_number) if e["event"] == "invoice_failed"
    ]
    assert failures == ["slow", "down"]


def test_an_invoice_for_another_bill_is_never_shown(service):
    with EInvoiceSimulator() as sim:
        client = EInvoiceClient(sim.url, sim.api_key, 1.0)
        bill = _paid_bill(service)
        other = sim.issue({"bill_number": "KI000000OTHERBIL", "amount": 1})
        sim.issued[bill.bill_number] = other  # the provider mixes bills up
        with pytest.raises(InvoiceUnavailable) as caught:
            client.issue(bill, LINES)
        assert caught.value.reason == "garbage"


def test_printing_faults_are_told_and_recorded(service, tmp_path):
    with EInvoiceSimulator() as sim:
        printer = SimulatedPrinter(tmp_path / "printed")
        desk = InvoiceDesk(EInvoiceClient(sim.url, sim.api_key, 1.0), printer, service, 576, 2.0)
        bill = _paid_bill(service)
        invoice = desk.fetch(bill, LINES)
        printer.set_paper_out(True)
        result = desk.print(invoice, "vi")
        assert not result.ok and result.code == "paper_out" and "QR" in result.message("vi")
        printer.set_paper_out(False)
        printer.set_delay(5)
        t0 = time.monotonic()
        slow = desk.print(invoice, "en")
        assert not slow.ok and slow.code == "timeout" and time.monotonic() - t0 < 3
        printer.set_delay(0)
        time.sleep(5.2)  # the hung job ends; the printer is free again
        ok = desk.print(invoice, "vi")
        assert ok.ok, ok
        events = [(e["event"], e["detail"]) for e in service.events(bill.bill_number)]
        assert ("invoice_print_failed", "paper_out") in events
        assert ("invoice_printed", "") in events
        assert printer.last.qr_payload == invoice.lookup_url


def test_the_printed_invoice_shows_what_the_law_asks(service):
    with EInvoiceSimulator() as sim:
        invoice = EInvoiceClient(sim.url, sim.api_key, 1.0).issue(_paid_bill(service), LINES)
    image = render_invoice(invoice, "vi")
    assert image.mode == "1" and image.width == 576 and image.height > 600
    assert invoice.tax_authority_code and invoice.lookup_code and invoice.series
