"""Import of real and broken catalog files: every row imported or reported, and a broken
file never replaces the active catalog."""

from __future__ import annotations

import csv
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kiosk.catalog import store
from kiosk.catalog.config import CatalogConfig
from kiosk.catalog.importer import decode_bytes, parse_amount, parse_date, read_catalog
from kiosk.catalog.service import DEMO_DRUGS_CSV, DEMO_SERVICES_CSV, CatalogService

HEADER = "ma_tuong_duong,ten_dich_vu,don_gia,ghi_chu\n"
ROWS = [
    ("02.0116.0007", "Siêu âm tim 4D", "486300", ""),
    ("23.0075.1494", "Định lượng Glucose [Máu]", "21500", "Chưa bao gồm thuốc."),
    ("", "Giá Khám bệnh", "52600", ""),
    ("18.0119.0028", "Chụp X-quang ngực thẳng [số hóa 1 phim]", "65400", ""),
]


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: shaped vowels precomposed, tone marks
    as separate combining characters (Python's codec does not compose for us)."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def small_csv(rows: Sequence[tuple[str, ...]] = ROWS, header: str = HEADER) -> str:
    lines = [header.rstrip("\n")]
    for row in rows:
        lines.append(",".join(f'"{c}"' if "," in c else c for c in row))
    return "\n".join(lines) + "\n"


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[CatalogService]:
    service = CatalogService(tmp_path / "catalog.sqlite3")
    yield service
    service.close()


def active_id(catalog: CatalogService, kind: str = "service") -> int | None:
    for v in catalog.versions(kind):
        if v["active"]:
            return int(v["id"])
    return None


# ------------------------------------------------------------------ the shared list


def test_shared_list_every_row_accounted_for(catalog: CatalogService) -> None:
    with DEMO_SERVICES_CSV.open(encoding="utf-8", newline="") as f:
        in_file = sum(1 for _ in csv.DictReader(f))
    report = catalog.import_file(DEMO_SERVICES_CSV, "service")
    assert report.ok, report.summary()
    assert report.rows_in_file == in_file == 7531
    assert report.rows_imported + report.rows_rejected == in_file
    assert catalog.counts()["service"] == report.rows_imported
    assert report.encoding == "utf-8"
    assert report.columns["name"] == "ten_dich_vu" and report.columns["code"] == "ma_tuong_duong"
    # codes repeated with different prices are kept as variants and reported
    groups = {g.key: g for g in report.variants}
    assert set(groups["27.208b.0459"].prices) == {2815900, 2277400}
    assert len(catalog.search("27.208b.0459")) == 2
    # stray characters in codes are warnings, not rejections
    assert any(w.value == "27.208b.0459" for w in report.warnings)


def test_shared_list_categories(catalog: CatalogService) -> None:
    catalog.import_file(DEMO_SERVICES_CSV, "service")
    counts = dict(catalog.categories())
    assert counts["exam"] == 2 and counts["bed"] == 7
    assert counts["imaging"] > 500 and counts["laboratory"] > 500 and counts["procedure"] > 3000
    assert sum(counts.values()) == 7531


def test_demo_drugs(catalog: CatalogService) -> None:
    report = catalog.import_file(DEMO_DRUGS_CSV, "drug")
    assert report.ok and report.rows_rejected == 0
    item = catalog.search("DEMO-T035", kind="drug")[0]
    assert item.insurance_rate == 50 and item.insured_price == 600000
    assert item.estimate_basis() == (300000, False)
    free = catalog.search("vitamin a", kind="drug")[0]
    assert free.insured_price is None and free.estimate_basis() == (900, True)


def test_ensure_demo_imports_once(catalog: CatalogService) -> None:
    assert not catalog.status().ok
    first = catalog.ensure_demo()
    assert [r.kind for r in first] == ["service", "drug"] and all(r.ok for r in first)
    assert catalog.ensure_demo() == []
    status = catalog.status()
    assert status.ok and "7,539 services" in status.summary  # the list + 8 demo specialty exam rows
    assert status.details["service_effective_from"] == "2024-11-15"


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig (UTF-8 with BOM)"),
        ("utf-16", "utf-16 (LE, with BOM)"),
        ("utf-16-le", "utf-16 (LE, no BOM)"),
        ("cp1258", "cp1258 (Windows-1258)"),
    ],
)
def test_encodings(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "list.csv"
    text = small_csv()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    result = read_catalog(path, "service")
    assert not result.report.fatal
    assert result.report.encoding == expected
    assert [r["name"] for r in result.rows] == [r[1] for r in ROWS]


def test_windows_1258_decomposed_tones_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(to_cp1258(small_csv()))
    raw = path.read_bytes()
    assert b"\xec" in raw or b"\xd2" in raw or b"\xde" in raw  # tone marks as combining bytes
    names = [r["name"] for r in read_catalog(path, "service").rows]
    assert "Định lượng Glucose [Máu]" in names


def test_wrong_encoding_is_refused_and_keeps_the_active_catalog(
    catalog: CatalogService, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(small_csv(), encoding="utf-8")
    assert catalog.import_file(good, "service").ok
    before = active_id(catalog)
    # TCVN3 ("ABC") bytes, as old Vietnamese Excel files have them: "Kh¸m bÖnh" and so on
    tcvn3 = HEADER.encode() + b"".join(
        b"01.%04d.0001,Kh\xb8m b\xd6nh nhi \xd5\xa7 lo\xb9i %d,52600,\n" % (i, i) for i in range(20)
    )
    bad = tmp_path / "tcvn3.csv"
    bad.write_bytes(tcvn3)
    report = catalog.import_file(bad, "service")
    assert report.fatal.startswith("wrong encoding") and not report.activated
    assert active_id(catalog) == before
    assert catalog.search("sieu am tim 4d")[0].name == "Siêu âm tim 4D"


def test_damaged_utf8_bytes_reject_only_that_row(tmp_path: Path) -> None:
    data = small_csv().encode("utf-8")
    damaged = data.replace("Chụp".encode(), b"Ch\xff\xfep")
    path = tmp_path / "damaged.csv"
    path.write_bytes(damaged)
    result = read_catalog(path, "service")
    report = result.report
    assert not report.fatal and "damaged" in report.encoding
    assert report.rows_imported == 3 and report.rows_rejected == 1
    issue = report.rejected[0]
    assert (issue.line, issue.column) == (5, "ten_dich_vu") and "invalid bytes" in issue.reason


def test_decode_bytes_utf16_odd_length_is_truncated() -> None:
    data = small_csv().encode("utf-16")[:-1]
    with pytest.raises(Exception, match="truncated"):
        decode_bytes(data)


# ------------------------------------------------------------------ broken files


def test_missing_columns_are_reported_by_name(catalog: CatalogService, tmp_path: Path) -> None:
    path = tmp_path / "nocolumn.csv"
    path.write_text("ma_tuong_duong,ten_dich_vu,ghi_chu\n01.0001.0001,Siêu âm,\n", encoding="utf-8")
    report = catalog.import_file(path, "service")
    assert "missing column(s): price (DON_GIA)" in report.fatal
    assert "headers found: ma_tuong_duong, ten_dich_vu, ghi_chu" in report.fatal
    assert active_id(catalog) is None and catalog.versions() == []


def test_column_map_from_config_and_argument(tmp_path: Path) -> None:
    path = tmp_path / "mapped.csv"
    path.write_text(
        "Mã DV;Tên dịch vụ kỹ thuật;Giá tiền\nX1;Siêu âm tim;250.000\n", encoding="utf-8"
    )
    config = CatalogConfig.model_validate({"column_map": {"Giá tiền": "DON_GIA"}})
    service = CatalogService(tmp_path / "c.sqlite3", config)
    report = service.import_file(
        path, "service", {"Tên dịch vụ kỹ thuật": "TEN_DICH_VU", "Mã DV": "MA_DICH_VU"}
    )
    assert report.ok, report.fatal
    assert report.delimiter == ";"
    item = service.search("sieu am tim")[0]
    assert (item.code, item.hospital_price) == ("X1", 250000)
    service.close()


def test_non_numeric_prices_are_rejected_with_line_and_column(
    catalog: CatalogService, tmp_path: Path
) -> None:
    rows = [(f"01.{i:04d}.0001", f"Dịch vụ {i}", str(1000 + i), "") for i in range(60)]
    rows[3] = ("01.0003.0001", "Dịch vụ 3", "liên hệ", "")
    rows[10] = ("01.0010.0001", "Dịch vụ 10", "-5000", "")
    rows[20] = ("01.0020.0001", "", "5000", "")
    path = tmp_path / "prices.csv"
    path.write_text(small_csv(rows), encoding="utf-8")
    report = catalog.import_file(path, "service")
    assert report.ok  # 3 of 60 rejected: within the 5 % limit
    assert report.rows_imported == 57 and report.rows_rejected == 3
    assert report.rows_imported + report.rows_rejected == report.rows_in_file == 60
    found = {(i.line, i.column, i.reason) for i in report.rejected}
    assert (5, "don_gia", "price not a number") in found
    assert (12, "don_gia", "price must be more than 0") in found
    assert (22, "ten_dich_vu", "empty name") in found


def test_too_many_rejected_rows_do_not_replace_the_active_catalog(
    catalog: CatalogService, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(small_csv(), encoding="utf-8")
    catalog.import_file(good, "service")
    before = active_id(catalog)
    rows = [(f"01.{i:04d}.0001", f"Mới {i}", "abc" if i % 2 else "1000", "") for i in range(10)]
    bad = tmp_path / "bad.csv"
    bad.write_text(small_csv(rows), encoding="utf-8")
    report = catalog.import_file(bad, "service")
    assert "5 of 10 rows rejected" in report.fatal and not report.activated
    assert active_id(catalog) == before
    assert catalog.search("moi") == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (HEADER.encode(), "the file has a header but no rows"),
    ],
)
def test_empty_files(catalog: CatalogService, tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    report = catalog.import_file(path, "service")
    assert reason in report.fatal and not report.activated
    assert catalog.versions() == []


@pytest.mark.parametrize("cut", ["mid_quote", "mid_row", "mid_utf8"])
def test_truncated_csv_never_replaces_the_active_catalog(
    catalog: CatalogService, tmp_path: Path, cut: str
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(small_csv(), encoding="utf-8")
    catalog.import_file(good, "service")
    before = active_id(catalog)
    last = ("02.0001.0001", "Nội soi, sinh thiết", "900000", "")
    data = small_csv(ROWS + [last]).encode()
    if cut == "mid_quote":
        data = data[: data.index('"Nội soi'.encode()) + 8]
    elif cut == "mid_row":
        data = small_csv(ROWS + [("02.0001.0001", "Noi soi", "900000", "")]).encode()
        data = data[: data.index(b"Noi soi") + 7]
    else:
        data = data[: data.index("ội".encode()) + 2]
    path = tmp_path / "truncated.csv"
    path.write_bytes(data)
    report = catalog.import_file(path, "service")
    assert "truncated" in report.fatal, report.fatal
    assert active_id(catalog) == before and len(catalog.versions()) == 1


def test_wrong_field_count_rows_are_rejected(tmp_path: Path) -> None:
    text = small_csv() + "01.0009.0001,Thiếu cột\n01.0010.0001,Thừa,1000,,x\n"
    path = tmp_path / "fields.csv"
    path.write_text(text, encoding="utf-8")
    report = read_catalog(path, "service").report
    assert report.rows_in_file == 6 and report.rows_imported == 4
    assert [(i.line, i.reason) for i in report.rejected] == [
        (6, "2 fields, the header has 4"),
        (7, "5 fields, the header has 4"),
    ]


# ------------------------------------------------------------------ XLSX


def make_xlsx(path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_drug_list_with_title_rows_and_dates(catalog: CatalogService, tmp_path: Path) -> None:
    path = tmp_path / "thuoc.xlsx"
    make_xlsx(
        path,
        [
            ["DANH MỤC THUỐC BỆNH VIỆN"],
            [],
            [
                "STT",
                "MA_THUOC",
                "TEN_THUOC",
                "TEN_HOAT_CHAT",
                "HAM_LUONG",
                "DON_VI_TINH",
                "DUONG_DUNG",
                "DON_GIA",
                "DON_GIA_BH",
                "TYLE_TT_BH",
                "TU_NGAY",
            ],  # fmt: skip
            [
                1,
                "T01",
                "Hapacol 250",
                "Paracetamol",
                "250 mg",
                "Gói",
                "Uống",
                2100,
                2000,
                100,
                datetime(2025, 1, 1),
            ],  # fmt: skip
            [
                2,
                "T02",
                "Augmentin 625",
                "Amoxicilin; Acid clavulanic",
                "625 mg",
                "Viên",
                "Uống",
                15000.0,
                "14.500",
                50,
                "01/02/2025",
            ],  # fmt: skip
            [3, "T03", "Hỏng", "X", "1", "Viên", "Uống", "mười nghìn", None, None, None],
            [4, "T04", "Ngày sai", "X", "1", "Viên", "Uống", 1000, None, None, "31/02/2025"],
        ],
    )
    report = catalog.import_file(path, "drug")
    assert report.file_format == "xlsx" and report.rows_in_file == 4
    assert report.rows_imported == 2 and report.rows_rejected == 2
    assert not report.activated and "rejected" in report.fatal  # 50 % rejected: not activated
    assert {(i.line, i.column) for i in report.rejected} == {(6, "DON_GIA"), (7, "TU_NGAY")}
    assert report.warnings[0].reason == "line above the header skipped"
    # a clean workbook imports and keeps its effective dates
    make_xlsx(
        path,
        [
            [
                "MA_THUOC",
                "TEN_THUOC",
                "TEN_HOAT_CHAT",
                "DON_GIA",
                "DON_GIA_BH",
                "TYLE_TT_BH",
                "TU_NGAY",
            ],
            ["T01", "Hapacol 250", "Paracetamol", 2100, 2000, 100, datetime(2025, 1, 1)],
            ["T02", "Augmentin 625", "Amoxicilin", 15000.0, "14.500", 50, "01/02/2025"],
        ],
    )
    report = catalog.import_file(path, "drug")
    assert report.ok and report.effective_from == date(2025, 1, 1)
    item = catalog.search("augmentin", kind="drug")[0]
    assert (item.hospital_price, item.insured_price, item.insurance_rate) == (15000, 14500, 50)
    assert item.effective_from == date(2025, 2, 1) and item.category == "drug"
    assert catalog.search("paracet", kind="drug")[0].active_ingredient == "Paracetamol"


def test_truncated_xlsx_is_refused(catalog: CatalogService, tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    make_xlsx(path, [["MA_THUOC", "TEN_THUOC", "DON_GIA"], ["T1", "A", 1]])
    path.write_bytes(path.read_bytes()[:700])
    report = catalog.import_file(path, "drug")
    assert "truncated or damaged" in report.fatal and catalog.versions() == []


# ------------------------------------------------------------------ versions


def test_duplicates_same_price_are_reported_and_kept(tmp_path: Path) -> None:
    rows = ROWS + [("02.0116.0007", "Siêu âm tim 4D (bản 2)", "486300", "")]
    path = tmp_path / "dup.csv"
    path.write_text(small_csv(rows), encoding="utf-8")
    report = read_catalog(path, "service").report
    assert report.rows_imported == 5
    assert [(g.key, g.lines) for g in report.duplicates] == [("02.0116.0007", (2, 6))]
    assert report.variants == []


def test_a_crash_while_writing_leaves_the_active_catalog(
    catalog: CatalogService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(small_csv(), encoding="utf-8")
    catalog.import_file(good, "service")
    before = active_id(catalog)
    real_connect = store.connect
    calls = 0

    def halfway(value: str) -> str:
        nonlocal calls
        calls += 1
        if calls > 3000:  # the writer fails half way through the search index
            raise KeyError("simulated crash")
        return value

    def connect(path: Path) -> sqlite3.Connection:
        conn = real_connect(path)
        conn.create_function("halfway", 1, halfway)
        return conn

    monkeypatch.setattr(store, "connect", connect)
    statement = store._FTS_FROM_STAGED.replace("s.fts_marked", "halfway(s.fts_marked)")
    assert statement != store._FTS_FROM_STAGED
    monkeypatch.setattr(store, "_FTS_FROM_STAGED", statement)
    with pytest.raises(sqlite3.OperationalError, match="user-defined function raised"):
        catalog.import_file(DEMO_SERVICES_CSV, "service")
    assert calls > 3000
    assert active_id(catalog) == before
    assert catalog.counts()["service"] == len(ROWS)
    assert [v["status"] for v in catalog.versions()] == ["complete"]


def test_new_version_replaces_and_old_one_can_be_reactivated(
    catalog: CatalogService, tmp_path: Path
) -> None:
    first = tmp_path / "v1.csv"
    first.write_text(small_csv(), encoding="utf-8")
    v1 = catalog.import_file(first, "service", effective_from=date(2025, 1, 1)).version_id
    second = tmp_path / "v2.csv"
    second.write_text(
        small_csv([("02.0116.0007", "Siêu âm tim 4D", "500000", "")]), encoding="utf-8"
    )
    v2 = catalog.import_file(second, "service").version_id
    assert catalog.search("sieu am tim")[0].hospital_price == 500000
    assert catalog.versions()[0]["effective_from"] == "2025-01-01"
    assert v1 is not None and v2 is not None
    catalog.activate("service", v1)
    assert catalog.search("sieu am tim")[0].hospital_price == 486300


def test_old_versions_are_pruned(catalog: CatalogService, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(small_csv(), encoding="utf-8")
    for _ in range(5):
        catalog.import_file(path, "service")
    statuses = [v["status"] for v in catalog.versions()]
    assert statuses == ["pruned", "pruned", "complete", "complete", "complete"]
    assert len(catalog.search("kham")) == 1


# ------------------------------------------------------------------ values


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("52600", 52600),
        ("52.600", 52600),
        ("52,600", 52600),
        ("1.234.567", 1234567),
        ("52 600 đ", 52600),
        ("52600.00", 52600),
        ("1.234.567,50", 1234568),
        ("1,234,567.4", 1234567),
        (52600, 52600),
        (52600.0, 52600),
    ],
)
def test_parse_amount(raw: object, value: int) -> None:
    assert parse_amount(raw) == value


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "12,34,567", "", "1e5", True])
def test_parse_amount_rejects(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(raw)


def test_parse_date() -> None:
    assert parse_date("15/11/2024") == date(2024, 11, 15)
    assert parse_date("2024-11-15") == date(2024, 11, 15)
    assert parse_date("202411150000") == date(2024, 11, 15)
    with pytest.raises(ValueError):
        parse_date("15 tháng 11")


def test_an_older_schema_is_reindexed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    first = CatalogService(path)
    good = tmp_path / "good.csv"
    good.write_text(small_csv(), encoding="utf-8")
    first.import_file(good, "service")
    first.close()
    conn = sqlite3.connect(path)  # the schema-1 search index: no `first` column
    conn.executescript(
        "DROP TABLE items_fts; CREATE VIRTUAL TABLE items_fts USING fts5(name, extra, cat);"
        "UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    conn.close()
    again = CatalogService(path)
    assert again.search("sieu am")[0].name == "Siêu âm tim 4D"
    assert [i.category for i in again.search("", category="exam")] == ["exam"]
    again.close()


def test_ids_after_dropped_top_versions_start_above_them(
    catalog: CatalogService, tmp_path: Path
) -> None:
    """A version whose rows were dropped (a crash while building, marked failed on the next
    start) keeps its id block: the next import's ids start above it, contiguous and in
    static-rank order."""
    path = tmp_path / "v.csv"
    path.write_text(small_csv(), encoding="utf-8")
    catalog.import_file(path, "service")
    v2 = catalog.import_file(path, "service", activate=False).version_id
    assert v2 is not None
    conn = sqlite3.connect(catalog.db_path)
    with conn:
        store._drop_version_rows(conn, v2)
        conn.execute("UPDATE versions SET status = 'failed' WHERE id = ?", (v2,))
    v3 = catalog.import_file(path, "service").version_id
    lo2, hi2 = conn.execute("SELECT id_lo, id_hi FROM versions WHERE id = ?", (v2,)).fetchone()
    lo, hi = conn.execute("SELECT id_lo, id_hi FROM versions WHERE id = ?", (v3,)).fetchone()
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM items WHERE version_id = ? ORDER BY srank, name_folded, source_line", (v3,)
    )]  # fmt: skip
    conn.close()
    assert lo == hi2 + 1 and ids == list(range(lo, hi + 1)) and hi - lo == hi2 - lo2
    assert len(catalog.search("kham")) == 1
