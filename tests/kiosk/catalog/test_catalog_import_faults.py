"""Fault suite, catalog import: files damaged the ways hospital exports get damaged never
replace a good price list (issue 13): UTF-8 re-saved as Windows-1252, a file cut inside its
last price, and a much smaller list than the active one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.catalog.service import DEMO_SERVICES_CSV, CatalogService

pytestmark = pytest.mark.faults


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    service = CatalogService(tmp_path / "catalog.sqlite3")
    report = service.import_file(DEMO_SERVICES_CSV, "service")  # the real list is active
    assert report.ok
    yield service
    service.close()


def _active(catalog: CatalogService) -> int:
    return catalog.counts()["service"]


def test_utf8_resaved_as_windows_1252_is_refused(catalog: CatalogService, tmp_path: Path):
    before = _active(catalog)
    text = DEMO_SERVICES_CSV.read_text(encoding="utf-8")
    garbled = text.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?")
    path = tmp_path / "garbled.csv"
    path.write_text(garbled, encoding="utf-8")
    report = catalog.import_file(path, "service")
    assert not report.ok and "Windows-1252" in report.fatal and "Ã" in report.fatal
    assert _active(catalog) == before
    assert catalog.search("hoi phuc") or catalog.search("kham")  # the old list still answers


def test_a_file_cut_inside_its_last_price_never_stores_that_price(tmp_path: Path):
    service = CatalogService(tmp_path / "c.sqlite3")
    try:
        path = tmp_path / "cut.csv"
        path.write_text(
            "ma_tuong_duong,ten_dich_vu,don_gia\n"
            "02.0116.0007,Siêu âm tim 4D,486300\n"
            "01.0001.0001,Phẫu thuật nội soi,17346",  # was 1734600: the file ends mid-price
            encoding="utf-8",
        )
        report = service.import_file(path, "service")
        assert report.rows_imported == 1 and report.rows_rejected == 1
        assert any("may be cut" in issue.reason for issue in report.rejected)
        assert [i.hospital_price for i in service.search("phau thuat noi soi")] == []
    finally:
        service.close()


def test_a_much_smaller_list_is_not_activated_unless_forced(catalog: CatalogService, tmp_path):
    before = _active(catalog)
    lines = DEMO_SERVICES_CSV.read_text(encoding="utf-8").splitlines()[:76]  # 75 rows
    path = tmp_path / "small.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = catalog.import_file(path, "service")
    assert not report.ok and "75 rows" in report.fatal and "7,531" in report.fatal
    assert "--force" in report.fatal and _active(catalog) == before
    forced = catalog.import_file(path, "service", force=True)
    assert forced.ok and _active(catalog) == 75
