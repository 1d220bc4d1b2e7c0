"""read_identity against the in-process emulator: READ BINARY strategies, faults, keys."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    CardEvent,
    CardRemoved,
    ChipAuth,
    IntegrityError,
    KeyRequired,
    NoCard,
    NotAnIdCard,
)
from hardware.cardreader.simulated import SimulatedCardReader, demo_pki
from hardware.icao import keys
from hardware.icao.apdu import CommandAPDU, ResponseAPDU
from hardware.icao.emulator import CardProfile, EmrtdEmulator
from hardware.icao.person import Person, load_person
from hardware.icao.reader import ChipSession, ReadReport, read_identity
from hardware.icao.transport import LocalTransport

PEOPLE = Path(__file__).resolve().parents[3] / "assets" / "demo" / "people"


@pytest.fixture(scope="module")
def person() -> Person:
    return load_person(PEOPLE / "an-adult.json")


def _card(person: Person, **kwargs: object) -> EmrtdEmulator:
    signer = demo_pki()[0]
    return EmrtdEmulator.from_person(person, signer, **kwargs)  # type: ignore[arg-type]


def _trust() -> object:
    return demo_pki()[1]


class Spy:
    """Records the instruction bytes going to the card."""

    def __init__(self, card: EmrtdEmulator, extended: bool = True) -> None:
        self.inner = LocalTransport(card, extended_length=extended)
        self.extended_length = extended
        self.ins: list[int] = []

    def transmit(self, apdu: bytes) -> bytes:
        self.ins.append(apdu[1])
        return self.inner.transmit(apdu)


@pytest.mark.parametrize(
    "profile, extended",
    [
        (CardProfile(), True),
        (CardProfile(extended_length=False), False),
        (CardProfile(extended_length=False), True),  # card refuses extended: 6700, then short
        (CardProfile(short_ef=False), True),  # SELECT + READ BINARY
        (CardProfile(max_response=100), True),  # card returns less than asked, 9000
        (CardProfile(pace=False), True),
        # BAC-only chip without extended length: nothing tells before SM; the chip ends the
        # session on the extended READ BINARY, the reader opens it again with short APDUs
        (CardProfile(pace=False, extended_length=False), True),
    ],
)
def test_every_card_profile_reads_the_same_identity(
    person: Person, profile: CardProfile, extended: bool
) -> None:
    card = _card(person, profile=profile)
    key = keys.key_from_details(person.id, person.birth_date, date(2021, 4, 15))
    report = ReadReport()
    data = read_identity(Spy(card, extended), key, _trust(), report=report)
    assert data.full_name == person.name
    assert data.residence == person.residence
    assert data.authenticity == "trusted"
    assert data.access == ("BAC" if not profile.pace else "PACE")
    assert data.photo and data.photo == person.photo_bytes()
    assert report.stats["apdus"] == data.stats["apdus"]


def test_extended_length_needs_few_apdus(person: Person) -> None:
    data = read_identity(Spy(_card(person)), AccessKey(can=person.can), _trust())
    # CardAccess, MSE + 4 GA, SELECT AID, EF.COM, DG1, DG13, DG2, DG14, SOD,
    # chip authentication: MSE:Set AT, GA, EF.COM again under the new keys
    assert data.stats["apdus"] == 16
    assert data.chip_auth is ChipAuth.PASSED and data.accepted
    data = read_identity(Spy(_card(person)), AccessKey(can=person.can), _trust(), with_photo=False)
    assert data.stats["apdus"] == 15
    assert data.photo is None


def _big_photo(tmp_path: Path, size: int) -> Path:
    image = Image.effect_noise((320, 400), 90).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    assert len(buffer.getvalue()) > size
    path = tmp_path / "big.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def test_offsets_above_32767_use_odd_read_binary(person: Person, tmp_path: Path) -> None:
    big = replace(person, photo=_big_photo(tmp_path, 40_000))
    card = _card(big, profile=CardProfile(max_response=12_000))
    spy = Spy(card)
    data = read_identity(spy, AccessKey(can=big.can), _trust())
    assert data.photo == big.photo_bytes()
    assert 0xB1 in spy.ins
    assert len(big.photo_bytes() or b"") > 32767


def test_offsets_above_32767_with_short_apdus(person: Person, tmp_path: Path) -> None:
    big = replace(person, photo=_big_photo(tmp_path, 40_000))
    spy = Spy(_card(big, profile=CardProfile(extended_length=False)), extended=False)
    data = read_identity(spy, AccessKey(can=big.can), _trust())
    assert data.photo == big.photo_bytes()
    assert spy.ins.count(0xB1) > 10


def test_end_of_file_warning_and_wrong_le_are_handled(person: Person) -> None:
    card = _card(person)
    content = card.card_access
    assert content is not None

    class Picky:
        """Wants the exact Le: answers 6Cxx first (ISO 7816-4), then the data."""

        extended_length = False

        def __init__(self) -> None:
            self.answers: list[int] = []

        def transmit(self, apdu: bytes) -> bytes:
            cmd = CommandAPDU.parse(apdu)
            assert content is not None
            if cmd.le != len(content):
                self.answers.append(0x6C00 | len(content))
                return ResponseAPDU.status(0x6C00 | len(content)).to_bytes()
            self.answers.append(0x9000)
            return card.process(apdu)

    picky = Picky()
    assert ChipSession(picky).read_card_access() == content
    assert picky.answers == [0x6C00 | len(content), 0x9000]
    # a plain read past the end: 6282 with the bytes that exist
    session = ChipSession(LocalTransport(card, extended_length=False))
    assert session._read(0, 200, 0x1C) == content


@pytest.mark.parametrize(
    "fault, error",
    [
        ("wrong_key", AccessDenied),
        ("removal", CardRemoved),
        ("tampered_dg13", IntegrityError),
        ("not_emrtd", NotAnIdCard),
    ],
)
def test_faults_give_their_own_error(person: Person, fault: str, error: type) -> None:
    with pytest.raises(error):
        read_identity(LocalTransport(_card(person, faults=[fault])), AccessKey(can=person.can))


def test_untrusted_signer_and_levels(person: Person) -> None:
    key = AccessKey(can=person.can)
    assert read_identity(LocalTransport(_card(person)), key, _trust()).authenticity == "trusted"
    assert read_identity(LocalTransport(_card(person)), key, None).authenticity == "consistent"
    untrusted = _card(person, faults=["untrusted_signer"])
    report = ReadReport()
    assert read_identity(LocalTransport(untrusted), key, _trust(), report=report).authenticity == (
        "consistent"
    )
    assert report.problems
    no_sod = _card(person)
    del no_sod.files[0x011D]
    assert read_identity(LocalTransport(no_sod), key, _trust()).authenticity == "read"


def test_wrong_can_falls_back_to_bac_when_known(person: Person) -> None:
    good = keys.key_from_details(person.id, person.birth_date, date(2021, 4, 15))
    key = AccessKey("999999", good.document_number, good.birth_date, good.expiry_date)
    assert read_identity(LocalTransport(_card(person)), key).access == "BAC"


def test_key_required_and_bad_card_access(person: Person) -> None:
    with pytest.raises(KeyRequired):
        read_identity(LocalTransport(_card(person)), None)
    card = _card(person)
    card.card_access = b"\x31\x05garbage"
    assert (
        read_identity(
            LocalTransport(card),
            keys.key_from_details(person.id, person.birth_date, date(2021, 4, 15)),
        ).access
        == "BAC"
    )


def test_garbage_answers_never_crash() -> None:
    class Garbage:
        extended_length = True

        def __init__(self, answer: bytes) -> None:
            self.answer = answer

        def transmit(self, apdu: bytes) -> bytes:
            return self.answer

    for answer in (b"", b"\x90", b"\x90\x00", b"\x6a\x82", b"\xff" * 40 + b"\x90\x00"):
        with pytest.raises((KeyRequired, NotAnIdCard, AccessDenied, Exception)) as info:
            read_identity(Garbage(answer), AccessKey(can="123456"))
        assert info.type.__module__ == "hardware.cardreader.base"


# --- access keys --------------------------------------------------------------------------


def test_expiry_rule() -> None:
    birth = date(1990, 1, 1)
    assert keys.derive_expiry(birth, date(2010, 5, 1)) == date(2015, 1, 1)  # age 25
    assert keys.derive_expiry(birth, date(2021, 4, 15)) == date(2030, 1, 1)  # age 40
    assert keys.derive_expiry(birth, date(2028, 6, 1)) == date(2050, 1, 1)  # 40 too close: 60
    assert keys.derive_expiry(birth, date(2049, 6, 1)) is None  # no expiry after 58
    assert keys.derive_expiry(date(2000, 2, 29), date(2021, 1, 1)) == date(2025, 2, 28)


def test_keys_from_id_and_qr() -> None:
    assert keys.key_from_id("001090123456") == AccessKey(can="123456")
    key = keys.key_from_qr(
        "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Phố Huế, Hà Nội|15042021||||"
    )
    assert key.can == "123456"
    assert key.document_number == "090123456"
    assert key.birth_date == date(1990, 1, 1)
    assert key.expiry_date == date(2030, 1, 1)
    assert key.has_bac
    for bad in ("12345", "00109012345a", ""):
        with pytest.raises(keys.AccessKeyError):
            keys.key_from_id(bad)
    for bad in ("a|b", "001090123456|x|n|32131990|Nam|a|15042021"):
        with pytest.raises(keys.AccessKeyError):
            keys.key_from_qr(bad)


def test_qr_key_opens_the_emulated_card(person: Person) -> None:
    qr = f"{person.id}||{person.name}|{person.dob.replace('/', '')}|{person.gender}|x|15042021"
    key = keys.key_from_qr(qr)
    card = _card(person, profile=CardProfile(pace=False))
    assert read_identity(LocalTransport(card), key).citizen_id == person.id


# --- the simulated reader -----------------------------------------------------------------


def test_simulated_reader_runs_the_protocol() -> None:
    reader = SimulatedCardReader()
    events: list[CardEvent] = []
    reader.start(events.append)
    with pytest.raises(NoCard):
        reader.read(AccessKey(can="123456"))
    reader.insert("an-adult")
    person = reader.people["an-adult"]
    with pytest.raises(KeyRequired):
        reader.read(None)
    with pytest.raises(AccessDenied):
        reader.read(AccessKey(can="000000"))
    data = reader.read(AccessKey(can=person["id"][-6:]))
    assert (data.full_name, data.access, data.authenticity) == (person["name"], "PACE", "trusted")
    assert data.photo
    assert data.stats["apdus"] > 0
    reader.insert("an-adult", faults={"removal"})
    with pytest.raises(CardRemoved):
        reader.read(AccessKey(can=person["id"][-6:]))
    assert not reader.card_present()
    assert events == [CardEvent.INSERTED, CardEvent.INSERTED, CardEvent.REMOVED]
    assert reader.status().ok


@pytest.mark.parametrize("after", [1, 3, 5, 8])
def test_card_leaving_at_any_step_is_card_removed(person: Person, after: int) -> None:
    from hardware.icao.transport import CardGone

    card = _card(person)

    class Leaving:
        extended_length = True
        count = 0

        def transmit(self, apdu: bytes) -> bytes:
            self.count += 1
            if self.count > after:
                raise CardGone("gone")
            return card.process(apdu)

    with pytest.raises(CardRemoved):
        read_identity(Leaving(), AccessKey(can=person.can))
    key = keys.key_from_details(person.id, person.birth_date, date(2021, 4, 15))
    with pytest.raises(CardRemoved):
        read_identity(Leaving(), key)


def test_pace_with_the_mrz_on_a_chip_without_bac(person: Person) -> None:
    key = keys.key_from_details(person.id, person.birth_date, date(2021, 4, 15))
    only_mrz = AccessKey(None, key.document_number, key.birth_date, key.expiry_date)
    card = _card(person, profile=CardProfile(bac=False))
    assert read_identity(LocalTransport(card), only_mrz).access == "PACE"
    wrong = AccessKey(None, key.document_number, date(1991, 1, 1), key.expiry_date)
    with pytest.raises(AccessDenied):
        read_identity(LocalTransport(_card(person, profile=CardProfile(bac=False))), wrong)
