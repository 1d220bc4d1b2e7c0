"""Search over the real price list and the demo drugs: folding, prefixes, typos, codes,
ranking of obvious cases, filters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.catalog.legacy_search import Vocabulary, edits1
from kiosk.catalog.service import CatalogService
from kiosk.catalog.text import code_key, fold, tokens


def names(items: list) -> list[str]:
    return [i.name for i in items]


def test_fold() -> None:
    assert fold("Siêu âm tim ĐƯỜNG huyết") == "sieu am tim duong huyet"
    assert tokens("Chụp X-quang (≥ 3T)") == ["chup", "x", "quang", "3t"]
    assert code_key("27.208b.0459") == "27208b0459"


@pytest.mark.parametrize("query", ["sieu am tim", "Siêu âm tim", "SIÊU ÂM TIM", "siêu am tim"])
def test_diacritics_are_folded(catalog: CatalogService, query: str) -> None:
    found = catalog.search(query)
    assert found and all(fold(n).startswith("sieu am tim") for n in names(found)[:10])
    assert names(found) == names(catalog.search("sieu am tim"))


def test_d_with_stroke(catalog: CatalogService) -> None:
    a = catalog.search("dinh luong glucose")
    assert a and a[0].name.startswith("Định lượng Glucose")
    assert names(a) == names(catalog.search("định lượng glucose"))
    assert names(a) == names(catalog.search("Đinh luong GLUCOSE"))


def test_prefix_of_the_last_word(catalog: CatalogService) -> None:
    found = names(catalog.search("sieu am ti"))
    assert found[0].startswith("Siêu âm ti") and any(n.startswith("Siêu âm tim") for n in found[:5])
    assert any("X-quang ngực" in n for n in names(catalog.search("x quang ng")))
    assert catalog.search("paracet", kind="drug")[0].name.startswith("Paracetamol")
    # a finished word (space typed) is no longer a prefix
    assert all(
        " tim" in fold(n) or fold(n).startswith("tim") for n in names(catalog.search("tim "))
    )


def test_all_words_are_required(catalog: CatalogService) -> None:
    found = catalog.search("tim doppler")
    assert found
    for name in names(found):
        words = tokens(name)
        assert "tim" in words and any(w.startswith("doppler") for w in words)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("xet nghim mau", "tong phan tich te bao mau"),  # "xet nghiem mau": the blood count
        ("paracetamoll", "paracetamol"),
        ("phau thuatt noi soi ruot thua", "phau thuat noi soi"),
        ("sieu am tuyen giapp", "sieu am tuyen giap"),
        ("amoxcilin", "amoxicilin"),
    ],
)
def test_one_typo_in_longer_words(catalog: CatalogService, typo: str, expected: str) -> None:
    found = catalog.search(typo)
    assert found, typo
    assert expected in fold(found[0].name) or expected in fold(found[0].active_ingredient)


def test_short_words_get_typo_tolerance(catalog: CatalogService) -> None:
    assert catalog.search("sieu am tym")[0].name.startswith("Siêu âm tim")


def test_edits1_and_vocabulary() -> None:  # the legacy search (bench reference)
    assert {"tim", "tin", "tiim", "itm"} <= edits1("tim")
    vocab = Vocabulary(["nghiem", "nghiep", "mau"])
    assert vocab.near("nghim", prefix=False) == ["nghiem"]
    assert vocab.near("ngiem", prefix=True) == ["nghiem"]


@pytest.mark.parametrize("query", ["01.0303.0001", "0103030001", "01.0303.0001 "])
def test_equivalence_code(catalog: CatalogService, query: str) -> None:
    found = catalog.search(query)
    assert found[0].code == "01.0303.0001"
    assert found[0].name == "Siêu âm cấp cứu tại giường bệnh"


def test_code_prefix_and_drug_code(catalog: CatalogService) -> None:
    found = catalog.search("18.0119", limit=10)
    assert found and all(i.code.startswith("18.0119") for i in found[:2])
    drug = catalog.search("demo-t001")[0]
    assert drug.code == "DEMO-T001" and drug.kind == "drug"


def test_ranking_of_obvious_cases(catalog: CatalogService) -> None:
    assert catalog.search("kham")[0].category == "exam"
    assert "Giá Khám bệnh" in names(catalog.search("kham", limit=10))
    assert catalog.search("kham benh")[0].category == "exam"
    assert catalog.search("giuong")[0].category == "bed"
    # the name starts with the query before names that only contain it
    found = catalog.search("sieu am")
    starts = [fold(n).startswith("sieu am") for n in names(found)]
    assert starts[0] and starts == sorted(starts, reverse=True)
    # routine gastroscopy, not haemostasis (issue 18)
    assert catalog.search("noi soi da day")[0].name.startswith("Nội soi thực quản")


def test_kind_and_category_filters(catalog: CatalogService) -> None:
    assert {i.kind for i in catalog.search("natri", kind="drug")} == {"drug"}
    imaging = catalog.search("sieu am", category="imaging")
    assert imaging and {i.category for i in imaging} == {"imaging"}
    labs = catalog.search("glucose", category="laboratory")
    assert labs and {i.category for i in labs} == {"laboratory"}
    assert catalog.search("paracetamol", category="drug")[0].kind == "drug"


def test_browse_a_category_without_query(catalog: CatalogService) -> None:
    beds = catalog.search("", category="bed", limit=100)
    assert len(beds) == 7 and {i.category for i in beds} == {"bed"}
    assert catalog.search("") == []
    assert [c for c, _ in catalog.categories()] == [
        "exam", "bed", "imaging", "laboratory", "procedure", "drug",
    ]  # fmt: skip


def test_get_and_limit(catalog: CatalogService) -> None:
    first = catalog.search("s", limit=5)
    assert len(first) == 5
    item = catalog.get(first[0].id)
    assert item == first[0]
    assert catalog.get(-1) is None


def test_expired_rows_are_not_shown(tmp_path: Path) -> None:
    path = tmp_path / "dated.csv"
    path.write_text(
        "MA_DICH_VU,TEN_DICH_VU,DON_GIA,TU_NGAY,DEN_NGAY\n"
        "A1,Siêu âm tim (giá cũ),200000,01/01/2020,31/12/2020\n"
        "A1,Siêu âm tim,250000,01/01/2021,\n",
        encoding="utf-8",
    )
    service = CatalogService(tmp_path / "c.sqlite3")
    assert service.import_file(path, "service").ok
    assert [i.hospital_price for i in service.search("sieu am tim")] == [250000]
    assert service.search("sieu am tim")[0].effective_from == date(2021, 1, 1)
    service.close()


def test_search_from_another_thread(catalog: CatalogService) -> None:
    import threading

    out: list[int] = []
    thread = threading.Thread(target=lambda: out.append(len(catalog.search("sieu am tim"))))
    thread.start()
    thread.join()
    assert out == [len(catalog.search("sieu am tim"))]
