"""Domain values shared by the whole kiosk (no Qt, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# The chip read defines these two; the domain uses the same values for every source.
from hardware.cardreader.base import Authenticity, Gender
from kiosk.text import Text

__all__ = ["Authenticity", "Gender"]


class IdentitySource(StrEnum):
    CHIP = "chip"
    CCCD_QR = "cccd_qr"
    BHYT_QR = "bhyt_qr"
    KEYPAD = "keypad"
    APPOINTMENT = "appointment"


@dataclass(frozen=True)
class Identity:
    """The patient as far as the kiosk knows them for one session.

    Every field is patient data: it lives in the session only and is wiped at its end.
    """

    source: IdentitySource
    citizen_id: str | None = None
    full_name: str = ""
    birth_date: date | None = None
    birth_year: int | None = None  # when only the year is known
    gender: Gender | None = None
    address: str = ""
    bhyt_card: str | None = None  # 10 or 15 characters, from a BHYT QR
    photo: bytes | None = None  # an image the UI can show (JPEG or PNG bytes)
    authenticity: Authenticity = Authenticity.NONE
    details: dict[str, str] = field(default_factory=dict)  # extra fields (e.g. DG13 extras)

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None if self.birth_year is None else day.year - self.birth_year
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def masked_id(self) -> str:
        return mask_id(self.citizen_id) if self.citizen_id else ""


def mask_id(value: str | None) -> str:
    """Masks an identifier for screens and logs: `001090123456` -> `0010******56`."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


class InsuranceAction(StrEnum):
    """What the patient does next after the insurance check."""

    INSURED = "insured"  # continue with insurance
    SELF_PAY = "self_pay"  # continue as a self-paying patient
    DESK = "desk"  # see the reception desk


@dataclass(frozen=True)
class Eligibility:
    """The outcome of one insurance check, ready for the screen and the ticket."""

    action: InsuranceAction
    verified: bool  # False when the gateway could not be asked or answered nonsense
    message_vi: str
    message_en: str
    staff_note: str  # printed on the ticket for the counter staff
    code: str | None = None  # the gateway's maKetQua, when there was an answer
    card_number: str | None = None
    coverage_percent: int | None = None  # share paid by the fund for a correct-route visit
    valid_from: date | None = None
    valid_to: date | None = None
    registered_facility: str | None = None
    correct_route: bool | None = None  # registered at this hospital (or referral accepted)
    benefit_level: int | None = None
    five_year_date: date | None = None

    @property
    def words(self) -> Text:
        return Text(self.message_vi, self.message_en)

    def message(self, language: str) -> str:
        return self.words.get(language)
