"""Turns what the chip yielded into the session's Identity, cross-checking the ID's digits.

The chip read (hardware/) already carries typed values (dates, Gender, Authenticity) and the
verification policy's verdict (`accepted`, `refusal`); this module maps the verdict to what
the patient reads.
"""

from __future__ import annotations

from datetime import date

from hardware.cardreader.base import CardData, Gender
from kiosk.identity.citizen_id import CitizenIdError, check_consistency, parse_citizen_id
from kiosk.messages import Message
from kiosk.models import Identity, IdentitySource

_DESK = (
    "Vui lòng đến quầy tiếp đón để nhân viên kiểm tra thẻ.",
    "Please go to the reception desk so that staff can check your card.",
)

# Why a chip identity is not used without staff (hardware.icao.policy.Refusal values).
REFUSALS: dict[str, Message] = {
    "clone": Message(
        "chip_clone",
        "Chip trên thẻ không chứng minh được là chip gốc. " + _DESK[0],
        "The chip could not prove it is the original chip of this card. " + _DESK[1],
    ),
    "not_trusted": Message(
        "chip_not_trusted",
        "Không xác thực được nơi cấp dữ liệu trên chip. " + _DESK[0],
        "The chip data could not be traced to the issuing authority. " + _DESK[1],
    ),
    "not_signed": Message(
        "chip_not_signed",
        "Dữ liệu trên chip không có chữ ký hợp lệ. " + _DESK[0],
        "The chip data carries no valid signature. " + _DESK[1],
    ),
    "chip_auth_missing": Message(
        "chip_auth_missing",
        "Không kiểm tra được chip gốc của thẻ. " + _DESK[0],
        "The kiosk could not check that this is the original chip. " + _DESK[1],
    ),
}
REFUSED = Message(
    "chip_refused",
    "Không xác thực được chip. " + _DESK[0],
    "The chip could not be verified. " + _DESK[1],
)


def refusal_message(card: CardData) -> Message | None:
    """What the patient reads when the policy does not accept the chip, else None."""
    if card.accepted:
        return None
    return REFUSALS.get(card.refusal, REFUSED)


def id_mismatch(citizen_id: str, birth: date | None, gender: Gender | None) -> str | None:
    """Why the 12-digit ID contradicts the birth date or gender, or None when consistent."""
    try:
        parsed = parse_citizen_id(citizen_id)
    except CitizenIdError:
        return "bad_citizen_id"
    return check_consistency(parsed, birth_date=birth, gender=gender)


def identity_from_card(card: CardData) -> tuple[Identity, str | None]:
    details = {
        k: v
        for k, v in {
            "nationality": card.nationality,
            "ethnicity": card.ethnicity,
            "religion": card.religion,
            "origin": card.origin,
            "issue_date": card.issue_date.strftime("%d/%m/%Y") if card.issue_date else "",
            "expiry": card.expiry,
        }.items()
        if v
    }
    identity = Identity(
        source=IdentitySource.CHIP,
        citizen_id=card.citizen_id,
        full_name=card.full_name,
        birth_date=card.birth_date,
        gender=card.gender,
        address=card.residence,
        photo=card.photo,
        authenticity=card.authenticity,
        details=details,
    )
    return identity, id_mismatch(card.citizen_id, card.birth_date, card.gender)
