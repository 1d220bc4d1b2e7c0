"""The QR code on the health-insurance (BHYT) card, paper or in the VssID app.

`|`-separated, terminated by `|$`:

    0 card number (15 characters `XX Y ZZ NNNNNNNNNN`, or the 10-digit social insurance number)
    1 full name, hex of the UTF-8 bytes
    2 birth date dd/mm/yyyy, or the year alone
    3 gender: 1 = Nam, 2 = Nữ
    4 address, hex of UTF-8
    5 registered initial-care facility, e.g. `01 - 043`
    6 valid from, 7 valid to, 8 issue date (dd/mm/yyyy)
    9.. management code, guardian name (hex or `-`), a digit, 5-year date, checksum (unconfirmed)

Only fields 0-3 are required; the others are checked when present (a card read by a phone app
sometimes leaves them empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kiosk.identity.dates import BadDate, format_slashed, parse_slashed, parse_slashed_or_year
from kiosk.identity.errors import ParseError
from kiosk.models import Gender, Identity, IdentitySource

CARD_15 = re.compile(r"^[A-Z]{2}[1-5]\d{2}\d{10}\Z", re.ASCII)
_CARD_15_ANY_LEVEL = re.compile(r"^[A-Z]{2}\d{3}\d{10}\Z", re.ASCII)
CARD_10 = re.compile(r"^\d{10}\Z", re.ASCII)
# Cards of the 2013 form (benefit digit 7, retired) and of the 2016 form with letters in the
# number: real cards, but not a form the kiosk decides on; the desk checks them.
_OLD_CARD = re.compile(r"^[A-Z]{2}(?:7\d{12}|\d(?=\d*[A-Z])[0-9A-Z]{12})\Z", re.ASCII)
MIN_FIELDS = 4
_HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+\Z", re.ASCII)
_GENDER = {"1": Gender.MALE, "2": Gender.FEMALE}
_GENDER_TEXT = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}
_LABELS = ["card_number", "full_name", "birth_date", "gender", "address", "facility", "valid_from", "valid_to", "issue_date", "management_code", "guardian", "flag", "five_year_date", "checksum"]  # fmt: skip

# benefit level digit -> share paid by the fund (percent), correct-route visit
BENEFIT_SHARE = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}


@dataclass(frozen=True, repr=False)
class BhytRecord:
    identity: Identity
    card_number: str
    benefit_level: int | None  # None for a 10-digit number (the level is printed apart)
    valid_from: date | None
    valid_to: date | None
    fields: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # patient data: never in logs
        return f"BhytRecord(level={self.benefit_level})"


def looks_like_bhyt(text: str) -> bool:
    stripped = text.strip()
    return stripped.endswith("$") and "|" in stripped


def check_card_number(number: str) -> int | None:
    """Validates a card number; returns the benefit level (None for 10-digit numbers)."""
    if CARD_15.match(number):
        return int(number[2])
    if _OLD_CARD.match(number):
        raise ParseError("old_card_format", "an old card form (2013 level digit, 2016 letters)")
    if _CARD_15_ANY_LEVEL.match(number):
        raise ParseError("bad_benefit_level", "the benefit level digit must be 1-5")
    if CARD_10.match(number):
        return None
    raise ParseError("bad_card_number", "not a 10- or 15-character BHYT number")


def decode_hex_text(value: str) -> str:
    """Hex of UTF-8 bytes -> text. Text with spaces or accents is taken as plain text (some
    printed cards carry the plain name); anything else that is not hex of UTF-8 is refused.
    """
    value = value.strip()
    if value in ("", "-"):
        return ""
    if not _HEX.match(value):
        if " " in value or not value.isascii():  # a plain name or address
            return value
        raise ParseError("bad_hex", "neither hex of UTF-8 nor plain text")
    try:
        return bytes.fromhex(value).decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ParseError("bad_hex", "hex text is not UTF-8") from None


def encode_hex_text(text: str) -> str:
    return text.encode("utf-8").hex()


def _optional_date(value: str) -> date | None:
    if value in ("", "-"):
        return None
    return parse_slashed(value)


def parse_bhyt(text: str, today: date | None = None) -> BhytRecord:
    """Parses a BHYT QR text (ending `|$`). Raises ParseError with a stable code."""
    today = today or date.today()
    body = text.strip()
    if not body.endswith("$"):
        raise ParseError("too_few_fields", "a BHYT code ends with $")
    parts = [p.strip() for p in body[:-1].split("|")]
    if parts and parts[-1] == "":
        parts.pop()  # the separator before `$`
    if len(parts) < MIN_FIELDS:
        raise ParseError("too_few_fields", f"{len(parts)} fields, at least {MIN_FIELDS} expected")
    parts += [""] * (len(_LABELS) - len(parts))
    number = parts[0].upper()
    level = check_card_number(number)
    name = decode_hex_text(parts[1])
    if not name:
        raise ParseError("empty_name")
    address = decode_hex_text(parts[4])
    gender = _GENDER.get(parts[3])
    if gender is None:
        raise ParseError("bad_gender", "gender must be 1 or 2")
    try:
        birth = parse_slashed_or_year(parts[2])
        valid_from = _optional_date(parts[6])
        valid_to = _optional_date(parts[7])
        issued = _optional_date(parts[8])
        five_year = _optional_date(parts[12])
    except BadDate as exc:
        raise ParseError("bad_date", str(exc)) from None
    birth_year = birth if isinstance(birth, int) else birth.year
    if birth_year > today.year or (isinstance(birth, date) and birth > today):
        raise ParseError("bad_date", "birth date in the future")
    if valid_from and valid_to and valid_to < valid_from:
        raise ParseError("bad_validity", "valid-to before valid-from")
    guardian = decode_hex_text(parts[10]) if parts[10] not in ("", "-") else ""
    fields = {
        "card_number": number,
        "full_name": name,
        "birth_date": format_slashed(birth) if isinstance(birth, date) else str(birth),
        "gender": _GENDER_TEXT[gender],
        "address": address,
        "facility": parts[5],
        "valid_from": format_slashed(valid_from) if valid_from else "",
        "valid_to": format_slashed(valid_to) if valid_to else "",
        "issue_date": format_slashed(issued) if issued else "",
        "benefit_level": str(level) if level else "",
        "management_code": parts[9],
        "guardian": guardian,
        "five_year_date": format_slashed(five_year) if five_year else "",
    }
    details = {
        k: v
        for k, v in fields.items()
        if v and k not in ("full_name", "birth_date", "gender", "address", "card_number")
    }
    identity = Identity(
        source=IdentitySource.BHYT_QR,
        full_name=name,
        birth_date=birth if isinstance(birth, date) else None,
        birth_year=birth if isinstance(birth, int) else None,
        gender=gender,
        address=address,
        bhyt_card=number,
        details=details,
    )
    return BhytRecord(
        identity=identity,
        card_number=number,
        benefit_level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        fields=fields,
    )


def build_bhyt_payload(
    card_number: str,
    full_name: str,
    birth: date | int,
    gender: Gender,
    address: str,
    facility: str = "01 - 001",
    valid_from: date | None = None,
    valid_to: date | None = None,
    issued: date | None = None,
    management_code: str = "4",
    five_year: date | None = None,
) -> str:
    """The QR text of a card with these data (simulators, tests and the benchmark)."""

    def d(value: date | None) -> str:
        return format_slashed(value) if value else ""

    parts = [
        card_number,
        encode_hex_text(full_name),
        format_slashed(birth) if isinstance(birth, date) else str(birth),
        "1" if gender is Gender.MALE else "2",
        encode_hex_text(address),
        facility,
        d(valid_from),
        d(valid_to),
        d(issued),
        management_code,
        "-",
        "4",
        d(five_year),
        "f3e1a9c0b2d4e6f8",
    ]
    return "|".join(parts) + "|$"
