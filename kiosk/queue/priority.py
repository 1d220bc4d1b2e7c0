"""Priority categories: the ones set by law plus the hospital's own.

Law (Luật Khám bệnh, chữa bệnh 15/2023/QH15, Điều 3): emergencies, children under 6, pregnant
women, people with severe disabilities, people aged 75 and over, people with revolutionary
merit. The two age categories are proposed automatically from the birth date (or year); every
other category is chosen by the patient and printed "to be confirmed at the counter".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


@dataclass(frozen=True)
class Priority:
    id: str
    name_vi: str
    name_en: str
    automatic: bool  # proposed from the birth date, no choice needed
    needs_confirmation: bool  # staff check it at the counter

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


LEGAL_PRIORITIES: tuple[Priority, ...] = (
    Priority("emergency", "Cấp cứu", "Emergency", False, True),
    Priority("under_6", "Trẻ em dưới 6 tuổi", "Child under 6", True, False),
    Priority("pregnant", "Phụ nữ có thai", "Pregnant woman", False, True),
    Priority("severe_disability", "Người khuyết tật nặng", "Severe disability", False, True),
    Priority("age_75_plus", "Người từ 75 tuổi trở lên", "Aged 75 and over", True, False),
    Priority(
        "revolutionary_merit", "Người có công với cách mạng", "Revolutionary merit", False, True
    ),
)

CONFIRM_VI = "xác nhận tại quầy"
CONFIRM_EN = "to be confirmed at the counter"


def _age(birth_date: date | None, birth_year: int | None, today: date) -> tuple[int, int] | None:
    """The possible age range (min, max) on `today`: exact with a date, two values with a year."""
    if birth_date is not None:
        age = (
            today.year
            - birth_date.year
            - ((today.month, today.day) < (birth_date.month, birth_date.day))
        )
        return age, age
    if birth_year is not None:
        return today.year - birth_year - 1, today.year - birth_year
    return None


def proposed_priorities(birth_date: date | None, birth_year: int | None, today: date) -> list[str]:
    """The age categories that apply for sure on `today` (ids of LEGAL_PRIORITIES).

    With only a birth year the age is known to within one year; a category is proposed only if
    it holds for every birth date in that year (e.g. born 1951, on 2026-03-01: 74 or 75, so not
    yet proposed; from 2027-01-01 on it is).
    """
    ages = _age(birth_date, birth_year, today)
    if ages is None:
        return []
    low, high = ages
    out: list[str] = []
    if low >= 0 and high < 6:
        out.append("under_6")
    if low >= 75:
        out.append("age_75_plus")
    return out


def all_priorities(config: KioskConfig) -> list[Priority]:
    """The legal categories, then the hospital's own from `config.queue.priorities` (if any)."""
    out = list(LEGAL_PRIORITIES)
    queue = getattr(config, "queue", None)
    known = {p.id for p in out}
    for item in getattr(queue, "priorities", None) or []:
        if item.id in known:
            continue
        out.append(Priority(item.id, item.name_vi, item.name_en, False, item.needs_confirmation))
        known.add(item.id)
    return out


def priority_by_id(config: KioskConfig, priority_id: str) -> Priority:
    for p in all_priorities(config):
        if p.id == priority_id:
            return p
    raise KeyError(priority_id)
