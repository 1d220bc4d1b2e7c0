"""Chip authentication and active authentication: key agreement against ICAO's published
worked example, the exchange between the emulator's chip side and the reader, and clones."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from hardware.cardreader.base import AccessKey, ChipAuth
from hardware.cardreader.simulated import demo_pki
from hardware.icao import chipauth, lds, tlv
from hardware.icao.apdu import CommandAPDU
from hardware.icao.emulator import LEGACY, CardProfile, EmrtdEmulator
from hardware.icao.person import load_person
from hardware.icao.reader import ReadReport, read_identity
from hardware.icao.sm import SMError
from hardware.icao.transport import LocalTransport

PEOPLE = Path(__file__).resolve().parents[3] / "assets" / "demo" / "people"
PERSON = load_person(PEOPLE / "an-adult.json")


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def test_key_agreement_matches_the_icao_worked_example() -> None:
    """ICAO Doc 9303-11 (7th ed.), worked example PACE-IM on brainpoolP256r1, key agreement:
    K = x(t * C), KSenc = KDF(K, 1), KSmac = KDF(K, 2) - the same ECDH + KDF that chip
    authentication with id-CA-ECDH-AES-CBC-CMAC-128 runs (9303-11 §6.2.3, §9.7.1). Values as
    transcribed in nl.zienit icao_examples (PACE_IMTest), checked here with cryptography."""
    curve = ec.BrainpoolP256R1()
    terminal = ec.derive_private_key(
        int.from_bytes(
            _hex("A73FB703 AC1436A1 8E0CFA5A BB3F7BEC 7A070E7A 6788486B EE230C4A 22762595"), "big"
        ),
        curve,
    )
    chip = ec.EllipticCurvePublicKey.from_encoded_point(
        curve,
        _hex(
            "04 67F78E5F 7F768608 2B293E8D 087E0569 16D0F74B C01A5F89 57D0DE45 691E51E8"
            " 932B69A9 62B52A09 85AD2C0A 271EE6A1 3A8ADDDC D1A3A994 B9DED257 F4D22753"
        ),
    )
    assert terminal.exchange(ec.ECDH(), chip) == _hex(
        "4F150FDE 1D4F0E38 E95017B8 91BAE171 33A0DF45 B0D3E18B 60BA7BEA FDC2C713"
    )
    ks_enc, ks_mac = chipauth.session_keys(terminal, chip)
    assert ks_enc == _hex("0D3FEB33 251A6370 893D62AE 8DAAF51B")
    assert ks_mac == _hex("B01E89E3 D9E8719E 586B50B4 A7506E0B")


def test_dg14_round_trip_and_command_layout() -> None:
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    dg14 = chipauth.build_dg14(key.public_key(), aa=True)
    infos = chipauth.parse_security_infos(dg14)
    chosen = infos.chosen()
    assert chosen is not None
    info, public = chosen
    assert (info.oid, info.version) == (chipauth.ID_CA_ECDH_AES_CBC_CMAC_128, 1)
    assert public.key.public_numbers() == key.public_key().public_numbers()
    assert infos.aa_signature_oid == chipauth.ECDSA_PLAIN_SHA256
    mse = chipauth.mse_set_at(info)
    assert (mse.cla, mse.ins, mse.p1, mse.p2) == (0x00, 0x22, 0x41, 0xA4)
    assert mse.data == bytes.fromhex("800a04007f00070202030202")  # 80 = id-CA-ECDH-AES-CBC-CMAC-128
    ga = chipauth.general_authenticate(key.public_key())
    assert ga.data[:4] == bytes.fromhex("7c438041") and ga.data[4] == 0x04
    # a key id travels in 84
    assert chipauth.mse_set_at(chipauth.CAInfo(info.oid, 1, 7)).data.endswith(b"\x84\x01\x07")


@given(st.binary(max_size=80))
def test_security_infos_from_garbage_raise_only_lds_errors(data: bytes) -> None:
    with contextlib.suppress(tlv.LDSError):
        chipauth.parse_security_infos(b"\x31" + bytes([len(data)]) + data)


def test_an_unreadable_chip_key_is_a_problem_not_a_crash() -> None:
    broken_key = tlv.encode(
        0x31, tlv.encode(0x30, tlv.encode_oid(chipauth.ID_PK_ECDH) + tlv.encode(0x30, b"\x05\x00"))
    )
    assert chipauth.parse_security_infos(broken_key).problems


def _read(card: EmrtdEmulator) -> tuple[object, ReadReport]:
    _signer, trust, _signers = demo_pki()
    report = ReadReport()
    data = read_identity(LocalTransport(card), AccessKey(can=PERSON.can), trust, report=report)
    return data, report


def _card(**kwargs: object) -> EmrtdEmulator:
    signer, _trust, signers = demo_pki()
    return EmrtdEmulator.from_person(PERSON, signer, signers=signers, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", [None, CardProfile(active_auth=True), CardProfile(pace=False)])
def test_a_genuine_chip_passes(profile: CardProfile | None) -> None:
    card = _card(profile=profile)
    if profile is not None and not profile.pace:  # BAC: the MRZ key
        _signer, trust, _ = demo_pki()
        key = AccessKey(
            document_number=PERSON.document_number,
            birth_date=PERSON.birth_date,
            expiry_date=PERSON.expiry_date,
        )
        data = read_identity(LocalTransport(card), key, trust)
    else:
        data, _ = _read(card)
    assert data.chip_auth is ChipAuth.PASSED and data.accepted  # type: ignore[attr-defined]


def test_a_clone_fails_and_is_refused_with_its_reason() -> None:
    data, report = _read(_card(faults=("clone",)))
    assert data.chip_auth is ChipAuth.FAILED  # type: ignore[attr-defined]
    assert (data.accepted, data.refusal) == (False, "clone")  # type: ignore[attr-defined]
    assert data.authenticity == "trusted"  # type: ignore[attr-defined]  # the copied files are genuine
    assert any("not the original chip" in p for p in report.problems)


def test_a_clone_that_refuses_chip_authentication_fails_too() -> None:
    card = _card(faults=("clone",))
    card.chip_keys.ca_key = None  # answers MSE:Set AT with 6A80
    data, _ = _read(card)
    assert data.chip_auth is ChipAuth.FAILED  # type: ignore[attr-defined]


def test_an_aa_only_clone_fails() -> None:
    card = _card(faults=("clone",), profile=CardProfile(chip_auth=False, active_auth=True))
    data, _ = _read(card)
    assert data.chip_auth is ChipAuth.FAILED  # type: ignore[attr-defined]


def test_legacy_chips_offer_nothing_and_are_accepted_on_passive_authentication() -> None:
    card = _card(profile=LEGACY)
    assert card.card_access is not None and 0x010E not in card.files
    data, _ = _read(card)
    assert data.chip_auth is ChipAuth.NOT_OFFERED and data.accepted  # type: ignore[attr-defined]


def test_card_access_offering_ca_without_dg14_is_not_checked_and_refused() -> None:
    card = _card()
    assert chipauth.parse_security_infos(card.card_access or b"").ca  # CardAccess offers CA
    del card.files[0x010E]  # ... and DG14 is gone
    data, report = _read(card)
    assert data.chip_auth is ChipAuth.NOT_CHECKED  # type: ignore[attr-defined]
    assert (data.accepted, data.refusal) == (False, "chip_auth_missing")  # type: ignore[attr-defined]
    assert "EF.CardAccess offers chip authentication but DG14 has no key" in report.problems


def test_emulator_card_side_switches_keys_after_general_authenticate() -> None:
    key = ec.generate_private_key(ec.BrainpoolP256R1())
    card = chipauth.ChipAuthCard(key)
    info = chipauth.CAInfo(chipauth.ID_CA_ECDH_AES_CBC_CMAC_128, 1)
    assert card.general_authenticate(b"")[0].sw == 0x6985  # GA before MSE
    assert card.set_at(chipauth.mse_set_at(info).data) == 0x9000
    public = chipauth.CAPublicKey(key.public_key())
    commands, ephemeral = chipauth.start(info, public)
    answer, chip_sm = card.general_authenticate(commands[1].data)
    assert answer.ok and answer.data == b"\x7c\x00" and chip_sm is not None
    terminal_sm = chipauth.finish(ephemeral, public)
    assert (terminal_sm.ks_enc, terminal_sm.ks_mac) == (chip_sm.ks_enc, chip_sm.ks_mac)
    other = chipauth.finish(ec.generate_private_key(ec.BrainpoolP256R1()), public)
    with pytest.raises(SMError):
        chip_sm.unwrap_command(other.protect(CommandAPDU(0x00, 0xB0, 0x9E, 0x00, le=4)))


def test_dg13_of_the_emulator_parses_with_field_16_kept() -> None:
    dg13 = lds.parse_dg13(_card().files[0x010D])
    assert dg13.extra == {"16": lds.card_serial(PERSON.id)} and dg13.spouse == PERSON.spouse


class _Sizes:
    """A transport that records every short command's answer size."""

    def __init__(self, card: EmrtdEmulator) -> None:
        self.card, self.largest = card, 0
        self.extended_length = False

    def transmit(self, apdu: bytes) -> bytes:
        answer = self.card.process(apdu)
        self.largest = max(self.largest, len(answer) - 2)
        return answer


