"""APDU encoding (short/extended) and secure messaging round trips, terminal <-> card."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.icao.apdu import APDUError, CommandAPDU, ResponseAPDU, sw_text
from hardware.icao.sm import AESSecureMessaging, DESSecureMessaging, SMError, pad, unpad

H = bytes.fromhex


def test_iso_cases_short_and_extended() -> None:
    assert CommandAPDU(0, 0xA4, 4, 0x0C, H("A0000002471001")).to_bytes() == H(
        "00A4040C07A0000002471001"
    )
    assert CommandAPDU(0, 0xB0, 0x81, 0, le=256).to_bytes() == H("00B0810000")
    assert CommandAPDU(0, 0xB0, 0x81, 0, le=65536).to_bytes() == H("00B08100000000")
    assert CommandAPDU(0, 0xB0, 0, 0, le=1000).to_bytes() == H("00B00000" + "0003E8")
    assert CommandAPDU(0, 0xD6, 0, 0, b"\x01" * 300, le=2).to_bytes() == (
        H("00D60000" + "00012C") + b"\x01" * 300 + H("0002")
    )
    assert CommandAPDU.parse(H("00B00000")).le is None
    assert CommandAPDU.parse(H("00B0000000")).le == 256
    assert CommandAPDU.parse(H("00B00000000000")).le == 65536
    for bad in (b"", H("00B0"), H("00A4040C05A000"), H("00A4040C00000201")):
        with pytest.raises(APDUError):
            CommandAPDU.parse(bad)
    with pytest.raises(APDUError):
        CommandAPDU(0x100, 0, 0, 0)
    with pytest.raises(APDUError):
        ResponseAPDU.parse(b"\x90")
    assert ResponseAPDU.parse(H("6282")).warning
    assert "wrong Le" in sw_text(0x6C10)


@given(
    cla=st.integers(0, 255),
    ins=st.integers(0, 255),
    p1=st.integers(0, 255),
    p2=st.integers(0, 255),
    data=st.binary(max_size=600),
    le=st.none() | st.integers(1, 65536),
)
def test_command_apdu_round_trip(
    cla: int, ins: int, p1: int, p2: int, data: bytes, le: int | None
) -> None:
    cmd = CommandAPDU(cla, ins, p1, p2, data, le)
    parsed = CommandAPDU.parse(cmd.to_bytes())
    assert parsed == cmd
    assert CommandAPDU.parse(cmd.to_bytes(extended=True)) == cmd


@given(st.binary(max_size=100))
def test_padding_round_trip(data: bytes) -> None:
    for block in (8, 16):
        padded = pad(data, block)
        assert len(padded) % block == 0
        assert unpad(padded) == data


@settings(max_examples=60, deadline=None)
@given(
    aes=st.booleans(),
    ins=st.sampled_from([0xA4, 0xB0, 0xB1]),
    data=st.binary(max_size=300),
    le=st.none() | st.integers(1, 65536),
    answer=st.binary(max_size=700),
    sw=st.sampled_from([0x9000, 0x6282, 0x6A82]),
    ssc=st.integers(0, 2**63),
)
def test_secure_messaging_round_trip(
    aes: bool, ins: int, data: bytes, le: int | None, answer: bytes, sw: int, ssc: int
) -> None:
    cls = AESSecureMessaging if aes else DESSecureMessaging
    keys = (H("00112233445566778899AABBCCDDEEFF"), H("0F1E2D3C4B5A69788796A5B4C3D2E1F0"))
    terminal, card = cls(*keys, ssc), cls(*keys, ssc)
    sent = terminal.protect(CommandAPDU(0, ins, 1, 2, data, le))
    received = card.unwrap_command(CommandAPDU.parse(sent.to_bytes()))
    assert (received.ins, received.p1, received.p2, received.data, received.le) == (
        ins,
        1,
        2,
        data,
        le,
    )
    reply = card.wrap_response(ResponseAPDU.status(sw, answer), odd=bool(ins & 1))
    got = terminal.unprotect(reply, odd=bool(ins & 1))
    assert (got.data, got.sw) == (answer, sw)
    assert terminal.ssc == card.ssc == ssc + 2


def test_replayed_or_altered_commands_are_refused() -> None:
    keys = (H("00112233445566778899AABBCCDDEEFF"), H("0F1E2D3C4B5A69788796A5B4C3D2E1F0"))
    terminal, card = AESSecureMessaging(*keys, 0), AESSecureMessaging(*keys, 0)
    sent = terminal.protect(CommandAPDU(0, 0xB0, 0, 0, le=16)).to_bytes()
    card.unwrap_command(CommandAPDU.parse(sent))
    with pytest.raises(SMError):  # replay: the SSC moved on
        card.unwrap_command(CommandAPDU.parse(sent))
    altered = bytearray(terminal.protect(CommandAPDU(0, 0xB0, 0, 0, le=16)).to_bytes())
    altered[3] ^= 1  # P2 changed
    with pytest.raises(SMError):
        AESSecureMessaging(*keys, 2).unwrap_command(CommandAPDU.parse(bytes(altered)))
    with pytest.raises(SMError):
        card.unwrap_command(CommandAPDU(0x0C, 0xB0, 0, 0, H("9701FF")))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.binary(max_size=300), min_size=1, max_size=12))
def test_reader_never_crashes_on_garbage_answers(answers: list[bytes]) -> None:
    from hardware.cardreader.base import AccessKey, CardError
    from hardware.icao.reader import read_identity

    class Garbage:
        extended_length = True

        def __init__(self) -> None:
            self.left = list(answers)

        def transmit(self, apdu: bytes) -> bytes:
            return self.left.pop(0) if self.left else b"\x6f\x00"

    with pytest.raises(CardError):  # and nothing else: no IndexError, ValueError, ...
        read_identity(Garbage(), AccessKey(can="123456"))


_HEADERS = [
    b"\x00\xa4\x04\x0c\x07\xa0\x00\x00\x02\x47\x10\x01",  # SELECT eMRTD: go deeper
    b"\x00\xa4\x02\x0c",
    b"\x00\xb0\x9c\x00",
    b"\x00\xb0\x81\x00",
    b"\x0c\xb0\x00\x00",
    b"\x00\xb1\x00\x00",
    b"\x00\x22\xc1\xa4",
    b"\x10\x86\x00\x00",
    b"\x00\x86\x00\x00",
    b"\x00\x84\x00\x00",
    b"\x00\x82\x00\x00",
]
_COMMANDS = st.binary(max_size=300) | st.sampled_from(_HEADERS).flatmap(
    lambda head: st.binary(max_size=120).map(lambda tail: head + tail)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_COMMANDS, min_size=1, max_size=8))
def test_emulator_answers_any_bytes_with_a_status_word(commands: list[bytes]) -> None:
    from hardware.icao.emulator import EmrtdEmulator

    card = EmrtdEmulator(
        {0x011E: b"\x60\x00"},
        can="123456",
        document_number="123456789",
        birth="900101",
        expiry="300101",
    )
    for command in commands:
        answer = card.process(command)
        assert len(answer) >= 2
