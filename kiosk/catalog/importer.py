"""Reading hospital catalog exports (CSV and XLSX) into validated rows.

Nothing here touches the database: `read_catalog()` returns the rows that can be imported
and an `ImportReport` naming every row that cannot (line, column, reason), or a fatal reason
that stops the whole file (empty, truncated, undecodable, missing columns). The store
writes the rows as a new catalog version only when nothing fatal was found.

Text encodings are detected in this order: a byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16
without a mark (NUL bytes in every other position), strict UTF-8, UTF-8 with a few damaged
bytes (those rows are rejected), then Windows-1258 (`cp1258`) when the decoded text looks
like Vietnamese; anything else (TCVN3/VNI fonts, other code pages) is refused with a reason.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kiosk.catalog.categories import service_category
from kiosk.catalog.models import Category, ImportReport, Kind, RowIssue, VariantGroup
from kiosk.catalog.text import code_key, fold, folded_words

# Canonical fields and the export headers that name them (normalised: folded, upper case,
# non-alphanumerics as "_"). Config `column_map` adds "header = EXPORT_NAME" pairs.
SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("MA_TUONG_DUONG", "MA_DICH_VU", "MA_DVKT", "MA_DV", "MA"),
    "name": ("TEN_DICH_VU", "TEN_DVKT", "TEN_DV", "TEN"),
    "alt_name": ("TEN_DVKT_TT23", "TEN_TT23", "TEN_KY_THUAT"),
}
DRUG_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("MA_THUOC", "MA"),
    "name": ("TEN_THUOC", "TEN_BIET_DUOC", "TEN"),
    "active_ingredient": ("TEN_HOAT_CHAT", "HOAT_CHAT"),
    "strength": ("HAM_LUONG",),
    "unit": ("DON_VI_TINH", "DVT"),
    "route": ("DUONG_DUNG",),
    "insurance_rate": ("TYLE_TT_BH", "TY_LE_TT_BH", "TYLE_TT"),
}
COMMON_ALIASES: dict[str, tuple[str, ...]] = {
    "stt": ("STT",),
    "price": ("DON_GIA", "GIA", "DON_GIA_BV", "GIA_DICH_VU", "GIA_BAN"),
    "insured_price": ("DON_GIA_BH", "DON_GIA_BHYT", "GIA_BHYT", "GIA_BH"),
    "note": ("GHI_CHU",),
    "effective_from": ("TU_NGAY", "NGAY_HIEU_LUC", "HIEU_LUC_TU", "NGAY_AP_DUNG"),
    "effective_to": ("DEN_NGAY", "HIEU_LUC_DEN", "NGAY_HET_HIEU_LUC"),
}
REQUIRED = ("name", "price")
FIELD_LABELS = {"name": "name (TEN_DICH_VU / TEN_THUOC)", "price": "price (DON_GIA)"}
CODE_TT23 = re.compile(r"^\d{2}\.\d{4}\.\d{4}$")
MAX_HEADER_SEARCH = 10
_VIET_MARKS = {0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0x0302, 0x0306, 0x031B}
_ALLOWED_SYMBOLS = set("–—‘’“”…•°±×÷≤≥µ²³½¼¾§€®©™\u00a0")


class FatalImportError(Exception):
    """The file cannot be imported at all."""


@dataclass
class ParsedRow:
    line: int
    fields: dict[str, Any] = field(default_factory=dict)


def aliases(kind: str) -> dict[str, tuple[str, ...]]:
    table = dict(COMMON_ALIASES)
    table.update(SERVICE_ALIASES if kind == Kind.SERVICE else DRUG_ALIASES)
    return table


def normalise_header(text: str) -> str:
    return re.sub(r"[^0-9A-Z]+", "_", fold(str(text)).upper()).strip("_")


# ----------------------------------------------------------------------------- decoding


def _is_vietnamese_char(ch: str) -> bool:
    if ch in "đĐ":
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(ord(m) in _VIET_MARKS for m in marks)


def _unusual_chars(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if not ch.isascii() and ch not in _ALLOWED_SYMBOLS and not _is_vietnamese_char(ch)
    ]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and a description of the encoding detected."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FatalImportError("the file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(
            data[3:], "utf-8", "utf-8-sig (UTF-8 with BOM)"
        ), "utf-8-sig (UTF-8 with BOM)"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            desc = f"utf-16 ({'LE' if codec.endswith('le') else 'BE'}, with BOM)"
            return _strict(data[2:], codec, desc), desc
    sample = data[:4000]
    if sample.count(b"\x00") > len(sample) // 4:
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        desc = f"utf-16 ({'LE' if codec.endswith('le') else 'BE'}, no BOM)"
        return _strict(data, codec, desc), desc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            raise FatalImportError(
                "the file ends in the middle of a UTF-8 character: it is truncated"
            ) from None
    else:
        _refuse_mojibake(text)
        return text, "utf-8"
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    good = sum(1 for ch in replaced if not ch.isascii() and ch != "\ufffd")
    damaged_utf8 = f"utf-8 ({bad} damaged byte sequence{'s' if bad != 1 else ''})"
    if good >= 20 * bad:
        return replaced, damaged_utf8
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError as exc:
        if good > bad:  # mostly valid UTF-8: reject the damaged rows only
            return replaced, damaged_utf8
        raise FatalImportError(
            f"the text is neither UTF-8 nor Windows-1258 (byte 0x{data[exc.start]:02X} at "
            f"offset {exc.start}); save the file as UTF-8 CSV"
        ) from None
    odd = _unusual_chars(text)
    non_ascii = sum(1 for ch in text if not ch.isascii())
    if len(odd) > max(2, non_ascii // 100):
        if good > bad:
            return replaced, damaged_utf8
        sample_chars = " ".join(sorted(set(odd))[:8])
        raise FatalImportError(
            "wrong encoding: the text is not UTF-8, and read as Windows-1258 it does not look "
            f"like Vietnamese ({len(odd)} unusual characters such as {sample_chars}); it may be "
            "TCVN3 (ABC), VNI or a damaged file: save it as UTF-8 CSV"
        )
    return text, "cp1258 (Windows-1258)"


def _mojibake_words(text: str) -> tuple[int, int, str]:
    """(words that are UTF-8 read as Windows-1252, words with letters beyond ASCII, an example)."""
    bad, total, example = 0, 0, ""
    for word in dict.fromkeys(re.findall(r"\S*[^\x00-\x7f]\S*", text)):  # file order
        total += 1
        try:
            fixed = word.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != word:
            bad += 1
            example = example or f"{word[-24:]!r} for {fixed[-24:]!r}"
    return bad, total, example


def _refuse_mojibake(text: str) -> None:
    """A UTF-8 file opened as Windows-1252 and saved again as UTF-8 ("Há»“i" for "Hồi") decodes
    cleanly but every Vietnamese name in it is garbage: refuse it, with the way out."""
    bad, total, example = _mojibake_words(text)
    if bad >= 3 and bad * 5 >= total:
        raise FatalImportError(
            f"the text is garbled: {bad} of {total} words look like UTF-8 read as Windows-1252 "
            f"(e.g. {example}); open the original file and save it as UTF-8 CSV"
        )


def _strict(data: bytes, codec: str, desc: str) -> str:
    if codec.startswith("utf-16") and len(data) % 2:
        raise FatalImportError(f"{desc}: odd number of bytes: the file is truncated")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FatalImportError(f"{desc}: invalid bytes at offset {exc.start}") from None


def sniff_delimiter(lines: Sequence[str]) -> str:
    best, best_score = ",", -1
    for delim in (",", ";", "\t", "|"):
        counts = [_count_outside_quotes(line, delim) for line in lines if line.strip()]
        if not counts:
            continue
        score = min(counts)
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            n += 1
    return n


# ----------------------------------------------------------------------------- values


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


def _text(raw: Any) -> str:
    if type(raw) is str:
        if raw.isascii() or unicodedata.is_normalized("NFC", raw):
            return raw.strip()
        return unicodedata.normalize("NFC", raw).strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return unicodedata.normalize("NFC", str(raw)).strip()


# ----------------------------------------------------------------------------- reading


@dataclass
class ReadResult:
    report: ImportReport
    rows: list[dict[str, Any]]


def read_catalog(
    path: str | Path, kind: str, column_map: Mapping[str, str] | None = None
) -> ReadResult:
    """Reads and validates a catalog file. Fatal problems are in `report.fatal`."""
    path = Path(path)
    kind = Kind(kind)
    report = ImportReport(path=str(path), kind=str(kind))
    try:
        records = _records(path, report)
        rows = _validate(records, kind, column_map or {}, report)
    except FatalImportError as exc:
        report.fatal = str(exc)
        return ReadResult(report, [])
    except OSError as exc:
        report.fatal = f"cannot read the file ({exc.strerror or exc})"
        return ReadResult(report, [])
    return ReadResult(report, rows)


def _records(path: Path, report: ImportReport) -> list[tuple[int, list[Any]]]:
    """(line, cells) for every non-blank record, header included."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        report.file_format = "xlsx"
        return _xlsx_records(path, data, report)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FatalImportError("old binary Excel (.xls) is not supported: save as .xlsx or CSV")
    report.file_format = "csv"
    text, report.encoding = decode_bytes(data)
    lines = text.splitlines()
    report.delimiter = sniff_delimiter(lines[:MAX_HEADER_SEARCH])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=report.delimiter, strict=True)
    out: list[tuple[int, list[Any]]] = []
    try:
        end = 0  # physical line where the previous record ended
        for cells in reader:
            line, end = end + 1, reader.line_num  # a record starts right after the previous one
            if not "".join(cells).strip():
                report.blank_lines += 1
                continue
            out.append((line, cells))
    except csv.Error as exc:
        raise FatalImportError(
            f"line {reader.line_num}: broken CSV ({exc}); the file may be truncated"
        ) from None
    if out and not text.endswith(("\n", "\r")):
        header_len = len(out[0][1])
        if len(out) > 1 and len(out[-1][1]) < header_len:
            raise FatalImportError(
                f"line {out[-1][0]}: the last row has {len(out[-1][1])} of {header_len} fields "
                "and no line break: the file is truncated"
            )
        if len(out) > 1:
            # all fields there, but the last one may be cut (1.734.600 read as 17.346): the row
            # is left out and said so, never stored with a price nobody wrote
            line = out.pop()[0]
            _reject(
                report,
                line,
                "",
                "the file ends inside this row without a line break: it may be cut, so the row "
                "was not imported (check the end of the file)",
            )
    return out


