"""The patient's payment at the kiosk, as a small state machine without Qt.

    FEES_LOADING -> FEES | NOTHING_DUE | FEES_FAILED
    FEES --pay()--> OPENING -> PAYING (QR, countdown of payment.pay_timeout_s)
    PAYING --bank confirmed (seen by polling)--> PAID -> INVOICE_LOADING -> INVOICE | INVOICE_FAILED
    PAYING --countdown over--> TIMED_OUT (PaymentService.give_up: the bill stays open)
    PAYING --cancel()--> CANCELLED (or PAID if the money had arrived meanwhile)

The bank's notification arrives at `kiosk serve` and lands in the shared database; the flow only
reads the bill (`PaymentService.get`) every `poll_s` and when the patient says "I have paid"
(`check_now`): that button never marks anything paid. A partial payment keeps the QR up for
the rest (same bill number, the outstanding amount).

Blocking calls go through `runner(work, done, failed)` (the UI's worker runner, or a thread in
tests); `tick()` is called by a timer (the UI's 1 s clock). Every answer carries the flow's
generation: an answer that arrives after `reset()` (the patient left) is dropped. Listeners
(`subscribe`) are called after every change. No patient data is kept here beyond the bill.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from kiosk.payment.fees import FeeSource, FeesUnavailable, Statement
from kiosk.payment.service import Bill, PaymentError, PaymentService, State

log = logging.getLogger(__name__)
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class PayStep(StrEnum):
    IDLE = "idle"
    FEES_LOADING = "fees_loading"
    FEES = "fees"
    NOTHING_DUE = "nothing_due"
    FEES_FAILED = "fees_failed"
    OPENING = "opening"
    PAYING = "paying"
    PAID = "paid"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    FAILED = "failed"  # the bill could not be opened (database down): pay at the counter
    INVOICE_LOADING = "invoice_loading"
    INVOICE = "invoice"
    INVOICE_FAILED = "invoice_failed"


def thread_runner(
    work: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]
) -> None:
    """A Runner for tests and the CLI: a daemon thread per job (callbacks on that thread)."""
    import threading

    def run() -> None:
        try:
            value = work()
        except BaseException as exc:  # noqa: BLE001 - handed to `failed`
            failed(exc)
            return
        done(value)

    threading.Thread(target=run, name="payment-flow", daemon=True).start()


class PaymentFlow:
    def __init__(
        self,
        service: PaymentService,
        fees: FeeSource,
        runner: Runner,
        invoices: Any = None,  # kiosk.payment.invoice.InvoiceDesk
        clock: Callable[[], float] = time.monotonic,
        poll_s: float = 1.0,
        timeout_s: float | None = None,
    ) -> None:
        self.service = service
        self.fees = fees
        self.runner = runner
        self.invoices = invoices
        self.clock = clock
        self.poll_s = poll_s
        self.timeout_s = float(timeout_s if timeout_s is not None else service.config.pay_timeout_s)
        self._listeners: list[Callable[[PaymentFlow], None]] = []
        self.generation = 0
        self._clear()

    def _clear(self) -> None:
        self.step = PayStep.IDLE
        self.reference = ""
        self.statement: Statement | None = None
        self.bill: Bill | None = None
        self.payload = ""  # the VietQR payload on screen
        self.deadline: float | None = None
        self.next_poll: float | None = None
        self.polling = False
        self.checks = 0  # polls answered (tests, the counter's view)
        self.error = ""  # a short reason code for the screen ("fees", "bill", "invoice_down"...)
        self.invoice: Any = None
        self.print_result: Any = None
        self.printing = False

    # -- listeners ----------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[PaymentFlow], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:
                log.exception("payment flow listener failed")

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None], failed: Callable) -> None:
        generation = self.generation

        def on_done(value: Any) -> None:
            if generation == self.generation:
                done(value)

        def on_failed(exc: BaseException) -> None:
            if generation == self.generation:
                failed(exc)

        self.runner(work, on_done, on_failed)

    def _set(self, step: PayStep, error: str = "") -> None:
        if step is not self.step:
            log.info("payment flow: %s -> %s", self.step.value, step.value)
        self.step, self.error = step, error
        self._changed()

    # -- the patient's actions ----------------------------------------------------------------

    def start(self, reference: str) -> None:
        """Shows what is due for a visit / receipt code (never logged: it may identify)."""
        self.generation += 1
        self._clear()
        self.reference = reference
        self._set(PayStep.FEES_LOADING)
        self._run(lambda: self.fees.statement(reference), self._got_fees, self._fees_failed)

    def _got_fees(self, statement: Statement) -> None:
        self.statement = statement
        self._set(PayStep.FEES if statement.due > 0 else PayStep.NOTHING_DUE)

    def _fees_failed(self, exc: BaseException) -> None:
        reason = "fees" if isinstance(exc, FeesUnavailable) else "fees_error"
        log.warning("payment flow: fees not available (%s)", type(exc).__name__)
        self._set(PayStep.FEES_FAILED, reason)

    def pay(self) -> None:
        """Opens the bill (or keeps the one already open for this visit) and shows the QR."""
        if self.step not in (PayStep.FEES, PayStep.TIMED_OUT) or self.statement is None:
            return
        statement = self.statement
        existing = self.bill
        self._set(PayStep.OPENING)

        def work() -> tuple[Bill, str]:
            if existing is not None and not existing.settled:
                bill = self.service.get(existing.bill_number)
                if bill.state in (State.OPEN, State.PARTIAL):
                    return bill, self.service.qr(bill.bill_number, bill.outstanding, bill.purpose)
            bill = self.service.open_bill(statement.due, statement.purpose, statement.reference)
            return bill, self.service.qr(bill.bill_number, bill.amount_due, bill.purpose)

        self._run(work, self._opened, self._open_failed)

    def _opened(self, result: tuple[Bill, str]) -> None:
        self.bill, self.payload = result
        now = self.clock()
        self.deadline = now + self.timeout_s
        self.next_poll = now + self.poll_s
        self._set(PayStep.PAYING)

    def _open_failed(self, exc: BaseException) -> None:
        log.warning("payment flow: the bill could not be opened (%s)", type(exc).__name__)
        self._set(PayStep.FAILED, "bill")

    def seconds_left(self) -> int | None:
        if self.step is not PayStep.PAYING or self.deadline is None:
            return None
        return max(0, int(self.deadline - self.clock() + 0.999))

    def tick(self) -> None:
        """Called about once a second: polls the bill, ends the countdown."""
        if self.step is not PayStep.PAYING or self.deadline is None:
            return
        now = self.clock()
        if now >= self.deadline:
            self._time_out()
            return
        if self.next_poll is not None and now >= self.next_poll:
            self._poll()
        self._changed()  # the countdown moved

    def check_now(self) -> None:
        """ "I have paid": asks the database again now. It never marks the bill paid."""
        if self.step is PayStep.PAYING:
            self._poll()

    def _poll(self) -> None:
        if self.polling or self.bill is None:
            return
        self.polling = True
        number = self.bill.bill_number
        self._run(lambda: self.service.get(number), self._polled, self._poll_failed)

    def _polled(self, bill: Bill) -> None:
        self.polling = False
        self.checks += 1
        self.next_poll = self.clock() + self.poll_s
        if self.step not in (PayStep.PAYING, PayStep.TIMED_OUT, PayStep.CANCELLED):
            return
        previous, self.bill = self.bill, bill
        if bill.settled:
            self._set(PayStep.PAID)
            self.fetch_invoice()
        elif self.step is PayStep.PAYING and bill.state is State.PARTIAL:
            if previous is None or previous.amount_paid != bill.amount_paid:
                self.payload = self.service.qr(bill.bill_number, bill.outstanding, bill.purpose)
            self._changed()
        else:
            self._changed()

    def _poll_failed(self, exc: BaseException) -> None:
        self.polling = False
        self.next_poll = self.clock() + self.poll_s
        log.warning("payment flow: bill check failed (%s); trying again", type(exc).__name__)
        self._changed()

    def _time_out(self) -> None:
        bill = self.bill
        self.deadline = None
        self._set(PayStep.TIMED_OUT)
        if bill is None:
            return
        number = bill.bill_number

        def work() -> Bill:
            self.service.give_up(number)
            return self.service.get(number)  # the money may have arrived at the last second

        self._run(work, self._after_give_up, self._give_up_failed)

    def _after_give_up(self, bill: Bill) -> None:
        self.bill = bill
        if bill.settled:
            self._set(PayStep.PAID)
            self.fetch_invoice()
        else:
            self._changed()

    def _give_up_failed(self, exc: BaseException) -> None:
        # The bill is open in the database either way; the counter sees it.
        log.warning("payment flow: give_up not recorded (%s)", type(exc).__name__)

    def cancel(self) -> None:
        """ "Huỷ" on the QR screen: the bill is cancelled unless the money already arrived."""
        if self.step is not PayStep.PAYING or self.bill is None:
            if self.step in (PayStep.FEES, PayStep.FEES_LOADING, PayStep.FEES_FAILED):
                self.generation += 1
                self._set(PayStep.CANCELLED)
            return
        number = self.bill.bill_number
        self.deadline = None

        def work() -> Bill:
            try:
                return self.service.cancel(number)
            except PaymentError:  # paid meanwhile: it cannot be cancelled
                return self.service.get(number)

        self._set(PayStep.CANCELLED)
        self._run(work, self._after_cancel, self._cancel_failed)

    def _after_cancel(self, bill: Bill) -> None:
        self.bill = bill
        if bill.settled:
            self._set(PayStep.PAID)
            self.fetch_invoice()
        else:
            self._changed()

    def _cancel_failed(self, exc: BaseException) -> None:
        log.warning(
            "payment flow: cancel not recorded (%s); the bill stays open", type(exc).__name__
        )
        self._changed()

    def reset(self) -> None:
        """The patient left: forget everything; answers still under way are dropped."""
        self.generation += 1
        self._clear()
        self._changed()

    # -- the invoice --------------------------------------------------------------------------

    def fetch_invoice(self) -> None:
        if self.invoices is None or self.bill is None or not self.bill.settled:
            return
        bill = self.bill
        lines = self.statement.lines if self.statement is not None else []
        self._set(PayStep.INVOICE_LOADING)
        self._run(lambda: self.invoices.fetch(bill, lines), self._got_invoice, self._invoice_failed)

    def _got_invoice(self, invoice: Any) -> None:
        self.invoice = invoice
        self._set(PayStep.INVOICE)

    def _invoice_failed(self, exc: BaseException) -> None:
        reason = getattr(exc, "reason", "invoice_error")
        log.warning("payment flow: invoice not available (%s)", reason)
        self._set(PayStep.INVOICE_FAILED, reason)

    def print_invoice(self, language: str) -> None:
        if self.step is not PayStep.INVOICE or self.invoice is None or self.printing:
            return
        invoice = self.invoices and self.invoice
        self.printing = True
        self._changed()
        self._run(lambda: self.invoices.print(invoice, language), self._printed, self._print_failed)

    def _printed(self, result: Any) -> None:
        self.printing = False
        self.print_result = result
        self._changed()

    def _print_failed(self, exc: BaseException) -> None:  # print() never raises; belt and braces
        self.printing = False
        log.warning("payment flow: invoice print failed (%s)", type(exc).__name__)
        self._changed()
