"""The search index an import writes is the one `store.fts_row` describes: the columns the
importer computes while reading (`importing.words`, `importing.rows`) and the SQL that
loads them (`store._FTS_FROM_STAGED`) give the same rows, words and vocabulary."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.catalog import store
from kiosk.catalog import text as text_module
from kiosk.catalog.importing import decoding
from kiosk.catalog.importing.words import VIETNAMESE_LETTERS, code_key, folded_text, name_words
from kiosk.catalog.service import DEMO_DRUGS_CSV, DEMO_SERVICES_CSV, CatalogService
from kiosk.catalog.text import folded_words

# characters a name may hold that the fast path must leave to the general one
ODD = "≥≤±×²³¹⁹ᵐµ½…–—‘’“”°\u00a0\u0300\u0301\u0303\u0309\u0323\u0308İıÅKßæøΩΣσςḍṃ_"


def general(text: str) -> tuple[list[str], str]:
    return folded_words(text).split(), store.marked_text(text)


def samples() -> Iterator[str]:
    yield from ("", " ", "ĐẶT_ỐNG thông-dạ dày", "Cefuroxim 250 mg viên nén", "Đo (từ 1- 32 dãy)")
    for ch in VIETNAMESE_LETTERS + ODD:
        yield f"x{ch}y {ch} {ch}ab-{ch}"
    for cp in range(0x21, 0x2200):  # every character of the table `fold` is built from
        yield f"a{chr(cp)}b {chr(cp)}"
    rng = random.Random(18)
    alphabet = VIETNAMESE_LETTERS + ODD + "abcxyzABCXYZ0129 .,;:()[]/%+-_\t'\""
    for _ in range(3000):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))


def test_name_words_are_the_general_words() -> None:
    for text in samples():
        assert name_words(text) == general(text), repr(text)
        assert folded_text(text) == folded_words(text), repr(text)
        assert code_key(text) == text_module.code_key(text), repr(text)


def test_vietnamese_names_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.catalog.importing import words

    def refuse(text: str) -> str:
        raise AssertionError(f"general path for {text!r}")

    monkeypatch.setattr(words, "folded_words", refuse)
    assert (
        name_words("Chụp cắt lớp vi tính lồng ngực (từ 1- 32 dãy)")[1]
        == "chụp cắt lớp tính lồng ngực từ dãy"
    )
    assert folded_text("ĐỊNH LƯỢNG Glucose") == "dinh luong glucose"


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[CatalogService]:
    service = CatalogService(tmp_path / "catalog.sqlite3")
    yield service
    service.close()


def test_the_index_is_fts_row_of_every_item(catalog: CatalogService, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"  # tone marks decomposed, odd symbols, TT23 names equal or not
    odd.write_text(
        "ma_tuong_duong,ten_dvkt_tt23,ten_dich_vu,don_gia\n"
        "01.0001.0001,Siêu âm tim,Siêu âm tim,100000\n"
        "01.0001.0002,Siêu âm Doppler tim,SIÊU ÂM TIM,120000\n"
        "01.0001.0003,,Sie\u0302\u0301u a\u0302m ≥ 2 lần – x\u0301,90000\n"
        "01.0001.0004,Đo µ²,Đo ½ liều Ⅻ,80000\n",
        encoding="utf-8",
    )
    for path, kind in ((DEMO_SERVICES_CSV, "service"), (DEMO_DRUGS_CSV, "drug"), (odd, "service")):
        assert catalog.import_file(path, kind, force=True).ok
    conn = sqlite3.connect(catalog.db_path)
    try:
        items = conn.execute(
            "SELECT id, name_folded, active_ingredient, category, alt_name, code_key, name, "
            "version_id FROM items ORDER BY id"
        ).fetchall()
        index = dict(
            (row[0], row)
            for row in conn.execute(
                "SELECT rowid, name, first, extra, cat, alias, code, marked FROM items_fts"
            )
        )
        vocab: dict[int, set[str]] = {}
        for version_id, word in conn.execute("SELECT version_id, word FROM vocab"):
            vocab.setdefault(version_id, set()).add(word)
    finally:
        conn.close()
    assert len(index) == len(items) > 7_000
    expected_vocab: dict[int, set[str]] = {}
    for item_id, folded, ingredient, category, alt, key, name, version_id in items:
        extra = folded_words(ingredient)
        assert folded == folded_words(name)
        expected = store.fts_row(item_id, folded, extra, category, alias=alt, code=key, name=name)
        assert index[item_id] == expected
        expected_vocab.setdefault(version_id, set()).update(folded.split(), extra.split())
    assert vocab == expected_vocab
    assert any(row[5] for row in index.values()) and any(row[7] for row in index.values())


def test_mojibake_words_always_hold_a_lead_and_continuation_pair() -> None:
    """`_refuse_mojibake` looks at words only when the sample holds such a pair."""
    for cp in range(0x80, 0x3000):
        garbled = chr(cp).encode().decode("cp1252", errors="ignore")
        word = f"h{garbled}i"
        bad, _total, _example = decoding.mojibake_words(word)
        assert bool(bad) <= bool(decoding._MOJIBAKE_PAIR.search(word)), repr(word)
        if len(garbled) == len(chr(cp).encode()) and not any(c.isspace() for c in garbled):
            assert bad == 1  # nothing lost and one word: it is mojibake, and is counted
    assert not decoding._MOJIBAKE_PAIR.search("Giá Khám bệnh, Chụp X-quang ngực thẳng")
