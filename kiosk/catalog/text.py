"""Vietnamese text folding for search: diacritics removed, đ -> d, lower case.

`fold` is kiosk.text.fold (one folding function for the whole kiosk). The same function folds the catalog (stored in an indexed column) and the query, so
"sieu am tim", "SIÊU ÂM TIM" and "Siêu âm tim" are the same tokens.
"""

from __future__ import annotations

import re

from kiosk.text import fold

__all__ = ["code_key", "fold", "folded_words", "split_unit", "tokens"]

_WORD = re.compile(r"[^\W_]+")
_CODE_CHARS = re.compile(r"[^0-9a-z]+")
_AMOUNT = re.compile(r"(\d+)([a-z]{1,4})")
UNITS = ("mg", "mcg", "g", "ml", "l", "iu", "ui", "kg", "mmol", "mm", "cm")


def tokens(text: str) -> list[str]:
    """The folded words of a text (letters and digits; everything else separates)."""
    return _WORD.findall(fold(text))


def folded_words(text: str) -> str:
    """The folded words joined by single spaces: what the search index stores."""
    return " ".join(tokens(text))


def code_key(code: str) -> str:
    """A code reduced to lower-case letters and digits: '18.0361.0065' -> '1803610065'."""
    return _CODE_CHARS.sub("", fold(code))


def split_unit(word: str, prefix: bool = False) -> tuple[str, ...]:
    """A strength typed without its space, as lists write it with one: "500mg" -> ("500",
    "mg"); while typing (`prefix`) a unit not yet complete too ("500m"). Other words as
    they are."""
    match = _AMOUNT.fullmatch(word)
    if match is None:
        return (word,)
    unit = match.group(2)
    if unit in UNITS or (prefix and any(u.startswith(unit) for u in UNITS)):
        return match.group(1), unit
    return (word,)
