"""`kiosk catalog import|search|status` end to end, on a temporary data directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.catalog.service import DEMO_DRUGS_CSV
from kiosk.cli import main


def test_import_search_status_json(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    args = ["--data-dir", str(data_dir)]
    assert main(["catalog", "import", str(DEMO_DRUGS_CSV), "--kind", "drug", "--json", *args]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["rows_imported"] == report["rows_in_file"] == 36
    assert (data_dir / "catalog.sqlite3").exists()
    assert (
        main(
            ["catalog", "search", "paracetamol", "--kind", "drug", "--limit", "2", "--json", *args]
        )
        == 0
    )
    found = json.loads(capsys.readouterr().out)
    assert len(found) == 2 and found[0]["name"].startswith("Paracetamol")
    # no service list yet: status says so and how to fix it
    assert main(["catalog", "status", *args]) == 1
    assert "kiosk catalog import" in capsys.readouterr().out


def test_import_reports_rejected_rows(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    path = tmp_path / "bad.csv"
    path.write_text(
        "MA_DICH_VU,TEN_DICH_VU,DON_GIA\nA,Khám,abc\nB,Siêu âm,1000\n", encoding="utf-8"
    )
    assert (
        main(["catalog", "import", str(path), "--kind", "service", "--data-dir", str(data_dir)])
        == 1
    )
    out = capsys.readouterr().out
    assert (
        "1 of 2 rows rejected" in out
        and "line 2, column DON_GIA: price not a number ('abc')" in out
    )
    assert "not imported" in out
