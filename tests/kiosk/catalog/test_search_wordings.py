"""How patients word a query the list words otherwise: strengths typed without a space, "khám
bệnh <clinic>", Vietnamese clinic names, "thử …" for a test."""

from __future__ import annotations

import re

import pytest

from kiosk.catalog import store
from kiosk.catalog.drug_terms import DrugTerms, Term
from kiosk.catalog.search import exam_core
from kiosk.catalog.service import CatalogService
from kiosk.catalog.synonyms import SynonymTable
from kiosk.catalog.text import folded_words, split_unit
from kiosk.queue.config import default_clinics

CLINICS = [(c.id, c.name_vi, c.name_en) for c in default_clinics()]


def first(catalog: CatalogService, query: str, kind: str | None = None) -> str:
    found = catalog.search(query, kind=kind)
    assert found, f"{query!r} found nothing"
    return folded_words(found[0].name)


def test_split_unit() -> None:
    assert split_unit("500mg") == ("500", "mg")
    assert split_unit("100ml") == ("100", "ml")
    assert split_unit("500m") == ("500m",)  # a whole word: "m" is no unit
    assert split_unit("500m", prefix=True) == ("500", "m")  # being typed: "mg", "ml"
    assert split_unit("b12") == ("b12",)
    assert split_unit("24h") == ("24h",)


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("omeprazole 20mg", "^omeprazol 20 mg"),
        ("paracetamol 500mg", "^paracetamol 500 mg"),
        ("paracetamol 500m", "^paracetamol 500 mg"),
        ("paracetamol 500mg vien", "^paracetamol 500 mg"),
    ],
)
def test_a_strength_typed_without_its_space(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert re.search(pattern, first(catalog, query, "drug"))


def test_a_word_the_list_has_with_its_unit_is_not_split(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    searcher = catalog._searcher()
    versions = store.active_versions(searcher.conn)
    assert searcher._split_words(("20mg",), False, versions) == ("20", "mg")
    monkeypatch.setitem(searcher.typo_index(versions).counts, "20mg", 1)  # "Thuốc X 20mg"
    assert searcher._split_words(("20mg",), False, versions) == ("20mg",)


def test_exam_core() -> None:
    assert exam_core(("kham", "benh", "nhi"), False) == ("kham", "nhi")
    assert exam_core(("kham", "benh", "n"), True) == ("kham", "benh", "n")  # still typing
    assert exam_core(("kham", "benh"), False) == ("kham", "benh")
    assert exam_core(("kham", "nhi"), False) == ("kham", "nhi")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("khám bệnh nhi", "DEMO-K02"),
        ("kham benh mat", "DEMO-K04"),
        ("kham benh ngoai da", "DEMO-K08"),
        ("nha khoa", "DEMO-K05"),
        ("kham nha khoa", "DEMO-K05"),
        ("kham phu khoa", "DEMO-K06"),
    ],
)
def test_the_clinic_named_the_vietnamese_way(
    catalog: CatalogService, query: str, code: str
) -> None:
    assert catalog.search(query)[0].code == code


def test_an_exam_key_after_kham_is_not_doubled() -> None:
    table = SynonymTable({("nha", "khoa"): (("kham", "rang", "ham", "mat"), ("kham",))})
    words = [r.words for r in table.rewrites(("kham", "nha", "khoa"), False)]
    assert ("kham", "rang", "ham", "mat") in words
    assert not any(w[:2] == ("kham", "kham") for w in words)
    words = [r.words for r in table.rewrites(("kham", "benh", "nha", "khoa"), False)]
    assert ("kham", "rang", "ham", "mat") in words


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("thu duong huyet", "^dinh luong glucose"),
        ("thu men gan", "^do hoat do (alt|ast)"),
        ("thu mau", "^tong phan tich te bao mau"),
        ("kiem tra mo mau", "cholesterol|triglycerid"),
        ("vi khuan hp da day", "^helicobacter pylori"),
        ("cat bao qui dau", "bao (quy|qui) dau"),
    ],
)
def test_everyday_wordings_of_tests_and_procedures(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert re.search(pattern, first(catalog, query, "service"))


def test_a_one_word_filler_that_starts_a_key_is_kept() -> None:
    table = SynonymTable(
        {("can", "thi"): (("do", "khuc", "xa"),)}, filler=[("can",), ("vi", "khuan")]
    )
    assert table.without_filler(["toi", "can", "kham"]) == (("toi", "kham"), True)
    assert table.without_filler(["do", "can", "thi"]) == (("do", "can", "thi"), True)
    assert table.without_filler(["vi", "khuan", "hp"]) == (("hp",), True)


def test_stomach_ache_medicine_without_antispasmodics_in_stock(catalog: CatalogService) -> None:
    names = [folded_words(i.name) for i in catalog.search("thuoc dau bung", kind="drug")]
    assert names and all(re.match("(omeprazol|esomeprazol|domperidon)", n) for n in names[:3])


# ---------------------------------------------------------------- when nothing matches


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("sieuam bung", "^sieu am o bung"),  # two words typed without their space
        ("procalcito", "pro calcitonin"),  # ... while typing the second
        ("noisoi da day", "^noi soi thuc quan"),
    ],
)
def test_two_words_typed_as_one(catalog: CatalogService, query: str, pattern: str) -> None:
    assert re.search(pattern, first(catalog, query, "service"))


