"""Document signer certificate checks and CRLs: an SOD whose signature verifies is still not
"trusted" when its signer is no proper, unrevoked document signer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import core as asn1
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from hardware.icao import lds
from hardware.icao.certs import Signer
from hardware.icao.dsc_checks import ID_DOCUMENT_TYPE_LIST, DocumentTypeList
from hardware.icao.person import load_person
from hardware.icao.pki import (
    create_crl,
    create_csca,
    create_dsc,
    load_fault_signers,
    make_pki,
)
from hardware.icao.sod import build_sod, passive_authentication
from hardware.icao.trust import TrustStore

PERSON = load_person(Path(__file__).resolve().parents[3] / "assets/demo/people/an-adult.json")
GROUPS = {1: lds.build_dg1(lds.build_mrz_td1(PERSON)), 13: lds.build_dg13(PERSON)}


@pytest.fixture(scope="module")
def csca() -> tuple[x509.Certificate, object]:
    return create_csca()


def _level(signer: Signer, trust: TrustStore) -> tuple[str, list[str]]:
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, trust)
    return result.level, result.problems


def test_a_proper_signer_is_trusted(csca) -> None:
    cert, key = csca
    assert _level(create_dsc(cert, key), TrustStore([cert]))[0] == "trusted"


def test_key_usage_without_digital_signature_is_refused(csca) -> None:
    cert, key = csca
    level, problems = _level(create_dsc(cert, key, digital_signature=False), TrustStore([cert]))
    assert level == "consistent"
    assert "document signer key usage lacks digitalSignature" in problems


def test_an_sod_signed_with_the_csca_key_is_refused(csca) -> None:
    cert, key = csca
    level, problems = _level(Signer(cert, key), TrustStore([cert]))
    assert level == "consistent"
    assert problems[0].startswith("EF.SOD is signed with a CA certificate")


def _signer_with(cert: x509.Certificate, key, *extensions: x509.ExtensionType) -> Signer:
    base = create_dsc(cert, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(base.certificate.subject)
        .issuer_name(cert.subject)
        .public_key(base.private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .not_valid_after(dt.datetime.now(dt.UTC) + dt.timedelta(days=365))
        .add_extension(
            base.certificate.extensions.get_extension_for_class(x509.KeyUsage).value, True
        )
    )
    for ext in extensions:
        builder = builder.add_extension(ext, critical=False)
    return Signer(builder.sign(key, hashes.SHA256()), base.private_key)


def _doc_types(*types: str) -> x509.UnrecognizedExtension:
    value = DocumentTypeList(
        {"version": 0, "doc_type_list": [asn1.PrintableString(t) for t in types]}
    )
    return x509.UnrecognizedExtension(x509.ObjectIdentifier(ID_DOCUMENT_TYPE_LIST), value.dump())


def test_document_type_list_must_name_the_document(csca) -> None:
    cert, key = csca
    trust = TrustStore([cert])
    assert _level(_signer_with(cert, key, _doc_types("ID")), trust)[0] == "trusted"
    assert _level(_signer_with(cert, key, _doc_types("I")), trust)[0] == "trusted"
    level, problems = _level(_signer_with(cert, key, _doc_types("P")), trust)
    assert level == "consistent" and "may sign P documents, not ID" in problems[0]


def test_a_master_list_signer_may_not_sign_documents(csca) -> None:
    cert, key = csca
    eku = x509.ExtendedKeyUsage([x509.ObjectIdentifier("2.23.136.1.1.3")])
    level, problems = _level(_signer_with(cert, key, eku), TrustStore([cert]))
    assert level == "consistent" and "master list signer" in problems[0]


def test_a_crl_of_the_csca_revokes_its_signer(csca, tmp_path: Path) -> None:
    cert, key = csca
    revoked, kept = create_dsc(cert, key, "revoked"), create_dsc(cert, key, "kept")
    crl = create_crl(cert, key, [revoked.certificate])
    (tmp_path / "csca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "a.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    store = TrustStore.from_path(tmp_path)
    assert store.problems == [] and len(store.crls) == 1
    level, problems = _level(revoked, store)
    assert level == "consistent" and "document signer revoked on" in problems[0]
    assert _level(kept, store)[0] == "trusted"


def test_a_crl_signed_by_someone_else_is_ignored(csca, tmp_path: Path) -> None:
    cert, key = csca
    revoked = create_dsc(cert, key, "revoked")
    impostor_cert, impostor_key = create_csca()  # same name, other key
    crl = create_crl(impostor_cert, impostor_key, [revoked.certificate])
    (tmp_path / "csca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "x.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    store = TrustStore.from_path(tmp_path)
    assert store.crls == [] and "CRL not signed by a CSCA of the trust store" in store.problems[0]


def test_make_pki_writes_the_fault_signers_and_the_crl(tmp_path: Path) -> None:
    make_pki(tmp_path)
    signers = load_fault_signers(tmp_path)
    assert set(signers) == {"dsc-keyusage", "csca-signed-sod", "revoked-dsc"}
    store = TrustStore.from_path(tmp_path)  # .faults is hidden: no fault signer becomes trusted
    assert len(store.crls) == 1
    assert store.revocation(signers["revoked-dsc"].certificate)
    assert not any(
        c.subject == signers["dsc-keyusage"].certificate.subject for c in store.certificates
    )
