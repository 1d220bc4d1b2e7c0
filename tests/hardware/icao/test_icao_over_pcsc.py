"""The whole chip read through real pcscd + vpcd + pyscard against the emulator."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    CardRemoved,
    Gender,
    IntegrityError,
    KeyRequired,
    NotAnIdCard,
)
from hardware.cardreader.pcsc import PcscCardReader
from hardware.icao.emulator import CardProfile, EmrtdEmulator
from hardware.icao.person import load_person
from hardware.icao.pki import load_signer
from hardware.icao.reader import ReadReport, read_identity

READER = "Virtual PCD 00 00"
PEOPLE = Path(__file__).resolve().parents[3] / "assets" / "demo" / "people"

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(60)]

DG13_FIELDS = (
    ("id", "citizen_id"),
    ("name", "full_name"),
    ("nationality", "nationality"),
    ("ethnicity", "ethnicity"),
    ("religion", "religion"),
    ("origin", "origin"),
    ("residence", "residence"),
    ("features", "features"),
    ("expiry", "expiry"),
    ("father", "father"),
    ("mother", "mother"),
    ("spouse", "spouse"),
    ("old_id", "old_id"),
)


def _person(name: str = "an-adult") -> dict[str, str]:
    return json.loads((PEOPLE / f"{name}.json").read_text(encoding="utf-8"))


def _can(name: str = "an-adult") -> AccessKey:
    return AccessKey(can=_person(name)["id"][-6:])


def _bac(name: str = "an-adult") -> AccessKey:
    person = load_person(PEOPLE / f"{name}.json")
    return AccessKey(
        document_number=person.document_number,
        birth_date=person.birth_date,
        expiry_date=person.expiry_date,
    )


def _reader(trust: Path | None = None) -> PcscCardReader:
    return PcscCardReader(READER, trust)


@pytest.mark.parametrize("person", sorted(p.stem for p in PEOPLE.glob("*.json")))
def test_pace_reads_every_dg13_field(virtual_card, trust_dir: Path, person: str) -> None:
    virtual_card(person)
    data = _reader(trust_dir).read(_can(person))
    expected = _person(person)
    for key, attr in DG13_FIELDS:
        assert getattr(data, attr) == expected.get(key, ""), key
    person_file = load_person(PEOPLE / f"{person}.json")
    assert data.birth_date == person_file.birth_date
    assert data.gender is (Gender.MALE if person_file.gender == "Nam" else Gender.FEMALE)
    issued = data.issue_date.strftime("%d/%m/%Y") if data.issue_date else ""
    assert issued == expected.get("issue_date", "")
    assert data.access == "PACE"
    assert data.authenticity == "trusted"
    assert data.stats["apdus"] > 0 and data.stats["ms"] > 0


def test_vietnamese_diacritics_survive(virtual_card) -> None:
    virtual_card("an-adult")
    data = _reader().read(_can())
    assert data.full_name == "Nguyễn Văn An"
    assert "Hàng Bài" in data.residence
    assert data.mother == "Lê Thị Cúc"


def test_mrz_data_opens_pace_with_the_mrz_password(virtual_card, trust_dir: Path) -> None:
    virtual_card("an-adult", profile=CardProfile(bac=False))
    data = _reader(trust_dir).read(_bac())
    assert data.access == "PACE"
    assert data.authenticity == "trusted"
    assert data.full_name == _person()["name"]


def test_bac_on_a_chip_without_pace(virtual_card, trust_dir: Path) -> None:
    virtual_card("an-adult", profile=CardProfile(pace=False))
    data = _reader(trust_dir).read(_bac())
    assert (data.access, data.authenticity) == ("BAC", "trusted")
    assert data.full_name == _person()["name"]
    with pytest.raises(KeyRequired):
        _reader().read(_can())
    key = _bac()
    data = _reader().read(
        AccessKey(
            can="000000",
            document_number=key.document_number,
            birth_date=key.birth_date,
            expiry_date=key.expiry_date,
        )
    )
    assert data.access == "BAC"


def test_three_authenticity_levels(virtual_card, trust_dir: Path, test_pki: Path) -> None:
    virtual_card("an-adult")
    assert _reader(trust_dir).read(_can()).authenticity == "trusted"
    assert _reader(None).read(_can()).authenticity == "consistent"


def test_read_level_when_the_chip_has_no_sod(virtual_card, test_pki: Path, trust_dir: Path) -> None:
    emulator = EmrtdEmulator.from_person(
        load_person(PEOPLE / "an-adult.json"), load_signer(test_pki)
    )
    del emulator.files[0x011D]
    virtual_card(emulator=emulator)
    report = ReadReport()
    from hardware.cardreader import pcsc

    data = _reader(trust_dir)._with_card(
        lambda t: read_identity(t, _can(), trust_dir, report=report)
    )
    assert data.authenticity == "read"
    assert any("SOD" in p for p in report.problems)
    assert pcsc.list_readers()


def test_untrusted_signer_is_consistent_not_trusted(virtual_card, trust_dir: Path) -> None:
    virtual_card("an-adult", faults=("untrusted_signer",))
    data = _reader(trust_dir).read(_can())
    assert data.authenticity == "consistent"
    assert data.full_name == _person()["name"]


def test_wrong_key_is_access_denied(virtual_card) -> None:
    virtual_card("an-adult", faults=("wrong_key",))
    with pytest.raises(AccessDenied):
        _reader().read(_can())
    with pytest.raises(AccessDenied):
        _reader().read(_bac())


def test_missing_key_is_key_required(virtual_card) -> None:
    virtual_card("an-adult")
    with pytest.raises(KeyRequired):
        _reader().read(None)


def test_tampered_dg13_is_an_integrity_error(virtual_card, trust_dir: Path) -> None:
    virtual_card("an-adult", faults=("tampered_dg13",))
    with pytest.raises(IntegrityError, match="DG13"):
        _reader(trust_dir).read(_can())


def test_removal_mid_read_is_card_removed(virtual_card) -> None:
    card = virtual_card("an-adult", faults=("removal",))
    started = time.monotonic()
    with pytest.raises(CardRemoved):
        _reader().read(_can())
    assert time.monotonic() - started < 10
    assert card.removed.wait(5)


def test_not_an_emrtd_card(virtual_card) -> None:
    virtual_card("an-adult", faults=("not_emrtd",))
    with pytest.raises(NotAnIdCard):
        _reader().read(None)
    with pytest.raises(NotAnIdCard):
        _reader().read(_can())


def test_short_apdus_only_still_read_everything(virtual_card, trust_dir: Path) -> None:
    virtual_card("an-adult", profile=CardProfile(extended_length=False))
    data = _reader(trust_dir).read(_can())
    assert data.authenticity == "trusted"
    assert data.stats["apdus"] > 20  # the photo needs many short reads
