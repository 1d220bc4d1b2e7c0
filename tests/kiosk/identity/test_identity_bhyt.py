"""BHYT QR payloads: 15- and 10-character numbers, hex names, dates, refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiosk.identity.bhyt import build_bhyt_payload, check_card_number, decode_hex_text, parse_bhyt
from kiosk.identity.errors import ParseError
from kiosk.models import Gender, IdentitySource

TODAY = date(2025, 6, 1)
NAME = "Phạm Thị Hoa"
ADDRESS = "Số 21 Đường Lạch Tray, Hải Phòng"


def payload(**kw):
    args: dict[str, Any] = dict(
        card_number="HC4313120123456",
        full_name=NAME,
        birth=date(1995, 6, 30),
        gender=Gender.FEMALE,
        address=ADDRESS,
        facility="31 - 001",
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 12, 31),
        issued=date(2025, 1, 1),
        five_year=date(2022, 1, 1),
    )
    args.update(kw)
    return build_bhyt_payload(**args)


def test_fifteen_character_card():
    text = payload()
    assert text.endswith("|$") and NAME.encode().hex() in text
    record = parse_bhyt(text, TODAY)
    person = record.identity
    assert person.source is IdentitySource.BHYT_QR and person.bhyt_card == "HC4313120123456"
    assert person.full_name == NAME and person.address == ADDRESS
    assert person.birth_date == date(1995, 6, 30) and person.gender is Gender.FEMALE
    assert record.benefit_level == 4
    assert (record.valid_from, record.valid_to) == (date(2025, 1, 1), date(2025, 12, 31))
    assert (
        record.fields["facility"] == "31 - 001" and record.fields["five_year_date"] == "01/01/2022"
    )
    assert "Hoa" not in repr(record)


def test_ten_digit_card_and_year_only_birth():
    record = parse_bhyt(payload(card_number="3120123456", birth=1948, gender=Gender.MALE), TODAY)
    assert record.benefit_level is None and record.card_number == "3120123456"
    assert record.identity.birth_date is None and record.identity.birth_year == 1948
    assert record.identity.gender is Gender.MALE and record.fields["birth_date"] == "1948"


def test_minimal_payload_and_plain_text_name():
    record = parse_bhyt("DN4010120123456|Nguyễn Văn An|01/01/1990|1|$", TODAY)
    assert record.identity.full_name == "Nguyễn Văn An" and record.valid_to is None


def test_lowercase_card_number_is_normalised():
    assert (
        parse_bhyt(payload(card_number="hc4313120123456"), TODAY).card_number == "HC4313120123456"
    )


@pytest.mark.parametrize(
    ("number", "level"), [("DN1010120123456", 1), ("TE5790000000001", 5), ("0123456789", None)]
)
def test_card_numbers(number, level):
    assert check_card_number(number) == level


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("DN0010120123456", "bad_benefit_level"),
        ("DN6010120123456", "bad_benefit_level"),
        ("DN401012012345", "bad_card_number"),
        ("D14010120123456", "bad_card_number"),
        ("012345678", "bad_card_number"),
        ("", "bad_card_number"),
    ],
)
def test_bad_card_numbers(number, code):
    with pytest.raises(ParseError) as err:
        check_card_number(number)
    assert err.value.code == code


def test_hex_text():
    assert decode_hex_text("4e677579e1bb856e") == "Nguyễn"
    assert decode_hex_text("-") == ""
    for bad in ("4e6", "ff", "c3", "zz"):
        with pytest.raises(ParseError) as err:
            decode_hex_text(bad)
        assert err.value.code == "bad_hex"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("DN4010120123456|4e|$", "too_few_fields"),
        ("DN4010120123456|4e|1990|1", "too_few_fields"),
        ("|4e|1990|1|$", "bad_card_number"),
        ("DN9010120123456|4e|1990|1|$", "bad_benefit_level"),
        ("DN4010120123456||1990|1|$", "empty_name"),
        ("DN4010120123456|ff|1990|1|$", "bad_hex"),
        ("DN4010120123456|4e|31/02/1990|1|$", "bad_date"),
        ("DN4010120123456|4e|1990-01-01|1|$", "bad_date"),
        ("DN4010120123456|4e|1700|1|$", "bad_date"),
        ("DN4010120123456|4e|2030|1|$", "bad_date"),
        ("DN4010120123456|4e|1990|3|$", "bad_gender"),
        ("DN4010120123456|4e|1990|1||01 - 001|01/01/2025|32/12/2025|$", "bad_date"),
        ("DN4010120123456|4e|1990|1||01 - 001|01/01/2025|31/12/2024|$", "bad_validity"),
    ],
)
def test_refusals(text, code):
    with pytest.raises(ParseError) as err:
        parse_bhyt(text, TODAY)
    assert err.value.code == code


@pytest.mark.parametrize(
    "number",
    [
        "DN7010190123456",  # 2013 form, benefit digit 7
        "HT2790A00123456",  # 2016 form with letters in the number
    ],
)
def test_old_card_forms_are_sent_to_the_desk_not_refused(number: str) -> None:
    # issue 17: "old card format - the desk will check", not "card number not valid"
    from kiosk.identity.bhyt import check_card_number
    from kiosk.identity.errors import ParseError

    with pytest.raises(ParseError) as caught:
        check_card_number(number)
    assert caught.value.code == "old_card_format"
