"""2D scanners in USB HID-POS mode, read as raw reports from /dev/hidrawN.

In HID-POS mode (USB HID Point of Sale usage page 0x8C) a scanner sends the decoded bytes
themselves, not key presses, so UTF-8 (Vietnamese names in a CCCD QR) arrives intact. Each
"scanned data" input report (the layout Honeywell, Zebra and Newland document for their HID-POS
mode) is:

    byte 0      report id (0x02)
    byte 1      number of data bytes in this report (0-56)
    bytes 2-4   AIM symbology identifier without the ']' (e.g. b"Q1\\x00") or zeros
    bytes 5-60  data
    last byte   bit 0 set: more reports follow for this code

A code longer than one report comes in several; they are joined until a report without the
"continued" bit. Written by hand: no maintained library reads HID-POS scanners on Linux, and
hidraw needs only os.read (one report per read). The device is chosen by path; a device that
disappears is opened again every `reconnect_s`.
"""

from __future__ import annotations

import logging
import os
import select

from hardware.codereader.base import ThreadedCodeReader
from hardware.codereader.config import ScannerConfig
from hardware.codereader.framing import MAX_FRAME, strip_frame
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

SCANNED_DATA_REPORT = 0x02
REPORT_SIZE = 64
DATA_OFFSET = 5


class ReportAssembler:
    """Input reports in, complete codes out."""

    def __init__(self, max_code: int = MAX_FRAME) -> None:
        self._parts = bytearray()
        self._max = max_code
        self.ignored = 0

    def feed(self, report: bytes) -> bytes | None:
        if len(report) < DATA_OFFSET + 1 or report[0] != SCANNED_DATA_REPORT:
            self.ignored += 1
            return None
        length = min(report[1], len(report) - DATA_OFFSET - 1)
        self._parts += report[DATA_OFFSET : DATA_OFFSET + length]
        if len(self._parts) > self._max:
            self._parts.clear()
            self.ignored += 1
            return None
        if report[-1] & 0x01:
            return None  # continued in the next report
        code, self._parts = bytes(self._parts), bytearray()
        return code or None


def scanned_data_reports(code: bytes, size: int = REPORT_SIZE) -> list[bytes]:
    """The reports a HID-POS scanner sends for `code` (for the simulator and tests)."""
    room = size - DATA_OFFSET - 1
    chunks = [code[i : i + room] for i in range(0, len(code), room)] or [b""]
    reports = []
    for i, chunk in enumerate(chunks):
        more = 1 if i < len(chunks) - 1 else 0
        body = bytes([SCANNED_DATA_REPORT, len(chunk)]) + b"Q1\x00" + chunk
        reports.append(body + bytes(size - len(body) - 1) + bytes([more]))
    return reports


class HidPosScanner(ThreadedCodeReader):
    thread_name = "hidpos-scanner"

    def __init__(self, config: ScannerConfig) -> None:
        self.config = config
        super().__init__()
        self._connected = False
        self._error = ""

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.config.device, os.O_RDONLY | os.O_NONBLOCK)
            except OSError as exc:
                self._connected, self._error = False, f"cannot open: {type(exc).__name__}"
                self._stop.wait(self.config.reconnect_s)
                continue
            self._connected, self._error = True, ""
            try:
                self._read(fd)
            except OSError as exc:
                self._error = f"lost: {type(exc).__name__}"
                log.warning("HID-POS scanner: %s", self._error)
            finally:
                self._connected = False
                os.close(fd)
            self._stop.wait(self.config.reconnect_s)

    def _read(self, fd: int) -> None:
        assembler = ReportAssembler()
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.3)
            if not ready:
                continue
            try:
                report = os.read(fd, REPORT_SIZE)
            except BlockingIOError:
                continue
            if not report:
                raise OSError("device closed")
            code = assembler.feed(report)
            if code:
                code = strip_frame(code, self.config)
                if code:
                    self._report(code)

    def status(self) -> DeviceStatus:
        details = {"device": self.config.device, "codes": str(self.codes)}
        if self._connected:
            return DeviceStatus(True, f"HID-POS scanner on {self.config.device}", details=details)
        return DeviceStatus(
            False,
            f"HID-POS scanner {self.config.device or '(no device)'}: {self._error or 'not connected'}",
            fix="check devices.scanners.device (/dev/hidrawN); the udev rule gives the kiosk user access",
            details=details,
        )
