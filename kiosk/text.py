"""Vietnamese text: the bilingual value type and the one folding function.

- `Text(vi, en)`: the words the patient reads, in both languages. A named pair, so
  `vi, en = text` and `text[0]` keep working where tables of pairs were used before.
  `text.get(language)` is the only place that chooses between the two: every language the
  kiosk does not speak gets English.
- `fold(text)`: lower case with the Vietnamese diacritics removed and đ -> d, for search
  (catalog), matching names in logs to mask them, and comparing names. A translate table
  built once from Unicode's decompositions; it also drops loose combining marks, which
  decomposed input (Windows-1258 exports, NFD from macOS) carries.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0x00C0, 0x2000):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != ch and base:
            table[cp] = base
    for cp in range(0x0300, 0x0370):  # combining marks (decomposed input)
        table[cp] = None
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_TABLE = _build_table()


def fold(text: str, *, lower: bool = True) -> str:
    """Lower-case text with Vietnamese diacritics removed: 'Đường huyết' -> 'duong huyet'.

    `lower=False` keeps the case ('Đường' -> 'Duong'), for text shown again (log lines).
    """
    folded = text.translate(_TABLE)
    return folded.lower() if lower else folded


class Text(NamedTuple):
    vi: str
    en: str

    def get(self, language: str) -> str:
        """The words in `language` ("vi" or "en"; anything else gets English)."""
        return self.vi if language == "vi" else self.en
