"""Says what a scanned code is: a CCCD QR, a BHYT QR, a booking code, or something else.

Order of checks (identity.md §6): ends with `$` -> BHYT; 7+ `|` fields with a 12-digit first
field -> CCCD; the hospital's booking pattern -> appointment; otherwise unknown. Bytes are
decoded strictly as UTF-8; a decoding error is an unreadable code. `classify` never raises:
every input ends in one ScanResult with a stable error code and a message in each language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from hardware.cardreader.base import AccessKey
from kiosk.identity.appointment import match_appointment
from kiosk.identity.bhyt import looks_like_bhyt, parse_bhyt
from kiosk.identity.cccd import MIN_FIELDS as CCCD_FIELDS
from kiosk.identity.cccd import looks_like_cccd, parse_cccd
from kiosk.identity.errors import ParseError
from kiosk.models import Identity
from kiosk.text import Text

log = logging.getLogger(__name__)

Kind = Literal["cccd", "bhyt", "appointment", "unknown", "unreadable", "invalid"]
MAX_LENGTH = 4096  # a QR holds at most ~3 kB; longer input is not a code we read

# kind or error code -> its words. Plain words for patients; no jargon.
MESSAGES: dict[str, Text] = {
    "cccd": Text("Đã đọc mã QR trên thẻ căn cước.", "Citizen ID card QR code read."),
    "bhyt": Text("Đã đọc mã QR thẻ bảo hiểm y tế.", "Health insurance card QR code read."),
    "appointment": Text("Đã đọc mã lịch hẹn.", "Appointment code read."),
    "unknown": Text(
        "Mã này không phải thẻ căn cước, thẻ bảo hiểm y tế hay mã lịch hẹn của bệnh viện. "
        "Vui lòng đưa mã khác hoặc hỏi quầy tiếp đón.",
        "This code is not a citizen ID card, a health insurance card or a hospital "
        "appointment code. Please show another code or ask at the reception desk.",
    ),
    "unreadable": Text(
        "Không đọc được mã này. Vui lòng đưa lại mã, giữ yên và thẳng trước camera.",
        "This code could not be read. Please show it again, held still and straight.",
    ),
    "invalid": Text(
        "Thông tin trong mã không hợp lệ. Vui lòng hỏi quầy tiếp đón.",
        "The information in this code is not valid. Please ask at the reception desk.",
    ),
    "scanner_lost_letters": Text(
        "Máy quét làm mất chữ có dấu trong mã QR này nên không dùng được. Vui lòng đặt thẻ "
        "căn cước lên đầu đọc chip, hoặc đưa mã QR vào camera.",
        "The scanner lost the accented letters of this QR code, so it cannot be used. "
        "Please place your ID card on the chip reader, or show the QR code to the camera.",
    ),
    "not_utf8": Text(
        "Mã này chứa ký tự không đọc được. Vui lòng dùng thẻ khác hoặc hỏi quầy tiếp đón.",
        "This code contains characters that cannot be read. Please use another card or "
        "ask at the reception desk.",
    ),
    "empty": Text(
        "Mã trống, không có thông tin. Vui lòng đưa lại mã.",
        "The code is empty. Please show the code again.",
    ),
    "too_long": Text(
        "Mã này quá dài, không phải mã của thẻ. Vui lòng đưa mã khác.",
        "This code is too long to be a card code. Please show another code.",
    ),
    "too_few_fields": Text(
        "Mã trên thẻ bị thiếu thông tin. Vui lòng thử lại hoặc nhập số căn cước bằng bàn phím.",
        "The card's code is missing information. Please try again or type your ID number.",
    ),
    "bad_citizen_id": Text(
        "Số căn cước trong mã không đúng (phải có 12 chữ số). Vui lòng hỏi quầy tiếp đón.",
        "The ID number in the code is not valid (it must have 12 digits). "
        "Please ask at the reception desk.",
    ),
    "bad_old_id": Text(
        "Số chứng minh nhân dân cũ trong mã không đúng. Vui lòng hỏi quầy tiếp đón.",
        "The old ID number in the code is not valid. Please ask at the reception desk.",
    ),
    "bad_date": Text(
        "Ngày tháng trong mã không đúng. Vui lòng hỏi quầy tiếp đón.",
        "A date in the code is not valid. Please ask at the reception desk.",
    ),
    "bad_gender": Text(
        "Giới tính trong mã không đúng. Vui lòng hỏi quầy tiếp đón.",
        "The gender in the code is not valid. Please ask at the reception desk.",
    ),
    "empty_name": Text(
        "Mã không có họ tên. Vui lòng hỏi quầy tiếp đón.",
        "The code has no name. Please ask at the reception desk.",
    ),
    "id_birth_mismatch": Text(
        "Năm sinh không khớp với số căn cước. Vui lòng hỏi quầy tiếp đón.",
        "The birth year does not match the ID number. Please ask at the reception desk.",
    ),
    "id_gender_mismatch": Text(
        "Giới tính không khớp với số căn cước. Vui lòng hỏi quầy tiếp đón.",
        "The gender does not match the ID number. Please ask at the reception desk.",
    ),
    "bad_card_number": Text(
        "Mã số thẻ bảo hiểm y tế không đúng. Vui lòng hỏi quầy tiếp đón.",
        "The health insurance card number is not valid. Please ask at the reception desk.",
    ),
    "old_card_format": Text(
        "Thẻ bảo hiểm y tế mẫu cũ: quầy tiếp đón sẽ kiểm tra giúp bạn.",
        "Old card format - the reception desk will check it.",
    ),
    "bad_benefit_level": Text(
        "Mức hưởng trên thẻ bảo hiểm y tế không đúng. Vui lòng hỏi quầy tiếp đón.",
        "The benefit level on the health insurance card is not valid. "
        "Please ask at the reception desk.",
    ),
    "bad_hex": Text(
        "Họ tên hoặc địa chỉ trong mã thẻ bảo hiểm y tế không đọc được. "
        "Vui lòng hỏi quầy tiếp đón.",
        "The name or address in the health insurance code cannot be read. "
        "Please ask at the reception desk.",
    ),
    "bad_validity": Text(
        "Thời hạn sử dụng trên thẻ bảo hiểm y tế không đúng. Vui lòng hỏi quầy tiếp đón.",
        "The validity dates on the health insurance card are not valid. "
        "Please ask at the reception desk.",
    ),
}


@dataclass(frozen=True, repr=False)
class ScanResult:
    """One classified code. `fields` and `identity` hold patient data: never log them.

    `detected` says which format an "invalid" code was recognised as ("cccd" or "bhyt").
    """

    kind: Kind
    identity: Identity | None = None
    access_key: AccessKey | None = None
    appointment_code: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    detected: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind in ("cccd", "bhyt", "appointment")

    @property
    def words(self) -> Text:
        """The plain message for the patient, in both languages."""
        return MESSAGES.get(self.error or self.kind) or MESSAGES[self.kind]

    def message(self, language: str) -> str:
        """A plain message for the patient ("vi" or "en"; anything else gets English)."""
        return self.words.get(language)

    def __repr__(self) -> str:  # patient data stays out of logs and tracebacks
        return f"ScanResult(kind={self.kind!r}, error={self.error!r}, detected={self.detected!r})"


def _decode(data: bytes | str) -> str | ScanResult:
    if isinstance(data, str):
        text = data
    elif isinstance(data, bytes | bytearray | memoryview):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            return ScanResult(kind="unreadable", error="not_utf8")
    else:
        return ScanResult(kind="unreadable", error="not_utf8")
    try:
        text.encode("utf-8")  # lone surrogates in a str
    except UnicodeEncodeError:
        return ScanResult(kind="unreadable", error="not_utf8")
    text = text.removeprefix("\ufeff").strip()  # BOM; scanners add CR/LF
    if not text:
        return ScanResult(kind="unreadable", error="empty")
    if len(text) > MAX_LENGTH:
        return ScanResult(kind="unknown", error="too_long")
    return text


def _cccd_like(text: str) -> bool:
    """A CCCD, or one truncated or with a damaged ID: say what is wrong, not "unknown"."""
    if looks_like_cccd(text):
        return True
    parts = text.split("|")
    first = parts[0].strip()
    if len(parts) < 2 or not (first.isascii() and first.isdigit()):
        return False
    return len(first) == 12 or (len(parts) >= CCCD_FIELDS and 9 <= len(first) <= 13)


def _mojibake(text: str) -> bool:
    """UTF-8 read as Windows-1252 or Latin-1 ("Há»“i" for "Hồi"): it reads back as UTF-8."""
    for codepage in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codepage).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return True
    return False


def lost_letters(text: str, text_lossy: bool) -> bool:
    """The text fields of a CCCD QR (name, gender, address) lost their Vietnamese letters on
    the way: U+FFFD or "?" in them, mojibake, or a scanner that says it cannot carry them and
    fields with no letter beyond ASCII (then nothing proves they are whole)."""
    parts = text.split("|")
    words = " ".join(parts[i] for i in (2, 4, 5) if i < len(parts))
    if "\ufffd" in words or "?" in words or _mojibake(words):
        return True
    return text_lossy and words.isascii()


def _classify(
    text: str, appointment_pattern: str | None, today: date | None, text_lossy: bool = False
) -> ScanResult:
    if looks_like_bhyt(text):
        try:
            bhyt = parse_bhyt(text, today)
        except ParseError as exc:
            return ScanResult(kind="invalid", error=exc.code, detected="bhyt")
        return ScanResult(
            kind="bhyt", identity=bhyt.identity, fields=dict(bhyt.fields), detected="bhyt"
        )
    if _cccd_like(text):
        if lost_letters(text, text_lossy):
            return ScanResult(kind="invalid", error="scanner_lost_letters", detected="cccd")
        try:
            cccd = parse_cccd(text, today)
        except ParseError as exc:
            return ScanResult(kind="invalid", error=exc.code, detected="cccd")
        return ScanResult(
            kind="cccd",
            identity=cccd.identity,
            access_key=cccd.access_key,
            fields=dict(cccd.fields),
            detected="cccd",
        )
    code = match_appointment(text, appointment_pattern)
    if code is not None:
        return ScanResult(
            kind="appointment", appointment_code=code, fields={"appointment_code": code}
        )
    return ScanResult(kind="unknown")


def classify(
    data: bytes | str,
    appointment_pattern: str | None = None,
    today: date | None = None,
) -> ScanResult:
    """Classifies and parses one scanned code. Never raises. A code from a scanner that may
    lose non-ASCII letters (hardware.codereader.base.ScannedCode with `text_lossy`) is read
    with that in mind: a CCCD QR from it is refused unless its letters are provably whole."""
    try:
        decoded = _decode(data)
        if isinstance(decoded, ScanResult):
            return decoded
        lossy = bool(getattr(data, "text_lossy", False))
        return _classify(decoded, appointment_pattern, today, lossy)
    except Exception:  # a parser bug must not take the kiosk down: report it, classified
        log.exception("classify failed unexpectedly (input withheld)")
        return ScanResult(kind="unreadable", error="internal")
