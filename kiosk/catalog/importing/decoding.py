"""Which text encoding a CSV export is in, decided by reading the file in chunks.

Hospital exports come from Excel on Vietnamese Windows, from HIS report generators and from
hand-edited copies, so the encoding is detected, never assumed. Order: a byte-order mark
(UTF-8, UTF-16 LE/BE); UTF-16 without a mark (NUL bytes in the first 4 KB); strict UTF-8;
UTF-8 with a few damaged bytes (only the rows holding them are rejected); Windows-1258
(`cp1258`, decomposed tone marks normalised to NFC) when the text then looks like
Vietnamese. Anything else (TCVN3/ABC, VNI, other code pages) is refused with a reason.

Hand-written because no library answers "is this Vietnamese": charset detectors
(chardet, charset-normalizer) guess cp1252 or a Cyrillic page for cp1258 and TCVN3 files,
and cannot tell UTF-8 re-saved through Windows-1252 ("Há»“i" for "Hồi") from real text.
The whole file is scanned in 1 MB chunks (memory stays bounded); the mojibake check reads
the first 4 MB of text, which is where a re-saved file already shows it on every word.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
MOJIBAKE_SAMPLE = 4 << 20
_WHITESPACE = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
_VIET_MARKS = {0x0300, 0x0301, 0x0303, 0x0309, 0x0323, 0x0302, 0x0306, 0x031B}
_ALLOWED_SYMBOLS = set("–—‘’“”…•°±×÷≤≥µ²³½¼¾§€®©™\u00a0")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")
# UTF-8 read as Windows-1252: a lead byte (0xC2-0xF4) shown as its cp1252 character, then a
# continuation byte (0x80-0xBF) shown as one. A word without such a pair cannot be mojibake
# (`mojibake_words`); a text without one is not looked at word by word
_MOJIBAKE_PAIR = re.compile(
    f"[{bytes(range(0xC2, 0xF5)).decode('cp1252')}]"
    f"[{re.escape(bytes(range(0x80, 0xC0)).decode('cp1252', errors='ignore'))}]"
)


class FatalImportError(Exception):
    """The file cannot be imported at all."""


@dataclass(frozen=True)
class TextEncoding:
    codec: str  # for open(): "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258" ...
    errors: str  # "strict", or "replace" for UTF-8 with a few damaged bytes
    description: str  # what the report says, e.g. "utf-8-sig (UTF-8 with BOM)"
    normalise: bool = False  # cp1258: tone marks come decomposed, compose them (NFC)


def _chunks(path: Path, skip: int = 0) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(skip)
        while block := f.read(CHUNK):
            yield block


def _is_vietnamese_char(ch: str) -> bool:
    if ch in "đĐ":
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(ord(m) in _VIET_MARKS for m in marks)


def _unusual(counts: Counter[str]) -> list[str]:
    return [ch for ch in counts if ch not in _ALLOWED_SYMBOLS and not _is_vietnamese_char(ch)]


def _scan_strict(path: Path, codec: str, desc: str, skip: int) -> None:
    """Decodes the whole file (chunk by chunk) and refuses it at the first invalid byte."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset = skip
    try:
        for block in _chunks(path, skip):
            decoder.decode(block)
            offset += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        if exc.reason in ("unexpected end of data", "truncated data"):
            raise FatalImportError(
                f"{desc}: the last character is cut off: the file is truncated"
            ) from None
        raise FatalImportError(f"{desc}: invalid bytes at offset {offset + exc.start}") from None


def detect_encoding(path: Path) -> TextEncoding:
    """The encoding of a CSV file; raises FatalImportError with the reason when there is none."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(CHUNK)
    if not head.strip(_WHITESPACE) and not any(b.strip(_WHITESPACE) for b in _chunks(path, CHUNK)):
        raise FatalImportError("the file is empty")
    if head.startswith(b"\xef\xbb\xbf"):
        desc = "utf-8-sig (UTF-8 with BOM)"
        _scan_strict(path, "utf-8", desc, 3)
        return TextEncoding("utf-8-sig", "strict", desc)
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            desc = f"utf-16 ({'LE' if codec.endswith('le') else 'BE'}, with BOM)"
            _utf16(path, size - 2, codec, desc, 2)
            return TextEncoding("utf-16", "strict", desc)
    sample = head[:4000]
    if sample.count(b"\x00") > len(sample) // 4:
        codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        desc = f"utf-16 ({'LE' if codec.endswith('le') else 'BE'}, no BOM)"
        _utf16(path, size, codec, desc, 0)
        return TextEncoding(codec, "strict", desc)
    problem = _first_utf8_error(path)
    if problem is None:
        _refuse_mojibake(path)
        return TextEncoding("utf-8", "strict", "utf-8")
    if problem == "truncated":
        raise FatalImportError("the file ends in the middle of a UTF-8 character: it is truncated")
    bad, good = _damaged_utf8_counts(path)
    damaged = TextEncoding(
        "utf-8", "replace", f"utf-8 ({bad} damaged byte sequence{'s' if bad != 1 else ''})"
    )
    if good >= 20 * bad:
        return damaged
    return _cp1258_or(path, damaged if good > bad else None)


def _utf16(path: Path, size: int, codec: str, desc: str, skip: int) -> None:
    if size % 2:
        raise FatalImportError(f"{desc}: odd number of bytes: the file is truncated")
    _scan_strict(path, codec, desc, skip)


def _first_utf8_error(path: Path) -> str | None:
    """None when the file is valid UTF-8, "truncated" when only its last character is cut."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for block in _chunks(path):
            decoder.decode(block)
    except UnicodeDecodeError:
        return "invalid"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "truncated"
    return None


