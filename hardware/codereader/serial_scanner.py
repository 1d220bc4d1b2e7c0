"""USB-serial 2D scanners (CDC ACM or a USB-serial adapter): one code per line.

The port is opened with pyserial at the configured baud; bytes are collected until CR or LF
and each non-empty line is reported as the exact bytes the scanner sent (no decoding here).
A port that vanishes (unplugged scanner) is reopened every `reconnect_s` until it is back.
"""

from __future__ import annotations

import logging

import serial

from hardware.codereader.base import ThreadedCodeReader
from hardware.codereader.config import ScannerConfig
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

MAX_LINE = 8192  # longer than any QR: a scanner spewing garbage without line ends


class LineSplitter:
    """Bytes in, complete lines out (CR, LF or CRLF end a line; empty lines are dropped)."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buffer = bytearray()
        self._max = max_line
        self.overflows = 0

    def feed(self, data: bytes) -> list[bytes]:
        lines: list[bytes] = []
        for byte in data:
            if byte in (0x0A, 0x0D):
                if self._buffer:
                    lines.append(bytes(self._buffer))
                    self._buffer.clear()
            elif len(self._buffer) < self._max:
                self._buffer.append(byte)
            else:
                self.overflows += 1
                self._buffer.clear()
        return lines


class SerialScanner(ThreadedCodeReader):
    thread_name = "serial-scanner"

    def __init__(self, config: ScannerConfig) -> None:
        self.config = config
        super().__init__()
        self._connected = False
        self._error = ""
        self.reconnects = 0

    def _open(self) -> serial.Serial | None:
        try:
            return serial.Serial(self.config.port, self.config.baud, timeout=0.2)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._error = f"cannot open: {type(exc).__name__}"
            return None

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            port = self._open()
            if port is None:
                self._connected = False
                self._stop.wait(self.config.reconnect_s)
                continue
            if not first:
                self.reconnects += 1
            first = False
            self._connected, self._error = True, ""
            splitter = LineSplitter()
            try:
                while not self._stop.is_set():
                    data = port.read(max(1, port.in_waiting))
                    for line in splitter.feed(data):
                        self._report(line)
            except (serial.SerialException, OSError) as exc:
                self._error = f"disconnected: {type(exc).__name__}"
                log.warning("serial scanner %s: %s", self.config.port, self._error)
            finally:
                self._connected = False
                try:
                    port.close()
                except Exception:
                    log.debug("closing the serial port failed", exc_info=True)
            self._stop.wait(self.config.reconnect_s)

    def status(self) -> DeviceStatus:
        details = {
            "port": self.config.port,
            "baud": str(self.config.baud),
            "codes": str(self.codes),
            "reconnects": str(self.reconnects),
        }
        if self._connected:
            return DeviceStatus(True, f"serial scanner on {self.config.port}", details=details)
        return DeviceStatus(
            False,
            f"serial scanner on {self.config.port or '(no port)'}: {self._error or 'not connected'}",
            fix="check the cable and devices.scanners.port; the user needs the 'dialout' group",
            details=details,
        )
