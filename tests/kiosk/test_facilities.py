"""Facility names for MA_DKBD codes: the shipped list, IT's import, the patient's screen."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli import main
from kiosk.insurance.facilities import FacilityDirectory, import_csv, parse_csv


def test_the_shipped_list_names_the_demo_facilities():
    directory = FacilityDirectory.load(None)
    assert directory.name("01001") == "Bệnh viện Đa khoa Minh Tâm"
    assert directory.describe("31-012") == "Trạm Y tế phường Lạch Tray (31012)"
    assert directory.describe("99999") == "99999"  # unknown: the code, never a guess
    assert directory.describe(None) == ""


def test_import_keeps_every_good_row_and_reports_every_bad_one(tmp_path: Path):
    source = tmp_path / "dm.csv"
    source.write_text(
        "\ufeffMa;Ten;Tinh\n01 - 043;Bệnh viện Bạch Mai;Hà Nội\nabc;X;\n01002;;\n"
        "01043;Bệnh viện khác;\n79001;Bệnh viện Chợ Rẫy;TP HCM\n",
        encoding="utf-8",
    )
    report = import_csv(source, tmp_path / "data")
    assert sorted(report.facilities) == ["01043", "79001"]
    assert [line for line, _ in report.rejected] == [3, 4, 5]
    directory = FacilityDirectory.load(tmp_path / "data")
    assert directory.name("01043") == "Bệnh viện Bạch Mai"
    assert directory.name("01001") == "Bệnh viện Đa khoa Minh Tâm"  # shipped rows stay


def test_a_file_without_the_columns_is_refused():
    report = parse_csv("a,b\n1,2\n")
    assert not report.facilities and report.rejected[0][0] == 1


def test_cli_import_and_show(tmp_path: Path, capsys):
    source = tmp_path / "dm.csv"
    source.write_text("ma_cskcb,ten_cskcb\n48001,Bệnh viện Đà Nẵng\n", encoding="utf-8")
    data = str(tmp_path / "data")
    assert main(["facilities", "import", str(source), "--data-dir", data]) == 0
    assert main(["facilities", "show", "48-001", "--data-dir", data]) == 0
    assert "Bệnh viện Đà Nẵng (48001)" in capsys.readouterr().out
