"""The search words of an imported name: its folded words and its words with tone marks.

The same words as `text.folded_words` and `store.marked_text` (a test compares them on every
character class), found about twice as fast for a name written in ASCII and precomposed
Vietnamese letters only (97 % of the demo price list, every generated drug). Hand-written
because those two, a per-character translate table and a Unicode regex, were the largest
part of an import's Python time; for such a name each character folds to one ASCII letter
(NFD, then the marks dropped) and the word separators are ASCII, so C-level byte operations
find the same words. Any other name (a "≥", "²", a loose combining mark, a Greek letter) goes
the general way.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.catalog import text
from kiosk.catalog.store import marked_text
from kiosk.catalog.text import folded_words

VIETNAMESE_LETTERS = "".join(
    sorted(
        {
            unicodedata.normalize("NFC", base + mark)
            for base in "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"
            for mark in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
        }
        | {"đ", "Đ"}
    )
)
_OTHER = re.compile(f"[^\\x00-\\x7f{VIETNAMESE_LETTERS}]")
# letters, digits and every byte of a UTF-8 sequence stay; other ASCII separates words
_SEPARATE = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))
_normalize = unicodedata.normalize
_NOT_CODE = bytes(b for b in range(128) if not (48 <= b <= 57 or 97 <= b <= 122))


def name_words(name: str) -> tuple[list[str], str]:
    """(the folded words of `name`, its words with tone marks as `store.marked_text` joins
    them): " ".join of the first is `text.folded_words(name)`."""
    if name.isascii():
        return name.encode().lower().translate(_SEPARATE).decode().split(), ""
    if _OTHER.search(name) is not None:
        return folded_words(name).split(), marked_text(name)
    lowered = name.lower()
    words = (
        _normalize("NFD", lowered.replace("đ", "d"))
        .encode("ascii", "ignore")
        .translate(_SEPARATE)
        .decode()
        .split()
    )
    marked = dict.fromkeys(
        w for w in lowered.encode().translate(_SEPARATE).split() if not w.isascii()
    )
    return words, b" ".join(marked).decode()


def folded_text(text: str) -> str:
    """`text.folded_words(text)`."""
    if text.isascii():
        return " ".join(text.encode().lower().translate(_SEPARATE).decode().split())
    if _OTHER.search(text) is not None:
        return folded_words(text)
    plain = _normalize("NFD", text.lower().replace("đ", "d")).encode("ascii", "ignore")
    return " ".join(plain.translate(_SEPARATE).decode().split())


def code_key(code: str) -> str:
    """`text.code_key(code)`."""
    if code.isascii():
        return code.encode().lower().translate(None, _NOT_CODE).decode()
    return text.code_key(code)
