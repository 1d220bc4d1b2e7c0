"""Catalog values: items, categories and import reports (no Qt, no I/O)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SERVICE = "service"
    DRUG = "drug"


class Category(StrEnum):
    """What a patient browses by. The order is the order of the browse buttons."""

    EXAM = "exam"
    BED = "bed"
    IMAGING = "imaging"
    LABORATORY = "laboratory"
    PROCEDURE = "procedure"  # procedures and surgery
    DRUG = "drug"


CATEGORY_NAMES: dict[Category, tuple[str, str]] = {
    Category.EXAM: ("Khám bệnh", "Examination"),
    Category.BED: ("Ngày giường", "Bed day"),
    Category.IMAGING: ("Chẩn đoán hình ảnh", "Imaging"),
    Category.LABORATORY: ("Xét nghiệm", "Laboratory"),
    Category.PROCEDURE: ("Thủ thuật, phẫu thuật", "Procedures and surgery"),
    Category.DRUG: ("Thuốc", "Drugs"),
}


@dataclass(frozen=True)
class CatalogItem:
    """One priced row of the active catalog. Prices are integers in VND."""

    id: int
    kind: str  # Kind value: "service" | "drug"
    code: str
    name: str
    hospital_price: int  # DON_GIA: what a patient without insurance pays
    insured_price: int | None  # DON_GIA_BH: the price the fund recognises; None = not listed
    note: str
    category: str  # Category value
    alt_name: str = ""  # services: technique name in Thông tư 23/2024 (TEN_DVKT_TT23)
    variant: str = ""  # label of a price variant when the same code has several prices
    active_ingredient: str = ""  # drugs: TEN_HOAT_CHAT
    strength: str = ""  # drugs: HAM_LUONG
    unit: str = ""  # drugs: DON_VI_TINH
    route: str = ""  # drugs: DUONG_DUNG
    insurance_rate: int | None = None  # drugs: TYLE_TT_BH, percent of the insured price covered
    effective_from: date | None = None
    effective_to: date | None = None
    version_id: int = 0
    source_line: int = 0

    def estimate_basis(self) -> tuple[int, bool]:
        """The insured price to estimate with, and whether it was assumed.

        No DON_GIA_BH listed (e.g. the demo price list): assume the hospital price, and say so.
        Drugs with a TYLE_TT_BH rate: the fund recognises that share of the insured price.
        """
        assumed = self.insured_price is None
        basis = self.hospital_price if self.insured_price is None else self.insured_price
        if self.insurance_rate is not None:
            basis = (basis * self.insurance_rate + 50) // 100
        return basis, assumed

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("effective_from", "effective_to"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


@dataclass(frozen=True)
class RowIssue:
    """A row that was not imported (or imported with a warning): where and why."""

    line: int  # 1-based line (CSV) or row (XLSX) in the file; 0 = the whole file
    column: str  # the file's header of the offending column, "" when not one column
    reason: str
    value: str = ""


@dataclass(frozen=True)
class VariantGroup:
    """Rows sharing one code (or one name when there is no code) with different prices."""

    key: str
    lines: tuple[int, ...]
    prices: tuple[int, ...]
    labels: tuple[str, ...] = ()  # what tells the rows apart (strength, pack, maker, bracket)


@dataclass
class ImportReport:
    path: str
    kind: str
    file_format: str = ""  # csv | xlsx
    encoding: str = ""  # what was detected, e.g. "utf-8-sig (BOM)"
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> header in the file
    sheet: str = ""  # xlsx: the sheet the rows came from
    other_sheets: list[str] = field(default_factory=list)  # xlsx: the sheets not used
    columns_ignored: list[str] = field(default_factory=list)  # headers no field was given to
    rows_in_file: int = 0  # data rows (header, headings and blank lines excluded)
    rows_imported: int = 0
    rows_rejected: int = 0
    rows_headings: int = 0  # section headings ("I", "NHÓM 1 …") without a price: skipped
    blank_lines: int = 0
    formula_cells: int = 0  # xlsx: formulas without a saved value in the imported columns
    names_with_strength: int = 0  # names the strength column was added to ("… 500 mg")
    rejected: list[RowIssue] = field(default_factory=list)  # the first 5,000
    rejected_not_listed: int = 0
    warnings: list[RowIssue] = field(default_factory=list)  # the first 5,000
    warnings_not_listed: int = 0
    headings: list[RowIssue] = field(default_factory=list)  # the first 5,000
    variants: list[VariantGroup] = field(default_factory=list)  # the first 5,000 groups
    duplicates: list[VariantGroup] = field(default_factory=list)  # same key, same price
    variant_groups: int = 0  # all groups, listed or not
    duplicate_groups: int = 0
    fatal: str = ""  # why nothing was imported (the active catalog is untouched)
    version_id: int | None = None
    activated: bool = False
    effective_from: date | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.fatal and self.activated

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["effective_from"] = self.effective_from.isoformat() if self.effective_from else None
        out["ok"] = self.ok
        return out

    def summary(self) -> str:
        if self.fatal:
            return f"{self.path}: not imported: {self.fatal}"
        state = "active" if self.activated else "NOT activated"
        return (
            f"{self.path}: {self.rows_in_file} rows: {self.rows_imported} imported, "
            f"{self.rows_rejected} rejected, {self.rows_headings} section headings skipped; "
            f"{self.variant_groups} price-variant groups, {self.duplicate_groups} duplicate "
            f"groups; encoding {self.encoding or '-'}; "
            f"version {self.version_id} {state}"
        )
