"""The session's patient-facing messages, in plain words, Vietnamese and English.

Errors are types; each is mapped here once to what the person in front of the screen reads.
A `Message` is a stable code (tests and the UI branch on it) and its `Text`.
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.cardreader.base import (
    AccessDenied,
    CardError,
    CardReadTimeout,
    CardRemoved,
    IntegrityError,
    KeyRequired,
    NoCard,
    NotAnIdCard,
    ReaderUnavailable,
)
from kiosk.text import Text


@dataclass(frozen=True)
class Message:
    """A stable code (tests and the UI branch on it) and the words, in both languages."""

    code: str
    vi: str
    en: str

    @classmethod
    def of(cls, code: str, words: Text) -> Message:
        return cls(code, words.vi, words.en)

    @property
    def words(self) -> Text:
        return Text(self.vi, self.en)

    def text(self, language: str) -> str:
        return self.words.get(language)


CARD_MESSAGES: dict[type[CardError], Message] = {
    ReaderUnavailable: Message(
        "reader_unavailable",
        "Đầu đọc thẻ đang không hoạt động. Vui lòng quét mã QR hoặc nhập số CCCD.",
        "The card reader is not working right now. Please show the QR code or type your ID number.",
    ),
    NoCard: Message(
        "no_card",
        "Chưa thấy thẻ trên đầu đọc. Vui lòng đặt thẻ lên đầu đọc.",
        "No card on the reader. Please place your card on the reader.",
    ),
    CardRemoved: Message(
        "card_removed",
        "Thẻ đã bị nhấc ra khi đang đọc. Vui lòng đặt lại thẻ và giữ yên.",
        "The card was moved while reading. Please place it again and keep it still.",
    ),
    CardReadTimeout: Message(
        "card_timeout",
        "Thẻ không phản hồi. Vui lòng nhấc thẻ ra, đặt lại và giữ yên, hoặc quét mã QR.",
        "The card is not answering. Please lift it off, place it again and hold it still, "
        "or show the QR code.",
    ),
    KeyRequired: Message(
        "key_required",
        "Để mở chip, vui lòng đưa mã QR trên thẻ trước camera hoặc nhập 6 số cuối của số CCCD.",
        "To open the chip, please show the QR code on the card to the camera or type the last "
        "6 digits of your ID number.",
    ),
    AccessDenied: Message(
        "access_denied",
        "Số CCCD không khớp với thẻ này. Vui lòng kiểm tra và nhập lại.",
        "The ID number does not match this card. Please check it and try again.",
    ),
    NotAnIdCard: Message(
        "not_an_id_card",
        "Đây không phải thẻ căn cước có gắn chip. Vui lòng dùng thẻ CCCD.",
        "This is not a chip ID card. Please use your citizen ID card.",
    ),
    IntegrityError: Message(
        "integrity",
        "Không xác thực được dữ liệu trên chip. Vui lòng đến quầy tiếp đón.",
        "The data on the chip could not be verified. Please go to the reception desk.",
    ),
}

CARD_FAILED = Message(
    "card_failed",
    "Không đọc được thẻ. Vui lòng thử lại hoặc quét mã QR.",
    "The card could not be read. Please try again or show the QR code.",
)

INVALID_ID = Message(
    "invalid_id",
    "Số CCCD phải có đủ 12 chữ số. Vui lòng kiểm tra lại.",
    "An ID number has 12 digits. Please check it.",
)

# A typed number of the right length that cannot be an ID: say which part is wrong.
ID_BAD_PROVINCE = Message(
    "id_bad_province",
    "Số này không phải số CCCD: 3 số đầu là mã tỉnh, từ 001 đến 096. Vui lòng xem lại số trên thẻ.",
    "This is not an ID number: its first 3 digits are a province code, from 001 to 096. "
    "Please check the number on your card.",
)

ID_BAD_BIRTH_YEAR = Message(
    "id_bad_birth_year",
    "Số này không phải số CCCD: số thứ 4 đến thứ 6 cho biết năm sinh, "
    "và năm sinh này không thể đúng. Vui lòng xem lại số trên thẻ.",
    "This is not an ID number: its 4th to 6th digits give the year of birth, and that year "
    "cannot be right. Please check the number on your card.",
)

# At the chip's key request: the last 6 digits open the chip (PACE with the CAN), all 12 too.
CAN_LENGTH = Message(
    "can_length",
    "Vui lòng nhập 6 số cuối của số CCCD (hoặc cả 12 số).",
    "Please type the last 6 digits of your ID number (or all 12).",
)

ID_MISMATCH = Message(
    "id_mismatch",
    "Thông tin trên thẻ không khớp với số CCCD. Vui lòng đến quầy tiếp đón.",
    "The card details do not match the ID number. Please go to the reception desk.",
)

TICKET_FAILED = Message(
    "ticket_failed",
    "Chưa lấy được số thứ tự. Vui lòng thử lại hoặc đến quầy tiếp đón.",
    "We could not give you a number. Please try again or go to the reception desk.",
)


APPOINTMENT_RECEIVED = Message(
    "appointment",
    "Đã nhận mã hẹn khám. Vui lòng đặt thẻ CCCD hoặc nhập số CCCD để tiếp tục.",
    "Appointment code received. Please place your ID card or type your ID number to continue.",
)


def ticket_refused(words: Text) -> Message:
    """The queue refused the ticket with its own words (e.g. the clinic is closed now)."""
    return Message.of("ticket_refused", words)


def scan_problem(code: str, words: Text) -> Message:
    """A scanned code the session cannot use, with the classifier's words."""
    return Message.of(code, words)


def card_message(error: BaseException) -> Message:
    for kind in type(error).__mro__:
        if kind in CARD_MESSAGES:
            return CARD_MESSAGES[kind]
    return CARD_FAILED
