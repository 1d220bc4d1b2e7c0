"""Where the chip's access key comes from: a typed 12-digit ID or the CCCD's printed QR.

- From the 12-digit ID: the PACE CAN (its last 6 digits).
- From the CCCD QR (ID, birth date, issue date): the CAN, plus the BAC key: document number =
  last 9 digits of the ID, birth date, and the expiry derived by the age-25/40/60 rule (the
  card expires on the birthday at age 25, 40 or 60, the first that is more than two years
  after the issue date; none after 60, then only PACE opens the chip).
"""

from __future__ import annotations

import re
from datetime import date

from hardware.cardreader.base import AccessKey

EXPIRY_AGES = (25, 40, 60)


class AccessKeyError(ValueError):
    """The input cannot give an access key (the message says why, without the ID)."""


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February in a non-leap year
        return date(birth.year + age, 2, 28)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


def derive_expiry(birth: date, issued: date) -> date | None:
    """The card's expiry by the age-25/40/60 rule, or None (no expiry: issued after 58)."""
    limit = _add_years(issued, 2)
    for age in EXPIRY_AGES:
        candidate = _birthday(birth, age)
        if candidate > limit:
            return candidate
    return None


def _check_id(citizen_id: str) -> str:
    value = citizen_id.strip()
    if not re.fullmatch(r"\d{12}", value):
        raise AccessKeyError("the ID number must be exactly 12 digits")
    return value


def key_from_id(citizen_id: str) -> AccessKey:
    """The PACE key (CAN = last 6 digits) from a typed 12-digit ID."""
    return AccessKey(can=_check_id(citizen_id)[-6:])


def key_from_can(can: str) -> AccessKey:
    value = can.strip()
    if not re.fullmatch(r"\d{6}", value):
        raise AccessKeyError("the CAN must be exactly 6 digits")
    return AccessKey(can=value)


def key_from_details(citizen_id: str, birth: date, issued: date | None) -> AccessKey:
    """CAN + BAC data from the ID, the birth date and the issue date."""
    value = _check_id(citizen_id)
    expiry = derive_expiry(birth, issued) if issued is not None else None
    return AccessKey(
        can=value[-6:],
        document_number=value[-9:],
        birth_date=birth,
        expiry_date=expiry,
    )


def parse_ddmmyyyy(text: str) -> date:
    value = text.strip().replace("/", "")
    if not re.fullmatch(r"\d{8}", value):
        raise AccessKeyError(f"a date must be DDMMYYYY, got {len(text)} characters")
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError as exc:
        raise AccessKeyError("the date does not exist") from exc


def key_from_qr(payload: str) -> AccessKey:
    """Both keys from a CCCD QR payload: `ID|oldID|name|DDMMYYYY|gender|address|DDMMYYYY...`."""
    fields = payload.split("|")
    if len(fields) < 7:
        raise AccessKeyError("not a CCCD QR payload (fewer than 7 fields)")
    birth = parse_ddmmyyyy(fields[3])
    issued = parse_ddmmyyyy(fields[6]) if fields[6].strip() else None
    return key_from_details(fields[0], birth, issued)
