"""The files of a virtual card, read back as the kiosk would, with the file faults."""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.cardreader.base import Gender, IntegrityError
from hardware.icao import lds
from hardware.icao.card_files import FILE_FAULTS, build_card_files
from hardware.icao.certs import Signer
from hardware.icao.person import load_person
from hardware.icao.pki import create_csca, create_dsc
from hardware.icao.sod import parse_sod, passive_authentication
from hardware.icao.trust import TrustStore

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = sorted((ROOT / "assets" / "demo" / "people").glob("*.json"))
DATA = ROOT / "tests" / "data" / "icao"


@pytest.fixture(scope="module")
def pki() -> tuple[Signer, TrustStore]:
    csca, key = create_csca()
    return create_dsc(csca, key), TrustStore([csca])


def _groups(files: dict[int, bytes]) -> dict[int, bytes]:
    return {fid - 0x0100: data for fid, data in files.items() if 0x0101 <= fid <= 0x0110}


@pytest.mark.parametrize("path", PEOPLE + [DATA / "person-jp2.json"], ids=lambda p: p.stem)
def test_card_files_read_back_trusted(path: Path, pki: tuple[Signer, TrustStore]) -> None:
    signer, trust = pki
    person = load_person(path)
    files = build_card_files(person, signer)
    assert set(files) == {0x011E, 0x0101, 0x0102, 0x010D, 0x011D}
    assert lds.parse_ef_com(files[0x011E]) == [1, 2, 13]
    mrz = lds.parse_dg1(files[0x0101])
    assert mrz.citizen_id == person.id and mrz.document_number == person.id[-9:]
    dg13 = lds.parse_dg13(files[0x010D])
    face = lds.parse_dg2(files[0x0102])
    assert face.data == person.photo_bytes()
    result = passive_authentication(files[0x011D], _groups(files), trust)
    assert result.level == "trusted", result.problems
    assert result.checked_groups == [1, 2, 13]
    card = lds.card_data_from(dg13, face, result.level, access="PACE")
    assert (card.citizen_id, card.full_name, card.birth_date, card.gender) == (
        person.id,
        person.name,
        person.birth_date,
        Gender.MALE if person.gender == "Nam" else Gender.FEMALE,
    )
    assert (card.father, card.mother, card.spouse) == (person.father, person.mother, person.spouse)
    assert card.photo is not None and card.authenticity == "trusted"


def test_a_person_without_photo_has_no_dg2(pki: tuple[Signer, TrustStore]) -> None:
    files = build_card_files(load_person(DATA / "person-no-photo.json"), pki[0])
    assert 0x0102 not in files
    assert lds.parse_ef_com(files[0x011E]) == [1, 13]
    assert sorted(parse_sod(files[0x011D]).dg_hashes) == [1, 13]


def test_tampered_dg13_fails_passive_authentication(pki: tuple[Signer, TrustStore]) -> None:
    signer, trust = pki
    person = load_person(PEOPLE[0])
    honest = build_card_files(person, signer)
    files = build_card_files(person, signer, faults={"tampered_dg13"})
    forged = lds.parse_dg13(files[0x010D])  # still well-formed ...
    assert forged.full_name != person.name and forged.citizen_id == person.id
    with pytest.raises(IntegrityError, match="DG13"):  # ... but not what was signed
        passive_authentication(files[0x011D], _groups(files), trust)
    assert files[0x0101] == honest[0x0101]  # the other groups still verify
    result = passive_authentication(files[0x011D], {1: files[0x0101], 2: files[0x0102]}, trust)
    assert result.level == "trusted"


def test_untrusted_signer_reaches_consistent_only(pki: tuple[Signer, TrustStore]) -> None:
    signer, trust = pki
    files = build_card_files(load_person(PEOPLE[1]), signer, faults=frozenset({"untrusted_signer"}))
    result = passive_authentication(files[0x011D], _groups(files), trust)
    assert result.level == "consistent"
    assert "no trusted CSCA" in result.problems[0]
    assert "UNTRUSTED" in result.signer_subject


def test_faults_of_the_emulator_are_ignored_here(pki: tuple[Signer, TrustStore]) -> None:
    assert {"tampered_dg13", "untrusted_signer", "forged-sod", "no-sod"} <= FILE_FAULTS
    assert not FILE_FAULTS & {"wrong_key", "removal", "clone", "not_emrtd"}
    signer, trust = pki
    files = build_card_files(load_person(PEOPLE[2]), signer, faults={"wrong_key", "removal"})
    assert passive_authentication(files[0x011D], _groups(files), trust).level == "trusted"
