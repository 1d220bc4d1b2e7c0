"""kiosk/text.py: the bilingual value type and the one Vietnamese folding function."""

from __future__ import annotations

import unicodedata

from kiosk.text import Text, fold


def test_text_chooses_the_language_and_falls_back_to_english() -> None:
    words = Text(vi="Xin chào", en="Hello")
    assert words.get("vi") == "Xin chào" and words.get("en") == "Hello"
    assert words.get("fr") == "Hello"
    vi, en = words  # still a pair where tables of pairs were used
    assert (vi, en) == ("Xin chào", "Hello")


def test_fold_removes_every_vietnamese_mark_and_dd() -> None:
    assert fold("Đường huyết") == "duong huyet"
    assert fold("SIÊU ÂM TIM") == "sieu am tim"
    assert fold("Nguyễn Thị Hồng Nhung, Ưng Ơn") == "nguyen thi hong nhung, ung on"
    assert fold("đĐ") == "dd"
    assert fold("Đường", lower=False) == "Duong"


def test_fold_handles_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"
    assert fold(decomposed) == "nguyen van duc"


def test_fold_leaves_ascii_alone() -> None:
    assert fold("ticket N012, 35 ms") == "ticket n012, 35 ms"
