"""The chip's data is cross-checked with the ID's century/gender/birth-year digits."""

from __future__ import annotations

from hardware.cardreader.base import CardData
from kiosk.chip import identity_from_card
from kiosk.models import Authenticity, Gender, IdentitySource


def card(**changes: str) -> CardData:
    fields = {
        "citizen_id": "001090123456",
        "full_name": "Nguyễn Văn An",
        "birth_date": "01/01/1990",
        "gender": "Nam",
        "authenticity": "trusted",
    }
    fields.update(changes)
    return CardData(**fields)  # type: ignore[arg-type]


def test_consistent_card_becomes_the_identity():
    identity, problem = identity_from_card(card())
    assert problem is None
    assert identity.source is IdentitySource.CHIP and identity.authenticity is Authenticity.TRUSTED
    assert identity.gender is Gender.MALE and identity.birth_date is not None
    assert identity.birth_date.year == 1990


def test_birth_year_contradicting_the_id_is_refused():
    _, problem = identity_from_card(card(birth_date="01/01/1991"))
    assert problem == "id_birth_mismatch"


def test_gender_contradicting_the_id_is_refused():
    _, problem = identity_from_card(card(gender="Nữ"))
    assert problem == "id_gender_mismatch"


def test_malformed_id_is_refused():
    _, problem = identity_from_card(card(citizen_id="12345"))
    assert problem == "bad_citizen_id"
