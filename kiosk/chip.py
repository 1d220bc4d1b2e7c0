"""Turns what the chip yielded into the session's Identity, cross-checking the ID's digits."""

from __future__ import annotations

from datetime import date, datetime

from hardware.cardreader.base import CardData
from kiosk.models import Authenticity, Gender, Identity, IdentitySource

_CENTURY = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 1800,
    9: 1800,
}


def parse_ddmmyyyy(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_gender(text: str) -> Gender | None:
    folded = text.strip().lower()
    if folded in ("nam", "male", "m"):
        return Gender.MALE
    if folded in ("nữ", "nu", "female", "f"):
        return Gender.FEMALE
    return None


def id_mismatch(citizen_id: str, birth: date | None, gender: Gender | None) -> str | None:
    """Why the 12-digit ID contradicts the birth date or gender, or None when consistent."""
    if len(citizen_id) != 12 or not citizen_id.isdigit():
        return "the ID is not 12 digits"
    digit = int(citizen_id[3])
    if birth is not None and _CENTURY[digit] + int(citizen_id[4:6]) != birth.year:
        return "birth year differs from the ID's century/year digits"
    if gender is not None and (digit % 2 == 1) != (gender is Gender.FEMALE):
        return "gender differs from the ID's gender digit"
    return None


def identity_from_card(card: CardData) -> tuple[Identity, str | None]:
    birth = parse_ddmmyyyy(card.birth_date)
    gender = parse_gender(card.gender)
    details = {
        k: v
        for k, v in {
            "nationality": card.nationality,
            "ethnicity": card.ethnicity,
            "religion": card.religion,
            "origin": card.origin,
            "issue_date": card.issue_date,
            "expiry": card.expiry,
        }.items()
        if v
    }
    identity = Identity(
        source=IdentitySource.CHIP,
        citizen_id=card.citizen_id,
        full_name=card.full_name,
        birth_date=birth,
        gender=gender,
        address=card.residence,
        photo=card.photo,
        authenticity=Authenticity(card.authenticity) if card.authenticity else Authenticity.READ,
        details=details,
    )
    return identity, id_mismatch(card.citizen_id, birth, gender)
