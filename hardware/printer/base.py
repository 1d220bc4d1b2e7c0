"""The ticket-printer seam.

Backends: `simulated` (interprets the ESC/POS bytes into a PNG, can be switched to paper-out
or offline), `escpos` (python-escpos over USB, serial, network or a device file).
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
    """Printing failed; the message says why, for IT."""


class PaperOut(PrinterError):
    pass


class PrinterOffline(PrinterError):
    pass


class CoverOpen(PrinterError):
    pass


class TicketPrinter(abc.ABC):
    @abc.abstractmethod
    def print_ticket(self, image: Image.Image, qr_payload: str | None = None) -> None:
        """Prints a rendered ticket (and a QR below it), then cuts. Blocking. Raises PrinterError."""

    @abc.abstractmethod
    def paper(self) -> PaperState: ...

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...
