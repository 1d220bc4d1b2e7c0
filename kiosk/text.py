"""Bilingual text: the one value type for words the patient reads (Vietnamese and English).

A `Text` is a named pair, so `vi, en = text` and `text[0]` keep working where tables of pairs
were used before. `text.get(language)` is the only place that chooses between the two: every
language the kiosk does not speak gets English.
"""

from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    vi: str
    en: str

    def get(self, language: str) -> str:
        """The words in `language` ("vi" or "en"; anything else gets English)."""
        return self.vi if language == "vi" else self.en
