"""`kiosk bench catalog` runs end to end (small size here) and prints measured numbers."""

from __future__ import annotations

import json

import pytest

from kiosk.catalog.bench import generated_drug_rows, typed_prefixes
from kiosk.cli import main


def test_typed_prefixes_are_realistic_and_enough() -> None:
    prefixes = typed_prefixes()
    assert len(prefixes) >= 1000
    assert prefixes[:3] == ["s", "si", "siê"]
    assert "sieu am ti" in prefixes and "siêu âm tim" in prefixes


def test_generated_drugs_are_deterministic() -> None:
    assert generated_drug_rows(5) == generated_drug_rows(5)
    assert {r["MA_THUOC"] for r in generated_drug_rows(3)} == {"BN-00000", "BN-00001", "BN-00002"}


def test_bench_catalog_small(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "catalog", "--rows", "10000", "--repeat", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 10000 and result["rejected"] == 0
    assert len(result["import_cpu_ratios"]) == 2  # the best of two runs of each
    assert result["import_cpu_ratio"] <= max(result["import_cpu_ratios"])
    assert result["services"] == 7531 and result["drugs"] == 2469
    assert result["queries"] >= 1000
    for key in ("import_seconds", "rss_peak_mb", "median_ms", "p99_ms", "cpu_p99_ms"):
        assert result[key] > 0


def test_bench_catalog_memory_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "catalog", "--size-mb", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] and result["rows"] > 5_000 and 0.9 < result["file_mb"] < 1.2
    assert result["rss_peak_mb"] >= result["rss_before_mb"] > 0
