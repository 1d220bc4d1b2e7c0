"""BER-TLV as used by ICAO 9303 LDS files: multi-byte tags, definite lengths up to 4 bytes.

Every decoding function takes untrusted bytes and raises only `LDSError` (never IndexError,
ValueError, ...). Tags are handled as integers holding their encoded bytes, e.g. `0x5F1F`,
`0x7F61`, `0x6D`, so they read like the tables in ICAO 9303-10.

The TLV walk is written here because the LDS uses BER-TLV with application tags (5F1F, 7F61)
that must be located by byte offset (hash checks, partial reads); asn1crypto parses schemas,
not offsets. INTEGER and OBJECT IDENTIFIER encoding rules are asn1crypto's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from asn1crypto import core as asn1

from hardware.cardreader.base import CardReadFailed

MAX_LENGTH_OCTETS = 4


class LDSError(CardReadFailed):
    """A logical data structure (TLV, EF.COM, DG1, DG2, DG13, SOD) is malformed or truncated."""


@dataclass(frozen=True)
class Tlv:
    """One decoded data object. `start`/`end` locate it in the buffer it came from."""

    tag: int
    value: bytes
    start: int = 0
    end: int = 0

    @property
    def constructed(self) -> bool:
        return bool(_first_tag_byte(self.tag) & 0x20)

    def children(self) -> list[Tlv]:
        """The nested data objects of a constructed tag."""
        if not self.constructed:
            raise LDSError(f"tag {self.tag:X} is primitive, it has no children")
        return decode_all(self.value)


def _first_tag_byte(tag: int) -> int:
    while tag > 0xFF:
        tag >>= 8
    return tag


# --- encoding -------------------------------------------------------------------------------


def encode_tag(tag: int) -> bytes:
    """The tag's bytes (the integer already holds them, e.g. 0x5F1F -> b'\\x5f\\x1f')."""
    if tag < 0:
        raise LDSError("negative tag")
    if tag == 0:
        return b"\x00"
    return tag.to_bytes((tag.bit_length() + 7) // 8, "big")


def encode_length(length: int) -> bytes:
    """DER definite length: short form below 128, else 81/82/83/84 + big-endian octets."""
    if length < 0:
        raise LDSError("negative length")
    if length < 0x80:
        return bytes([length])
    octets = (length.bit_length() + 7) // 8
    if octets > MAX_LENGTH_OCTETS:
        raise LDSError(f"length {length} too large")
    return bytes([0x80 | octets]) + length.to_bytes(octets, "big")


def encode(tag: int, value: bytes) -> bytes:
    """One TLV."""
    return encode_tag(tag) + encode_length(len(value)) + bytes(value)


def encode_constructed(tag: int, *children: bytes) -> bytes:
    """A constructed TLV whose value is the concatenation of already-encoded children."""
    return encode(tag, b"".join(children))


# --- decoding -------------------------------------------------------------------------------


def decode_tag(data: bytes, offset: int = 0) -> tuple[int, int]:
    """(tag, offset after the tag). Multi-byte tags: low 5 bits all set, then 7-bit groups."""
    if offset >= len(data):
        raise LDSError("truncated: tag expected")
    first = data[offset]
    tag = first
    offset += 1
    if first & 0x1F == 0x1F:
        for count in range(4):
            if offset >= len(data):
                raise LDSError("truncated inside a multi-byte tag")
            byte = data[offset]
            tag = (tag << 8) | byte
            offset += 1
            if not byte & 0x80:
                break
            if count == 3:
                raise LDSError("tag longer than 5 bytes")
    return tag, offset


def decode_length(data: bytes, offset: int = 0) -> tuple[int, int]:
    """(length, offset after the length octets). Indefinite length is refused."""
    if offset >= len(data):
        raise LDSError("truncated: length expected")
    first = data[offset]
    offset += 1
    if first < 0x80:
        return first, offset
    octets = first & 0x7F
    if octets == 0:
        raise LDSError("indefinite length is not allowed in the LDS")
    if octets > MAX_LENGTH_OCTETS:
        raise LDSError(f"length field of {octets} octets is not supported")
    if offset + octets > len(data):
        raise LDSError("truncated inside a length field")
    return int.from_bytes(data[offset : offset + octets], "big"), offset + octets


def header_length(data: bytes) -> int:
    """Size of the tag + length header at the start of `data` (raises if incomplete)."""
    _, offset = decode_tag(data)
    _, offset = decode_length(data, offset)
    return offset


def total_length(prefix: bytes) -> int:
    """Full size of the TLV starting `prefix`, from its first few bytes (6 are always enough).

    The READ BINARY orchestrator reads a file's first bytes, then asks for exactly this much.
    """
    _, offset = decode_tag(prefix)
    length, offset = decode_length(prefix, offset)
    return offset + length


def decode_one(data: bytes, offset: int = 0) -> Tlv:
    """The TLV at `offset`; its value must lie entirely inside `data`."""
    start = offset
    tag, offset = decode_tag(data, offset)
    length, offset = decode_length(data, offset)
    end = offset + length
    if end > len(data):
        raise LDSError(f"truncated: tag {tag:X} needs {length} bytes, {len(data) - offset} left")
    return Tlv(tag, bytes(data[offset:end]), start, end)


def iter_tlvs(data: bytes, *, allow_padding: bool = False) -> Iterator[Tlv]:
    """Consecutive TLVs filling `data`. With allow_padding, trailing 00/FF bytes end the walk."""
    offset = 0
    end = len(bytes(data).rstrip(b"\x00\xff")) if allow_padding else len(data)
    while offset < end:
        item = decode_one(data, offset)
        yield item
        offset = item.end


def decode_all(data: bytes, *, allow_padding: bool = False) -> list[Tlv]:
    return list(iter_tlvs(data, allow_padding=allow_padding))


def decode(data: bytes, expected_tag: int | None = None, *, strict: bool = False) -> Tlv:
    """The single TLV a file holds. Bytes after it are tolerated (card padding) unless strict."""
    item = decode_one(data)
    if expected_tag is not None and item.tag != expected_tag:
        raise LDSError(f"expected tag {expected_tag:X}, found {item.tag:X}")
    if strict and item.end != len(data):
        raise LDSError(f"{len(data) - item.end} bytes after tag {item.tag:X}")
    return item


def find(data: bytes, tag: int) -> Tlv | None:
    """The first direct child of `data` with `tag`, or None."""
    for item in iter_tlvs(data):
        if item.tag == tag:
            return item
    return None


def require(data: bytes, tag: int, what: str = "") -> Tlv:
    item = find(data, tag)
    if item is None:
        raise LDSError(f"{what or 'data object'}: tag {tag:X} missing")
    return item


# --- DER INTEGER and OBJECT IDENTIFIER (asn1crypto does the encoding rules) ------------------


def encode_integer(value: int) -> bytes:
    """DER INTEGER (two's complement, minimal: -128 is 02 01 80)."""
    return bytes(asn1.Integer(value).dump())


def decode_integer(value: bytes) -> int:
    """The value octets of an INTEGER (non-minimal encodings from cards are tolerated)."""
    if not value:
        raise LDSError("empty INTEGER")
    if len(value) > 32:
        raise LDSError("INTEGER too long")
    return int.from_bytes(value, "big", signed=True)


def encode_oid(dotted: str) -> bytes:
    """DER OBJECT IDENTIFIER from dotted text."""
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)+", dotted):
        raise LDSError(f"bad OID {dotted!r}")
    try:
        return bytes(asn1.ObjectIdentifier(dotted).dump())
    except ValueError as exc:
        raise LDSError(f"bad OID {dotted!r}") from exc


def decode_oid(value: bytes) -> str:
    """Dotted text of an OBJECT IDENTIFIER value (its content octets)."""
    if not value or value[-1] & 0x80:  # asn1crypto silently drops an unfinished last arc
        raise LDSError("malformed OBJECT IDENTIFIER")
    try:
        return str(asn1.ObjectIdentifier.load(encode(0x06, value)).dotted)
    except ValueError as exc:
        raise LDSError(f"malformed OBJECT IDENTIFIER: {exc}") from exc
