"""Drug classes and brands -> active ingredients (`drug_terms.py`, `drug-terms.toml`) on the
demo drug list and on small lists written here (brand-named rows, routes only in the route
column)."""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path

import pytest

from kiosk.catalog.drug_terms import (
    LOCAL_NAME,
    SHIPPED,
    DrugTerms,
    Term,
    misspelt_ingredients,
    parse_ingredient,
    read_file,
)
from kiosk.catalog.service import DEMO_DRUGS_CSV, CatalogService
from kiosk.catalog.text import folded_words, tokens

HEADER = ["MA_THUOC", "TEN_THUOC", "TEN_HOAT_CHAT", "HAM_LUONG", "DON_VI_TINH", "DUONG_DUNG",
          "DON_GIA"]  # fmt: skip


def names(items: list) -> list[str]:
    return [folded_words(i.name) for i in items]


def demo_ingredient_words() -> set[str]:
    with DEMO_DRUGS_CSV.open(encoding="utf-8") as f:
        return {w for row in csv.DictReader(f) for w in tokens(row["TEN_HOAT_CHAT"])}


# ---------------------------------------------------------------- the shipped table


def test_shipped_ingredients_are_spelt_as_the_demo_list_spells_them() -> None:
    """An ingredient the demo list has must be written the list's way ("amoxicilin", not
    "amoxicillin"); ingredients it lacks are fine (another hospital stocks them)."""
    entries, _ = read_file(SHIPPED)
    assert misspelt_ingredients(entries, demo_ingredient_words()) == []
    wrong: dict[tuple[str, ...], Term] = {("x",): Term((parse_ingredient("amoxicillin"),))}
    assert misspelt_ingredients(wrong, demo_ingredient_words()) == [
        "amoxicillin (the list: amoxicilin)"
    ]


def test_every_class_with_a_demo_ingredient_finds_a_demo_drug(catalog: CatalogService) -> None:
    """Each class or brand that names an ingredient of a demo drug finds a demo drug of it."""
    table = DrugTerms.load()
    with DEMO_DRUGS_CSV.open(encoding="utf-8") as f:
        rows = [(*tokens(r["TEN_THUOC"]), *tokens(r["TEN_HOAT_CHAT"])) for r in csv.DictReader(f)]
    dead = []
    for key, term in table.entries.items():
        if not any(term.ingredient_of(row) >= 0 for row in rows):
            continue
        found = catalog.search(" ".join(key) + " ", kind="drug", limit=20)
        if term.ingredients and not any(
            term.ingredient_of((*tokens(i.name), *tokens(i.active_ingredient))) >= 0 for i in found
        ):
            dead.append(" ".join(key))
    assert dead == []


def test_shipped_table_size() -> None:
    entries, drug_words = read_file(SHIPPED)
    with_routes = {t for t in entries.values() if t.routes}
    assert len(entries) >= 300 and len(with_routes) >= 4 and ("thuoc",) in drug_words


# ---------------------------------------------------------------- queries on the demo list


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("thuoc ha sot", "^paracetamol"),
        ("fever medicine", "^(paracetamol|ibuprofen)"),
        ("allergy medicine", "^(cetirizin|desloratadin)"),
        ("thuoc di ung", "^(cetirizin|desloratadin)"),
        ("blood pressure medicine", "^amlodipin"),
        ("thuoc tieu duong", "^(metformin|insulin)"),
        ("diabetes medicine", "^(metformin|insulin)"),
        ("khang sinh", "^amoxicilin"),
        ("corticoid", "^(methylprednisolon|dexamethason|budesonid)"),
        ("thuoc tieu chay", "^(oresol|kem gluconat|men vi sinh)"),
        ("men tieu hoa", "^men vi sinh"),
        ("dich truyen", "^(natri clorid 0 9 500|glucose 5|ringer lactat)"),
        ("eye drops", "nho mat"),
        ("augmentin", "^amoxicilin acid clavulanic"),
        ("efferalgan", "^paracetamol"),
        ("efferal", "^paracetamol"),  # a brand being typed
        ("ventolin", "^salbutamol"),
        ("siro ha sot", "^paracetamol .*siro"),  # the other words are required
    ],
)
def test_classes_and_brands_find_their_drugs(
    catalog: CatalogService, query: str, pattern: str
) -> None:
    found = catalog.search(query)
    assert found and re.search(pattern, names(found)[0]), names(found)[:5]


def test_without_the_table_nothing_is_found(
    catalog: CatalogService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog.drug_terms, "entries", {})
    assert catalog.search("augmentin") == []
    assert not any(i.kind == "drug" for i in catalog.search("thuoc ha sot")[:3])


def test_the_other_words_are_required(catalog: CatalogService) -> None:
    found = catalog.search("siro ha sot")
    assert found and all("siro" in n for n in names(found) if n.startswith(("parac", "ibup")))
    assert catalog.search("augmentin 250")[0].code == "DEMO-T006"


def test_a_class_with_routes_keeps_only_those_routes(catalog: CatalogService) -> None:
    """IV fluids: sodium chloride infusions, not the sodium chloride eye/nose drops or ORS."""
    drugs = [i for i in catalog.search("dich truyen") if i.kind == "drug"]
    assert drugs and {i.route for i in drugs} == {"Tiêm truyền"}
    assert {i.route for i in catalog.search("eye drops")} == {"Nhỏ mắt"}