def _damaged_utf8_counts(path: Path) -> tuple[int, int]:
    """(damaged byte sequences, good non-ASCII characters) reading the file as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    bad = good = 0
    for block in [*_chunks(path), b""]:
        text = decoder.decode(block, final=not block)
        n_bad = text.count("\ufffd")
        bad += n_bad
        good += len(text) - len(text.encode("ascii", "ignore")) - n_bad
    return bad, good


def _cp1258_or(path: Path, damaged: TextEncoding | None) -> TextEncoding:
    chars: Counter[str] = Counter()
    offset = 0
    try:
        for block in _chunks(path):
            text = unicodedata.normalize("NFC", block.decode("cp1258"))
            chars.update(_NON_ASCII.findall(text))
            offset += len(block)
    except UnicodeDecodeError as exc:
        if damaged is not None:  # mostly valid UTF-8: reject the damaged rows only
            return damaged
        position = offset + exc.start
        with path.open("rb") as f:
            f.seek(position)
            byte = f.read(1)[0]
        raise FatalImportError(
            f"the text is neither UTF-8 nor Windows-1258 (byte 0x{byte:02X} at offset "
            f"{position}); save the file as UTF-8 CSV"
        ) from None
    odd = _unusual(chars)
    n_odd = sum(chars[ch] for ch in odd)
    if n_odd > max(2, chars.total() // 100):
        if damaged is not None:
            return damaged
        sample_chars = " ".join(sorted(odd)[:8])
        raise FatalImportError(
            "wrong encoding: the text is not UTF-8, and read as Windows-1258 it does not look "
            f"like Vietnamese ({n_odd} unusual characters such as {sample_chars}); it may be "
            "TCVN3 (ABC), VNI or a damaged file: save it as UTF-8 CSV"
        )
    return TextEncoding("cp1258", "strict", "cp1258 (Windows-1258)", normalise=True)


def _non_ascii_words(text: str) -> list[str]:
    """The runs of non-space characters holding a non-ASCII one (or joined by a non-ASCII
    space: "à" read as Windows-1252 is "Ã" and U+00A0), once each, in file order. Without
    non-ASCII spaces in the text these are str.split's words, found about twice as fast as
    by the regex (0.1-0.2 s over a 4 MB sample), which the other texts still go through."""
    if not _NON_ASCII_SPACE.search(text):
        words: dict[str, None] = {}
        for line in text.split("\n"):
            if not line.isascii():
                words.update(dict.fromkeys(line.split()))
        return [w for w in words if not w.isascii()]
    return list(dict.fromkeys(_NON_ASCII_WORD.findall(text)))


def mojibake_words(text: str) -> tuple[int, int, str]:
    """(words that are UTF-8 read as Windows-1252, words with letters beyond ASCII, an example)."""
    bad, total, example = 0, 0, ""
    for word in _non_ascii_words(text):
        total += 1
        try:
            fixed = word.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != word:
            bad += 1
            example = example or f"{word[-24:]!r} for {fixed[-24:]!r}"
    return bad, total, example


def _refuse_mojibake(path: Path) -> None:
    """A UTF-8 file opened as Windows-1252 and saved again as UTF-8 ("Há»“i" for "Hồi") decodes
    cleanly but every Vietnamese name in it is garbage: refuse it, with the way out."""
    with path.open("rb") as f:
        text = f.read(MOJIBAKE_SAMPLE).decode("utf-8", errors="ignore")  # may cut a character
    if not _MOJIBAKE_PAIR.search(text):
        return  # no word can be mojibake (about 0.1 s per file saved on a 4 MB sample)
    bad, total, example = mojibake_words(text)
    if bad >= 3 and bad * 5 >= total:
        raise FatalImportError(
            f"the text is garbled: {bad} of {total} words look like UTF-8 read as Windows-1252 "
            f"(e.g. {example}); open the original file and save it as UTF-8 CSV"
        )


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text of a small CSV held in memory and the encoding detected (tests, tools)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".csv") as f:
        f.write(data)
        f.flush()
        enc = detect_encoding(Path(f.name))
    text = data.decode(enc.codec, errors=enc.errors)
    if enc.normalise:
        text = unicodedata.normalize("NFC", text)
    return text, enc.description
