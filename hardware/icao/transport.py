"""The APDU transport seam: the ICAO protocol talks to `transmit(bytes) -> bytes`.

Two implementations: `LocalTransport` calls a card emulator in-process; the PC/SC transport
(hardware/cardreader/pcsc.py) goes through pcscd. `CountingTransport` wraps either and counts
APDUs and bytes for the `stats` of a read.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


class TransportError(Exception):
    """The link to the card failed (not a status word: no answer at all)."""


class CardGone(TransportError):
    """The card left the reader (or the reader went away) during an exchange."""


@runtime_checkable
class Transport(Protocol):
    """Sends one command APDU and returns the response APDU (data + SW1 SW2)."""

    #: whether reader and driver carry extended-length APDUs
    extended_length: bool

    def transmit(self, apdu: bytes) -> bytes: ...


class CardSide(Protocol):
    """What an in-process card offers (see hardware/icao/emulator.py)."""

    def process(self, apdu: bytes) -> bytes: ...


class LocalTransport:
    """In-process link to a card emulator; the emulator signals removal by raising CardGone."""

    def __init__(self, card: CardSide, *, extended_length: bool = True) -> None:
        self.card = card
        self.extended_length = extended_length

    def transmit(self, apdu: bytes) -> bytes:
        if not self.extended_length and len(apdu) > 261:
            raise TransportError("extended APDU on a short-only link")
        return self.card.process(bytes(apdu))


class CountingTransport:
    """Counts what goes through another transport."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.extended_length = inner.extended_length
        self.apdus = 0
        self.bytes_sent = 0
        self.bytes_received = 0

    def transmit(self, apdu: bytes) -> bytes:
        self.apdus += 1
        self.bytes_sent += len(apdu)
        response = self.inner.transmit(apdu)
        self.bytes_received += len(response)
        return response
