"""CatalogService: the one object the UI and the CLI use for prices.

Thread-safe: every thread gets its own SQLite connection (the UI searches on a worker thread
while an admin import may run on another). Imports never change what searches see until the
new version is complete and the active pointer is switched in one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from hardware.status import DeviceStatus
from kiosk.catalog import store
from kiosk.catalog.config import CatalogConfig
from kiosk.catalog.drug_terms import DrugTerms
from kiosk.catalog.importer import FatalImportError, stream_catalog
from kiosk.catalog.models import CatalogItem, Category, ImportReport, Kind
from kiosk.catalog.search import ExamTarget, Searcher
from kiosk.catalog.staging import StagedRows
from kiosk.catalog.synonyms import SynonymTable
from kiosk.catalog.text import code_key, tokens

ASSETS = Path(__file__).resolve().parents[2] / "assets"
DEMO_SERVICES_CSV = ASSETS / "demo" / "price-list-qd3467-bv-nhi-trung-uong.csv"
DEMO_DRUGS_CSV = ASSETS / "demo" / "catalog" / "drugs-demo.csv"
DEMO_EXAMS_CSV = ASSETS / "demo" / "catalog" / "exams-demo.csv"  # inserted into the list
DEMO_CATALOG = DEMO_SERVICES_CSV  # the name the app uses
DEMO_SERVICES_EFFECTIVE = date(2024, 11, 15)  # QĐ 3467/QĐ-BYT, 15 November 2024
DB_NAME = "catalog.sqlite3"


class CatalogService:
    def __init__(
        self,
        db_path: str | Path,
        config: CatalogConfig | None = None,
        clinics: Sequence[tuple[str, str, str]] = (),
    ) -> None:
        """`clinics`: (id, Vietnamese name, English name) of the kiosk's clinics, for
        "kham <clinic>" -> the exam price row of `[catalog] clinic_exam_codes`."""
        self.db_path = Path(db_path)
        self.config = config or CatalogConfig.model_validate({})
        self.synonyms = SynonymTable.load(self.db_path.parent)
        self.drug_terms = DrugTerms.load(self.db_path.parent)
        self.exams = exam_targets(clinics, self.config.clinic_exam_codes)
        self._import_lock = threading.Lock()
        # one searcher per OS thread, keyed by its native id: threading.local() is lost after
        # every job on a Qt pool thread (a new Python thread state each time), which opened a
        # new connection per search and kept them all (issue 12 §1).
        self._by_thread: dict[int, Searcher] = {}
        self._all_lock = threading.Lock()
        store.ensure_schema(self._conn())

    @classmethod
    def for_data_dir(
        cls, data_dir: str | Path, config: CatalogConfig | None = None
    ) -> CatalogService:
        return cls(Path(data_dir) / DB_NAME, config)

    # ------------------------------------------------------------------ connections

    def _searcher(self) -> Searcher:
        tid = threading.get_native_id()
        with self._all_lock:
            searcher = self._by_thread.get(tid)
        if searcher is None:
            searcher = Searcher(
                store.connect(self.db_path), self.synonyms, self.exams, self.drug_terms
            )
            with self._all_lock:
                self._by_thread[tid] = searcher
                self._close_dead_threads()
        return searcher

    def _close_dead_threads(self) -> None:
        """Closes the connections of threads that ended (a live thread never loses its own;
        a new thread that reuses a dead one's id reuses its idle connection)."""
        try:
            alive = {int(t) for t in os.listdir("/proc/self/task")}
        except OSError:  # not Linux: connections live until close()
            return
        for tid in [t for t in self._by_thread if t not in alive]:
            with contextlib.suppress(Exception):
                self._by_thread.pop(tid).conn.close()

    def _conn(self) -> sqlite3.Connection:
        return self._searcher().conn

    def close(self) -> None:
        """Closes every connection this service opened (call from the owning thread at exit)."""
        with self._all_lock:
            for searcher in self._by_thread.values():
                with contextlib.suppress(Exception):  # another thread's connection may refuse
                    searcher.conn.close()
            self._by_thread.clear()

    # ------------------------------------------------------------------ queries

    def search(
        self,
        query: str,
        kind: str | None = None,
        category: str | None = None,
        limit: int = 50,
    ) -> list[CatalogItem]:
        """Items matching `query` (folded, last word a prefix, all words required), best first."""
        searcher = self._searcher()
        versions = store.active_versions(searcher.conn)
        if kind is not None:
            versions = [v for v in versions if v.kind == Kind(kind).value]
        if category is not None:
            category = Category(category).value
            if category == Category.DRUG:
                versions = [v for v in versions if v.kind == Kind.DRUG]
        return searcher.search(query, versions, category, limit)

    def warm_up(self) -> None:
        """Opens this thread's connection and loads the typo vocabularies (about 0.1 s for a
        100,000-row catalog), so that the first keystrokes do not pay for it."""
        searcher = self._searcher()
        searcher.typo_index(store.active_versions(searcher.conn)).warm_up()

    def get(self, item_id: int) -> CatalogItem | None:
        return self._searcher().get(item_id)

    def categories(self) -> list[tuple[str, int]]:
        """(category, number of items) in the active catalogs, in browse-button order."""
        conn = self._conn()
        counts: dict[str, int] = {}
        for v in store.active_versions(conn):
            for cat, n in conn.execute(
                "SELECT category, COUNT(*) FROM items WHERE version_id = ? GROUP BY category",
                (v.version_id,),
            ):
                counts[cat] = counts.get(cat, 0) + n
        return [(c.value, counts[c.value]) for c in Category if counts.get(c.value)]

    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {v.kind: v.id_hi - v.id_lo + 1 for v in store.active_versions(conn)}

    def versions(self, kind: str | None = None) -> list[dict[str, Any]]:
        conn = self._conn()
        active = {v.version_id for v in store.active_versions(conn)}
        sql = (
            "SELECT id, kind, source, imported_at, effective_from, encoding, rows_in_file, "
            "rows_imported, rows_rejected, status FROM versions"
        )
        args: tuple[Any, ...] = ()
        if kind:
            sql += " WHERE kind = ?"
            args = (Kind(kind).value,)
        out = []
        for row in conn.execute(sql + " ORDER BY id", args):
            keys = (
                "id", "kind", "source", "imported_at", "effective_from", "encoding",
                "rows_in_file", "rows_imported", "rows_rejected", "status",
            )  # fmt: skip
            item = dict(zip(keys, row, strict=True))
            item["active"] = row[0] in active
            out.append(item)
        return out

    # ------------------------------------------------------------------ imports

    def import_file(
        self,
        path: str | Path,
        kind: str,
        column_map: Mapping[str, str] | None = None,
        *,
        effective_from: date | None = None,
        activate: bool = True,
        force: bool = False,
    ) -> ImportReport:
        """Reads, validates and stores a catalog file as a new version.

        The new version becomes active only when the file had nothing fatal, at least one row
        was imported, and the share of rejected rows is within the configured limit.
        """
        started = time.perf_counter()
        kind = Kind(kind).value
        mapping = dict(self.config.column_map)
        mapping.update(column_map or {})
        report = ImportReport(path=str(path), kind=kind)
        with self._import_lock:
            # its own connection: the staging table and `temp_store = FILE` stay off the
            # connection this thread searches with
            conn = store.connect(self.db_path)
            try:
                # the staging table goes with the connection (closed below): dropping it
                # first cost 0.04 s per 100,000 rows
                staged = StagedRows(conn, kind)
                self._stage(path, kind, mapping, report, staged)
                if not report.fatal:
                    self._check(report, staged, kind, activate=activate, force=force)
                if not report.fatal:
                    report.effective_from = (
                        effective_from or staged.min_effective_from() or date.today()
                    )
                    source = f"{Path(path).name} sha256:{_sha256(Path(path))[:16]}"
                    report.version_id = store.write_version(
                        conn,
                        kind,
                        source,
                        staged,
                        effective_from=report.effective_from,
                        encoding=report.encoding,
                        rows_in_file=report.rows_in_file,
                        rows_rejected=report.rows_rejected,
                    )
                    if activate:
                        store.activate(conn, kind, report.version_id)
                        report.activated = True
            finally:
                conn.close()
        report.seconds = time.perf_counter() - started
        return report

    @staticmethod
    def _stage(
        path: str | Path,
        kind: str,
        mapping: Mapping[str, str],
        report: ImportReport,
        staged: StagedRows,
    ) -> None:
        """Reads the file into the staging table; a fatal problem goes into the report."""
        try:
            staged.load(stream_catalog(path, kind, mapping, report, staged.vocab))
            staged.finish(report)
        except FatalImportError as exc:
            report.fatal = str(exc)
        except OSError as exc:
            report.fatal = f"cannot read the file ({exc.strerror or exc})"

    def _check(
        self, report: ImportReport, staged: StagedRows, kind: str, *, activate: bool, force: bool
    ) -> None:
        """The file-level limits: rejected share, and a list much smaller than the active one."""
        formulas = (
            f"; {report.formula_cells} cells are formulas without a saved value: open the file "
            "in Excel or LibreOffice, save it again and import that copy"
            if report.formula_cells
            else ""
        )
        if not staged.count:
            report.fatal = "no row could be imported" + formulas
            return
        share = 100 * report.rows_rejected / report.rows_in_file
        if share > self.config.max_rejected_percent:
            report.fatal = (
                f"{report.rows_rejected} of {report.rows_in_file} rows rejected ({share:.1f} %, "
                f"more than the {self.config.max_rejected_percent} % allowed): fix the file"
            ) + formulas
            return
        if activate and not force:
            active = self._active_rows(kind)
            # lists of a few rows (a small clinic, a test) may change freely
            if active >= 100 and staged.count * 100 < active * self.config.min_size_percent:
                report.fatal = (
                    f"the new list has {staged.count:,} rows, the active one {active:,} "
                    f"({100 * staged.count / active:.0f} %, less than the "
                    f"{self.config.min_size_percent} % allowed): not activated; import it with "
                    "--force if the hospital's list really shrank"
                )

    def _active_rows(self, kind: str) -> int:
        """Rows of the active version of a kind (0 when there is none)."""
        for version in store.active_versions(self._conn()):
            if version.kind == kind:
                return int(version.id_hi - version.id_lo + 1)
        return 0

    def activate(self, kind: str, version_id: int) -> None:
        """Switches the active catalog of a kind to a complete earlier version (roll-back)."""
        with self._import_lock:
            store.activate(self._conn(), Kind(kind).value, version_id)

    def ensure_demo(
        self,
        csv_path: str | Path = DEMO_SERVICES_CSV,
        drugs_path: str | Path | None = DEMO_DRUGS_CSV,
    ) -> list[ImportReport]:
        """Imports the shipped demo lists for each kind that has no active catalog yet."""
        reports = []
        active = {v.kind for v in store.active_versions(self._conn())}
        if Kind.SERVICE not in active:
            with tempfile.TemporaryDirectory(prefix="kiosk-demo-") as tmp:
                path = Path(csv_path)
                if path == DEMO_SERVICES_CSV and DEMO_EXAMS_CSV.exists():
                    path = Path(tmp) / path.name
                    path.write_text(with_demo_exams(Path(csv_path)), encoding="utf-8")
                reports.append(
                    self.import_file(path, Kind.SERVICE, effective_from=DEMO_SERVICES_EFFECTIVE)
                )
        if drugs_path is not None and Kind.DRUG not in active and Path(drugs_path).exists():
            reports.append(self.import_file(drugs_path, Kind.DRUG))
        return reports

    # ------------------------------------------------------------------ health

    def status(self) -> DeviceStatus:
        try:
            conn = self._conn()
            versions = {v.kind: v for v in store.active_versions(conn)}
        except Exception as exc:  # noqa: BLE001 - reported, never raised to the admin screen
            return DeviceStatus(
                False, f"catalog database unreadable: {exc}", fix="re-import the catalog"
            )
        if Kind.SERVICE not in versions:
            return DeviceStatus(
                False,
                "no active service price list",
                fix="kiosk catalog import FILE --kind service",
                details={"database": str(self.db_path)},
            )
        details = {"database": str(self.db_path)}
        parts = []
        for kind, v in sorted(versions.items()):
            row = conn.execute(
                "SELECT source, imported_at, effective_from FROM versions WHERE id = ?",
                (v.version_id,),
            ).fetchone()
            n = v.id_hi - v.id_lo + 1
            parts.append(f"{n:,} {kind}s")
            details[f"{kind}_version"] = str(v.version_id)
            details[f"{kind}_source"] = row[0]
            details[f"{kind}_imported_at"] = row[1]
            details[f"{kind}_effective_from"] = row[2] or ""
        return DeviceStatus(True, "catalog: " + ", ".join(parts), details=details)


def exam_targets(
    clinics: Sequence[tuple[str, str, str]], codes: Mapping[str, str]
) -> tuple[ExamTarget, ...]:
    """The clinics that have an exam price code, with the names patients type for them."""
    out = []
    for clinic_id, name_vi, name_en in clinics:
        code = codes.get(clinic_id)
        if not code:
            continue
        names = []
        for name in (name_vi, name_en, clinic_id):
            words = tuple(tokens(name))
            if words[:1] == ("kham",):
                words = words[1:]
            if words:
                names.append(words)
        out.append(ExamTarget(code_key(code), tuple(names)))
    return tuple(out)


def with_demo_exams(services_csv: Path, exams_csv: Path = DEMO_EXAMS_CSV) -> str:
    """The demo service list with the demo specialty exam rows after its examination rows
    (appendix I: the rows before the first `stt` restart), same columns."""
    with services_csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with exams_csv.open(encoding="utf-8", newline="") as f:
        exams = list(csv.reader(f))[1:]
    at = 1
    while at + 1 < len(rows) and int(rows[at + 1][0] or 0) > int(rows[at][0] or 0):
        at += 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[: at + 1] + exams + rows[at + 1 :])
    return out.getvalue()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
