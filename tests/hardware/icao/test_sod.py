"""EF.SOD building and passive authentication at the three levels."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import utils
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.cardreader.base import IntegrityError
from hardware.icao import lds, tlv
from hardware.icao.certs import Signer
from hardware.icao.person import load_person
from hardware.icao.pki import create_csca, create_dsc
from hardware.icao.sod import (
    ID_LDS_SECURITY_OBJECT,
    build_sod,
    parse_sod,
    passive_authentication,
)
from hardware.icao.tlv import LDSError
from hardware.icao.trust import TrustStore

ROOT = Path(__file__).resolve().parents[3]
PERSON = load_person(ROOT / "assets" / "demo" / "people" / "an-adult.json")
DG1 = lds.build_dg1(lds.build_mrz_td1(PERSON))
DG13 = lds.build_dg13(PERSON)
DG14 = tlv.encode(0x6E, tlv.encode(0x31, b""))
GROUPS = {1: DG1, 13: DG13}


@pytest.fixture(scope="module")
def csca() -> tuple[x509.Certificate, object]:
    return create_csca()


@pytest.fixture(scope="module")
def signer(csca: tuple[x509.Certificate, object]) -> Signer:
    cert, key = csca
    return create_dsc(cert, key)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reference_sod(signer: Signer) -> bytes:
    return build_sod(GROUPS, signer)


@pytest.fixture(scope="module")
def trust(csca: tuple[x509.Certificate, object]) -> TrustStore:
    return TrustStore([csca[0]])


def test_sod_structure(signer: Signer) -> None:
    sod = build_sod({**GROUPS, 14: DG14}, signer)
    assert sod[0] == 0x77
    parsed = parse_sod(sod)
    assert parsed.econtent_type == ID_LDS_SECURITY_OBJECT
    assert parsed.hash_algorithm == "sha256"
    assert parsed.dg_hashes == {
        1: hashlib.sha256(DG1).digest(),
        13: hashlib.sha256(DG13).digest(),
        14: hashlib.sha256(DG14).digest(),
    }
    assert [c.subject for c in parsed.certificates] == [signer.certificate.subject]
    attrs = {a["type"].native for a in parsed.signer_info["signed_attrs"]}
    assert attrs == {"content_type", "message_digest"}
    assert parse_sod(tlv.decode(sod, 0x77).value).dg_hashes == parsed.dg_hashes  # bare CMS


def test_trusted_when_the_signer_chains_to_a_trusted_csca(
    signer: Signer, trust: TrustStore
) -> None:
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, trust)
    assert result.level == "trusted", result.problems
    assert result.trusted and result.consistent
    assert result.problems == []
    assert result.checked_groups == [1, 13]
    assert result.signature_algorithm == "ecdsa-sha256"
    assert "TEST CSCA" in result.csca_subject


def test_only_the_groups_read_are_checked(signer: Signer, trust: TrustStore) -> None:
    sod = build_sod({**GROUPS, 14: DG14}, signer)
    result = passive_authentication(sod, {13: DG13}, trust)
    assert (result.level, result.checked_groups) == ("trusted", [13])
    # keyed by file identifier works too; EF.COM passed along is not a data group
    ef_com = lds.build_ef_com([1, 13])
    result = passive_authentication(sod, {0x010D: DG13, 0x011E: ef_com}, trust)
    assert (result.level, result.checked_groups) == ("trusted", [13])


def test_consistent_without_a_trust_store(signer: Signer) -> None:
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, None)
    assert result.level == "consistent"
    assert result.consistent and not result.trusted
    assert "no trust store" in result.problems[0]


def test_consistent_when_the_csca_is_unknown(signer: Signer) -> None:
    other, _ = create_csca("Another CSCA")
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, TrustStore([other]))
    assert result.level == "consistent"
    assert "no trusted CSCA" in result.problems[0]


def test_consistent_when_a_csca_of_the_same_name_did_not_sign(signer: Signer) -> None:
    impostor, _ = create_csca()  # same subject name, different key
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, TrustStore([impostor]))
    assert result.level == "consistent"
    assert "not signed by CSCA" in result.problems[0]


def test_consistent_when_the_document_signer_has_expired() -> None:
    start = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)
    csca_cert, csca_key = create_csca(not_before=start)
    trust = TrustStore([csca_cert])
    expired = create_dsc(
        csca_cert, csca_key, not_before=start, not_after=start + dt.timedelta(days=365)
    )
    result = passive_authentication(build_sod(GROUPS, expired), GROUPS, trust)
    assert result.level == "consistent"
    assert "validity" in result.problems[0]
    at_signing = passive_authentication(
        build_sod(GROUPS, expired), GROUPS, trust, at=start + dt.timedelta(days=10)
    )
    assert at_signing.level == "trusted"


def test_consistent_when_the_csca_has_expired(signer: Signer, trust: TrustStore) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20 * 365)
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, trust, at=later)
    assert result.level == "consistent"
    assert any("validity" in p for p in result.problems)


def test_a_changed_data_group_is_a_hard_failure(signer: Signer, trust: TrustStore) -> None:
    sod = build_sod(GROUPS, signer)
    tampered = bytearray(DG13)
    tampered[-1] ^= 0x01
    with pytest.raises(IntegrityError, match="DG13"):
        passive_authentication(sod, {1: DG1, 13: bytes(tampered)}, trust)
    with pytest.raises(IntegrityError, match="DG1 "):
        passive_authentication(sod, {1: DG1 + b"\x00"}, None)


def test_a_group_missing_from_the_sod_stays_read(signer: Signer, trust: TrustStore) -> None:
    sod = build_sod({1: DG1}, signer)
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "read"
    assert "not covered by EF.SOD: DG13" in result.problems


def test_a_bad_signature_stays_read(signer: Signer, trust: TrustStore) -> None:
    info = cms.ContentInfo.load(tlv.decode(build_sod(GROUPS, signer), 0x77).value)
    signer_info = info["content"]["signer_infos"][0]
    r, s = utils.decode_dss_signature(signer_info["signature"].native)
    signer_info["signature"] = utils.encode_dss_signature(r, s ^ 1)
    sod = tlv.encode(0x77, info.dump(force=True))
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "read"
    assert "signature does not verify" in result.problems[0]


def test_a_message_digest_mismatch_stays_read(signer: Signer, trust: TrustStore) -> None:
    sod = build_sod({**GROUPS, 14: DG14}, signer)
    dg14_hash = hashlib.sha256(DG14).digest()
    assert sod.count(dg14_hash) == 1
    forged = sod.replace(dg14_hash, bytes(32))  # eContent changed after signing
    result = passive_authentication(forged, GROUPS, trust)
    assert result.level == "read"
    assert "messageDigest does not match" in " ".join(result.problems)


def test_a_signer_from_another_pki_is_not_trusted(trust: TrustStore) -> None:
    other_csca, other_key = create_csca("Other CSCA")
    other = create_dsc(other_csca, other_key)
    result = passive_authentication(build_sod(GROUPS, other), GROUPS, trust)
    assert result.level == "consistent"


@pytest.mark.parametrize(
    ("curve", "pss", "hash_alg", "expected"),
    [
        ("brainpoolP256r1", False, "sha256", "ecdsa-sha256"),
        ("secp384r1", False, "sha384", "ecdsa-sha384"),
        (2048, False, "sha256", "rsassa_pkcs1v15-sha256"),
        (2048, True, "sha256", "rsassa_pss-sha256"),
        (2048, False, "sha1", "rsassa_pkcs1v15-sha1"),
    ],
)
def test_signature_algorithms(curve: str | int, pss: bool, hash_alg: str, expected: str) -> None:
    csca_cert, csca_key = create_csca(curve=curve)
    signer = create_dsc(csca_cert, csca_key, curve=curve, rsa_pss=pss)
    result = passive_authentication(
        build_sod(GROUPS, signer, hash_alg=hash_alg), GROUPS, TrustStore([csca_cert])
    )
    assert result.level == "trusted", result.problems
    assert result.signature_algorithm == expected
    assert result.hash_algorithm == hash_alg


def test_ecdsa_plain_signatures_are_accepted(signer: Signer, trust: TrustStore) -> None:
    info = cms.ContentInfo.load(tlv.decode(build_sod(GROUPS, signer), 0x77).value)
    signer_info = info["content"]["signer_infos"][0]
    r, s = utils.decode_dss_signature(signer_info["signature"].native)
    signer_info["signature_algorithm"] = {"algorithm": "0.4.0.127.0.7.1.1.4.1.3"}
    signer_info["signature"] = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    sod = tlv.encode(0x77, info.dump(force=True))
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "trusted", result.problems
    assert result.signature_algorithm == "ecdsa-sha256"


def test_the_signer_certificate_may_come_from_the_trust_store(
    signer: Signer, trust: TrustStore
) -> None:
    info = cms.ContentInfo.load(tlv.decode(build_sod(GROUPS, signer), 0x77).value)
    del info["content"]["certificates"]
    sod = tlv.encode(0x77, info.dump(force=True))
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "read"
    assert "signer certificate not found" in result.problems[0]
    with_dsc = TrustStore([*trust.certificates, signer.certificate])
    assert passive_authentication(sod, GROUPS, with_dsc).level == "trusted"


def test_a_signer_identified_by_subject_key_identifier(signer: Signer, trust: TrustStore) -> None:
    info = cms.ContentInfo.load(tlv.decode(build_sod(GROUPS, signer), 0x77).value)
    signer_info = info["content"]["signer_infos"][0]
    ski = signer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    signer_info["version"] = "v3"
    signer_info["sid"] = cms.SignerIdentifier({"subject_key_identifier": ski.value.digest})
    sod = tlv.encode(0x77, info.dump(force=True))
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "trusted", result.problems
    signer_info["sid"] = cms.SignerIdentifier({"subject_key_identifier": b"unknown"})
    unknown = passive_authentication(tlv.encode(0x77, info.dump(force=True)), GROUPS, trust)
    assert unknown.level == "read"


@pytest.mark.parametrize(
    "sod",
    [
        b"",
        b"\x77",
        b"\x77\x00",
        b"\x77\x03\x30\x01\x00",
        b"garbage" * 20,
        b"\x30\x80" + b"\x00" * 8,
    ],
)
def test_garbage_sod_gives_read_with_a_reason(sod: bytes, trust: TrustStore) -> None:
    result = passive_authentication(sod, GROUPS, trust)
    assert result.level == "read"
    assert result.problems and result.problems[0]


def test_every_truncation_of_a_sod_gives_read(signer: Signer, trust: TrustStore) -> None:
    sod = build_sod(GROUPS, signer)
    for length in range(len(sod)):
        result = passive_authentication(sod[:length], GROUPS, trust)
        assert result.level == "read", length
        assert result.problems


def test_a_cms_that_is_not_an_lds_security_object(signer: Signer, trust: TrustStore) -> None:
    from hardware.icao.cms import build_signed_data

    other = tlv.encode(0x77, build_signed_data("1.2.840.113549.1.7.1", b"hello", signer))
    result = passive_authentication(other, GROUPS, trust)
    assert result.level == "read"


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_corrupted_sod_never_passes_with_changed_content(
    data: st.DataObject, signer: Signer, trust: TrustStore, reference_sod: bytes
) -> None:
    original = reference_sod
    sod = bytearray(original)
    position = data.draw(st.integers(0, len(sod) - 1))
    sod[position] ^= data.draw(st.integers(1, 255))
    try:
        result = passive_authentication(bytes(sod), GROUPS, trust)
    except IntegrityError:
        return  # a DG hash inside the SOD was hit
    assert result.level in ("read", "consistent", "trusted")
    if result.level != "read":
        # only bytes the signature does not cover (e.g. CMS version numbers) may change
        parsed = parse_sod(bytes(sod))
        assert parsed.econtent == parse_sod(original).econtent
        assert parsed.certificates[0].public_key() == signer.certificate.public_key()


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_sod_give_read(data: bytes) -> None:
    with contextlib.suppress(LDSError):
        parse_sod(data)
    result = passive_authentication(data, GROUPS, None)
    assert result.level == "read" and result.problems
