"""The reference an import is measured against: a plain CSV -> FTS5 load of the same rows.

`plain_load` does the least that makes a file searchable the way the kiosk searches: parse
the CSV (`csv` module, UTF-8), fold each name, insert each row into `items` and `items_fts`
(the same schema, the same `fts_row`) in one transaction, rows held in lists. No validation,
no encoding detection, no headings, variants, categories, static-rank order or vocabulary.
`kiosk bench catalog` runs it on the files it imports, in the same run, and prints the ratio.
"""

from __future__ import annotations

import csv
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.catalog import store
from kiosk.catalog.text import code_key, folded_words

_NAME = ("TEN_THUOC", "TEN_DICH_VU")
_CODE = ("MA_THUOC", "MA_TUONG_DUONG")


@dataclass
class Timing:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    rows: int = 0


def plain_load(paths: list[Path], db_path: Path) -> Timing:
    """Loads the files into a fresh database (see the module docstring)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    conn = store.connect(db_path)
    store.ensure_schema(conn)
    timing = Timing()
    cpu0, t0 = time.process_time(), time.perf_counter()
    item_id = 0
    for path in paths:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = [h.upper() for h in next(reader)]
            name = next(header.index(h) for h in _NAME if h in header)
            code = next(header.index(h) for h in _CODE if h in header)
            price = header.index("DON_GIA")
            items, fts = [], []
            for row in reader:
                item_id += 1
                folded = folded_words(row[name])
                key = code_key(row[code])
                items.append(
                    (item_id, 0, "plain", row[code], key, row[name], folded,
                     "", "", int(row[price]), None, "", "procedure", "", "", "", "", None,
                     None, None, 0, item_id)
                )  # fmt: skip
                fts.append(
                    store.fts_row(item_id, folded, "", "procedure", code=key, name=row[name])
                )
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO items VALUES({','.join('?' * 22)})", items)
        conn.executemany(store.FTS_INSERT, fts)
        conn.execute("COMMIT")
    timing.seconds = time.perf_counter() - t0
    timing.cpu_seconds = time.process_time() - cpu0
    timing.rows = item_id
    conn.close()
    return timing


IMPORT_SCRIPT = """
import resource, sys, time
from kiosk.catalog import staging, store
from kiosk.catalog.service import CatalogService
if len(sys.argv) > 4:  # the SQLite caches (KB), smaller so that anything else shows
    store.CACHE_KB = staging.TEMP_CACHE_KB = int(sys.argv[4])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
catalog = CatalogService(sys.argv[1])
t0 = time.perf_counter()
report = catalog.import_file(sys.argv[2], sys.argv[3], force=True)
seconds = time.perf_counter() - t0
catalog.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, peak, report.rows_imported, int(report.ok), seconds)
"""


@dataclass
class MemoryRun:
    rss_before_mb: float
    rss_peak_mb: float
    rows: int
    ok: bool
    seconds: float

    @property
    def growth_mb(self) -> float:
        return self.rss_peak_mb - self.rss_before_mb


def import_in_subprocess(
    db_path: Path, csv_path: Path, kind: str, pythonpath: str = "", cache_kb: int = 0
) -> MemoryRun:
    """Imports a file in a fresh interpreter and reports its peak RSS (ru_maxrss) growth;
    `cache_kb` replaces the size of SQLite's page caches (main and temp)."""
    import os

    # this tree's kiosk package, not whichever one the interpreter has installed
    here = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=pythonpath or here)
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT, str(db_path), str(csv_path), kind]
        + ([str(cache_kb)] if cache_kb else []),
        capture_output=True, text=True, check=True, env=env,
    ).stdout.split()  # fmt: skip
    before, peak, rows, ok, seconds = out[-5:]
    return MemoryRun(int(before) / 1024, int(peak) / 1024, int(rows), ok == "1", float(seconds))


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_large_drug_csv(path: Path, size_mb: float, seed_rows: int = 5_000) -> int:
    """A drug catalog of about `size_mb` MB (10**6 bytes): the generated drugs repeated with
    unique codes. Returns the number of rows written."""
    from kiosk.catalog.bench import generated_drug_rows

    rows = generated_drug_rows(seed_rows)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        limit = size_mb * 10**6
        while f.tell() < limit:
            for _ in range(1000):
                row = dict(rows[n % len(rows)])
                row["MA_THUOC"] = f"BN-{n:07d}"
                writer.writerow(row)
                n += 1
    return n


def memory_run(size_mb: float, workdir: Path | None = None) -> tuple[MemoryRun, float]:
    """Generates a drug CSV of `size_mb` MB, imports it in a fresh interpreter and deletes
    it; returns the run and the file's size in MB."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-import-", dir=workdir) as tmp:
        path = Path(tmp) / "large.csv"
        write_large_drug_csv(path, size_mb)
        run = import_in_subprocess(Path(tmp) / "catalog.sqlite3", path, "drug")
        return run, path.stat().st_size / 10**6
