"""Reading hospital catalog exports (CSV and XLSX) into validated rows, one at a time.

`stream_catalog()` yields the rows that can be imported (tuples for the staging table) and
fills an `ImportReport` naming every row that cannot (line, column, reason) as it goes; it raises `FatalImportError` for a
problem that stops the whole file (empty, truncated, undecodable, missing columns). Nothing
here writes the database: `CatalogService.import_file` stages the rows
(`kiosk.catalog.staging`) and `store.write_version` turns them into a version.

The parts: `importing.decoding` (which encoding), `importing.readers` (CSV / XLSX records,
sheets, formulas without values), `importing.headers` (where the header is, what each column
means), `importing.rows` (one record to one row, rejection or heading), `importing.values`
(prices, dates), `importing.issues` (the report's lists).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.catalog.importing import issues
from kiosk.catalog.importing.decoding import FatalImportError, decode_bytes, detect_encoding
from kiosk.catalog.importing.headers import (
    HEADER_SEARCH,
    HeaderMatcher,
    Layout,
    aliases,
    find_layout,
    normalise_header,
)
from kiosk.catalog.importing.issues import iter_issue_lines
from kiosk.catalog.importing.readers import CsvSource, FormulaScan, Record, XlsxBook
from kiosk.catalog.importing.rows import FORMULA_REASON, RowMapper
from kiosk.catalog.importing.values import parse_amount, parse_date
from kiosk.catalog.models import ImportReport, Kind
from kiosk.catalog.staging import StagedRow, StagedRows

__all__ = [
    "FatalImportError",
    "ReadResult",
    "aliases",
    "decode_bytes",
    "iter_issue_lines",
    "normalise_header",
    "parse_amount",
    "parse_date",
    "read_catalog",
    "stream_catalog",
]


def stream_catalog(
    path: str | Path,
    kind: str,
    column_map: Mapping[str, str] | None,
    report: ImportReport,
    vocab: set[str] | None = None,
) -> Iterator[StagedRow]:
    """The valid rows of a catalog file, in file order, as `staging.STAGED_FIELDS` tuples;
    the report is complete when the iterator is exhausted, and `vocab` holds the folded
    words of the rows' names and ingredients. Raises FatalImportError (or OSError) for the
    whole file."""
    path = Path(path)
    matcher = HeaderMatcher(Kind(kind), column_map or {})
    with path.open("rb") as f:
        magic = f.read(8)
    if magic.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path, Kind(kind), matcher, report, vocab)
        return
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FatalImportError("old binary Excel (.xls) is not supported: save as .xlsx or CSV")
    report.file_format = "csv"
    encoding = detect_encoding(path)
    report.encoding = encoding.description
    source = CsvSource(path, encoding)
    report.delimiter = source.delimiter
    records = source.records()
    head = list(itertools.islice(records, HEADER_SEARCH))
    layout = find_layout(head, matcher)
    mapper = RowMapper(layout, Kind(kind), report, "csv", vocab=vocab)
    yield from _mapped(itertools.chain(head[layout.data_index :], records), head, layout, mapper)
    if source.cut_last is not None:
        line, cells = source.cut_last
        if len(cells) < layout.width:
            raise FatalImportError(
                f"line {line}: the last row has {len(cells)} of {layout.width} fields and no "
                "line break: the file is truncated"
            )
        # all fields there, but the last one may be cut (1.734.600 read as 17.346): the row
        # is left out and said so, never stored with a price nobody wrote
        report.rows_in_file += 1
        issues.reject(
            report, line, "",
            "the file ends inside this row without a line break: it may be cut, so the row was "
            "not imported (check the end of the file)",
        )  # fmt: skip
    report.blank_lines = source.blank_lines
    _finish(report)


def _xlsx_rows(
    path: Path, kind: Kind, matcher: HeaderMatcher, report: ImportReport, vocab: set[str] | None
) -> Iterator[StagedRow]:
    report.file_format = "xlsx"
    report.encoding = "xlsx (UTF-8 XML)"
    book = XlsxBook(path)
    try:
        layout, sheet, head = _choose_sheet(book, matcher)
        report.sheet = sheet
        report.other_sheets = [s for s in book.sheets if s != sheet]
        formulas = book.formulas(sheet)
        mapper = RowMapper(layout, kind, report, "xlsx", formulas, vocab)
        records = book.records(sheet)
        skipped = list(itertools.islice(records, layout.data_index))
        yield from _mapped(records, skipped, layout, mapper)
        report.blank_lines = book.blank_lines
        _formula_summary(report, layout, formulas, mapper)
    finally:
        book.close()
    _finish(report)


def _choose_sheet(book: XlsxBook, matcher: HeaderMatcher) -> tuple[Layout, str, list[Record]]:
    """The first sheet with a usable header (exports often open with a cover or notes sheet)."""
    first_error: FatalImportError | None = None
    for sheet in book.sheets:
        head = list(itertools.islice(book.records(sheet, count_blank=False), HEADER_SEARCH))
        if not head:
            continue
        try:
            return find_layout(head, matcher), sheet, head
        except FatalImportError as exc:
            first_error = first_error or exc
    if first_error is not None:
        if len(book.sheets) > 1:
            raise FatalImportError(f"{first_error} (no sheet of {book.sheets} has these columns)")
        raise first_error
    raise FatalImportError("the file is empty (no header, no rows)")


def _mapped(
    records: Iterator[Record], head: list[Record], layout: Layout, mapper: RowMapper
) -> Iterator[StagedRow]:
    report = mapper.report
    for line, _cells in head[: layout.header_index]:
        issues.warn(report, line, "", "line above the header skipped")
    if layout.numbering_line:
        issues.warn(report, layout.numbering_line, "", "column-number row under the header skipped")
    report.columns = {f: layout.headers[c] for f, c in layout.mapping.items()}
    report.columns_ignored = list(layout.ignored)
    headings = 0
    for line, cells in records:
        row = mapper.map(line, cells)
        if row is None:
            if report.rows_headings == headings:
                report.rows_in_file += 1
            headings = report.rows_headings
            continue
        report.rows_in_file += 1
        report.rows_imported += 1
        yield row


def _formula_summary(
    report: ImportReport, layout: Layout, formulas: FormulaScan, mapper: RowMapper
) -> None:
    """One line for all formulas without saved values (not "empty price" on every row)."""
    if not formulas.cells:
        return
    first_data = mapper.first_line or 0
    columns = []
    for _fld, col in layout.mapping.items():
        rows = formulas.rows_by_column.get(col, set())
        n = sum(1 for r in rows if r >= first_data)
        if n:
            columns.append(f"{layout.headers[col]} ({n})")
            report.formula_cells += n
    if not columns:
        return
    message = (
        f"formulas without a saved value in column(s) {', '.join(columns)}: the file was saved "
        "by a program that does not calculate; open it in Excel or LibreOffice, save it again "
        "and import that copy"
    )
    issues.warn(report, 0, "", message)
    if mapper.formula_rows:
        issues.reject(
            report, mapper.formula_first, layout.headers[layout.mapping["price"]],
            f"{mapper.formula_rows} row(s) from here on: {FORMULA_REASON}, not imported ({message})",
        )  # fmt: skip
        report.rows_rejected -= 1  # the rows were counted one by one already


def _finish(report: ImportReport) -> None:
    if report.rows_in_file == 0:
        raise FatalImportError("the file has a header but no rows")


@dataclass
class ReadResult:
    report: ImportReport
    rows: list[dict[str, Any]]


def read_catalog(
    path: str | Path, kind: str, column_map: Mapping[str, str] | None = None
) -> ReadResult:
    """Reads and validates a (small) catalog file into a list, with variants and duplicates
    found as an import finds them. Fatal problems are in `report.fatal`. For tools and tests:
    imports stream (`CatalogService.import_file`)."""
    report = ImportReport(path=str(path), kind=str(Kind(kind)))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        staged = StagedRows(conn, kind)
        staged.load(stream_catalog(path, kind, column_map, report))
        staged.finish(report)
        return ReadResult(report, list(staged.rows()))
    except FatalImportError as exc:
        report.fatal = str(exc)
    except OSError as exc:
        report.fatal = f"cannot read the file ({exc.strerror or exc})"
    finally:
        conn.close()
    return ReadResult(report, [])
