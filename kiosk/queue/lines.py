"""The queue lines derived from the clinics (see kiosk/queue/config.py for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kiosk.queue.config import ClinicConfig

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

LineKind = Literal["general", "insured", "self_pay", "priority"]

_KIND_NAMES = {
    "general": ("Thường", "Regular"),
    "insured": ("BHYT", "Health insurance"),
    "self_pay": ("Dịch vụ", "Self-paying"),
    "priority": ("Ưu tiên", "Priority"),
}


@dataclass(frozen=True)
class Line:
    id: str
    clinic_id: str
    kind: LineKind
    prefix: str
    digits: int

    def number(self, seq: int) -> str:
        return f"{self.prefix}{seq:0{self.digits}d}"

    def kind_name(self, language: str) -> str:
        vi, en = _KIND_NAMES[self.kind]
        return vi if language == "vi" else en


def clinic_lines(clinic: ClinicConfig) -> list[Line]:
    digits = clinic.number_digits
    out: list[Line] = []
    if clinic.separate_insured_line:
        out.append(Line(clinic.id, clinic.id, "self_pay", clinic.prefix, digits))
        out.append(
            Line(
                f"{clinic.id}.bhyt",
                clinic.id,
                "insured",
                clinic.insured_prefix or f"{clinic.prefix}B",
                digits,
            )
        )
    else:
        out.append(Line(clinic.id, clinic.id, "general", clinic.prefix, digits))
    if clinic.priority_line:
        out.append(
            Line(
                f"{clinic.id}.ut",
                clinic.id,
                "priority",
                clinic.priority_prefix or f"{clinic.prefix}-ƯT",
                digits,
            )
        )
    return out


def all_lines(config: KioskConfig) -> list[Line]:
    return [line for clinic in config.clinics for line in clinic_lines(clinic)]


def line_by_id(config: KioskConfig, line_id: str) -> Line:
    for line in all_lines(config):
        if line.id == line_id:
            return line
    raise KeyError(line_id)


def line_for(clinic: ClinicConfig, insured: bool, priority: str | None) -> Line:
    lines = clinic_lines(clinic)
    if priority:
        for line in lines:
            if line.kind == "priority":
                return line
    wanted = (
        "general" if not clinic.separate_insured_line else ("insured" if insured else "self_pay")
    )
    return next(line for line in lines if line.kind == wanted)
