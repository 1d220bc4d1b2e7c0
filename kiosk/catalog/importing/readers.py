"""Record streams from CSV and XLSX exports: (line number, cells), one record at a time.

Nothing is read into memory whole: CSV text is decoded as it is parsed (`csv` module), XLSX
rows come from openpyxl's read-only mode. Blank records are counted, not yielded. A CSV whose
last record has no line break may be cut inside that record: it is held back as `cut_last`
for the importer to judge (it knows the header's width). XLSX formulas that have no saved
value (files written by programs that do not calculate) read as empty cells; `FormulaScan`
finds them in the sheet XML so the importer can say so once instead of "empty price" on
every row (openpyxl's value-only mode cannot tell such a cell from an empty one).
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kiosk.catalog.importing.decoding import FatalImportError, TextEncoding

Record = tuple[int, list[Any]]
SNIFF_LINES = 80
_DELIMITERS = (",", ";", "\t", "|")
_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError)


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter most lines agree on. Title lines above the header (no delimiter, or a
    row of empty cells) do not count against one: the most frequent non-zero count wins."""
    best, best_score = ",", (-1, -1)
    for delim in _DELIMITERS:
        counts = [_count_outside_quotes(line, delim) for line in lines if line.strip()]
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        count, agreeing = max(
            ((c, nonzero.count(c)) for c in set(nonzero)), key=lambda ca: (ca[1], ca[0])
        )
        score = (agreeing, count)
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    if '"' not in line:
        return line.count(delim)
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            n += 1
    return n


class CsvSource:
    """The records of one CSV file (see the module docstring)."""

    def __init__(self, path: Path, encoding: TextEncoding) -> None:
        self.path = path
        self.encoding = encoding
        self.blank_lines = 0
        self.cut_last: Record | None = None  # the last record, when no line break follows it
        with self._open() as f:
            sample = list(itertools.islice(self._lines(f), SNIFF_LINES))
        self.delimiter = sniff_delimiter(sample)

    def _open(self) -> Any:
        return self.path.open(encoding=self.encoding.codec, errors=self.encoding.errors, newline="")

    def _lines(self, f: Any) -> Iterator[str]:
        if not self.encoding.normalise:
            return f  # the file itself: no step per line
        return (line if line.isascii() else unicodedata.normalize("NFC", line) for line in f)

    def records(self) -> Iterator[Record]:
        with self._open() as f:
            reader = csv.reader(self._lines(f), delimiter=self.delimiter, strict=True)
            held: Record | None = None
            end = 0  # physical line where the previous record ended
            try:
                for cells in reader:
                    line, end = end + 1, reader.line_num  # a record starts after the previous one
                    # blank: no cell holds more than spaces (the first cell settles most rows)
                    if (not cells or not cells[0] or cells[0].isspace()) and not "".join(
                        cells
                    ).strip():
                        self.blank_lines += 1
                        continue
                    if held is not None:
                        yield held
                    held = (line, cells)
            except csv.Error as exc:
                raise FatalImportError(
                    f"line {reader.line_num}: broken CSV ({exc}); the file may be truncated"
                ) from None
            except UnicodeDecodeError as exc:
                raise FatalImportError(
                    f"{self.encoding.description}: invalid bytes near line {reader.line_num + 1}"
                    f" ({exc.reason})"
                ) from None
        if held is not None:
            if ends_with_line_break(self.path, self.encoding.codec):
                yield held
            else:
                self.cut_last = held


def ends_with_line_break(path: Path, codec: str) -> bool:
    """Whether the file's last character is a line break, read from its last bytes (the
    file was decoded whole already: watching every line go by for this cost a generator
    step per line)."""
    with path.open("rb") as f:
        size = f.seek(0, 2)
        if not codec.startswith("utf-16"):
            f.seek(max(size - 1, 0))
            return f.read(1) in (b"\n", b"\r")
        if size < 2:
            return False
        f.seek(0)
        big = codec.endswith("be") or (codec == "utf-16" and f.read(2) == b"\xfe\xff")
        f.seek(size - 2)
        unit = f.read(2)
        return (unit[::-1] if big else unit) in (b"\n\x00", b"\r\x00")


class FormulaScan:
    """Cells of one sheet that hold a formula but no saved value, read from the sheet XML."""

    _CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>(<f\b.*?)</c>', re.S)
    _VALUE = re.compile(rb"<v>[^<]+</v>|<is>")

    def __init__(self) -> None:
        self.rows_by_column: dict[int, set[int]] = {}
        self.cells = 0

    @classmethod
    def of(cls, archive: zipfile.ZipFile, member: str) -> FormulaScan:
        from openpyxl.utils import column_index_from_string

        scan = cls()
        tail = b""
        with archive.open(member) as src:
            while True:
                block = src.read(4 << 20)
                data = tail + block
                cut = data.rfind(b"<c ") if block else len(data)
                cut = len(data) if cut < 0 else cut
                if b"<f" in data[:cut]:
                    for m in cls._CELL.finditer(data, 0, cut):
                        if not cls._VALUE.search(m.group(3)):
                            col = column_index_from_string(m.group(1).decode()) - 1
                            scan.rows_by_column.setdefault(col, set()).add(int(m.group(2)))
                            scan.cells += 1
                tail = data[cut:]
                if not block:
                    break
        return scan

    def has(self, col: int, row: int) -> bool:
        rows = self.rows_by_column.get(col)
        return rows is not None and row in rows


class XlsxBook:
    """A workbook opened read-only; `sheets` names them in order."""

    def __init__(self, path: Path) -> None:
        import openpyxl  # imported here: only XLSX imports pay for it

        try:
            self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except _XLSX_ERRORS as exc:
            raise FatalImportError(
                f"not a readable XLSX workbook (truncated or damaged: {exc})"
            ) from None
        self.sheets = [ws.title for ws in self.book.worksheets]
        self.blank_lines = 0
        if not self.sheets:
            self.close()
            raise FatalImportError("the workbook has no sheet")

    def records(self, sheet: str, count_blank: bool = True) -> Iterator[Record]:
        ws = self.book[sheet]
        try:
            for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                if not any(v is not None and (type(v) is not str or v.strip()) for v in cells):
                    if count_blank:
                        self.blank_lines += 1
                    continue
                yield number, list(cells)
        except _XLSX_ERRORS as exc:
            raise FatalImportError(f"the workbook is damaged or truncated ({exc})") from None

    def formulas(self, sheet: str) -> FormulaScan:
        ws: Any = self.book[sheet]
        try:
            return FormulaScan.of(self.book._archive, ws._worksheet_path)
        except (*_XLSX_ERRORS, AttributeError):
            return FormulaScan()  # the values are read anyway; only the explanation is lost

    def close(self) -> None:
        self.book.close()