def test_a_word_the_list_has_is_never_split(catalog: CatalogService) -> None:
    searcher = catalog._searcher()
    versions = store.active_versions(searcher.conn)
    assert searcher._split_words(("bilirubin",), False, versions, True) == ("bilirubin",)
    assert searcher._split_words(("sieuam",), False, versions, True) == ("sieu", "am")
    assert searcher._split_words(("sieuam",), False, versions) == ("sieuam",)  # only once
    # nothing was found: a brand such as "curam" may look like two words


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("thuoc tri tieu duong", "^(metformin|insulin)"),  # "trị": no drug row has it
        ("pulmicort respules", "^budesonid"),
        ("thuoc ngua di ung", "^(cetirizin|desloratadin)"),
        ("motilium siro", "^domperidon"),  # the list has a suspension: the brand comes first
    ],
)
def test_a_class_or_brand_whose_drugs_lack_a_word(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert re.search(pattern, first(catalog, query, "drug"))


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("con toi bi vang mat xet nghiem bilirubin", "bilirubin"),
        ("thieu men g6pd", "g6pd"),
        ("soi phan tim giun", "giun"),
    ],
)
def test_a_sentence_finds_the_rows_of_its_telling_words(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    names = [folded_words(i.name) for i in catalog.search(query, kind="service")]
    assert sum(bool(re.search(pattern, n)) for n in names[:5]) >= 2, names[:5]


def test_the_any_word_resort_comes_after_every_other_tier(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert catalog.search("zzzq qqqz") == []  # no word of it anywhere: still nothing
    monkeypatch.setattr("kiosk.catalog.search.ANY_MIN_LETTERS", 99)
    monkeypatch.setattr("kiosk.catalog.search.MAX_SPAN", 0)
    assert catalog.search("con toi bi vang mat xet nghiem bilirubin", kind="service") == []


def test_a_rewrite_the_catalog_cannot_match_takes_no_place_and_leads_further() -> None:
    table = SynonymTable(
        {
            ("xn",): (("xet", "nghiem"),),
            ("xet", "nghiem"): ((),),
            ("ctm",): (("tong", "phan", "tich"),),
        }
    )
    listed = {"xet", "nghiem", "tong", "phan", "tich"}

    def usable(words: object, prefix_last: bool) -> bool:
        return set(words) <= listed  # type: ignore[arg-type]

    words = [r.words for r in table.rewrites(("xn", "ctm"), False, usable)]
    assert ("tong", "phan", "tich") in words  # three steps: xn -> xet nghiem -> dropped
    assert all(set(w) <= listed for w in words)  # "xn tong phan tich" takes no place
    assert ("xn", "tong", "phan", "tich") in [r.words for r in table.rewrites(("xn", "ctm"), False)]


@pytest.mark.parametrize(
    ("query", "pattern"),
    [("xn ctm", "^tong phan tich te bao mau"), ("xn viem gan b", "^hbsag")],
)
def test_an_abbreviation_of_an_abbreviation(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    assert re.search(pattern, first(catalog, query, "service"))


@pytest.mark.parametrize(
    ("query", "pattern"),
    [("nexiun", "^esomeprazol"), ("zitromax", "^azithromycin"), ("efferalgam", "^paracetamol")],
)
def test_a_misspelt_brand(catalog: CatalogService, query: str, pattern: str) -> None:
    assert re.search(pattern, first(catalog, query, "drug"))


def test_a_brand_is_corrected_only_when_it_is_no_word_of_the_table() -> None:
    table = DrugTerms({("nexium",): Term(((("esomeprazol",),),))})
    assert table.corrected(("nexiun",)) == ("nexium",)
    assert table.corrected(("nexium",)) is None  # already right
    assert table.corrected(("nexi",)) is None  # too short to guess
    assert table.corrected(("xyzabc",)) is None


@pytest.mark.parametrize(
    ("query", "code"),
    [("chau bi sau rang can kham rang", "DEMO-K05"), ("kham ngoai cho chau bi nga", "DEMO-K07")],
)
def test_a_sentence_around_a_specialty_exam(catalog: CatalogService, query: str, code: str) -> None:
    assert catalog.search(query)[0].code == code


def test_a_sentence_around_a_service(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert first(catalog, "sieu am tinh hoan cho be trai", "service").startswith(
        "sieu am tinh hoan"
    )
    monkeypatch.setattr("kiosk.catalog.search.MAX_SPAN", 0)  # without runs of words
    assert not first(catalog, "sieu am tinh hoan cho be trai", "service").startswith(
        "sieu am tinh hoan"
    )


# ---------------------------------------------------------------- round 8 (holdout 7)


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("rota virus", "^rotavirus"),  # one word of the list typed as two
        ("rota vi", "^rotavirus"),  # ... while typing the second
        ("xet nghiem rota virus", "^rotavirus"),
    ],
)
def test_one_word_typed_as_two(catalog: CatalogService, query: str, pattern: str) -> None:
    assert re.search(pattern, first(catalog, query, "service"))


def test_two_known_words_are_never_joined(catalog: CatalogService) -> None:
    searcher = catalog._searcher()
    versions = store.active_versions(searcher.conn)
    assert searcher._split_words(("rota", "virus"), False, versions, True) == ("rotavirus",)
    assert searcher._split_words(("rota", "virus"), False, versions) == ("rota", "virus")
    assert searcher._split_words(("sieu", "am"), False, versions, True) == ("sieu", "am")


def test_a_neighbouring_key_is_a_likely_typo(catalog: CatalogService) -> None:
    """The word "khan" is in the list (4 rows) with many more frequent neighbours; "m" is next
    to "n" on the keyboard."""
    from kiosk.catalog.typos import _key_slip

    assert _key_slip("khan", "kham") and _key_slip("mau", "nau") and _key_slip("sa", "da")
    assert not _key_slip("khan", "khau") and not _key_slip("khan", "khang")
    assert first(catalog, "khan nhi", "service") == "kham nhi"
    assert first(catalog, "kham nhu", "service") == "kham nhi"


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("thuoc da day trao nguoc", "^(omeprazol|esomeprazol)"),  # the class named twice
        ("eye drops for pink eye", "nho mat"),
    ],
)
def test_a_class_named_twice(catalog: CatalogService, query: str, pattern: str) -> None:
    assert re.search(pattern, first(catalog, query, "drug"))