def test_short_apdus_never_get_more_than_256_bytes() -> None:
    """ISO 7816-4: a short Le asks for at most 256 bytes, secure messaging included."""
    card = _card(profile=CardProfile(extended_length=False))
    sizes = _Sizes(card)
    _signer, trust, _ = demo_pki()
    data = read_identity(sizes, AccessKey(can=PERSON.can), trust)  # type: ignore[arg-type]
    assert data.accepted and data.photo
    assert 200 < sizes.largest <= 256
    # asked directly for 256 under SM, the chip still answers with at most 256 bytes
    card.reset()
    from hardware.icao import pace

    session = pace.authenticate(
        LocalTransport(card),
        pace.password_key_can(PERSON.can),
        card.info,
        password_ref=pace.PASSWORD_CAN,
    )
    select = CommandAPDU(0x00, 0xA4, 0x04, 0x0C, bytes.fromhex("A0000002471001"))
    assert session.unprotect(card.process(session.protect(select).to_bytes())).ok
    protected = session.protect(CommandAPDU(0x00, 0xB0, 0x82, 0x00, le=256))  # DO97 = 00
    short = CommandAPDU(protected.cla, 0xB0, 0x82, 0x00, protected.data, le=256)  # outer Le 00
    raw = card.process(short.to_bytes())
    assert len(raw) - 2 <= 256
    assert session.unprotect(raw).ok
