"""What a scanner wraps around a code, removed before anyone reads it.

Scanners are set up (by programming barcodes in their manuals) to send a prefix and a suffix,
the AIM symbology identifier (`]Q1` for a QR code, ISO/IEC 15424), STX/ETX around the code, a
trailing NUL, CR/LF. The kiosk removes what the configuration says the scanner sends, plus the
framing no QR payload contains (STX, ETX, NUL). Written by hand: no library covers scanner
framing, and it is a few lines.
"""

from __future__ import annotations

import re
import time

from hardware.codereader.config import ScannerConfig

STX, ETX, NUL, CR, LF = 0x02, 0x03, 0x00, 0x0D, 0x0A
TERMINATORS = {CR, LF, ETX, NUL}
AIM = re.compile(rb"^\][A-Za-z][0-9A-Za-z]")
MAX_FRAME = 8192  # longer than any QR: a scanner spewing garbage without line ends


def strip_frame(frame: bytes, config: ScannerConfig) -> bytes:
    """The code inside one frame: configured prefix/suffix and the AIM identifier removed."""
    prefix = config.prefix.encode("utf-8")
    suffix = config.suffix.encode("utf-8")
    if prefix and frame.startswith(prefix):
        frame = frame[len(prefix) :]
    if suffix and frame.endswith(suffix):
        frame = frame[: -len(suffix)]
    if config.aim_id != "keep" and AIM.match(frame):
        frame = frame[3:]
    return frame


class Framer:
    """Bytes in, complete frames out. CR, LF, CRLF, ETX or NUL end a frame; STX starts one
    (what came before it is dropped); a frame with no end is complete after `idle_s` without a
    byte (`flush_idle`); empty frames are dropped; an overlong one is dropped and counted."""

    def __init__(self, idle_s: float = 0.15, max_frame: int = MAX_FRAME) -> None:
        self._buffer = bytearray()
        self._max = max_frame
        self._idle_s = idle_s
        self._last = 0.0
        self.overflows = 0

    def feed(self, data: bytes, now: float | None = None) -> list[bytes]:
        frames: list[bytes] = []
        if data:
            self._last = time.monotonic() if now is None else now
        for byte in data:
            if byte in TERMINATORS:
                if self._buffer:
                    frames.append(bytes(self._buffer))
                    self._buffer.clear()
            elif byte == STX:
                self._buffer.clear()
            elif len(self._buffer) < self._max:
                self._buffer.append(byte)
            else:
                self.overflows += 1
                self._buffer.clear()
        return frames

    def flush_idle(self, now: float | None = None) -> bytes | None:
        """The pending frame, if nothing arrived for `idle_s`; else None."""
        now = time.monotonic() if now is None else now
        if self._buffer and now - self._last >= self._idle_s:
            frame = bytes(self._buffer)
            self._buffer.clear()
            return frame
        return None
