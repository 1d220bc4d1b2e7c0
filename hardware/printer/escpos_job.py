"""What the kiosk sends to an ESC/POS printer, and the status logic shared by the real and the
simulated printer."""

from __future__ import annotations

import abc
import contextlib
import logging

from PIL import Image

from hardware.printer import status_bytes
from hardware.printer.base import (
    CoverOpen,
    PaperOut,
    PaperState,
    PrinterError,
    PrinterOffline,
    TicketPrinter,
)
from hardware.printer.status_bytes import PrinterCondition
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

ALIGN_LEFT = b"\x1ba\x00"
ALIGN_CENTER = b"\x1ba\x01"
QR_ECLEVEL_M = 1


def to_bitmap(image: Image.Image, width_px: int) -> Image.Image:
    """A 1-bit image at most `width_px` wide (threshold, no dithering: crisp text)."""
    img = image.convert("L")
    if img.width > width_px:
        img = img.resize(
            (width_px, max(1, round(img.height * width_px / img.width))), Image.Resampling.LANCZOS
        )
    return img.point(lambda v: 255 if v >= 128 else 0, mode="1")


def build_job(
    image: Image.Image,
    qr_payload: str | None,
    width_px: int = 576,
    qr_mode: str = "native",
    qr_module_px: int = 8,
    confirm: bool = True,
) -> bytes:
    """The bytes of one ticket: init, the raster image (GS v 0), the QR centred (native
    GS ( k, or as a raster image for printers without QR support), feed and cut, then GS r 1,
    whose reply is the printer's word that the ticket came out (status_bytes)."""
    # python-escpos is imported on the first print, not at start-up: loading its printer
    # capability database takes a few hundred milliseconds.
    from escpos.printer import Dummy

    d = Dummy()
    with contextlib.suppress(KeyError, TypeError):
        d.profile.profile_data["media"]["width"]["pixels"] = width_px
    d.hw("INIT")
    d.image(to_bitmap(image, width_px), impl="bitImageRaster")
    if qr_payload:
        d._raw(ALIGN_CENTER)
        if qr_mode == "native":
            d.qr(qr_payload, ec=QR_ECLEVEL_M, size=qr_module_px, native=True)
        else:
            d.qr(
                qr_payload,
                ec=QR_ECLEVEL_M,
                size=qr_module_px,
                native=False,
                image_arguments={"impl": "bitImageRaster", "center": False},
            )
        d._raw(ALIGN_LEFT)
    d.cut()
    if confirm:
        d._raw(status_bytes.COMPLETION_REQUEST)
    return bytes(d.output)


class StatusPrinter(TicketPrinter):
    """A printer that answers DLE EOT: condition, check, paper and status from the replies."""

    name = "printer"

    @abc.abstractmethod
    def query(self, n: int) -> int | None:
        """The reply to DLE EOT n, None if the connection cannot read; raises PrinterOffline."""

    def condition(self) -> PrinterCondition:
        printer = self.query(status_bytes.PRINTER)
        if printer is None:
            return PrinterCondition()
        cause = self.query(status_bytes.OFFLINE_CAUSE)
        paper = self.query(status_bytes.PAPER)
        return status_bytes.decode(printer, cause, paper)

    def check(self) -> None:
        c = self.condition()
        if c.cover_open:
            raise CoverOpen("cover open")
        if c.paper is PaperState.OUT:
            raise PaperOut("paper out")
        if c.online is False:
            raise PrinterOffline("printer reports offline" + (" (error)" if c.error else ""))

    def paper(self) -> PaperState:
        try:
            return self.condition().paper
        except PrinterError:
            return PaperState.UNKNOWN

    def status(self) -> DeviceStatus:
        try:
            c = self.condition()
        except PrinterError as exc:
            return DeviceStatus(
                False,
                f"{self.name}: offline ({exc})",
                exc.fix or "check the power, the cable and the connection setting",
                {"error": str(exc)[:200], "paper": PaperState.UNKNOWN.value},
            )
        details = {
            "online": str(c.online),
            "cover_open": str(c.cover_open),
            "paper": c.paper.value,
        }
        if c.online is None:
            return DeviceStatus(True, f"{self.name}: connected, status not readable", "", details)
        if c.cover_open:
            return DeviceStatus(
                False, f"{self.name}: cover open", "close the printer cover", details
            )
        if c.paper is PaperState.OUT:
            return DeviceStatus(False, f"{self.name}: paper out", "load a new paper roll", details)
        if c.online is False:
            return DeviceStatus(
                False, f"{self.name}: offline", "check the printer's error light", details
            )
        if c.paper is PaperState.NEAR_END:
            return DeviceStatus(
                True, f"{self.name}: paper near end", "replace the paper roll soon", details
            )
        return DeviceStatus(True, f"{self.name}: ready", "", details)
