"""The 12-digit ID structure, its cross-checks and the card-expiry rule."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.identity.citizen_id import (
    CitizenIdError,
    card_expiry,
    check_consistency,
    parse_citizen_id,
)
from kiosk.models import Gender


@pytest.mark.parametrize(
    ("number", "province", "gender", "year"),
    [
        ("001090123456", "Hà Nội", Gender.MALE, 1990),
        ("001148004321", "Hà Nội", Gender.FEMALE, 1948),
        ("031195006789", "Hải Phòng", Gender.FEMALE, 1995),
        ("079221001234", "Hồ Chí Minh", Gender.MALE, 2021),
        ("096305000001", "Cà Mau", Gender.FEMALE, 2005),
        ("001999000001", "Hà Nội", Gender.FEMALE, 1899),
        ("001899000001", "Hà Nội", Gender.MALE, 1899),
        ("001450000001", "Hà Nội", Gender.MALE, 2150),
    ],
)
def test_structure(number, province, gender, year):
    cid = parse_citizen_id(number)
    assert (cid.province, cid.gender, cid.birth_year) == (province, gender, year)
    assert cid.can == number[-6:] and cid.document_number == number[-9:]


def test_unknown_province_inside_range_is_accepted_without_name():
    cid = parse_citizen_id("003090123456")
    assert cid.province is None and cid.province_code == "003"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "00109012345",
        "0010901234567",
        "00109012345a",
        "000090123456",
        "٠٠١٠٩٠١٢٣٤٥٦",
        "097090123456",
        "١٢٣٤٥٦٧٨٩٠١٢",
    ],
)
def test_malformed(number):
    with pytest.raises(CitizenIdError) as err:
        parse_citizen_id(number)
    assert err.value.code == "bad_citizen_id"


def test_consistency():
    cid = parse_citizen_id("001090123456")
    assert check_consistency(cid, birth_date=date(1990, 1, 1), gender=Gender.MALE) is None
    assert check_consistency(cid, birth_date=date(1991, 1, 1)) == "id_birth_mismatch"
    assert check_consistency(cid, birth_year=1890) == "id_birth_mismatch"
    assert check_consistency(cid, gender=Gender.FEMALE) == "id_gender_mismatch"
    assert check_consistency(cid) is None


@pytest.mark.parametrize(
    ("birth", "issued", "expiry"),
    [
        (date(1990, 1, 1), date(2021, 4, 15), date(2030, 1, 1)),  # the demo people
        (date(1948, 3, 12), date(2021, 5, 10), None),
        (date(1995, 6, 30), date(2021, 7, 1), date(2035, 6, 30)),
        (date(2021, 8, 20), date(2024, 9, 1), date(2046, 8, 20)),
        (date(1970, 2, 14), date(2021, 3, 20), date(2030, 2, 14)),
        # issued within two years before 25: the next milestone
        (date(2000, 6, 1), date(2023, 6, 2), date(2040, 6, 1)),
        (date(2000, 6, 1), date(2023, 5, 31), date(2025, 6, 1)),
        # within two years before 60: no expiry
        (date(1965, 6, 1), date(2023, 7, 1), None),
        (date(1965, 6, 1), date(2023, 5, 1), date(2025, 6, 1)),
        # born on 29 February
        (date(2000, 2, 29), date(2016, 1, 1), date(2025, 2, 28)),
    ],
)
def test_card_expiry(birth, issued, expiry):
    assert card_expiry(birth, issued) == expiry
