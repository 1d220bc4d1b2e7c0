"""Issue 18: synonyms, ranking, typos and specialty exams on the demo catalog (the real
price list, the demo specialty exam rows and the demo drugs)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from kiosk.catalog.config import CatalogConfig
from kiosk.catalog.service import CatalogService
from kiosk.catalog.synonyms import (
    DROP,
    SHIPPED,
    SynonymTable,
    checked_entries,
    dead_alternatives,
    read_file,
)
from kiosk.catalog.text import fold, folded_words, tokens
from kiosk.queue.config import default_clinics

CLINICS = [(c.id, c.name_vi, c.name_en) for c in default_clinics()]


def folded(items: list) -> list[str]:
    return [folded_words(i.name) for i in items]


def rank_of(items: list, pattern: str) -> int:
    """1-based rank of the first row whose folded name matches, 0 when none does."""
    return next((n + 1 for n, name in enumerate(folded(items)) if re.search(pattern, name)), 0)


# ---------------------------------------------------------------- synonyms


def test_every_shipped_synonym_finds_rows(catalog: CatalogService) -> None:
    """Each alternative of the shipped table names rows of the demo catalog (a renamed
    list row would silently make an entry useless)."""
    assert dead_alternatives(checked_entries(SHIPPED), catalog.search) == []
    assert ("dermatologist",) in read_file(SHIPPED)  # [exam] entries are rewrites too
    assert dead_alternatives({("x",): [("khong", "co", "dong", "nay")]}, catalog.search) == [
        "x -> khong co dong nay"
    ]


def test_synonyms_and_abbreviations(catalog: CatalogService) -> None:
    assert catalog.search("mri")[0].name.startswith("Chụp cộng hưởng từ")
    assert rank_of(catalog.search("x quang phoi"), "^chup x quang nguc") == 1
    assert rank_of(catalog.search("chup cat lop so nao"), "^chup clvt so nao") == 1
    assert rank_of(catalog.search("men gan"), "^do hoat do (alt|ast)") == 1
    assert rank_of(catalog.search("sot xuat huyet"), "dengue") == 1
    # the words as typed still find their own rows
    assert rank_of(catalog.search("phoi", limit=100), "phoi") > 0


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("ultrasound", "^sieu am"),
        ("x-ray", "^chup x quang"),
        ("blood test", "^tong phan tich te bao mau"),
        ("chest x-ray", "^chup x quang nguc"),
    ],
)
def test_english_words(catalog: CatalogService, query: str, pattern: str) -> None:
    assert 0 < rank_of(catalog.search(query), pattern) <= 3


def test_a_key_being_typed_applies(catalog: CatalogService) -> None:
    for query in ("chup xq", "chup xqu", "chup xqua", "chup xquang"):
        assert rank_of(catalog.search(query), "^chup x quang") == 1, query


def test_hospital_synonym_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "catalog-synonyms.toml").write_text(
        '[vi]\n"sieu am bung" = []\n"may tim" = ["dien tim"]\n', encoding="utf-8"
    )
    table = SynonymTable.load(tmp_path)
    assert ("may", "tim") in table.entries and ("sieu", "am", "bung") not in table.entries
    assert ("mri",) in table.entries  # the shipped entries stay
    (tmp_path / "catalog-synonyms.toml").write_text('[vi]\n"---" = ["x"]\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        table = SynonymTable.load(tmp_path)
    assert ("mri",) in table.entries and "hospital synonym file ignored" in caplog.text
    (tmp_path / "catalog-synonyms.toml").write_text("not toml [", encoding="utf-8")
    assert ("mri",) in SynonymTable.load(tmp_path).entries


def test_rewrites() -> None:
    table = SynonymTable(
        {("xq",): [("x", "quang")], ("xet", "nghiem"): [()], ("men", "gan"): [("alt",)]}
    )
    assert [r.words for r in table.rewrites(["chup", "xq"], False)] == [("chup", "x", "quang")]
    assert [r.words for r in table.rewrites(["xet", "nghiem", "men", "gan"], False)] == [
        ("men", "gan"),
        ("xet", "nghiem", "alt"),
        ("alt",),
    ]
    assert table.rewrites(["x"], True) == []  # one letter does not start a key
    assert DROP == "-"


# ---------------------------------------------------------------- ranking


def test_common_services_before_exotic_surgery(catalog: CatalogService) -> None:
    found = catalog.search("noi soi da day")
    routine = [
        i
        for i in found[:3]
        if re.match(r"noi soi thuc quan.*da day.*ta trang$", folded_words(i.name))
    ]
    assert routine and routine[0].hospital_price == 276500
    assert (
        0 < rank_of(catalog.search("khau vet thuong"), "^khau vet thuong (phan mem|don gian)") <= 3
    )
    para = catalog.search("paracetamol")
    assert para[0].kind == "drug"
    assert rank_of(para, "^paracetamol$") > 1  # the lab test "Paracetamol" comes after the drugs
    assert catalog.search("kham")[0].category == "exam"
    assert catalog.search("giuong")[0].category == "bed"


def test_tone_marks_separate_folded_words(catalog: CatalogService) -> None:
    tendon = catalog.search("gân", limit=10)
    assert tendon and all("gân" in i.name.lower() for i in tendon[:5])
    liver = catalog.search("gan", limit=10)
    assert any("gân" not in i.name.lower() for i in liver)
    assert rank_of(catalog.search("viem gan b"), "hbsag|^hbv") == 1


def test_ranking_is_by_relevance_not_by_category(catalog: CatalogService) -> None:
    found = catalog.search("sieu am")
    assert all(fold(n).startswith("sieu am") for n in [i.name for i in found[:10]])


# ---------------------------------------------------------------- typos


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("sieu am bugn", "^sieu am o bung"),
        ("sieu an bung", "^sieu am o bung"),
        ("dien tiim", "^dien tim"),
        ("nho rag", "^nho (chan )?rang"),
        ("noi soi da dy", "^noi soi (thuc quan.*)?da day"),
        ("xet nghiem mua", "^tong phan tich te bao mau"),
        ("sieu am tym", "^sieu am tim"),
        ("kahm mat", "^kham mat"),
        ("amoxilin", "^amoxicilin"),
    ],
)
def test_typos_on_short_words(catalog: CatalogService, query: str, pattern: str) -> None:
    assert 0 < rank_of(catalog.search(query), pattern) <= 3, folded(catalog.search(query))[:5]


def test_a_typo_correction_never_replaces_an_exact_hit(catalog: CatalogService) -> None:
    # "tim" is a word of the list: rows with it, never "tin"/"tiem" corrections
    found = catalog.search("tim ", limit=50)
    assert found and all("tim" in tokens(i.name) or "tim" in tokens(i.alt_name) for i in found)
    found = catalog.search("dinh luong sat", limit=50)
    assert found and all("sat" in tokens(i.name) for i in found[:5])


# ---------------------------------------------------------------- specialty exams


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("kham noi", "DEMO-K01"),
        ("kham nhi", "DEMO-K02"),
        ("kham tmh", "DEMO-K03"),
        ("kham mat", "DEMO-K04"),
        ("kham rang", "DEMO-K05"),
        ("kham san", "DEMO-K06"),
        ("kham phu khoa", "DEMO-K06"),
    ],
)
def test_specialty_exam_rows(catalog: CatalogService, query: str, code: str) -> None:
    assert catalog.search(query)[0].code == code
    assert catalog.search(query, category="exam")[0].code == code


def test_clinics_map_to_exam_price_codes(tmp_path: Path) -> None:
    """A clinic whose exam row does not say the clinic's name: the configured code."""
    config = CatalogConfig(clinic_exam_codes={"tim": "DEMO-K01"})
    service = CatalogService(
        tmp_path / "c.sqlite3", config, clinics=[("tim", "Tim mạch", "Cardiology")]
    )
    try:
        assert all(r.ok for r in service.ensure_demo(drugs_path=None))
        assert service.search("kham tim")[0].code == "DEMO-K01"
        assert service.search("kham tim mach")[0].code == "DEMO-K01"
        assert service.search("kham t")[0].code == "DEMO-K01"
        assert service.search("kham noi")[0].code == "DEMO-K01"  # by its name
    finally:
        service.close()


