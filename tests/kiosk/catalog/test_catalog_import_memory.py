"""A large catalog imports with bounded memory (issue 18: a 200 MB CSV used to peak at 2.5 GB).

The import runs in a fresh interpreter and its peak RSS (ru_maxrss) growth is compared with
the file's size: the old importer held the decoded text, every record and every row in lists
and grew by about 20 times the file size (about 300 MB for this file), the streaming one by
SQLite's fixed page caches and little else."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.catalog.bench import generated_drug_rows
from kiosk.catalog.bench_import import import_in_subprocess

FILE_MB = 12


def test_large_file_imports_with_bounded_memory(tmp_path: Path) -> None:
    rows = generated_drug_rows(5_000)
    path = tmp_path / "large.csv"
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        while f.tell() < FILE_MB * 10**6:
            row = dict(rows[n % len(rows)])
            row["MA_THUOC"] = f"BN-{n:07d}"
            writer.writerow(row)
            n += 1
    run = import_in_subprocess(tmp_path / "catalog.sqlite3", path, "drug")
    assert run.ok and run.rows == n
    # SQLite's caches (32 MB main, 64 MB temp) plus the typo vocabulary; never the file x 20
    assert run.growth_mb < 110, f"peak RSS grew by {run.growth_mb:.0f} MB for a {FILE_MB} MB file"
