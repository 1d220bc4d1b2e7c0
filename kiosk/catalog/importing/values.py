"""Cell values as exports write them: prices, dates, text.

Hand-written because the formats are local: Vietnamese exports write 52.600 (dot for
thousands), HIS tools 52600.00, Excel cells arrive as floats, dates as dd/mm/yyyy or the
HIS form yyyymmdd[hhmm]; `locale`/`babel` parse one locale at a time and would accept
"1.2.3" or mis-read 52.600 as 52.6.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_MIXED = re.compile(r"^\d{1,3}(?:([.,])\d{3})*([.,])(\d{1,2})$")


def parse_amount(raw: Any) -> int:
    """A price in VND as an integer. Accepts 52600, '52.600', '52,600', '52 600 đ',
    '52600.00', '1.234.567,5' (rounded half up). Raises ValueError with a reason."""
    if type(raw) is str and raw.isdigit():
        return int(raw)
    if isinstance(raw, bool):
        raise ValueError("not a number")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError("not a number")
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().lower()
        for unit in ("vnđ", "vnd", "đồng", "đ"):
            text = text.removesuffix(unit)
        text = re.sub(r"[\s\u00a0]", "", text)
        negative = text.startswith("-")
        text = text.lstrip("+-")
        if not text:
            raise ValueError("empty")
        if text.isdigit():
            digits = text
        elif _THOUSANDS.match(text):
            digits = re.sub(r"[.,]", "", text)
        elif re.fullmatch(r"\d+[.,]\d{1,2}", text):
            digits = text.replace(",", ".")
        elif (m := _MIXED.match(text)) and m.group(1) != m.group(2):
            digits = re.sub(r"[.,]", "", text[: -len(m.group(3)) - 1]) + "." + m.group(3)
        else:
            raise ValueError("not a number")
        try:
            value = Decimal(digits)
        except InvalidOperation:
            raise ValueError("not a number") from None
        if negative:
            value = -value
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    if isinstance(raw, int | float) or re.fullmatch(r"\d{8}(\d{4})?(\.0)?", text):
        digits = text.split(".")[0]
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s.*)?", text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    raise ValueError("not a date (expected dd/mm/yyyy, yyyy-mm-dd or yyyymmdd)")


def cell_text(raw: Any) -> str:
    """A cell as trimmed NFC text ("" for an empty cell; 52600.0 from Excel as "52600")."""
    if type(raw) is str:
        if raw.isascii() or unicodedata.is_normalized("NFC", raw):
            return raw.strip()
        return unicodedata.normalize("NFC", raw).strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).strip()
