"""The chip's data is cross-checked with the ID's century/gender/birth-year digits."""

from __future__ import annotations

from datetime import date
from typing import Any

from hardware.cardreader.base import CardData
from kiosk.chip import identity_from_card, refusal_message
from kiosk.models import Authenticity, Gender, IdentitySource


def card(**changes: Any) -> CardData:
    fields: dict[str, Any] = {
        "citizen_id": "001090123456",
        "full_name": "Nguyễn Văn An",
        "birth_date": date(1990, 1, 1),
        "gender": Gender.MALE,
        "authenticity": Authenticity.TRUSTED,
        "accepted": True,
    }
    fields.update(changes)
    return CardData(**fields)


def test_consistent_card_becomes_the_identity():
    identity, problem = identity_from_card(card())
    assert problem is None
    assert identity.source is IdentitySource.CHIP and identity.authenticity is Authenticity.TRUSTED
    assert identity.gender is Gender.MALE and identity.birth_date is not None
    assert identity.birth_date.year == 1990


def test_birth_year_contradicting_the_id_is_refused():
    _, problem = identity_from_card(card(birth_date=date(1991, 1, 1)))
    assert problem == "id_birth_mismatch"


def test_gender_contradicting_the_id_is_refused():
    _, problem = identity_from_card(card(gender=Gender.FEMALE))
    assert problem == "id_gender_mismatch"


def test_malformed_id_is_refused():
    _, problem = identity_from_card(card(citizen_id="12345"))
    assert problem == "bad_citizen_id"


def test_an_accepted_chip_has_no_refusal_and_a_refused_one_names_the_desk():
    assert refusal_message(card()) is None
    clone = refusal_message(card(accepted=False, refusal="clone"))
    assert clone is not None and clone.code == "chip_clone" and "quầy" in clone.vi
    unknown = refusal_message(card(accepted=False, refusal="something new"))
    assert unknown is not None and unknown.code == "chip_refused"