def _xlsx_records(path: Path, data: bytes, report: ImportReport) -> list[tuple[int, list[Any]]]:
    import openpyxl  # imported here: only XLSX imports pay for it

    report.encoding = "xlsx (UTF-8 XML)"
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FatalImportError(
            f"not a readable XLSX workbook (truncated or damaged: {exc})"
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise FatalImportError("the workbook has no sheet")
        out: list[tuple[int, list[Any]]] = []
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = list(cells)
                if not any(v is not None and str(v).strip() for v in values):
                    report.blank_lines += 1
                    continue
                out.append((number, values))
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise FatalImportError(f"the workbook is damaged or truncated ({exc})") from None
    finally:
        book.close()
    return out


def _find_header(
    records: list[tuple[int, list[Any]]], table: dict[str, tuple[str, ...]], extra: dict[str, str]
) -> tuple[int, dict[str, int], list[str]]:
    best: tuple[int, int, dict[str, int], list[str]] | None = None
    for index, (_line, cells) in enumerate(records[:MAX_HEADER_SEARCH]):
        headers = [_text(c) for c in cells]
        mapping = _map_headers(headers, table, extra)
        score = len(mapping) + (10 if all(k in mapping for k in REQUIRED) else 0)
        if best is None or score > best[0]:
            best = (score, index, mapping, headers)
    assert best is not None
    return best[1], best[2], best[3]


def _map_headers(
    headers: list[str], table: dict[str, tuple[str, ...]], extra: dict[str, str]
) -> dict[str, int]:
    by_export: dict[str, str] = {}
    for fld, names in table.items():
        for name in names:
            by_export.setdefault(name, fld)
    mapping: dict[str, int] = {}
    for fld in table:  # preference: the order of the aliases (MA_TUONG_DUONG before MA_DICH_VU)
        for name in table[fld]:
            for col, header in enumerate(headers):
                if col in mapping.values() or fld in mapping:
                    continue
                norm = normalise_header(header)
                target = extra.get(norm)
                if target is not None:
                    continue  # mapped explicitly below
                if norm == name:
                    mapping[fld] = col
    for col, header in enumerate(headers):
        target = extra.get(normalise_header(header))
        if target is None:
            continue
        fld = by_export.get(normalise_header(target), target if target in table else "")
        if fld:
            mapping[fld] = col
    return mapping


def _validate(
    records: list[tuple[int, list[Any]]],
    kind: Kind,
    column_map: Mapping[str, str],
    report: ImportReport,
) -> list[dict[str, Any]]:
    if not records:
        raise FatalImportError("the file is empty (no header, no rows)")
    table = aliases(kind)
    extra = {normalise_header(k): v for k, v in column_map.items()}
    header_index, mapping, headers = _find_header(records, table, extra)
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        found = ", ".join(h for h in headers if h) or "(none)"
        names = "; ".join(FIELD_LABELS[f] for f in missing)
        raise FatalImportError(
            f"missing column(s): {names}; headers found: {found}. "
            "Name them in [catalog] column_map if the file uses other headers"
        )
    for line, _cells in records[:header_index]:
        report.warnings.append(RowIssue(line, "", "line above the header skipped"))
    report.columns = {f: headers[c] for f, c in sorted(mapping.items(), key=lambda kv: kv[1])}
    data = records[header_index + 1 :]
    report.rows_in_file = len(data)
    if not data:
        raise FatalImportError("the file has a header but no rows")
    rows: list[dict[str, Any]] = []
    width = len(headers)
    appendix, last_stt = 1, None
    header_of = {f: headers[c] for f, c in mapping.items()}
    damaged = "damaged" in report.encoding
    for line, cells in data:
        if (
            report.file_format == "csv"
            and len(cells) != width
            and (len(cells) < width or any(_text(c) for c in cells[width:]))
        ):
            _reject(report, line, "", f"{len(cells)} fields, the header has {width}")
            continue
        if damaged:
            bad = [f for f, c in mapping.items() if c < len(cells) and "\ufffd" in str(cells[c])]
            if bad:
                _reject(report, line, header_of[bad[0]], f"invalid bytes for {report.encoding}")
                continue
        row, problem = _row(cells, mapping, kind, header_of)
        if problem:
            _reject(report, line, problem[0], problem[1], problem[2])
            continue
        stt = _stt_number(row.pop("stt", ""))
        if stt is not None:
            if last_stt is not None and stt < last_stt:
                appendix += 1
            last_stt = stt
        row["appendix"] = appendix
        row["source_line"] = line
        row["name_folded"] = folded_words(row["name"])
        row["code_key"] = code_key(row["code"])
        if (
            kind == Kind.SERVICE
            and row["code"]
            and header_of.get("code", "").upper() == "MA_TUONG_DUONG"
            and not CODE_TT23.match(row["code"])
        ):
            report.warnings.append(
                RowIssue(line, header_of["code"], "code not in the NN.NNNN.NNNN form", row["code"])
            )
        rows.append(row)
    _categorise(rows, kind, appendices=appendix)
    _variants(rows, report)
    report.rows_imported = len(rows)
    return rows


def _reject(report: ImportReport, line: int, column: str, reason: str, value: str = "") -> None:
    report.rejected.append(RowIssue(line, column, reason, value))
    report.rows_rejected += 1


_STT = re.compile(r"\s*(\d+)")


def _stt_number(raw: str) -> int | None:
    if not raw:
        return None
    m = _STT.match(raw)
    return int(m.group(1)) if m else None


TEXT_FIELDS = (
    "code",
    "name",
    "alt_name",
    "note",
    "stt",
    "active_ingredient",
    "strength",
    "unit",
    "route",
)


def _row(
    cells: Sequence[Any], mapping: dict[str, int], kind: Kind, header_of: dict[str, str]
) -> tuple[dict[str, Any], tuple[str, str, str] | None]:
    width = len(cells)
    values = {f: cells[c] for f, c in mapping.items() if c < width}
    row: dict[str, Any] = dict.fromkeys(TEXT_FIELDS, "")
    row["kind"] = str(kind)
    row["variant"] = ""
    for fld, raw in values.items():
        if fld in row and raw is not None:
            row[fld] = raw.strip() if type(raw) is str and raw.isascii() else _text(raw)
    row["name"] = " ".join(row["name"].split())
    if not row["name"]:
        return row, (header_of["name"], "empty name", "")
    raw_price = values.get("price")
    if raw_price is None or _text(raw_price) == "":
        return row, (header_of["price"], "empty price", "")
    try:
        row["price"] = parse_amount(raw_price)
    except ValueError as exc:
        return row, (header_of["price"], f"price {exc}", _text(raw_price))
    if row["price"] <= 0:
        return row, (header_of["price"], "price must be more than 0", _text(raw_price))
    row["insured_price"] = None
    raw = values.get("insured_price")
    if raw is not None and _text(raw) != "":
        try:
            row["insured_price"] = parse_amount(raw)
        except ValueError as exc:
            return row, (header_of["insured_price"], f"insured price {exc}", _text(raw))
        if row["insured_price"] < 0:
            return row, (header_of["insured_price"], "insured price is negative", _text(raw))
    row["insurance_rate"] = None
    raw = values.get("insurance_rate")
    if raw is not None and _text(raw) != "":
        try:
            rate = parse_amount(_text(raw).rstrip("%"))
        except ValueError as exc:
            return row, (header_of["insurance_rate"], f"rate {exc}", _text(raw))
        if not 0 <= rate <= 100:
            return row, (header_of["insurance_rate"], "rate must be 0-100 %", _text(raw))
        row["insurance_rate"] = rate
    for fld in ("effective_from", "effective_to"):
        row[fld] = None
        raw = values.get(fld)
        if raw is not None and _text(raw) != "":
            try:
                row[fld] = parse_date(raw)
            except ValueError as exc:
                return row, (header_of[fld], str(exc), _text(raw))
    if (
        row["effective_from"]
        and row["effective_to"]
        and row["effective_to"] < row["effective_from"]
    ):
        return row, (
            header_of["effective_to"],
            "ends before it starts",
            _text(values.get("effective_to")),
        )
    return row, None


def _categorise(rows: list[dict[str, Any]], kind: Kind, appendices: int) -> None:
    """Appendix numbers only mean exam/bed in a decision-style list (several appendices)."""
    for row in rows:
        if kind == Kind.DRUG:
            row["category"] = str(Category.DRUG)
            continue
        appendix = row["appendix"] if appendices >= 3 and not row["code"] else None
        row["category"] = str(
            service_category(row["name"], row["code"], appendix, row["name_folded"])
        )


_BRACKET = re.compile(r"\[([^\]]+)\]\s*$")


def _variants(rows: list[dict[str, Any]], report: ImportReport) -> None:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = row["code_key"] or "name:" + row["name_folded"]
        groups[key].append(row)
    for members in groups.values():
        if len(members) < 2:
            continue
        group = VariantGroup(
            key=members[0]["code"] or members[0]["name"],
            lines=tuple(r["source_line"] for r in members),
            prices=tuple(r["price"] for r in members),
        )
        if len({r["price"] for r in members}) > 1:
            report.variants.append(group)
            for i, row in enumerate(members, start=1):
                m = _BRACKET.search(row["name"])
                row["variant"] = m.group(1).strip() if m else f"{i}/{len(members)}"
        else:
            report.duplicates.append(group)


def iter_issue_lines(report: ImportReport) -> Iterable[str]:
    for issue in report.rejected:
        where = f"line {issue.line}" + (f", column {issue.column}" if issue.column else "")
        value = f" ({issue.value!r})" if issue.value else ""
        yield f"{where}: {issue.reason}{value}"
