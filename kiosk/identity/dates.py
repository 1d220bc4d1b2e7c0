"""Strict date parsing for scanned codes: real calendar dates only, never a guess."""

from __future__ import annotations

import re
from datetime import date

_DDMMYYYY = re.compile(r"^(\d{2})(\d{2})(\d{4})\Z", re.ASCII)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\Z", re.ASCII)
_YEAR = re.compile(r"^(\d{4})\Z", re.ASCII)

MIN_YEAR = 1850  # nobody alive was born earlier; older dates are misreads


class BadDate(ValueError):
    """Not a real calendar date in the expected form."""


def _make(day: str, month: str, year: str) -> date:
    y = int(year)
    if y < MIN_YEAR:
        raise BadDate("year out of range")
    try:
        return date(y, int(month), int(day))
    except ValueError:
        raise BadDate("not a calendar date") from None


def parse_ddmmyyyy(value: str) -> date:
    """`01011990` -> 1990-01-01 (the CCCD QR form)."""
    m = _DDMMYYYY.match(value)
    if not m:
        raise BadDate("expected DDMMYYYY")
    return _make(*m.groups())


def parse_slashed(value: str) -> date:
    """`01/01/1990` -> 1990-01-01 (the BHYT QR and chip form)."""
    m = _SLASHED.match(value)
    if not m:
        raise BadDate("expected dd/mm/yyyy")
    return _make(*m.groups())


def parse_slashed_or_year(value: str) -> date | int:
    """`01/01/1990` -> a date; `1990` -> the year alone (BHYT birth dates)."""
    m = _YEAR.match(value)
    if m:
        year = int(value)
        if year < MIN_YEAR:
            raise BadDate("year out of range")
        return year
    return parse_slashed(value)


def format_slashed(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
