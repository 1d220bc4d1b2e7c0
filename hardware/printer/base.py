"""The ticket-printer seam.

Backends: `simulated` (interprets the ESC/POS bytes into a PNG, can be switched to paper-out,
near-end, cover-open or offline), `escpos` (python-escpos over USB, serial, network or a device
file). Both print the ticket as a raster image (Vietnamese text never goes through a code page)
and the QR below it, then cut.
"""

from __future__ import annotations

import abc
from enum import StrEnum

from PIL import Image

from hardware.status import DeviceStatus


class PaperState(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


class PrinterError(Exception):
    """Printing failed; the message says why, for IT; `fix` may suggest what to do."""

    code = "error"  # PrintOutcome.error_code

    def __init__(self, message: str = "", fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix


class PaperOut(PrinterError):
    code = "paper_out"


class PrinterOffline(PrinterError):
    code = "offline"


class CoverOpen(PrinterError):
    code = "cover_open"


class PrintUnconfirmed(PrinterError):
    """The job was sent but the printer did not confirm that it came out (no completion reply
    in time, or a connection that cannot read). The ticket may or may not be in the slot."""

    code = "unconfirmed"


class TicketPrinter(abc.ABC):
    @abc.abstractmethod
    def print_ticket(self, image: Image.Image, qr_payload: str | None = None) -> None:
        """Prints a rendered ticket (and a QR below it), then cuts; returns only once the printer
        confirmed the ticket came out. Checks the printer's status first (once). Blocking.
        Raises PrinterError: PaperOut, CoverOpen, PrinterOffline, or PrintUnconfirmed when the
        job went out but the printer did not confirm it."""

    @abc.abstractmethod
    def paper(self) -> PaperState: ...

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...

    def check(self) -> None:
        """Raises the PrinterError that printing now would meet (paper out, cover open,
        offline); returns when the printer looks ready or cannot tell. Blocking."""
        if self.paper() is PaperState.OUT:
            raise PaperOut("paper out")

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Releases the connection (reopened on the next use)."""
