"""A large catalog imports with bounded memory (issue 18: a 200 MB CSV used to peak at 2.5 GB).

The import runs in a fresh interpreter and its peak RSS (ru_maxrss) growth is measured. With
the default caches the growth is SQLite's page caches (32 MB main, 56 MB temp, and 8 MB of
search-index terms) filling up to their size, which a small file does not reach; so the
second test shrinks the caches to 2 MB and imports files of 4 and 12 MB: whatever else is kept per row (issue lists, sets of keys,
rows in lists, the decoded file) then shows as a difference between the two."""

from __future__ import annotations

from pathlib import Path

from kiosk.catalog.bench_import import import_in_subprocess, write_large_drug_csv

FILE_MB = 12


def test_large_file_imports_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    n = write_large_drug_csv(path, FILE_MB)
    run = import_in_subprocess(tmp_path / "catalog.sqlite3", path, "drug")
    assert run.ok and run.rows == n
    # SQLite's caches (32 MB main, 56 MB temp, 8 MB of index terms) plus the typo vocabulary;
    # never the file x 20
    assert run.growth_mb < 110, f"peak RSS grew by {run.growth_mb:.0f} MB for a {FILE_MB} MB file"


def test_memory_does_not_grow_with_the_rows(tmp_path: Path) -> None:
    runs = []
    for mb in (4, FILE_MB):
        path = tmp_path / f"rows-{mb}.csv"
        n = write_large_drug_csv(path, mb)
        run = import_in_subprocess(tmp_path / f"catalog-{mb}.sqlite3", path, "drug", cache_kb=2048)
        assert run.ok and run.rows == n
        runs.append((n, run.growth_mb))
    (small_rows, small_mb), (large_rows, large_mb) = runs
    per_row = (large_mb - small_mb) * 2**20 / (large_rows - small_rows)
    # 8 MB more for 65,000 more rows would be 130 bytes a row: a leak, not noise
    assert large_mb - small_mb < 8, (
        f"{per_row:.0f} bytes more per row ({small_mb:.0f} -> {large_mb:.0f} MB)"
    )
