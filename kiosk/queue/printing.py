"""Printing a ticket without ever losing it.

`PrintService.print_ticket` prints on a worker thread with a timeout (the printer backend asks
for status once and waits for the printer's own completion reply), records the result with
`QueueService.record_print` (status, attempts and why) and returns a `PrintOutcome`; it never
raises. A ticket counts as printed only when the printer confirmed it: a job the printer took
but did not confirm is "unconfirmed", a failure like any other. When printing fails the ticket
stays issued: the UI shows it on screen with its QR (`render_ticket(..., with_qr=True)`) and
"show this screen at the counter", and a reprint is possible (`reprint(ticket_id, ...)`). The
"REPRINT" mark goes only on a ticket of which a copy really came out before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from hardware.printer.base import PrinterError, TicketPrinter
from kiosk.queue.service import QueueService, Ticket
from kiosk.queue.ticket_render import qr_payload, render_ticket

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

_SHOW_SCREEN_VI = "Vui lòng chụp hoặc đưa màn hình này cho nhân viên tại quầy."
_SHOW_SCREEN_EN = "Please photograph this screen or show it at the counter."

MESSAGES: dict[str, tuple[str, str]] = {
    "paper_out": ("Máy in hết giấy.", "The printer is out of paper."),
    "offline": ("Máy in không hoạt động.", "The printer is not available."),
    "cover_open": ("Nắp máy in đang mở.", "The printer cover is open."),
    "timeout": ("Máy in không phản hồi.", "The printer did not respond."),
    "unconfirmed": (
        "Máy in không xác nhận đã in phiếu. Nếu không có phiếu ở khe máy in,",
        "The printer did not confirm the ticket. If no ticket came out,",
    ),
    "error": ("Máy in bị lỗi.", "The printer failed."),
}


@dataclass(frozen=True)
class PrintOutcome:
    ok: bool
    error_code: (
        str | None
    )  # "paper_out", "offline", "cover_open", "timeout", "unconfirmed", "error"
    message_vi: str
    message_en: str

    def message(self, language: str) -> str:
        return self.message_vi if language == "vi" else self.message_en


def _failure(code: str) -> PrintOutcome:
    vi, en = MESSAGES[code]
    if code == "unconfirmed":  # the sentence goes on: "... please show this screen"
        return PrintOutcome(
            False,
            code,
            f"{vi} {_SHOW_SCREEN_VI[0].lower()}{_SHOW_SCREEN_VI[1:]}",
            f"{en} {_SHOW_SCREEN_EN[0].lower()}{_SHOW_SCREEN_EN[1:]}",
        )
    return PrintOutcome(False, code, f"{vi} {_SHOW_SCREEN_VI}", f"{en} {_SHOW_SCREEN_EN}")


def _code(exc: BaseException) -> str:
    code = exc.code if isinstance(exc, PrinterError) else "error"
    return code if code in MESSAGES else "error"


class PrintService:
    def __init__(self, printer: TicketPrinter | None, queue: QueueService) -> None:
        self.printer = printer
        self.queue = queue
        self._busy = threading.Lock()  # one job at a time; a hung job blocks the next (timeout)

    def print_ticket(
        self, ticket: Ticket, config: KioskConfig, language: str, timeout_s: float = 10.0
    ) -> PrintOutcome:
        try:
            return self._print(ticket, config, language, timeout_s)
        except Exception:  # never raise into the session
            log.exception("printing ticket %s failed unexpectedly", ticket.id)
            self._record(ticket.id, False, "unexpected error")
            return _failure("error")

    def reprint(
        self,
        ticket_id: str,
        config: KioskConfig,
        language: str | None = None,
        timeout_s: float = 10.0,
    ) -> PrintOutcome:
        """Prints an issued ticket again (marked REPRINT, current people ahead)."""
        try:
            ticket = self.queue.get(ticket_id)
        except KeyError:
            return PrintOutcome(False, "error", "Không tìm thấy phiếu.", "Ticket not found.")
        except Exception:
            log.exception("reprint: cannot read ticket %s", ticket_id)
            return _failure("error")
        return self.print_ticket(ticket, config, language or ticket.language, timeout_s)

    def _record(self, ticket_id: str, ok: bool, error: str, attempt: bool = True) -> None:
        try:
            self.queue.record_print(ticket_id, ok, error, attempt=attempt)
        except Exception:
            log.exception("cannot record the print result of ticket %s", ticket_id)

    def _print(
        self, ticket: Ticket, config: KioskConfig, language: str, timeout_s: float
    ) -> PrintOutcome:
        printer = self.printer
        if printer is None:
            self._record(ticket.id, False, "no printer configured")
            return _failure("offline")
        width = config.devices.printer.paper_width_px
        # "REPRINT" only when a copy really came out before (not after a paper-out)
        ticket = replace(ticket, reprint=ticket.print_status == "printed")
        image = render_ticket(ticket, config, language, width_px=width)
        result: dict[str, BaseException | None] = {}
        state = threading.Lock()
        gave_up = threading.Event()

        def job() -> None:
            try:
                # status once, then confirmed
                printer.print_ticket(image, qr_payload=qr_payload(ticket, config))
                error: BaseException | None = None
            except BaseException as exc:  # reported to the caller below
                error = exc
            with state:
                result["error"] = error
                if gave_up.is_set() and error is None:
                    # it came out after all, after the kiosk had shown the ticket on screen
                    log.info("ticket %s printed after its timeout", ticket.id)
                    self._record(ticket.id, True, "", attempt=False)

        if not self._busy.acquire(timeout=timeout_s):
            self._record(ticket.id, False, "timeout: printer busy")
            return _failure("timeout")
        worker = threading.Thread(target=self._run, args=(job,), name="ticket-print", daemon=True)
        worker.start()
        worker.join(timeout_s)
        with state:
            if "error" not in result:
                gave_up.set()
                log.warning("printing ticket %s timed out after %.1f s", ticket.id, timeout_s)
                self._record(ticket.id, False, f"timeout after {timeout_s:g} s")
                return _failure("timeout")
        error = result.get("error")
        if error is None:
            self._record(ticket.id, True, "")
            return PrintOutcome(
                True,
                None,
                "Đã in phiếu. Vui lòng nhận phiếu.",
                "Your ticket is printed. Please take it.",
            )
        code = _code(error)
        if not isinstance(error, PrinterError):
            log.warning("printing ticket %s failed: %s", ticket.id, type(error).__name__)
        else:
            log.warning("printing ticket %s failed: %s", ticket.id, error)
        self._record(ticket.id, False, f"{code}: {error}"[:500])
        return _failure(code)

    def _run(self, job: Any) -> None:
        try:
            job()
        finally:
            self._busy.release()
