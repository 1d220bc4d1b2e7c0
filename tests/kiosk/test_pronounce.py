"""Every text the voice may say, run through kiosk.pronounce: no abbreviation reaches espeak-ng
untranslated, ticket numbers are read as a person reads them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk import messages
from kiosk.chip import REFUSALS
from kiosk.identity.classify import MESSAGES as SCAN_MESSAGES
from kiosk.insurance.decision import CODES
from kiosk.pronounce import EMPHASIS, expand, leftover_abbreviations, spoken, ticket_words
from kiosk.queue.printing import MESSAGES as PRINT_MESSAGES

ROOT = Path(__file__).resolve().parents[2]


def _catalogue() -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for m in [*messages.CARD_MESSAGES.values(), *REFUSALS.values()]:
        texts += [(m.vi, "vi"), (m.en, "en")]
    for vi, en in [*SCAN_MESSAGES.values(), *PRINT_MESSAGES.values()]:
        texts += [(vi, "vi"), (en, "en")]
    for info in CODES.values():
        texts += [(info.message_vi, "vi"), (info.message_en, "en")]
    for value in vars(messages).values():
        if isinstance(value, messages.Message):
            texts += [(value.vi, "vi"), (value.en, "en")]
    # the screens: every source string (English) and its Vietnamese translation
    tree = ET.parse(ROOT / "assets" / "translations" / "kiosk_vi.ts")
    for message in tree.iter("message"):
        source, translation = message.findtext("source"), message.findtext("translation")
        if source:
            texts.append((source, "en"))
        if translation:
            texts.append((translation, "vi"))
    return [(re.sub(r"\{[^}]*\}", "", t), lang) for t, lang in texts if t and t.strip()]


def test_the_catalogue_is_large_enough_to_mean_something():
    texts = _catalogue()
    assert len(texts) > 300
    assert any("BHYT" in t for t, _ in texts) and any("CCCD" in t for t, _ in texts)


def test_no_abbreviation_is_sent_to_the_voice_untranslated():
    left = {}
    for text, language in _catalogue():
        for word in set(leftover_abbreviations(expand(text, language))) - EMPHASIS:
            left.setdefault(word, text[:60])
    assert left == {}  # add the word to kiosk.pronounce.WORDS (both languages)
    for text, language in _catalogue():  # and what the voice finally gets has none at all
        assert leftover_abbreviations(spoken(text, language)) == [], text


@pytest.mark.parametrize(
    ("number", "vi", "en"),
    [
        ("N-ƯT001", "N, ưu tiên, số 1", "N, priority, number 1"),
        ("NB012", "N B, số 12", "N B, number 12"),
        ("E051", "E, số 51", "E, number 51"),
    ],
)
def test_ticket_numbers_as_a_person_says_them(number, vi, en):
    assert ticket_words(number) == vi
    assert ticket_words(number, "en") == en
    assert spoken(f"Số của bạn là {number}.") == f"Số của bạn là {vi}."


def test_words_and_money():
    assert spoken("Thẻ BHYT hết hạn") == "Thẻ bảo hiểm y tế hết hạn"
    assert spoken("Giá 1.734.600 đ") == "Giá 1734600 đồng"
    assert spoken("Show your BHYT card", "en") == "Show your health insurance card"
    assert expand("OKAY BHYTX") == "OKAY BHYTX"  # the table takes whole words only
    assert spoken("NOT activated") == "not activated"  # emphasis said as the word


def test_masked_numbers_and_marks_are_not_read_as_symbols():
    said = spoken("Số CCCD. 0011******21. ✔ Đã xác thực chip", "vi")
    assert "*" not in said and "✔" not in said
    assert "0011" in said and "21" in said and "căn cước công dân" in said
