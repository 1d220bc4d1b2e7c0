"""ESC/POS real-time status (DLE EOT n) requests and replies, shared by the real printer, the
simulated one and the fake printers in tests.

Replies (Epson; fixed bits 1 and 4 set, so a healthy reply is 0x12):
- n=1 printer status: bit 3 offline;
- n=2 offline cause: bit 2 cover open, bit 3 paper fed by the button, bit 5 printing stopped
  by paper end, bit 6 error;
- n=4 roll paper sensor: bits 2-3 near end, bits 5-6 paper end.

Completion: DLE EOT is a real-time command, answered the moment it arrives, even while the job
before it is still in the buffer, so its reply proves nothing about the ticket. GS r 1
(transmit paper sensor status) is processed in sequence: its reply comes only after every byte
before it was processed, i.e. after the ticket was printed and cut. Its reply has bits 4-7 at 0
(bits 0-1 near end, bits 2-3 paper end), so it cannot be mistaken for a DLE EOT reply (bit 4 is
1 there).
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.printer.base import PaperState

DLE_EOT = b"\x10\x04"
PRINTER, OFFLINE_CAUSE, ERROR_CAUSE, PAPER = 1, 2, 3, 4
BASE = 0x12


def request(n: int) -> bytes:
    return DLE_EOT + bytes([n])


COMPLETION_REQUEST = b"\x1dr\x01"  # GS r 1


def is_completion_reply(byte: int) -> bool:
    return byte & 0xF0 == 0


def completion_reply(paper: PaperState) -> int:
    """The byte a printer answers to GS r 1 once the job before it is done."""
    if paper is PaperState.OUT:
        return 0x0C | 0x03
    if paper is PaperState.NEAR_END:
        return 0x03
    return 0x00


def completion_paper_out(byte: int) -> bool:
    return bool(byte & 0x0C)


def is_reply(byte: int) -> bool:
    """Status replies have bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0."""
    return byte & 0x93 == 0x12


@dataclass(frozen=True)
class PrinterCondition:
    """What the printer says about itself (None = it could not be asked)."""

    online: bool | None = None
    cover_open: bool | None = None
    paper: PaperState = PaperState.UNKNOWN
    error: bool | None = None

    def reply(self, n: int) -> int:
        """The byte a printer in this condition answers to DLE EOT n."""
        if n == PRINTER:
            return BASE | (0x08 if self.online is False else 0)
        if n == OFFLINE_CAUSE:
            return (
                BASE
                | (0x04 if self.cover_open else 0)
                | (0x20 if self.paper is PaperState.OUT else 0)
                | (0x40 if self.error else 0)
            )
        if n == ERROR_CAUSE:
            return BASE
        if n == PAPER:
            if self.paper is PaperState.OUT:
                return BASE | 0x60 | 0x0C
            if self.paper is PaperState.NEAR_END:
                return BASE | 0x0C
            return BASE
        return BASE


def decode(printer: int | None, cause: int | None, paper: int | None) -> PrinterCondition:
    online = None if printer is None else not printer & 0x08
    cover = None if cause is None else bool(cause & 0x04)
    error = None if cause is None else bool(cause & 0x40)
    if paper is not None:
        if paper & 0x60:
            state = PaperState.OUT
        elif paper & 0x0C:
            state = PaperState.NEAR_END
        else:
            state = PaperState.OK
    elif cause is not None and cause & 0x20:
        state = PaperState.OUT
    else:
        state = PaperState.UNKNOWN
    return PrinterCondition(online=online, cover_open=cover, paper=state, error=error)
