"""The QR code printed on the CCCD (citizen identity card).

UTF-8 text, `|`-separated: `ID12|oldCMND9|Họ và tên|DDMMYYYY|Nam/Nữ|address|DDMMYYYY(issue)`,
the old CMND possibly empty, newer cards appending empty fields (7 or more in all). The ID is
cross-checked against the birth date and gender; the QR also yields the chip's access key
(CAN = last 6 digits; BAC = last 9 digits + birth date + expiry derived from the issue date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from hardware.cardreader.base import AccessKey
from kiosk.identity.citizen_id import card_expiry, check_consistency, parse_citizen_id
from kiosk.identity.dates import BadDate, format_slashed, parse_ddmmyyyy
from kiosk.identity.errors import ParseError
from kiosk.models import Gender, Identity, IdentitySource

MIN_FIELDS = 7
_OLD_ID = re.compile(r"^(\d{9}|\d{12})?\Z", re.ASCII)
_GENDERS = {"nam": Gender.MALE, "nữ": Gender.FEMALE, "nu": Gender.FEMALE}
_GENDER_TEXT = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}


@dataclass(frozen=True, repr=False)
class CccdRecord:
    identity: Identity
    access_key: AccessKey
    issue_date: date
    old_id: str
    fields: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # patient data: never in logs
        return f"CccdRecord({self.identity.masked_id})"


def looks_like_cccd(text: str) -> bool:
    """Section 6 of the format notes: 7+ `|` fields and a 12-digit first field."""
    parts = text.split("|")
    return (
        len(parts) >= MIN_FIELDS
        and len(parts[0]) == 12
        and parts[0].isascii()
        and parts[0].isdigit()
    )


def _gender(value: str) -> Gender:
    gender = _GENDERS.get(value.strip().lower())
    if gender is None:
        raise ParseError("bad_gender", "gender must be Nam or Nữ")
    return gender


def parse_cccd(text: str, today: date | None = None) -> CccdRecord:
    """Parses a CCCD QR text. Raises ParseError with a stable code."""
    today = today or date.today()
    parts = [p.strip() for p in text.strip().split("|")]
    if len(parts) < MIN_FIELDS:
        raise ParseError("too_few_fields", f"{len(parts)} fields, at least {MIN_FIELDS} expected")
    number, old_id, name, birth_text, gender_text, address, issue_text = parts[:MIN_FIELDS]
    cid = parse_citizen_id(number)
    if not _OLD_ID.match(old_id):
        raise ParseError("bad_old_id", "the old ID must be empty, 9 or 12 digits")
    if not name:
        raise ParseError("empty_name")
    try:
        birth = parse_ddmmyyyy(birth_text)
        issued = parse_ddmmyyyy(issue_text)
    except BadDate as exc:
        raise ParseError("bad_date", str(exc)) from None
    if birth > today or issued > today or issued < birth:
        raise ParseError("bad_date", "dates out of order")
    gender = _gender(gender_text)
    mismatch = check_consistency(cid, birth_date=birth, gender=gender)
    if mismatch:
        raise ParseError(mismatch)
    expiry = card_expiry(birth, issued)
    fields = {
        "citizen_id": number,
        "old_id": old_id,
        "full_name": name,
        "birth_date": format_slashed(birth),
        "gender": _GENDER_TEXT[gender],
        "address": address,
        "issue_date": format_slashed(issued),
        "expiry": format_slashed(expiry) if expiry else "",
        "province": cid.province or "",
    }
    details = {"issue_date": fields["issue_date"], "expiry": fields["expiry"]}
    if old_id:
        details["old_id"] = old_id
    extra = [p for p in parts[MIN_FIELDS:] if p]
    if extra:
        details["extra"] = "|".join(extra)
        fields["extra"] = details["extra"]
    identity = Identity(
        source=IdentitySource.CCCD_QR,
        citizen_id=number,
        full_name=name,
        birth_date=birth,
        gender=gender,
        address=address,
        details=details,
    )
    key = AccessKey(
        can=cid.can, document_number=cid.document_number, birth_date=birth, expiry_date=expiry
    )
    return CccdRecord(
        identity=identity, access_key=key, issue_date=issued, old_id=old_id, fields=fields
    )


def build_cccd_payload(
    citizen_id: str,
    full_name: str,
    birth: date,
    gender: Gender,
    address: str,
    issued: date,
    old_id: str = "",
    trailing_empty: int = 0,
) -> str:
    """The QR text a card with these data carries (simulators, tests and the benchmark)."""
    parts = [
        citizen_id,
        old_id,
        full_name,
        birth.strftime("%d%m%Y"),
        _GENDER_TEXT[gender],
        address,
        issued.strftime("%d%m%Y"),
    ]
    return "|".join(parts + [""] * trailing_empty)