# ---------------------------------------------------------------- words left out


def test_a_word_no_row_has_with_the_others_is_left_out(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "gấp" (urgent) is in the list but never with ferritin: without the word, not nothing."""
    assert rank_of(catalog.search("dinh luong ferritin gap"), "^dinh luong ferritin") == 1
    monkeypatch.setattr("kiosk.catalog.search.MAX_DROP_WORDS", 0)
    monkeypatch.setattr("kiosk.catalog.search.ANY_MIN_LETTERS", 99)  # nor any word
    monkeypatch.setattr("kiosk.catalog.search.MAX_SPAN", 0)
    assert catalog.search("dinh luong ferritin gap") == []


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("crp test", "crp"),  # "test" is what a foreign patient adds to what is measured
        ("hba1c test", "^dinh luong hba1c"),
        ("tram rang", "^(tram bit|dieu tri sau nga rang|phuc hoi co rang)"),
        ("tooth", "rang"),
    ],
)
def test_filler_words_and_dental_fillings(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert 0 < rank_of(catalog.search(query), pattern) <= 3, folded(catalog.search(query))[:5]


# ---------------------------------------------------------------- filler words, [exam]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("kham mat tre em", "DEMO-K04"),
        ("gia kham noi bao nhieu", "DEMO-K01"),
        ("kham tai mui hong cho be", "DEMO-K03"),
        ("kham nhi bao nhieu tien", "DEMO-K02"),
    ],
)
def test_filler_words_do_not_derail_a_specialty_exam(
    catalog: CatalogService, query: str, code: str
) -> None:
    assert catalog.search(query)[0].code == code, folded(catalog.search(query))[:5]


def test_filler_words_are_searched_away_only_as_a_rewrite(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = catalog.synonyms
    assert table.without_filler(["kham", "mat", "tre", "em"]) == (("kham", "mat"), False)
    assert table.without_filler(["gia", "kham", "noi"]) == (("kham", "noi"), True)
    monkeypatch.setattr(table, "filler", frozenset())
    monkeypatch.setattr("kiosk.catalog.search.MAX_SPAN", 0)  # nor runs of its words
    assert catalog.search("kham mat tre em")[0].code != "DEMO-K04"


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("dermatologist", "^kham da lieu"),
        ("ear nose throat", "^kham tai mui hong"),
        ("ophthalmologist", "^kham mat"),
        ("cardiologist", "^kham "),  # no cardiology row in the demo list: the exam rows
        ("knee x-ray", "^chup x quang khop goi"),
        ("head ct", "^chup clvt so nao"),
        ("ctm", "^tong phan tich te bao mau"),
        ("xn nuoc tieu", "^tong phan tich nuoc tieu"),
        ("sa bung", "^sieu am o bung"),
        ("pregnancy test", "bhcg"),
    ],
)
def test_specialties_abbreviations_and_english_body_parts(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert 0 < rank_of(catalog.search(query), pattern) <= 3, folded(catalog.search(query))[:5]


def test_second_rewrite_step_completes_no_key_from_inserted_words() -> None:
    """ "x ray" -> "chup x quang": "quang" was not typed, it must not be read as the start of
    "x quang phoi" (that used up the rewrites before "knee" got its turn)."""
    table = SynonymTable(
        {
            ("x", "ray"): [("chup", "x", "quang")],
            ("knee",): [("khop", "goi")],
            ("x", "quang", "phoi"): [("x", "quang", "nguc")],
        }
    )
    words = [r.words for r in table.rewrites(["knee", "x", "ray"], True)]
    assert ("khop", "goi", "chup", "x", "quang") in words
    assert ("knee", "chup", "x", "quang", "nguc") not in words
