"""BER-TLV helpers: multi-byte tags, long lengths, truncation as typed errors."""

from __future__ import annotations

import contextlib
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.cardreader.base import CardReadFailed
from hardware.icao import tlv
from hardware.icao.tlv import LDSError


@pytest.mark.parametrize(
    ("length", "encoded"),
    [
        (0, "00"),
        (0x7F, "7f"),
        (0x80, "8180"),
        (0xFF, "81ff"),
        (0x100, "820100"),
        (0xFFFF, "82ffff"),
        (0x10000, "83010000"),
    ],
)
def test_length_encoding_matches_der(length: int, encoded: str) -> None:
    assert tlv.encode_length(length).hex() == encoded
    assert tlv.decode_length(bytes.fromhex(encoded)) == (length, len(encoded) // 2)


def test_multi_byte_tags_round_trip() -> None:
    for tag in (0x5F1F, 0x7F61, 0x5F2E, 0x6D, 0x02, 0x9F8101):
        encoded = tlv.encode(tag, b"abc")
        item = tlv.decode(encoded)
        assert (item.tag, item.value, item.end) == (tag, b"abc", len(encoded))


def test_constructed_flag_and_children() -> None:
    inner = tlv.encode(0x5F1F, b"x") + tlv.encode(0x02, b"\x01")
    outer = tlv.decode(tlv.encode(0x61, inner))
    assert outer.constructed
    assert [c.tag for c in outer.children()] == [0x5F1F, 0x02]
    assert not outer.children()[0].constructed
    with pytest.raises(LDSError):
        outer.children()[0].children()


def test_long_value_over_32k() -> None:
    value = bytes(range(256)) * 200  # 51 200 bytes, needs 82 xx xx
    encoded = tlv.encode(0x75, value)
    assert encoded[:4] == bytes.fromhex("7582c800")
    assert tlv.decode(encoded).value == value
    assert tlv.total_length(encoded[:6]) == len(encoded)


def test_total_length_from_a_short_prefix() -> None:
    assert tlv.total_length(bytes.fromhex("6d8201ce")) == 4 + 0x1CE
    assert tlv.total_length(bytes.fromhex("7f6103")) == 6
    with pytest.raises(LDSError):
        tlv.total_length(bytes.fromhex("6d82"))  # the length bytes are not all there


@pytest.mark.parametrize(
    "data",
    ["", "5f", "5fff", "61", "6105", "610541", "6184", "6180", "61850000000001", "5f1f8201"],
)
def test_truncated_or_invalid_input_raises_lds_error(data: str) -> None:
    with pytest.raises(LDSError):
        tlv.decode(bytes.fromhex(data))


def test_lds_error_is_a_card_read_failure() -> None:
    assert issubclass(LDSError, CardReadFailed)


def test_unexpected_tag_and_strict_trailing_bytes() -> None:
    data = tlv.encode(0x60, b"") + b"\x00\x00"
    with pytest.raises(LDSError, match="expected tag 61"):
        tlv.decode(data, 0x61)
    assert tlv.decode(data, 0x60).value == b""
    with pytest.raises(LDSError, match="2 bytes after"):
        tlv.decode(data, 0x60, strict=True)


def test_padding_is_tolerated_only_when_asked() -> None:
    data = tlv.encode(0x02, b"\x01") + b"\xff\xff"
    assert len(tlv.decode_all(data, allow_padding=True)) == 1
    with pytest.raises(LDSError):
        tlv.decode_all(data)


def test_find_and_require() -> None:
    data = tlv.encode(0x5F01, b"0107") + tlv.encode(0x5C, b"\x61\x6d")
    assert tlv.find(data, 0x5C) is not None
    assert tlv.find(data, 0x5F36) is None
    with pytest.raises(LDSError, match="5F36"):
        tlv.require(data, 0x5F36, "EF.COM")


@pytest.mark.parametrize("value", [0, 1, 13, 127, 128, 255, 256, -1, -128, -129, 65535])
def test_integer_round_trip(value: int) -> None:
    item = tlv.decode(tlv.encode_integer(value))
    assert item.tag == 0x02
    assert tlv.decode_integer(item.value) == value


@pytest.mark.parametrize(
    ("value", "der"),
    [
        (0, "020100"),
        (127, "02017f"),
        (128, "02020080"),
        (-1, "0201ff"),
        (-128, "020180"),
        (-129, "0202ff7f"),
        (256, "02020100"),
    ],
)
def test_integers_are_minimal_der(value: int, der: str) -> None:
    assert tlv.encode_integer(value).hex() == der


def test_oid_encoding_of_the_dg13_oid() -> None:
    encoded = tlv.encode_oid("1.0.10646.1.0.8")
    assert encoded.hex() == "060628d316010008"
    assert tlv.decode_oid(tlv.decode(encoded).value) == "1.0.10646.1.0.8"
    assert tlv.decode_oid(tlv.decode(tlv.encode_oid("2.23.136.1.1.1")).value) == "2.23.136.1.1.1"
    for bad in ("", "1", "x.y", "3.1"):
        with pytest.raises(LDSError):
            tlv.encode_oid(bad)
    with pytest.raises(LDSError):
        tlv.decode_oid(b"\x86")


@given(st.binary(max_size=64))
def test_decoding_arbitrary_bytes_raises_only_lds_error(data: bytes) -> None:
    for function in (tlv.decode, tlv.decode_all, tlv.total_length, tlv.decode_oid):
        with contextlib.suppress(LDSError):
            function(data)


@given(st.integers(min_value=0, max_value=0xFFFFFFFF), st.sampled_from([0x04, 0x5F1F, 0x7F61]))
def test_header_round_trip(length: int, tag: int) -> None:
    header = tlv.encode_tag(tag) + tlv.encode_length(length)
    assert tlv.total_length(header) == len(header) + length
    assert tlv.header_length(header) == len(header)


def test_many_small_objects_decode_in_linear_time() -> None:
    data = b"\x00\x00" * 40_000 + b"\x02\x01\x05"  # hostile: 40 001 objects
    started = time.perf_counter()
    items = tlv.decode_all(data, allow_padding=True)
    assert len(items) == 40_001 and items[-1].value == b"\x05"
    assert time.perf_counter() - started < 2.0
    assert tlv.decode_all(b"\x02\x01\x05" + b"\x00\xff\x00", allow_padding=True)[0].tag == 2