@pytest.mark.parametrize(
    ("query", "patterns"),
    [
        ("sat va ferritin", ("^dinh luong ferritin", "^dinh luong sat")),
        ("ure va creatinin", ("^dinh luong ure", "^dinh luong creatinin")),
        ("x quang phoi va sieu am bung", ("x quang nguc", "^sieu am o bung")),
    ],
)
def test_two_things_asked_at_once(
    catalog: CatalogService, query: str, patterns: tuple[str, ...]
) -> None:
    top = [folded_words(i.name) for i in catalog.search(query, kind="service")[:8]]
    for pattern in patterns:
        assert any(re.search(pattern, name) for name in top), (pattern, top)


def test_va_as_a_word_of_the_list_is_no_and(catalog: CatalogService) -> None:
    assert "nao va" in first(catalog, "nao va", "service")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("con bi viem hong", "DEMO-K03"),  # what hurts -> the clinic that sees it
        ("be bi noi man ngua", "DEMO-K08"),
        ("ear pain", "DEMO-K03"),
        ("kham rang sua", "DEMO-K05"),
    ],
)
def test_a_symptom_finds_its_clinic(catalog: CatalogService, query: str, code: str) -> None:
    assert code in [i.code for i in catalog.search(query, kind="service")[:5]]


def test_a_tooth_procedure_stays_above_the_dental_exam(catalog: CatalogService) -> None:
    assert first(catalog, "nhổ răng sữa cho cháu", "service").startswith("nho rang sua")
