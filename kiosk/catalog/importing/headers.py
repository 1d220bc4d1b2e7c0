"""Finding the header of a hospital export and what each of its columns means.

Exports put up to a few dozen title lines above the header (ministry, hospital, decision
number, date), name columns in full Vietnamese ("Nồng độ, hàm lượng", "Đơn giá trúng thầu
(có VAT)"), or as HIS field names (`DON_GIA_BH`), and split one heading over two rows
("Mức giá (đồng)" over "Giá BHYT" | "Giá không BHYT", the upper cell merged across both).
A header is searched in the first `HEADER_SEARCH` records; each candidate row is read alone
and together with the row under it (the upper cell carried across its merged span); the
reading that maps the required fields and the most columns wins. A row of column numbers
("(1)", "(2)" …) right under the header is skipped.

Headers are compared folded and upper case with non-alphanumerics as "_" ("Đơn giá (VNĐ)"
→ `DON_GIA_VND`, also tried without the bracket: `DON_GIA`): first the exact names below,
then keyword rules (`KEYWORD_RULES`). Config `column_map` / `--map` names anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.catalog.importing.decoding import FatalImportError
from kiosk.catalog.models import Kind
from kiosk.catalog.text import fold

HEADER_SEARCH = 60

SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("MA_TUONG_DUONG", "MA_DICH_VU", "MA_DVKT", "MA_DV", "MA"),
    "name": ("TEN_DICH_VU", "TEN_DVKT", "TEN_DV", "TEN"),
    "alt_name": ("TEN_DVKT_TT23", "TEN_TT23", "TEN_KY_THUAT"),
}
DRUG_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("MA_THUOC", "MA"),
    "name": ("TEN_THUOC", "TEN_BIET_DUOC", "TEN"),
    "active_ingredient": ("TEN_HOAT_CHAT", "HOAT_CHAT"),
    "route": ("DUONG_DUNG",),
    "insurance_rate": ("TYLE_TT_BH", "TY_LE_TT_BH", "TYLE_TT"),
}
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "stt": ("STT", "TT", "SO_TT"),
    "price": ("DON_GIA", "GIA", "DON_GIA_BV", "GIA_DICH_VU", "GIA_BAN"),
    "insured_price": ("DON_GIA_BH", "DON_GIA_BHYT", "GIA_BHYT", "GIA_BH"),
    "note": ("GHI_CHU",),
    "strength": ("HAM_LUONG", "NONG_DO_HAM_LUONG", "NONG_DO"),
    "unit": ("DON_VI_TINH", "DVT", "DON_VI"),
    "pack": ("QUY_CACH", "QUY_CACH_DONG_GOI", "DONG_GOI"),
    "registration": ("SDK", "SO_DANG_KY", "SO_DK", "GPNK", "SDK_GPNK"),
    "manufacturer": ("HANG_SAN_XUAT", "NHA_SAN_XUAT", "CO_SO_SAN_XUAT", "HANG_SX", "NHA_SX"),
    "country": ("NUOC_SAN_XUAT", "NUOC_SX", "XUAT_XU"),
    "form": ("DANG_BAO_CHE",),
    "effective_from": ("TU_NGAY", "NGAY_HIEU_LUC", "HIEU_LUC_TU", "NGAY_AP_DUNG"),
    "effective_to": ("DEN_NGAY", "HIEU_LUC_DEN", "NGAY_HET_HIEU_LUC"),
}
REQUIRED = ("name", "price")
FIELD_LABELS = {"name": "name (TEN_DICH_VU / TEN_THUOC)", "price": "price (DON_GIA)"}
NOT_A_FIELD = re.compile(r"(^|_)(THANH_TIEN|SO_LUONG|TONG|GIA_TRI|TRI_GIA)(_|$)")

# (field, regular expression on the normalised header): tried in order after the exact names.
KEYWORD_RULES: tuple[tuple[str, str], ...] = (
    ("stt", r"^(STT|SO_THU_TU|TT)(_.*)?$"),
    ("insured_price", r"^(?!.*KHONG)(DON_|MUC_)?GIA(_.*)?_(BHYT|BH)(_|$)"),
    ("price", r"^(DON_GIA|GIA|MUC_GIA)(_.*)?$"),
    ("insurance_rate", r"(^|_)(TY_LE|TYLE)(_|$)"),
    ("alt_name", r"^TEN_.*(TT23|TT_23|THONG_TU)"),
    ("active_ingredient", r"^(TEN_)?HOAT_CHAT|^THANH_PHAN"),
    ("strength", r"HAM_LUONG|NONG_DO"),
    ("registration", r"^(SDK|SO_DANG_KY|SO_DK|GPNK|SO_GPLH|GIAY_PHEP)"),
    ("country", r"^(NUOC_SAN_XUAT|NUOC_SX|XUAT_XU)"),
    ("manufacturer", r"SAN_XUAT|(^|_)SX($|_)"),
    ("pack", r"QUY_CACH|DONG_GOI"),
    ("form", r"DANG_BAO_CHE"),
    ("unit", r"^DON_VI"),
    ("route", r"^DUONG_DUNG"),
    ("note", r"^GHI_CHU"),
    ("effective_from", r"^(TU_NGAY|NGAY_HIEU_LUC|HIEU_LUC_TU|NGAY_AP_DUNG|NGAY_BAT_DAU)"),
    ("effective_to", r"^(DEN_NGAY|HIEU_LUC_DEN|NGAY_HET)"),
)
SERVICE_RULES: tuple[tuple[str, str], ...] = (
    ("code", r"^MA_(TUONG_DUONG|DICH_VU|DVKT|DV|KY_THUAT|BYT)"),
    ("name", r"^(TEN_DICH_VU|TEN_DVKT|TEN_DV|TEN_KY_THUAT|DANH_MUC_DICH_VU|DICH_VU_KY_THUAT)"),
)
DRUG_RULES: tuple[tuple[str, str], ...] = (
    ("code", r"^MA_(THUOC|BIET_DUOC|VAT_TU)"),
    ("name", r"^TEN_(THUOC|BIET_DUOC|THUONG_MAI|THANH_PHAM|HANG_HOA)"),
)
_NUMBERING = re.compile(r"^\(?\s*(\d{1,2}|[A-Za-z])\s*\)?(\s*[=+x*/-].*)?$")


def normalise_header(text: str) -> str:
    return re.sub(r"[^0-9A-Z]+", "_", fold(str(text)).upper()).strip("_")


def aliases(kind: str) -> dict[str, tuple[str, ...]]:
    table = dict(COMMON_ALIASES)
    table.update(SERVICE_ALIASES if kind == Kind.SERVICE else DRUG_ALIASES)
    return table


def _rules(kind: str) -> list[tuple[str, re.Pattern[str]]]:
    own = SERVICE_RULES if kind == Kind.SERVICE else DRUG_RULES
    return [(f, re.compile(p)) for f, p in (*own, *KEYWORD_RULES)]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())


@dataclass
class Layout:
    """Where the header is and which column holds which field."""

    header_index: int  # index of the (upper) header record in the records searched
    data_index: int  # index of the first data record
    mapping: dict[str, int]  # canonical field -> column
    headers: list[str]  # the header text of each column (two-level: "upper / lower")
    width: int  # number of cells of the header record (CSV field count check)
    numbering_line: int = 0  # a "(1) (2) (3)" row under the header (skipped), 0 = none
    ignored: list[str] = field(default_factory=list)  # headers no field was given to


class HeaderMatcher:
    """Maps header texts to canonical fields for one kind and one column map."""

    def __init__(self, kind: str, column_map: Mapping[str, str]) -> None:
        self.table = aliases(kind)
        self.exact: dict[str, str] = {}
        for fld, names in self.table.items():
            for name in names:
                self.exact.setdefault(name, fld)
        self.rules = _rules(kind)
        self.extra: dict[str, str] = {}
        for header, target in column_map.items():
            norm = normalise_header(target)
            fld = self.exact.get(norm, target if target in self.table else "")
            if fld:
                self.extra[normalise_header(header)] = fld

    def field_of(self, labels: Sequence[str]) -> tuple[int, str] | None:
        """(how sure, field) for a column known by these labels (most specific first)."""
        for label in labels:
            full = normalise_header(label)
            if not full:
                continue
            if full in self.extra:
                return 0, self.extra[full]
            short = normalise_header(re.sub(r"\([^)]*\)", " ", label)) or full
            for level, norm in ((1, full), (2, short)):
                if norm in self.exact:
                    return level, self.exact[norm]
            if NOT_A_FIELD.search(short):
                continue
            for fld, pattern in self.rules:
                if pattern.search(short):
                    return 3, fld
        return None

    def map_columns(self, columns: Sequence[Sequence[str]]) -> dict[str, int]:
        best: dict[str, tuple[int, int]] = {}
        for col, labels in enumerate(columns):
            found = self.field_of(labels)
            if found is None:
                continue
            level, fld = found
            if fld not in best or (level, col) < best[fld]:
                best[fld] = (level, col)
        return {fld: col for fld, (_level, col) in sorted(best.items(), key=lambda kv: kv[1][1])}


def _score(mapping: Mapping[str, int]) -> int:
    return len(mapping) + (100 if all(k in mapping for k in REQUIRED) else 0)


def _looks_like_data(cells: Sequence[str]) -> bool:
    """A row holding amounts (not a second header row)."""
    amounts = sum(1 for c in cells if re.fullmatch(r"[\d.,\s]{4,}(đ|vnđ)?", c, re.I))
    return amounts > 0


def _two_level(upper: Sequence[str], lower: Sequence[str]) -> list[list[str]]:
    """Labels of each column from two header rows: the lower text, "upper lower", the upper
    text; an empty upper cell over a filled lower one belongs to the merged cell on its left."""
    width = max(len(upper), len(lower))
    out: list[list[str]] = []
    carried = ""
    for col in range(width):
        top = upper[col] if col < len(upper) else ""
        bottom = lower[col] if col < len(lower) else ""
        if top:
            carried = top
        elif bottom:
            top = carried
        else:
            carried = ""
        labels = [bottom, f"{top} {bottom}"] if bottom else []
        if top:
            labels.append(top)
        out.append(labels)
    return out


def find_layout(records: Sequence[tuple[int, Sequence[Any]]], matcher: HeaderMatcher) -> Layout:
    """The best header among the first records; FatalImportError when required columns lack."""
    if not records:
        raise FatalImportError("the file is empty (no header, no rows)")
    texts = [[_cell_text(c) for c in cells] for _line, cells in records[:HEADER_SEARCH]]
    best: tuple[int, Layout] | None = None
    singles = [matcher.map_columns([[t] if t else [] for t in row]) for row in texts]
    for index, row in enumerate(texts):
        candidates = [(singles[index], [[t] if t else [] for t in row], index + 1)]
        if (
            index + 1 < len(texts)
            and sum(1 for t in row if t) >= 2  # not a title line
            and not _looks_like_data(texts[index + 1])
        ):
            columns = _two_level(row, texts[index + 1])
            two = matcher.map_columns(columns)
            if _score(two) > max(_score(singles[index]), _score(singles[index + 1])):
                candidates.append((two, columns, index + 2))
        for cand_map, columns, data_index in candidates:
            score = _score(cand_map)
            if best is None or score > best[0]:
                headers = [" / ".join(dict.fromkeys(c[-1:] + c[:1])) if c else "" for c in columns]
                best = (score, Layout(index, data_index, cand_map, headers, len(records[index][1])))
    assert best is not None
    layout = best[1]
    missing = [f for f in REQUIRED if f not in layout.mapping]
    if missing:
        found = ", ".join(h for h in layout.headers if h) or "(none)"
        names = "; ".join(FIELD_LABELS[f] for f in missing)
        raise FatalImportError(
            f"missing column(s): {names}; headers found: {found}. "
            "Name them in [catalog] column_map if the file uses other headers"
        )
    if layout.data_index < len(texts):
        row = [t for t in texts[layout.data_index] if t]
        if row and all(_NUMBERING.match(t) for t in row) and len(row) >= 2:
            layout.numbering_line = records[layout.data_index][0]
            layout.data_index += 1
    used = set(layout.mapping.values())
    layout.ignored = [h for c, h in enumerate(layout.headers) if h and c not in used]
    return layout
