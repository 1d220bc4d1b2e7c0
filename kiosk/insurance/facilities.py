"""Names of health facilities by their 5-digit code (MA_DKBD, MA_CSKCB), for the screen.

A patient reads "Trạm Y tế phường Lạch Tray", not "31012". The shipped list
(assets/facilities/facilities.csv) is extended or overridden by the one IT imported into the
data directory (`kiosk facilities import`). Plain CSV with the standard library: the list is
a few thousand rows at most and read once at start.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.insurance.decision import facility_code

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "facilities" / "facilities.csv"
IMPORTED_NAME = "facilities.csv"
CODE_COLUMNS = ("ma_cskcb", "ma_dkbd", "ma", "code")
NAME_COLUMNS = ("ten_cskcb", "ten_dkbd", "ten", "name")
PROVINCE_COLUMNS = ("tinh", "province")


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    province: str = ""


@dataclass
class ParseReport:
    facilities: dict[str, Facility] = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def parse_csv(text: str) -> ParseReport:
    """Every row it can use; every row it cannot, with its line number and why."""
    report = ParseReport()
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)
    header = {h.strip().lower(): h for h in (reader.fieldnames or []) if h}
    code_col = next((header[c] for c in CODE_COLUMNS if c in header), None)
    name_col = next((header[c] for c in NAME_COLUMNS if c in header), None)
    province_col = next((header[c] for c in PROVINCE_COLUMNS if c in header), None)
    if code_col is None or name_col is None:
        report.rejected.append((1, "header needs a code column and a name column"))
        return report
    for row in reader:
        line = reader.line_num
        code = facility_code((row.get(code_col) or "").strip())
        name = " ".join((row.get(name_col) or "").split())
        if code is None:
            report.rejected.append((line, "the code is not 5 digits"))
        elif not name:
            report.rejected.append((line, "no name"))
        else:
            if code in report.facilities and report.facilities[code].name != name:
                report.rejected.append((line, f"code {code} repeated with another name"))
                continue
            province = " ".join((row.get(province_col) or "").split()) if province_col else ""
            report.facilities[code] = Facility(code, name, province)
    return report


class FacilityDirectory:
    def __init__(self, facilities: dict[str, Facility] | None = None) -> None:
        self.facilities = dict(facilities or {})

    @classmethod
    def load(cls, data_dir: Path | None = None) -> FacilityDirectory:
        """The shipped list, then IT's imported list over it. Never raises."""
        merged: dict[str, Facility] = {}
        for path in (SHIPPED, data_dir / IMPORTED_NAME if data_dir else None):
            if path is None or not path.is_file():
                continue
            try:
                report = parse_csv(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("facility list %s unreadable: %s", path.name, type(exc).__name__)
                continue
            merged.update(report.facilities)
        return cls(merged)

    def name(self, code: str | None) -> str | None:
        normal = facility_code(code) if code else None
        facility = self.facilities.get(normal) if normal else None
        return facility.name if facility else None

    def describe(self, code: str | None) -> str:
        """'Trạm Y tế phường Lạch Tray (31012)'; the code alone when it is not in the list."""
        if not code:
            return ""
        name = self.name(code)
        normal = facility_code(code) or code
        return f"{name} ({normal})" if name else normal


def import_csv(source: Path, data_dir: Path) -> ParseReport:
    """Validates `source` and writes the usable rows to `<data_dir>/facilities.csv`."""
    report = parse_csv(source.read_text(encoding="utf-8-sig"))
    if report.facilities:
        data_dir.mkdir(parents=True, exist_ok=True)
        target = data_dir / IMPORTED_NAME
        partial = target.with_suffix(".csv.part")
        with partial.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["ma_cskcb", "ten_cskcb", "tinh"])
            for f in sorted(report.facilities.values(), key=lambda f: f.code):
                writer.writerow([f.code, f.name, f.province])
        partial.replace(target)
    return report
