"""One export record -> one validated catalog row, a rejection with its reason, or a section
heading to skip.

Headings: rows with neither a price nor a code whose STT is a Roman numeral or a letter
("I", "II", "A"), whose text is a heading (upper case, "NHÓM …", "PHẦN …", "I. …"), or that
hold a single cell (a merged title). A numbered row that only lacks its price is a data row
and is rejected ("empty price"), never skipped.

Drug-tender columns that have no field of their own (registration number SĐK, manufacturer
and country, pack, dosage form) go into the row's note, which the kiosk shows; they also
tell tender duplicates apart (`variant` labels). A strength column ("Nồng độ, hàm lượng")
is kept in `strength` and added to the name when the name does not already say it, so two
"Paracetamol" rows of 500 mg and 250 mg never look the same.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from kiosk.catalog.categories import service_category
from kiosk.catalog.importing import issues
from kiosk.catalog.importing.headers import Layout, normalise_header
from kiosk.catalog.importing.readers import FormulaScan
from kiosk.catalog.importing.values import cell_text, parse_amount, parse_date
from kiosk.catalog.importing.words import code_key, folded_text, name_words
from kiosk.catalog.models import Category, ImportReport, Kind
from kiosk.catalog.staging import NO_AMOUNT, NO_DATE, STAGED_FIELDS, StagedRow
from kiosk.catalog.store import static_rank
from kiosk.catalog.text import fold

CODE_TT23 = re.compile(r"^\d{2}\.\d{4}\.\d{4}$")
TEXT_FIELDS = (
    "code", "name", "alt_name", "note", "stt", "active_ingredient", "strength", "unit", "route",
    "pack", "registration", "manufacturer", "country", "form",
)  # fmt: skip
_ROMAN_OR_LETTER = re.compile(r"^([IVXLC]+|[A-Za-z])[.)]?$")
_STT = re.compile(r"\s*(\d+)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HEADING_START = re.compile(
    r"^(nhom|phan|chuong|muc|phu luc|danh muc|tong cong|cong|loai)\b|^([ivxlc]+|[a-z])\s*[.):-]\s"
)
FORMULA_REASON = "the price is a formula with no saved value"
_DRUG = str(Category.DRUG)
# a row for the staging table: one C call instead of a dict lookup per column
_staged = operator.itemgetter(*STAGED_FIELDS)


def _is_heading_text(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 3 and all(ch.isupper() for ch in letters):
        return True
    return bool(_HEADING_START.match(fold(text).strip()))


def stt_number(raw: str) -> int | None:
    if not raw:
        return None
    m = _STT.match(raw)
    return int(m.group(1)) if m else None


class RowMapper:
    """Turns records into row dicts (see the module docstring); problems go to the report."""

    def __init__(
        self,
        layout: Layout,
        kind: Kind,
        report: ImportReport,
        file_format: str,
        formulas: FormulaScan | None = None,
        vocab: set[str] | None = None,
    ) -> None:
        self.kind = kind
        self.is_drug = kind == Kind.DRUG
        self.vocab = vocab if vocab is not None else set()  # folded words of names, ingredients
        self.extras: dict[str, str] = {}  # active ingredient -> its folded words
        self.report = report
        self.mapping = layout.mapping
        self.items = list(layout.mapping.items())
        self.text_items = [(f, c) for f, c in self.items if f in TEXT_FIELDS]
        self.other_items = [(f, c) for f, c in self.items if f not in TEXT_FIELDS]
        self.header_of = {f: layout.headers[c] for f, c in layout.mapping.items()}
        self.width = layout.width
        self.check_width = file_format == "csv"
        self.damaged = "damaged" in report.encoding
        self.formulas = formulas if formulas is not None and formulas.cells else None
        self.tt23 = normalised_code_header(self.header_of.get("code", ""))
        self.appendix = 1
        self.last_stt: int | None = None
        self.first_line = 0
        self.has_details = any(
            f in layout.mapping for f in ("form", "pack", "manufacturer", "country", "registration")
        )
        self.formula_rows = 0
        self.formula_first = 0
        # the non-text fields' columns (-1: not in the file), read directly from the record
        get = layout.mapping.get
        self.c_price = layout.mapping["price"]
        self.c_insured = get("insured_price", -1)
        self.c_rate = get("insurance_rate", -1)
        self.dates = [(f, c) for f, c in self.items if f in ("effective_from", "effective_to")]
        self.blank = dict.fromkeys(TEXT_FIELDS, "")

    def map(self, line: int, cells: list[Any]) -> StagedRow | None:
        """The row (`staging.STAGED_FIELDS`), or None when it was rejected or is a heading
        (the report says which)."""
        report = self.report
        if not self.first_line:
            self.first_line = line
        n = len(cells)
        if (
            self.check_width
            and n != self.width
            and (n < self.width or any(cell_text(c) for c in cells[self.width :]))
        ):
            issues.reject(report, line, "", f"{n} fields, the header has {self.width}")
            return None
        if self.damaged:
            bad = [
                f for f, c in self.items if c < n and type(cells[c]) is str and "\ufffd" in cells[c]
            ]
            if bad:
                issues.reject(
                    report, line, self.header_of[bad[0]], f"invalid bytes for {report.encoding}"
                )
                return None
        row: dict[str, Any] = self.blank.copy()
        for fld, c in self.text_items:
            if c < n:
                raw = cells[c]
                if type(raw) is str and raw.isascii():
                    row[fld] = raw.strip()
                elif raw is not None:
                    row[fld] = cell_text(raw)
        raw_price = cells[self.c_price] if self.c_price < n else None
        price_text = cell_text(raw_price) if type(raw_price) is not str else raw_price.strip()
        if not price_text:
            values: dict[str, Any] = {f: cells[c] for f, c in self.other_items if c < n}
            if self.formulas is not None and self.formulas.has(self.c_price, line):
                # counted here, reported once for all of them (importer._formula_summary)
                self.formula_rows += 1
                self.formula_first = self.formula_first or line
                report.rows_rejected += 1
                return None
            if self._heading(line, row, cells, values):
                return None
        name = " ".join(row["name"].split())
        if not name:
            issues.reject(report, line, self.header_of["name"], "empty name")
            return None
        if not price_text:
            issues.reject(report, line, self.header_of["price"], "empty price")
            return None
        problem = self._amounts(row, cells, n, raw_price, price_text)
        if problem:
            issues.reject(report, line, *problem)
            return None
        strength = row["strength"]
        if strength and not _says(name, strength):
            name = f"{name} {strength}"
            report.names_with_strength += 1
        row["name"] = name
        if self.has_details:
            details = _details(row)
            if details:
                row["note"] = f"{row['note']}; {details}" if row["note"] else details
        raw_stt = row.pop("stt")
        stt = int(raw_stt) if raw_stt.isascii() and raw_stt.isdigit() else stt_number(raw_stt)
        if stt is not None:
            if self.last_stt is not None and stt < self.last_stt:
                self.appendix += 1
            self.last_stt = stt
        row["appendix"] = self.appendix
        row["source_line"] = line
        # the search index's own columns too, here rather than in a second pass over the rows
        words, row["fts_marked"] = name_words(name)
        row["name_folded"] = folded = " ".join(words)
        vocab = self.vocab
        vocab.update(words)
        ingredient = row["active_ingredient"]
        extra = self.extras.get(ingredient)
        if extra is None:  # a few hundred ingredients for thousands of drugs
            if len(self.extras) > 50_000:
                self.extras.clear()
            extra = self.extras[ingredient] = folded_text(ingredient)
            vocab.update(extra.split())
        row["fts_extra"] = extra
        alt_name = row["alt_name"]
        if alt_name and (alias := folded_text(alt_name)) != folded:
            row["fts_alias"] = alias  # the TT23 name, when it says more than the name
        else:
            row["fts_alias"] = ""
        row["code_key"] = code_key(row["code"])
        if self.is_drug:
            row["category"] = category = _DRUG
        else:
            row["category"] = category = str(service_category(name, row["code"], None, folded))
            if self.tt23 and row["code"] and not CODE_TT23.match(row["code"]):
                issues.warn(
                    report, line, self.header_of["code"], "code not in the NN.NNNN.NNNN form",
                    row["code"],
                )  # fmt: skip
        row["srank"] = static_rank(category, folded)
        if row["effective_from"] or row["effective_to"]:
            for fld in ("effective_from", "effective_to"):
                row[fld] = row[fld].isoformat() if row[fld] else NO_DATE
        return _staged(row)

    def _heading(
        self, line: int, row: dict[str, Any], cells: list[Any], values: dict[str, Any]
    ) -> bool:
        """A row without a price that is a section heading: counted apart, never rejected."""
        if cell_text(values.get("insured_price")):
            return False
        code = row["code"]
        if code and not _ROMAN_OR_LETTER.match(code):
            return False
        filled = [t for t in (cell_text(c) for c in cells) if t]
        if not filled:
            return False
        stt = row["stt"]
        text = row["name"] or next((t for t in filled if t not in (stt, code)), filled[0])
        if not (
            _ROMAN_OR_LETTER.match(stt)
            or (not stt and len(filled) == 1)
            or _ROMAN_OR_LETTER.match(code)
            or _is_heading_text(text)
        ):
            return False
        issues.heading(self.report, line, " ".join(filled)[:120])
        return True

    def _amounts(
        self, row: dict[str, Any], cells: list[Any], n: int, raw_price: Any, price_text: str
    ) -> tuple[str, str, str] | None:
        header_of = self.header_of
        try:
            row["price"] = parse_amount(raw_price)
        except ValueError as exc:
            return header_of["price"], f"price {exc}", price_text
        if row["price"] <= 0:
            return header_of["price"], "price must be more than 0", price_text
        row["insured_price"] = NO_AMOUNT
        c = self.c_insured
        raw = cells[c] if 0 <= c < n else None
        if type(raw) is str and raw.isdigit() and raw.isascii():  # what parse_amount does first
            row["insured_price"] = int(raw)
        elif raw is not None and raw != "" and (text := cell_text(raw)) != "":
            try:
                row["insured_price"] = parse_amount(raw)
            except ValueError as exc:
                return header_of["insured_price"], f"insured price {exc}", text
            if row["insured_price"] < 0:
                return header_of["insured_price"], "insured price is negative", text
        row["insurance_rate"] = NO_AMOUNT
        c = self.c_rate
        raw = cells[c] if 0 <= c < n else None
        if type(raw) is str and raw.isdigit() and raw.isascii():
            if not 0 <= int(raw) <= 100:
                return header_of["insurance_rate"], "rate must be 0-100 %", raw
            row["insurance_rate"] = int(raw)
        elif raw is not None and raw != "" and (text := cell_text(raw)) != "":
            try:
                rate = parse_amount(text.rstrip("%"))
            except ValueError as exc:
                return header_of["insurance_rate"], f"rate {exc}", text
            if not 0 <= rate <= 100:
                return header_of["insurance_rate"], "rate must be 0-100 %", text
            row["insurance_rate"] = rate
        row["effective_from"] = row["effective_to"] = NO_DATE
        for fld, c in self.dates:
            raw = cells[c] if c < n else None
            if raw is not None and raw != "" and (text := cell_text(raw)) != "":
                try:
                    row[fld] = parse_date(raw)
                except ValueError as exc:
                    return header_of[fld], str(exc), text
        if (
            row["effective_from"]
            and row["effective_to"]
            and row["effective_to"] < row["effective_from"]
        ):
            c = self.mapping["effective_to"]
            return header_of["effective_to"], "ends before it starts", cell_text(cells[c])
        return None


def normalised_code_header(header: str) -> bool:
    return normalise_header(header) == "MA_TUONG_DUONG"


def _says(name: str, strength: str) -> bool:
    """Whether the name already states the strength ("Hapacol 250" and "250 mg": its numbers
    are there; "Paracetamol" and "500mg": not)."""
    if strength.replace(" ", "").lower() in name.replace(" ", "").lower():
        return True
    numbers = _NUMBER.findall(strength)
    if numbers:
        in_name = set(_NUMBER.findall(name))
        return all(n in in_name for n in numbers)
    return fold(strength).replace(" ", "") in fold(name).replace(" ", "")


def _details(row: dict[str, Any]) -> str:
    """Tender columns without a field of their own, for the note the kiosk shows."""
    parts = []
    if row["form"]:
        parts.append(f"Dạng bào chế: {row['form']}")
    if row["pack"]:
        parts.append(f"Quy cách: {row['pack']}")
    maker = row["manufacturer"]
    if row["country"]:
        maker = f"{maker} ({row['country']})" if maker else row["country"]
    if maker:
        parts.append(f"Sản xuất: {maker}")
    if row["registration"]:
        parts.append(f"SĐK: {row['registration']}")
    return "; ".join(parts)
