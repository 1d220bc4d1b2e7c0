"""The 12-digit personal ID number (số định danh cá nhân): `PPP G YY RRRRRR`.

PPP is the province of birth registration, G encodes the century of birth and the gender,
YY the last two digits of the birth year (Thông tư 59/2021/TT-BCA). An ID can therefore be
cross-checked against a birth date and a gender read elsewhere; a mismatch is a reason to
refuse the data, never to guess which part is right.

Also here: the card's expiry rule (a CCCD expires on the holder's birthday at 25, 40 or 60),
which lets the kiosk build the chip's BAC key from the QR alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiosk.identity.errors import ParseError
from kiosk.models import Gender

_ID_RE = re.compile(r"^\d{12}\Z", re.ASCII)

# Province/city codes of the 63 provinces (before the 2025 mergers; IDs keep their code).
PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Century digit -> (first year of the century, gender).
_CENTURY: dict[str, tuple[int, Gender]] = {
    "0": (1900, Gender.MALE),
    "1": (1900, Gender.FEMALE),
    "2": (2000, Gender.MALE),
    "3": (2000, Gender.FEMALE),
    "4": (2100, Gender.MALE),
    "5": (2100, Gender.FEMALE),
    "6": (2200, Gender.MALE),
    "7": (2200, Gender.FEMALE),
    "8": (1800, Gender.MALE),
    "9": (1800, Gender.FEMALE),
}


class CitizenIdError(ParseError):
    """The ID is malformed (code "bad_citizen_id")."""


@dataclass(frozen=True)
class CitizenId:
    number: str
    province_code: str
    gender: Gender
    birth_year: int

    @property
    def province(self) -> str | None:
        """The province name, when the code is one of the known 63 (else None)."""
        return PROVINCES.get(self.province_code)

    @property
    def can(self) -> str:
        """The chip's PACE card access number: the last 6 digits."""
        return self.number[-6:]

    @property
    def document_number(self) -> str:
        """The MRZ document number (the BAC key's first part): the last 9 digits."""
        return self.number[-9:]


def parse_citizen_id(value: str) -> CitizenId:
    """Parses a 12-digit ID. Raises CitizenIdError("bad_citizen_id") when malformed.

    The province must lie in 001-096 (names are known for the 63 current codes; an unknown
    code inside the range is accepted, since new codes would otherwise lock people out).
    """
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise CitizenIdError("bad_citizen_id", "the ID must be exactly 12 digits")
    province = value[:3]
    if not 1 <= int(province) <= 96:
        raise CitizenIdError("bad_citizen_id", "unknown province code")
    century, gender = _CENTURY[value[3]]
    return CitizenId(
        number=value, province_code=province, gender=gender, birth_year=century + int(value[4:6])
    )


def check_consistency(
    cid: CitizenId,
    *,
    birth_date: date | None = None,
    birth_year: int | None = None,
    gender: Gender | None = None,
) -> str | None:
    """The error code when the ID contradicts the birth year or gender, else None."""
    year = birth_date.year if birth_date else birth_year
    if year is not None and year != cid.birth_year:
        return "id_birth_mismatch"
    if gender is not None and gender != cid.gender:
        return "id_gender_mismatch"
    return None


def _birthday(birth: date, year: int) -> date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year: the day before
        return date(year, 2, 28)


def card_expiry(birth: date, issued: date) -> date | None:
    """A CCCD's expiry: the holder's birthday at 25, 40 or 60, whichever is the first more
    than two years after the issue date; None (no expiry) when the card was issued within two
    years of turning 60, or later.
    """
    limit = _birthday(issued, issued.year + 2)
    for age in (25, 40, 60):
        day = _birthday(birth, birth.year + age)
        if day > limit:
            return day
    return None
