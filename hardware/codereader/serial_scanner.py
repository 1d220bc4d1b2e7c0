"""USB-serial 2D scanners (CDC ACM or a USB-serial adapter): one code per frame.

The port is opened with pyserial at the configured baud; bytes are collected into frames
(framing.Framer: CR/LF/ETX/NUL end a frame, STX starts one, and a code with no end is complete
after `frame_idle_ms` without a byte, so it is never glued to the next), the configured
prefix/suffix and the AIM identifier are removed, and each code is reported as the exact bytes
the scanner sent (no decoding here: serial scanners carry UTF-8, Vietnamese included). A port
that vanishes (unplugged scanner) is reopened every `reconnect_s` until it is back.
"""

from __future__ import annotations

import logging

import serial

from hardware.codereader.base import ThreadedCodeReader
from hardware.codereader.config import ScannerConfig
from hardware.codereader.framing import MAX_FRAME, Framer, strip_frame
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

MAX_LINE = MAX_FRAME


class LineSplitter(Framer):
    """A Framer with the old name and no idle end (kept for the tests of line splitting)."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        super().__init__(idle_s=float("inf"), max_frame=max_line)


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
            # reads return after a quiet spell shorter than the frame idle time
            timeout = min(0.2, self.config.frame_idle_ms / 2000)
            return serial.Serial(self.config.port, self.config.baud, timeout=timeout)
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
            framer = Framer(idle_s=self.config.frame_idle_ms / 1000)
            try:
                while not self._stop.is_set():
                    data = port.read(max(1, port.in_waiting))
                    frames = framer.feed(data)
                    if not data:
                        pending = framer.flush_idle()
                        frames = [pending] if pending else []
                    for frame in frames:
                        code = strip_frame(frame, self.config)
                        if code:
                            self._report(code)
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
