"""Vietnamese text folding for search: diacritics removed, đ -> d, lower case.

The same function folds the catalog (stored in an indexed column) and the query, so
"sieu am tim", "SIÊU ÂM TIM" and "Siêu âm tim" are the same tokens.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_CODE_CHARS = re.compile(r"[^0-9a-z]+")


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in range(0x00C0, 0x2000):
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != ch and base:
            table[cp] = base
    for cp in range(0x0300, 0x0370):  # combining marks (decomposed input, e.g. Windows-1258)
        table[cp] = None
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_TABLE = _build_table()


def fold(text: str) -> str:
    """Lower-case text with Vietnamese diacritics removed: 'Đường huyết' -> 'duong huyet'."""
    return text.translate(_TABLE).lower()


def tokens(text: str) -> list[str]:
    """The folded words of a text (letters and digits; everything else separates)."""
    return _WORD.findall(fold(text))


def folded_words(text: str) -> str:
    """The folded words joined by single spaces: what the search index stores."""
    return " ".join(tokens(text))


def code_key(code: str) -> str:
    """A code reduced to lower-case letters and digits: '18.0361.0065' -> '1803610065'."""
    return _CODE_CHARS.sub("", fold(code))
