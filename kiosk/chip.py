"""Turns what the chip yielded into the session's Identity, cross-checking the ID's digits."""

from __future__ import annotations

from datetime import date, datetime

from hardware.cardreader.base import CardData
from kiosk.identity.citizen_id import CitizenIdError, check_consistency, parse_citizen_id
from kiosk.models import Authenticity, Gender, Identity, IdentitySource


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
    try:
        parsed = parse_citizen_id(citizen_id)
    except CitizenIdError:
        return "bad_citizen_id"
    return check_consistency(parsed, birth_date=birth, gender=gender)


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
