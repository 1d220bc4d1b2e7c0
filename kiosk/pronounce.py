"""Text as a person would say it, for espeak-ng: abbreviations as words, ticket numbers and
money as a person reads them.

espeak-ng reads "BHYT" as an English word ("bit") and "N-ƯT001" as noise. Every text the kiosk
or the lobby board sends to the voice goes through `spoken()` first. The table is data a
hospital can extend (`extra`); a test runs every message catalogue through it and fails on any
all-capital abbreviation left over. Written by hand: a small word table, no library applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "BHYT": "bảo hiểm y tế",
        "BHXH": "bảo hiểm xã hội",
        "CCCD": "căn cước công dân",
        "CMND": "chứng minh nhân dân",
        "VNeID": "vê en ê ai đi",
        "VssID": "vê ét ét ai đi",
        "QR": "quy a",
        "HSD": "hạn sử dụng",
        "KCB": "khám chữa bệnh",
        "STT": "số thứ tự",
        "HIS": "hệ thống bệnh viện",
        "ID": "số định danh",
        "VNĐ": "đồng",
        "CLVT": "chụp cắt lớp vi tính",
        "MRI": "cộng hưởng từ",
        "PIN": "mã pin",
        "OK": "đồng ý",
        "CAN": "mã truy cập thẻ",
        "CSV": "xê ét vê",
        "XLSX": "ếch xeo",
        "USB": "u ét bê",
    },
    "en": {
        "BHYT": "health insurance",
        "BHXH": "social insurance",
        "CCCD": "citizen I D card",
        "CMND": "old I D card",
        "VNeID": "V N e I D",
        "VssID": "V s s I D",
        "QR": "Q R",
        "HSD": "valid until",
        "KCB": "treatment",
        "STT": "number",
        "HIS": "hospital system",
        "ID": "I D",
        "VNĐ": "dong",
        "CLVT": "C T scan",
        "MRI": "M R I",
        "PIN": "pin",
        "OK": "O K",
        "CAN": "card access number",
        "CSV": "C S V",
        "XLSX": "excel",
        "USB": "U S B",
    },
}
# capitals used for emphasis, said as the word they are (lower-cased for the voice)
EMPHASIS = {"NOT", "FAIL", "CHƯA", "KHÔNG", "PASS", "REPRINT", "IN", "LẠI", "ERROR", "WARNING"}
PRIORITY_WORD = {"vi": "ưu tiên", "en": "priority"}
NUMBER_WORD = {"vi": "số", "en": "number"}
# A ticket number: letters, an optional "-ƯT" priority mark, digits ("N012", "NB012", "N-ƯT001")
TICKET = re.compile(r"\b([A-Z]{1,3})(-ƯT)?(\d{2,4})\b")


def ticket_words(number: str, language: str = "vi") -> str:
    """'N-ƯT001' -> 'N, ưu tiên, số 1'; 'NB012' -> 'N B, số 12'."""
    m = TICKET.fullmatch(number.strip())
    if m is None:
        return number
    return _ticket(m, language)


def _ticket(m: re.Match[str], language: str) -> str:
    letters = " ".join(m.group(1))
    priority = f", {PRIORITY_WORD.get(language, 'ưu tiên')}" if m.group(2) else ""
    return f"{letters}{priority}, {NUMBER_WORD.get(language, 'số')} {int(m.group(3))}"


def spoken(text: str, language: str = "vi", extra: Mapping[str, str] | None = None) -> str:
    """`text` with ticket numbers and abbreviations in words, money as "đồng", emphasis
    capitals as plain words."""
    out = expand(text, language, extra)
    return re.sub(
        r"(?<![\w-])[A-ZĐƯ]{2,}(?![\w])",
        lambda m: m.group(0).lower() if m.group(0) in EMPHASIS else " ".join(m.group(0)),
        out,
    )


def expand(text: str, language: str = "vi", extra: Mapping[str, str] | None = None) -> str:
    """The table's part of `spoken`: what the tests check for leftovers."""
    table = {**WORDS.get(language, WORDS["vi"]), **(extra or {})}
    out = TICKET.sub(lambda m: _ticket(m, language), text)
    out = re.sub(r"\*{2,}", " … ", out)  # a masked number: the hidden digits are not read
    out = re.sub(r"[✔✓✗·•]", " ", out)  # marks on the screen, not words
    out = re.sub(r"(\d)[.,](?=\d{3}\b)", r"\1", out)  # 1.234.600 -> 1234600 (one number)
    out = re.sub(r"(\d)\s*(đ|₫)(?=\W|$)", r"\1 đồng" if language == "vi" else r"\1 dong", out)
    words = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, words)) + r")(?![\w])")
    return pattern.sub(lambda m: table[m.group(1)], out)


def leftover_abbreviations(text: str) -> list[str]:
    """All-capital words of two or more letters a voice would misread (for the tests)."""
    return re.findall(r"(?<![\w-])[A-ZĐƯ]{2,}(?![\w])", text)
