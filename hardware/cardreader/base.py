"""The card-reader seam: insert/remove events and a blocking identity read.

Backends (chosen by `devices.card_reader.backend`): `simulated` (in-process virtual card),
`pcsc` (pyscard through pcscd, real or vpcd readers). Events arrive on the backend's own
thread; callers must not touch widgets there.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from hardware.status import DeviceStatus


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Authenticity(StrEnum):
    """How far an identity is proven by passive authentication. Only chip reads go past NONE."""

    NONE = "none"  # typed or scanned: nothing proven
    READ = "read"  # chip data read, not checked
    CONSISTENT = "consistent"  # hashes and SOD signature match
    TRUSTED = "trusted"  # and the signer chains to a trusted CSCA


class ChipAuth(StrEnum):
    """Whether the chip proved it is the original (ICAO 9303-11 chip / active authentication)."""

    NOT_OFFERED = "not_offered"  # the chip offers neither CA nor AA (older cards)
    NOT_CHECKED = "not_checked"  # offered, but not run (no SOD to anchor the key, ...)
    PASSED = "passed"  # the chip holds the private key its signed DG14/DG15 names
    FAILED = "failed"  # it does not: a copy of another chip's files


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
    """The card was taken away during the read (or lifted while the reader connected)."""


class CardReadTimeout(CardError):
    """The card or reader stopped answering: the read was abandoned after its time limit."""


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
    """What a chip read yields: DG13 fields (typed where the kiosk computes with them), the DG2
    photo, how far it is proven, and whether the configured verification policy accepts it.

    `accepted` is False when the identity must not be used without staff; `refusal` then says
    why (a `hardware.icao.policy.Refusal` code) and `refusal_detail` explains it for IT.
    """

    citizen_id: str
    full_name: str
    birth_date: date | None  # None when the card's text is not a full date (e.g. 00/00/1950)
    gender: Gender | None
    nationality: str = ""
    ethnicity: str = ""
    religion: str = ""
    origin: str = ""
    residence: str = ""
    features: str = ""
    issue_date: date | None = None
    expiry: str = ""  # as on the card: dd/mm/yyyy or "Không thời hạn"
    father: str = ""
    mother: str = ""
    spouse: str = ""
    old_id: str = ""
    photo: bytes | None = None  # JPEG or PNG (JPEG 2000 converted)
    authenticity: Authenticity = Authenticity.READ
    chip_auth: ChipAuth = ChipAuth.NOT_OFFERED
    accepted: bool = False
    refusal: str = ""  # a hardware.icao.policy.Refusal value when not accepted
    refusal_detail: str = ""  # for IT and the desk; no patient data
    access: str = ""  # PACE | BAC | simulated
    extra: dict[str, str] = field(default_factory=dict)  # unknown DG13 fields, raw
    stats: dict[str, float] = field(default_factory=dict)  # apdus, bytes, ms

    @property
    def expiry_date(self) -> date | None:
        return parse_card_date(self.expiry)


def parse_card_date(text: str) -> date | None:
    """A card's dd/mm/yyyy text as a date; None for anything else ("Không thời hạn", 00/00)."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_card_gender(text: str) -> Gender | None:
    folded = text.strip().lower()
    if folded in ("nam", "male", "m"):
        return Gender.MALE
    if folded in ("nữ", "nu", "female", "f"):
        return Gender.FEMALE
    return None


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
