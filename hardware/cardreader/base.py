"""The card-reader seam: insert/remove events and a blocking identity read.

Backends (chosen by `devices.card_reader.backend`): `simulated` (in-process virtual card),
`pcsc` (pyscard through pcscd, real or vpcd readers). Events arrive on the backend's own
thread; callers must not touch widgets there.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from hardware.status import DeviceStatus


class CardEvent(StrEnum):
    INSERTED = "inserted"
    REMOVED = "removed"
    READER_UNAVAILABLE = "reader_unavailable"
    READER_AVAILABLE = "reader_available"


class CardError(Exception):
    """Base of every card-reading failure; each subclass maps to one patient message."""


class ReaderUnavailable(CardError):
    """No usable reader (unplugged, pcscd down, not configured)."""


class NoCard(CardError):
    """No card on the reader."""


class CardRemoved(CardError):
    """The card was taken away during the read."""


class KeyRequired(CardError):
    """The chip needs an access key (CAN or MRZ data) and none is known."""


class AccessDenied(CardError):
    """PACE/BAC failed: the key does not fit this card."""


class NotAnIdCard(CardError):
    """The card does not hold the eMRTD application (e.g. a bank card)."""


class IntegrityError(CardError):
    """A data group's hash does not match the SOD: the data may be forged. Hard failure."""


class CardReadFailed(CardError):
    """Any other protocol or transport failure."""


@dataclass(frozen=True)
class AccessKey:
    """The key to open a chip for one session: CAN for PACE, MRZ data for BAC."""

    can: str | None = None  # last 6 digits of the ID
    document_number: str | None = None  # last 9 digits of the ID
    birth_date: date | None = None
    expiry_date: date | None = None

    @property
    def has_bac(self) -> bool:
        return bool(self.document_number and self.birth_date and self.expiry_date)


@dataclass
class CardData:
    """What a chip read yields (DG13 fields keyed by name, DG2 photo, authenticity)."""

    citizen_id: str
    full_name: str
    birth_date: str  # dd/mm/yyyy as on the card
    gender: str  # "Nam" / "Nữ"
    nationality: str = ""
    ethnicity: str = ""
    religion: str = ""
    origin: str = ""
    residence: str = ""
    features: str = ""
    issue_date: str = ""
    expiry: str = ""
    father: str = ""
    mother: str = ""
    spouse: str = ""
    old_id: str = ""
    photo: bytes | None = None  # JPEG or PNG (JPEG 2000 converted)
    authenticity: str = "read"  # read | consistent | trusted
    access: str = ""  # PACE | BAC | simulated
    extra: dict[str, str] = field(default_factory=dict)  # unknown DG13 fields, raw
    stats: dict[str, float] = field(default_factory=dict)  # apdus, bytes, ms


EventCallback = Callable[[CardEvent], None]


class CardReader(abc.ABC):
    """One reader slot."""

    @abc.abstractmethod
    def start(self, on_event: EventCallback) -> None:
        """Starts watching; a card already present produces INSERTED."""

    @abc.abstractmethod
    def stop(self) -> None: ...

    @abc.abstractmethod
    def card_present(self) -> bool: ...

    @abc.abstractmethod
    def read(self, key: AccessKey | None) -> CardData:
        """Reads the identity. Blocking: never call on the GUI thread. Raises CardError."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...