def test_a_short_class_word_waits_until_it_is_complete(catalog: CatalogService) -> None:
    """ "ho" (cough) while typing may become "hong", "hoi": drugs only once it is complete."""
    assert not any(i.kind == "drug" for i in catalog.search("ho")[:5])
    assert catalog.search("ho ")[0].kind == "drug"
    assert catalog.search("thuoc ho")[0].kind == "drug"


def test_a_disease_word_alone_keeps_tests_first(catalog: CatalogService) -> None:
    """ "diabetes" may be the test or the medicine: without "thuoc"/"medicine" the synonym
    (glucose test) stays first and the drugs come after it."""
    found = catalog.search("diabetes")
    assert names(found)[0].startswith("dinh luong glucose")
    assert any(i.kind == "drug" for i in found[:10])


# ---------------------------------------------------------------- a hospital's own list


def write_drugs(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def test_brand_named_rows_and_routes_in_their_own_column(tmp_path: Path) -> None:
    """The list names rows by brand and keeps the route in DUONG_DUNG only."""
    drugs = write_drugs(
        tmp_path / "drugs.csv",
        [
            ["T1", "Panadol 500mg", "Paracetamol", "500mg", "Viên", "Uống", "1200"],
            ["T2", "Hapacol 250", "Paracetamol", "250mg", "Gói", "Uống", "2000"],
            ["T3", "Tobrex 5ml", "Tobramycin", "0,3%", "Lọ", "Nhỏ mắt", "45000"],
            [
                "T4",
                "Klamentin 625",
                "Amoxicilin; Acid clavulanic",
                "500mg+125mg",
                "Viên",
                "Uống",
                "9000",
            ],  # noqa: E501
            ["T5", "Amoxicilin 500", "Amoxicilin", "500mg", "Viên", "Uống", "800"],
        ],
    )
    service = CatalogService(tmp_path / "catalog.sqlite3")
    try:
        assert service.import_file(drugs, "drug").ok
        assert [i.code for i in service.search("eye drops")] == ["T3"]
        assert [i.code for i in service.search("thuoc nho mat")][:1] == ["T3"]
        assert [i.code for i in service.search("augmentin")] == ["T4"]  # not plain amoxicilin
        assert service.search("panadol")[0].code == "T1"  # the brand typed comes first
        assert {i.code for i in service.search("panadol")} == {"T1", "T2"}
        assert service.search("thuoc ha sot")[0].code in {"T1", "T2"}
    finally:
        service.close()


def test_hospital_drug_term_file(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / LOCAL_NAME).write_text(
        '[brand]\n"para cua vien" = ["paracetamol"]\n"panadol" = []\n', encoding="utf-8"
    )
    table = DrugTerms.load(tmp_path)
    assert ("para", "cua") in table.entries and ("panadol",) not in table.entries
    assert ("efferalgan",) in table.entries
    (tmp_path / LOCAL_NAME).write_text('[brand]\n"---" = ["x"]\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        table = DrugTerms.load(tmp_path)
    assert ("efferalgan",) in table.entries and "hospital drug term file ignored" in caplog.text


def test_match() -> None:
    table = DrugTerms(
        {
            ("ha", "sot"): Term((parse_ingredient("paracetamol"),)),
            ("augmentin",): Term((parse_ingredient("amoxicilin"),)),
        },
        [("thuoc",), ("medicine",)],
    )
    m = table.match(["thuoc", "ha", "sot"], False)
    assert m is not None and m.drug_word and m.key == ("ha", "sot") and m.rest == ()
    m = table.match(["siro", "ha", "sot"], True)
    assert m is not None and m.rest == ("siro",) and not m.rest_prefix_last
    m = table.match(["augmen"], True)
    assert m is not None and m.key == ("augmentin",)
    assert table.match(["au"], True) is None  # too short to mean a brand
    assert table.match(["thuoc"], False) is None
    assert parse_ingredient("Amoxicilin + acid clavulanic") == (
        ("amoxicilin",),
        ("acid", "clavulanic"),
    )


def test_a_second_name_of_the_same_class_is_no_required_word() -> None:
    stomach, cough = Term((parse_ingredient("omeprazol"),)), Term((parse_ingredient("ambroxol"),))
    table = DrugTerms(
        {("da", "day"): stomach, ("trao", "nguoc"): stomach, ("ho",): cough}, [("thuoc",)]
    )
    m = table.match(["thuoc", "da", "day", "trao", "nguoc"], False)
    assert m is not None and m.term == stomach and m.rest == ()
    m = table.match(["da", "day", "ho"], False)  # another class's name stays required
    assert m is not None and m.rest == ("ho",)


def test_two_classes_mean_what_both_mean() -> None:
    para, ibu, diclo = (parse_ingredient(i) for i in ("paracetamol", "ibuprofen", "diclofenac"))
    saline = Term((parse_ingredient("natri clorid"),))
    nose = Term((), (("nho", "mui"),))
    table = DrugTerms(
        {
            ("giam", "dau"): Term((diclo, ibu, para)),
            ("ha", "sot"): Term((para, ibu)),
            ("khang", "sinh"): Term((parse_ingredient("amoxicilin"),)),
            ("saline",): saline,
            ("nasal", "drops"): nose,
        },
        [("thuoc",)],
    )
    m = table.match(["thuoc", "giam", "dau", "ha", "sot"], False)
    assert m is not None and m.rest == () and m.term.ingredients == (ibu, para)  # the first's order
    m = table.match(["saline", "nasal", "drops"], False)
    assert m is not None and m.rest == () and m.term == Term(saline.ingredients, nose.routes)
    m = table.match(["ha", "sot", "khang", "sinh"], False)  # nothing is both: words required
    assert m is not None and m.rest == ("khang", "sinh")
