"""Test PKI creation, signer loading, trust stores and ICAO master lists."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from hardware.icao import lds, tlv
from hardware.icao.certs import EXPLICIT_CURVES, NAMED_CURVES, Signer, serial_of
from hardware.icao.person import load_person
from hardware.icao.pki import PKIError, create_csca, create_dsc, load_signer, make_pki
from hardware.icao.sod import build_sod, passive_authentication
from hardware.icao.trust import TrustStore, build_master_list, parse_master_list
from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[3]
PERSON = load_person(ROOT / "assets" / "demo" / "people" / "thang-adult.json")
GROUPS = {13: lds.build_dg13(PERSON)}
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def test_make_pki_files_and_chain(tmp_path: Path) -> None:
    files = make_pki(tmp_path / "pki")
    assert {p.name for p in files.directory.iterdir()} == {
        "csca.pem",
        "dsc.pem",
        "dsc.key",
        "README",
        "csca.crl",
        ".faults",
    }
    assert {p.name for p in (files.directory / ".faults").iterdir()} == {
        f"{name}.{ext}"
        for name in ("dsc-keyusage", "csca-signed-sod", "revoked-dsc")
        for ext in ("pem", "key")
    }
    assert "TEST KEYS" in (files.directory / "README").read_text()
    assert stat.S_IMODE(files.dsc_key.stat().st_mode) == 0o600
    signer = load_signer(files.directory)
    assert isinstance(signer.private_key, ec.EllipticCurvePrivateKey)
    store = TrustStore.from_path(files.directory)
    assert store.problems == []
    csca = next(c for c in store.certificates if c.subject == c.issuer)
    signer.certificate.verify_directly_issued_by(csca)
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, TrustStore([csca]))
    assert result.level == "trusted"


def test_make_pki_with_brainpool_and_no_overwrite(tmp_path: Path) -> None:
    make_pki(tmp_path, curve="brainpoolP256r1")
    key = load_signer(tmp_path).private_key
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "brainpoolP256r1"
    before = (tmp_path / "csca.pem").read_bytes()
    with pytest.raises(PKIError, match="already exists"):
        make_pki(tmp_path)
    assert (tmp_path / "csca.pem").read_bytes() == before
    make_pki(tmp_path, force=True)
    assert (tmp_path / "csca.pem").read_bytes() != before
    with pytest.raises(PKIError, match="unknown curve"):
        make_pki(tmp_path / "x", curve="p-999")


def test_load_signer_errors(tmp_path: Path) -> None:
    with pytest.raises(PKIError, match="cannot read"):
        load_signer(tmp_path / "nothing")
    make_pki(tmp_path / "a")
    make_pki(tmp_path / "b")
    (tmp_path / "a" / "dsc.key").write_bytes((tmp_path / "b" / "dsc.key").read_bytes())
    with pytest.raises(PKIError, match="does not belong"):
        load_signer(tmp_path / "a")
    (tmp_path / "a" / "dsc.key").write_text("not a key")
    with pytest.raises(PKIError, match="not a PEM"):
        load_signer(tmp_path / "a")


def test_trust_store_reads_pem_der_bundles_and_master_lists(tmp_path: Path) -> None:
    cscas = [create_csca(f"CSCA {i}")[0] for i in range(5)]
    ml_csca, ml_key = create_csca("Master list CSCA")
    ml_signer = create_dsc(ml_csca, ml_key, "Master list signer")
    store_dir = tmp_path / "trust"
    (store_dir / "sub").mkdir(parents=True)
    (store_dir / "one.pem").write_bytes(cscas[0].public_bytes(PEM))
    (store_dir / "two.cer").write_bytes(cscas[1].public_bytes(DER))
    (store_dir / "sub" / "bundle.crt").write_bytes(
        cscas[2].public_bytes(PEM) + cscas[0].public_bytes(PEM)  # a duplicate, kept once
    )
    (store_dir / "icao.ml").write_bytes(build_master_list([*cscas[3:], ml_csca], ml_signer))
    (store_dir / "notes.txt").write_text("hello")
    (store_dir / "README.md").write_text("ignored")
    (store_dir / ".hidden.pem").write_text("ignored too")
    store = TrustStore.from_path(store_dir)
    assert {c.subject for c in store.certificates} == {c.subject for c in [*cscas, ml_csca]}
    assert len(store) == 6
    assert store.problems == ["notes.txt: neither a certificate nor an ICAO master list"]
    single = TrustStore.from_path(store_dir / "icao.ml")
    assert len(single) == 3 and single.problems == []
    with pytest.raises(PKIError, match="does not exist"):
        TrustStore.from_path(tmp_path / "missing")


def test_master_list_with_an_unreadable_certificate_keeps_the_others(tmp_path: Path) -> None:
    good = [create_csca(f"CSCA {i}")[0] for i in range(2)]
    csca, key = create_csca("ML")
    ml = build_master_list(good, create_dsc(csca, key))
    serial_marker = good[1].public_bytes(DER)[4:40]  # inside the second TBSCertificate
    assert ml.count(serial_marker) == 1
    broken = ml.replace(serial_marker, b"\xff" * len(serial_marker))
    certs, problems = parse_master_list(broken)
    assert certs == []  # the signature no longer holds: nothing of this list is trusted
    assert "of the master list unreadable" in problems[0]
    assert "messageDigest does not match the content of master list" in problems[1]
    assert problems[-1] == "none of the 1 certificates of this master list is trusted"
    path = tmp_path / "broken.ml"
    path.write_bytes(broken)
    store = TrustStore.from_path(path)
    assert len(store) == 0 and store.problems[0].startswith("broken.ml: certificate ")


def test_master_list_signature_problems_are_reported() -> None:
    cscas = [create_csca(f"CSCA {i}")[0] for i in range(2)]
    outsider_csca, outsider_key = create_csca("Outsider")
    certs, problems = parse_master_list(
        build_master_list(cscas, create_dsc(outsider_csca, outsider_key))
    )
    assert certs == []
    assert problems == [
        "the master list signer was not issued by a CSCA in the list",
        "none of the 2 certificates of this master list is trusted",
    ]
    ml_csca, ml_key = create_csca("ML CSCA")
    ml = bytearray(build_master_list([*cscas, ml_csca], create_dsc(ml_csca, ml_key)))
    ml[-5] ^= 0x01  # inside the signature
    certs, problems = parse_master_list(bytes(ml))
    assert certs == []
    assert problems == [
        "master list signature does not verify with its signer certificate",
        "none of the 3 certificates of this master list is trusted",
    ]
    good = build_master_list([*cscas, ml_csca], create_dsc(ml_csca, ml_key))
    assert len(parse_master_list(good)[0]) == 3


def test_master_list_parser_refuses_other_data(tmp_path: Path) -> None:
    csca, key = create_csca()
    signer = create_dsc(csca, key)
    sod = build_sod(GROUPS, signer)
    with pytest.raises(PKIError, match="not an ICAO master list"):
        parse_master_list(sod[4:])  # a CMS SignedData, but of an LDS security object
    for data in (b"", b"\x30\x03\x02\x01\x00", b"x" * 100):
        with pytest.raises(PKIError):
            parse_master_list(data)
    (tmp_path / "key.pem").write_text(
        "-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n"
    )
    (tmp_path / "bad.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"
    )
    store = TrustStore.from_path(tmp_path)
    assert len(store) == 0
    assert len(store.problems) == 2


def test_issuer_lookup() -> None:
    csca, key = create_csca()
    other, _ = create_csca("Other")
    signer = create_dsc(csca, key)
    store = TrustStore([csca, other])
    assert store.issuers_of(signer.certificate) == [csca]
    assert store.find(signer.certificate.issuer, signer.certificate.serial_number) is None
    store.add([signer.certificate])
    found = store.find(signer.certificate.issuer, signer.certificate.serial_number)
    assert found == signer.certificate


def test_cli_make_pki(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pki"
    assert main(["sim", "make-pki", str(target), "--curve", "brainpoolP256r1"]) == 0
    assert "TEST keys" in capsys.readouterr().out
    assert (
        load_signer(target).certificate.issuer
        == TrustStore.from_path(target / "csca.pem").certificates[0].subject
    )
    assert main(["sim", "make-pki", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["sim", "make-pki", str(target), "--force", "--master-list"]) == 0
    assert "masterlist.ml" in capsys.readouterr().out
    certs, problems = parse_master_list((target / "masterlist.ml").read_bytes())
    assert problems == []
    assert certs == [x509.load_pem_x509_certificate((target / "csca.pem").read_bytes())]
    assert main(["sim", "make-pki", str(tmp_path / "x"), "--curve", "nope"]) == 2


def test_a_certificate_with_a_negative_serial_is_loaded_quietly(tmp_path: Path) -> None:
    """Real master lists hold such certificates; cryptography only warns about them."""
    cert, _ = create_csca()
    der = bytearray(cert.public_bytes(DER))
    serial = tlv.encode_integer(cert.serial_number)
    position = der.find(serial)
    assert position > 0
    der[position + 2] |= 0x80  # now a negative INTEGER
    (tmp_path / "negative.der").write_bytes(bytes(der))
    store = TrustStore.from_path(tmp_path)
    assert len(store) == 1 and store.problems == []
    loaded = store.certificates[0]
    assert store.find(loaded.issuer, serial_of(loaded)) is loaded


def test_cached_trust_store_reloads_only_on_change(tmp_path: Path) -> None:
    first, _ = create_csca("First")
    (tmp_path / "first.pem").write_bytes(first.public_bytes(PEM))
    store = TrustStore.cached(tmp_path)
    assert TrustStore.cached(tmp_path) is store
    second, _ = create_csca("Second")
    (tmp_path / "second.der").write_bytes(second.public_bytes(DER))
    reloaded = TrustStore.cached(tmp_path)
    assert reloaded is not store
    assert {c.subject for c in reloaded.certificates} == {first.subject, second.subject}
    (tmp_path / "first.pem").unlink()
    assert [c.subject for c in TrustStore.cached(tmp_path).certificates] == [second.subject]
    with pytest.raises(PKIError):
        TrustStore.cached(tmp_path / "gone")


# --- explicit EC domain parameters --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPLICIT_CURVES))
def test_explicit_curve_table_matches_the_named_curves(name: str) -> None:
    p, a, b, n = EXPLICIT_CURVES[name]
    curve = NAMED_CURVES[name]
    assert p.bit_length() == curve.key_size
    g = ec.derive_private_key(1, curve).public_key().public_numbers()
    assert (g.y * g.y - (g.x**3 + a * g.x + b)) % p == 0  # the generator lies on y² = x³+ax+b
    minus_g = ec.derive_private_key(n - 1, curve).public_key().public_numbers()
    assert (minus_g.x, minus_g.y) == (g.x, p - g.y)  # (n-1)·G = -G: n is the order


def _with_explicit_parameters(
    cert: x509.Certificate, name: str, signing_key: ec.EllipticCurvePrivateKey, b_delta: int = 0
) -> x509.Certificate:
    """`cert` re-encoded with its curve spelled out, re-signed by `signing_key`."""
    p, a, b, n = EXPLICIT_CURVES[name]
    size = (p.bit_length() + 7) // 8
    generator = ec.derive_private_key(1, NAMED_CURVES[name]).public_key()
    domain = asn1_keys.SpecifiedECDomain(
        {
            "version": "ecdpVer1",
            "field_id": {"field_type": "prime_field", "parameters": p},
            "curve": {"a": a.to_bytes(size, "big"), "b": (b + b_delta).to_bytes(size, "big")},
            "base": generator.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            ),
            "order": n,
            "cofactor": 1,
        }
    )
    tbs = asn1_x509.TbsCertificate.load(cert.tbs_certificate_bytes)
    tbs["subject_public_key_info"] = asn1_keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "ec", "parameters": {"specified": domain}},
            "public_key": tbs["subject_public_key_info"]["public_key"],
        }
    )
    signature = signing_key.sign(tbs.dump(force=True), ec.ECDSA(hashes.SHA256()))
    der = asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": "sha256_ecdsa"},
            "signature_value": signature,
        }
    ).dump()
    return x509.load_der_x509_certificate(der)


def test_certificates_with_explicit_curve_parameters_chain_and_verify(tmp_path: Path) -> None:
    name = "brainpoolP256r1"
    csca, csca_key = create_csca(curve=name)
    dsc = create_dsc(csca, csca_key, curve=name)
    assert isinstance(csca_key, ec.EllipticCurvePrivateKey)
    explicit_csca = _with_explicit_parameters(csca, name, csca_key)
    explicit_dsc = _with_explicit_parameters(dsc.certificate, name, csca_key)
    with pytest.raises((ValueError, UnsupportedAlgorithm)):
        explicit_csca.public_key()  # what cryptography alone would do
    (tmp_path / "csca.pem").write_bytes(explicit_csca.public_bytes(PEM))
    store = TrustStore.from_path(tmp_path)
    assert len(store) == 1 and store.problems == []
    signer = Signer(explicit_dsc, dsc.private_key)
    result = passive_authentication(build_sod(GROUPS, signer), GROUPS, store)
    assert result.level == "trusted", result.problems
    # a forged CSCA of the same name and curve, other key: the chain must fail
    impostor, impostor_key = create_csca(curve=name)
    assert isinstance(impostor_key, ec.EllipticCurvePrivateKey)
    forged = TrustStore([_with_explicit_parameters(impostor, name, impostor_key)])
    assert passive_authentication(build_sod(GROUPS, signer), GROUPS, forged).level == "consistent"


def test_unknown_explicit_curves_are_reported(tmp_path: Path) -> None:
    name = "secp256r1"
    csca, csca_key = create_csca(curve=name)
    assert isinstance(csca_key, ec.EllipticCurvePrivateKey)
    odd = _with_explicit_parameters(csca, name, csca_key, b_delta=1)
    (tmp_path / "odd.pem").write_bytes(odd.public_bytes(PEM))
    store = TrustStore.from_path(tmp_path)
    assert len(store) == 0
    assert "unsupported public key" in store.problems[0]


def test_cli_trust_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_pki(tmp_path, master_list=True)
    (tmp_path / "junk.bin").write_bytes(b"junk")
    assert main(["trust-store", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    subjects = sorted(row["subject"] for row in report["certificates"])
    assert subjects == [
        "CN=TEST CSCA Viet Nam,O=Hospital kiosk TEST PKI,C=VN",
        "CN=TEST Document Signer,O=Hospital kiosk TEST PKI,C=VN",
    ]
    assert all(row["valid_now"] for row in report["certificates"])
    assert report["problems"] == ["junk.bin: neither a certificate nor an ICAO master list"]
    assert main(["trust-store", str(tmp_path / "masterlist.ml")]) == 0
    out = capsys.readouterr().out
    assert "TEST CSCA Viet Nam" in out and "1 certificate(s), 0 problem(s)" in out
    assert main(["trust-store", str(tmp_path / "junk.bin")]) == 1
    assert main(["trust-store", str(tmp_path / "missing")]) == 1


def _pem(kind: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n".encode() + lines + f"\n-----END {kind}-----\n".encode()


def _ldif_line(attribute: str, der: bytes) -> bytes:
    text = f"{attribute}:: " + base64.b64encode(der).decode()
    folded = [text[:76]] + [" " + text[i : i + 75] for i in range(76, len(text), 75)]
    return "\n".join(folded).encode() + b"\n"


def test_pem_bundle_keeps_the_good_blocks_and_reads_pem_master_lists(tmp_path: Path) -> None:
    cscas = [create_csca(f"CSCA {i}")[0] for i in range(3)]
    ml_csca, ml_key = create_csca("ML CSCA")
    master_list = build_master_list([cscas[2], ml_csca], create_dsc(ml_csca, ml_key))
    bundle = (
        cscas[0].public_bytes(PEM)
        + b"-----BEGIN CERTIFICATE-----\nnot base64 !\n-----END CERTIFICATE-----\n"
        + _pem("CERTIFICATE", b"\x30\x03\x02\x01\x00")
        + cscas[1].public_bytes(PEM)
        + _pem("CMS", master_list)
        + _pem("EC PRIVATE KEY", b"ignored")
    )
    (tmp_path / "bundle.pem").write_bytes(bundle)
    store = TrustStore.from_path(tmp_path)
    assert {c.subject for c in store.certificates} == {c.subject for c in [*cscas, ml_csca]}
    assert store.problems == [
        "bundle.pem block 2: bad base64",
        "bundle.pem block 3: neither a certificate nor an ICAO master list",
    ]


def test_icao_pkd_ldif_downloads(tmp_path: Path) -> None:
    cscas = [create_csca(f"CSCA {i}")[0] for i in range(2)]
    ml_csca, ml_key = create_csca("ML CSCA")
    master_list = build_master_list([cscas[0], ml_csca], create_dsc(ml_csca, ml_key))
    ldif = (
        b"version: 1\n\n"
        b"dn: cn=CN\\=ML,o=ml,c=UT,dc=masterlist,dc=pkdDownload\n"
        b"objectClass: pkdMasterList\n"
        + _ldif_line("pkdMasterListContent", master_list)
        + b"\ndn: cn=x,o=dsc,c=UT,dc=data,dc=pkdDownload\n"
        + _ldif_line("userCertificate;binary", cscas[1].public_bytes(DER))
        + _ldif_line("userCertificate;binary", b"\x30\x00")
        + b"sn: 1\n"
    )
    (tmp_path / "icaopkd-002-ml-000001.ldif").write_bytes(ldif)
    (tmp_path / "empty.ldif").write_bytes(b"version: 1\n\ndn: c=UT\n")
    store = TrustStore.from_path(tmp_path)
    assert {c.subject for c in store.certificates} == {c.subject for c in [*cscas, ml_csca]}
    assert store.problems == [
        "empty.ldif: LDIF without certificates or master lists",
        "icaopkd-002-ml-000001.ldif entry 3: neither a certificate nor an ICAO master list",
    ]
