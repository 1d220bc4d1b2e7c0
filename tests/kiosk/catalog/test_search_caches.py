"""The per-searcher shortcuts of the price search (issue 18, keystroke time) change no result:
cached index reads are dropped on a new import, typo corrections compared against the words
of a possible length equal those against the whole vocabulary, and a version read skipped for
a missing word could not have matched."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kiosk.catalog.service import CatalogService
from kiosk.catalog.typos import TypoIndex
from kiosk.catalog.version_words import VersionWords


def _csv(path: Path, rows: list[tuple[str, str, int]]) -> Path:
    lines = ["MA_DICH_VU,TEN_DICH_VU,DON_GIA"] + [f"{c},{n},{p}" for c, n, p in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_new_import_is_searched_not_the_cached_reads(tmp_path: Path) -> None:
    service = CatalogService(tmp_path / "c.sqlite3")
    try:
        first = _csv(tmp_path / "a.csv", [("A1", "Siêu âm tim", 250000)])
        assert service.import_file(first, "service").ok
        assert [i.hospital_price for i in service.search("sieu am tim")] == [250000]
        again = [i.hospital_price for i in service.search("sieu am tim")]  # from the cache
        assert again == [250000]
        second = _csv(
            tmp_path / "b.csv", [("A1", "Siêu âm tim", 300000), ("A2", "Siêu âm tim thai", 1)]
        )
        assert service.import_file(second, "service").ok
        assert sorted(i.hospital_price for i in service.search("sieu am tim")) == [1, 300000]
    finally:
        service.close()


def test_words_of_another_version_are_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word only the drug list has, one only the services have, and both together (no row
    has both; with no word left out, nothing is found)."""
    service = CatalogService(tmp_path / "c.sqlite3")
    try:
        services = _csv(tmp_path / "s.csv", [("S1", "Khám Nội", 39000)])
        drugs = tmp_path / "d.csv"
        drugs.write_text(
            "MA_THUOC,TEN_THUOC,TEN_HOAT_CHAT,DON_GIA\nT1,Hapacol 500,Paracetamol,1000\n",
            encoding="utf-8",
        )
        assert service.import_file(services, "service").ok
        assert service.import_file(drugs, "drug").ok
        assert [i.code for i in service.search("hapa")] == ["T1"]
        assert [i.code for i in service.search("paracetamol")] == ["T1"]
        assert [i.code for i in service.search("kham noi")] == ["S1"]
        assert {i.code for i in service.search("hapacol kham")} <= {"S1", "T1"}
        monkeypatch.setattr("kiosk.catalog.search.MAX_DROP_WORDS", 0)
        monkeypatch.setattr("kiosk.catalog.search.ANY_MIN_LETTERS", 99)  # nor any word
        assert service.search("hapacol kham") == []
    finally:
        service.close()


def test_version_words() -> None:
    words = VersionWords.build(
        [("sieu am tim", "", "Siêu âm Doppler tim"), ("hapacol 500", "Paracetamol", "")]
    )
    assert words.has("doppler", False) and words.has("parace", True)
    assert not words.has("parace", False) and not words.has("zzz", True)
    assert words.has("東京", False)  # not ascii: the index may tokenize it otherwise, read it
    assert words.has_all([(("xyz", False), ("tim", False)), (("50", True),)])
    assert not words.has_all([(("tim", False),), (("xyz", True),)])


def test_typo_corrections_equal_a_comparison_with_every_word() -> None:
    vocabulary = {
        "sieu": 50, "am": 80, "tim": 30, "tym": 1, "thai": 9, "xet": 40, "nghiem": 40,
        "nghi": 3, "phau": 20, "thuat": 20, "khau": 5, "a": 7, "thuong": 4, "thuoc": 6,
    }  # fmt: skip
    index = TypoIndex.build(vocabulary.items())
    for word, prefix in [("tiim", False), ("nghim", True), ("phau", False), ("thuo", True)]:
        got = index.candidates(word, prefix)
        assert index.candidates(word, prefix) == got  # remembered
        if not prefix:
            every = process.extract(
                word, sorted(vocabulary), scorer=OSA.distance, score_cutoff=1, limit=20
            )
            expected = sorted(
                (c for c, _, _ in every if c != word),
                key=lambda c: (OSA.distance(word, c), -vocabulary[c], c),
            )
            assert got == expected[:6]
    assert index.candidates("tiim", False)[0] == "tim"
    assert "nghie" in index.candidates("nghim", True)
