"""Imports of the layouts hospitals really export (issue 18): section headings, two-level
headers, long title blocks, data on a later sheet, formulas without saved values, full
drug-tender headers and tender duplicates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kiosk.catalog.importer import read_catalog
from kiosk.catalog.service import CatalogService

TITLE = ["BỘ Y TẾ", "BỆNH VIỆN NHI TRUNG ƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "", "Số: 3467/QĐ-BYT", "Hà Nội, ngày 15 tháng 11 năm 2024",
         "QUYẾT ĐỊNH", "Về việc phê duyệt giá dịch vụ khám bệnh, chữa bệnh",
         "PHỤ LỤC I", "DANH MỤC GIÁ DỊCH VỤ", "(Kèm theo Quyết định số 3467/QĐ-BYT)",
         "Đơn vị tính: đồng"]  # fmt: skip


def write_csv(path: Path, lines: list[list[str]]) -> Path:
    def cell(c: str) -> str:
        return f'"{c}"' if "," in c else c

    path.write_text("\n".join(",".join(cell(c) for c in line) for line in lines) + "\n", "utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def catalog(tmp_path: Path):  # type: ignore[no-untyped-def]
    service = CatalogService(tmp_path / "catalog.sqlite3")
    yield service
    service.close()


def test_section_headings_are_skipped_not_rejected(catalog: CatalogService, tmp_path: Path) -> None:
    header = ["STT", "Mã tương đương", "Tên dịch vụ kỹ thuật", "Đơn giá (VNĐ)", "Ghi chú"]
    lines = [header]
    for section in range(10):  # 10 headings over 150 priced rows: 6 % of the file
        lines.append(
            [
                ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][section],
                "",
                f"NHÓM {section + 1}: CHẨN ĐOÁN",
                "",
                "",
            ]
        )
        lines += [
            [
                str(i + 1),
                f"02.{section:02d}{i:02d}.0001",
                f"Dịch vụ {section}-{i}",
                f"{1000 + i}",
                "",
            ]
            for i in range(15)
        ]
    lines.append(["", "", "Tổng cộng", "", ""])
    lines.append([str(16), "02.0999.0001", "Siêu âm thiếu giá", "", ""])  # a data row without price
    report = catalog.import_file(write_csv(tmp_path / "h.csv", lines), "service")
    assert report.ok, report.fatal
    assert report.rows_imported == 150 and report.rows_headings == 11
    assert report.rows_rejected == 1 and report.rejected[0].reason == "empty price"
    assert report.rows_in_file == 151  # headings are counted apart
    assert report.headings[0].value.startswith("I NHÓM 1")
    assert report.columns["price"] == "Đơn giá (VNĐ)" and report.columns["code"] == "Mã tương đương"


def test_two_level_header_imports_both_prices(catalog: CatalogService, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["DANH MỤC GIÁ DỊCH VỤ KỸ THUẬT"],
        ["STT", "Mã dịch vụ", "Tên dịch vụ", "Mức giá (đồng)", None, "Ghi chú"],
        [None, None, None, "Giá BHYT", "Giá không BHYT", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["A", None, "KHÁM BỆNH", None, None, None],
        [1, "K01", "Khám Nội", 42100, 50000, None],
        [2, "K02", "Khám Nhi", "42.100", "55.000", "Ngoài giờ"],
    ]
    report = catalog.import_file(write_xlsx(tmp_path / "two.xlsx", {"Giá": rows}), "service")
    assert report.ok, report.fatal
    assert report.columns["insured_price"] == "Mức giá (đồng) / Giá BHYT"
    assert report.columns["price"] == "Mức giá (đồng) / Giá không BHYT"
    assert report.rows_imported == 2 and report.rows_rejected == 0 and report.rows_headings == 1
    item = catalog.search("kham nhi")[0]
    assert (item.hospital_price, item.insured_price) == (55000, 42100)
    assert any("column-number row" in w.reason for w in report.warnings)


def test_header_after_many_title_lines_and_on_a_later_sheet(
    catalog: CatalogService, tmp_path: Path
) -> None:
    data = [[t] for t in TITLE] + [
        ["STT", "Mã tương đương", "Tên dịch vụ", "Giá dịch vụ"],
        [1, "18.0119.0028", "Chụp X-quang ngực thẳng", 65400],
        [2, "02.0116.0007", "Siêu âm tim", 486300],
    ]
    cover = [["Hướng dẫn sử dụng"], ["Xem sheet Bảng giá"]]
    path = write_xlsx(
        tmp_path / "sheets.xlsx", {"Bìa": cover, "Bảng giá": data, "Ký": [["Người lập"]]}
    )
    report = catalog.import_file(path, "service")
    assert report.ok, report.fatal
    assert report.sheet == "Bảng giá" and report.other_sheets == ["Bìa", "Ký"]
    assert report.rows_imported == 2
    skipped = [w for w in report.warnings if w.reason == "line above the header skipped"]
    assert len(skipped) == len([t for t in TITLE if t])  # 12 title lines, more than 10


def test_formulas_without_saved_values_are_said_once(
    catalog: CatalogService, tmp_path: Path
) -> None:
    rows: list[list[object]] = [["MA_DICH_VU", "TEN_DICH_VU", "GIA_GOC", "DON_GIA"]]
    rows += [[f"X{i}", f"Dịch vụ {i}", 1000 + i, f"=C{i + 2}*1.1"] for i in range(40)]
    path = write_xlsx(tmp_path / "formula.xlsx", {"Sheet1": rows})  # openpyxl saves no values
    report = catalog.import_file(path, "service")
    assert not report.ok and "formulas without a saved value" in report.fatal
    assert report.rows_rejected == 40 and len(report.rejected) == 1
    assert "40 row(s)" in report.rejected[0].reason and "save it again" in report.rejected[0].reason
    assert report.formula_cells == 40
    assert not any(i.reason == "empty price" for i in report.rejected)


def test_full_drug_tender_headers_map_without_a_column_map(tmp_path: Path) -> None:
    header = ["STT", "Mã thuốc", "Tên thuốc", "Tên hoạt chất", "Nồng độ, hàm lượng", "Đường dùng",
              "Dạng bào chế", "Quy cách đóng gói", "SĐK hoặc GPNK", "Cơ sở sản xuất",
              "Nước sản xuất", "Đơn vị tính", "Số lượng", "Đơn giá trúng thầu (có VAT)",
              "Thành tiền", "Nhóm TCKT"]  # fmt: skip
    rows = [
        ["I", "", "THUỐC TÂN DƯỢC", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["1", "", "Paracetamol", "Paracetamol", "500mg", "Uống", "Viên nén", "Hộp 10 vỉ x 10 viên",
         "VD-1234-19", "Công ty CP Dược Hậu Giang", "Việt Nam", "Viên", "100000", "350",
         "35.000.000", "4"],
        ["2", "", "Paracetamol", "Paracetamol", "500mg", "Uống", "Viên nén", "Chai 200 viên",
         "VD-5678-20", "Công ty CP Traphaco", "Việt Nam", "Viên", "50000", "420", "21.000.000",
         "4"],
        ["3", "", "Paracetamol", "Paracetamol", "250mg", "Uống", "Gói bột", "Hộp 12 gói",
         "VD-1111-21", "Công ty CP Dược Hậu Giang", "Việt Nam", "Gói", "5000", "1.200",
         "6.000.000", "4"],
        ["4", "", "Hapacol 250", "Paracetamol", "250 mg", "Uống", "Gói bột", "Hộp 24 gói",
         "VD-2222-21", "Công ty CP Dược Hậu Giang", "Việt Nam", "Gói", "5000", "1.500",
         "7.500.000", "1"],
    ]  # fmt: skip
    report = read_catalog(write_csv(tmp_path / "thau.csv", [header, *rows]), "drug").report
    result = read_catalog(tmp_path / "thau.csv", "drug")
    assert not report.fatal, report.fatal
    assert report.columns["strength"] == "Nồng độ, hàm lượng"
    assert report.columns["price"] == "Đơn giá trúng thầu (có VAT)"
    assert {"registration", "manufacturer", "country", "pack", "form", "unit", "route"} <= set(
        report.columns
    )
    assert "Thành tiền" in report.columns_ignored and "Số lượng" in report.columns_ignored
    assert report.rows_imported == 4 and report.rows_headings == 1 and report.rows_rejected == 0
    by_line = {r["source_line"]: r for r in result.rows}
    # the strength is never dropped: added to names that do not say it, kept in `strength`
    assert by_line[3]["name"] == "Paracetamol 500mg" and by_line[5]["name"] == "Paracetamol 250mg"
    assert by_line[6]["name"] == "Hapacol 250" and by_line[6]["strength"] == "250 mg"
    assert report.names_with_strength == 3
    # the two 500 mg rows differ in price: labelled by pack and maker, not "1/2"
    assert [g.lines for g in report.variants] == [(3, 4)]
    assert by_line[3]["variant"] == "Hộp 10 vỉ x 10 viên, Công ty CP Dược Hậu Giang, VD-1234-19"
    assert by_line[4]["variant"] == "Chai 200 viên, Công ty CP Traphaco, VD-5678-20"
    assert (
        "SĐK: VD-1234-19" in by_line[3]["note"]
        and "Sản xuất: Công ty CP Dược Hậu Giang (Việt Nam)" in by_line[3]["note"]
    )
    assert by_line[3]["price"] == 350 and by_line[5]["price"] == 1200


def test_the_real_list_keeps_its_numbers(tmp_path: Path) -> None:
    """An excerpt of the shared decision list with its headings put back as exported."""
    source = Path(__file__).resolve().parents[2] / "data" / "qd3467-excerpt.csv"
    report = read_catalog(source, "service").report
    assert not report.fatal, report.fatal
    assert report.rows_headings == 3 and report.rows_rejected == 0
    assert report.rows_imported == report.rows_in_file == 30
