"""Test document PKI: a CSCA, document signers, CRLs and fault signers for virtual cards.

Only for tests, demos and the emulator (`kiosk sim make-pki`); the kiosk's own trust store is
hardware.icao.trust.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from hardware.icao.certs import PKIError, Signer, SignerKey
from hardware.icao.trust import build_master_list

__all__ = ["CURVES", "PKIError", "create_crl", "create_csca", "create_dsc", "make_pki"]


CURVES: dict[str, ec.EllipticCurve] = {
    "secp256r1": ec.SECP256R1(),
    "brainpoolP256r1": ec.BrainpoolP256R1(),
    "brainpoolP384r1": ec.BrainpoolP384R1(),
    "secp384r1": ec.SECP384R1(),
}
README_TEXT = """\
TEST KEYS - NOT A REAL DOCUMENT PKI

Created by `kiosk sim make-pki`. These keys sign virtual citizen ID cards for tests and demos.
Anyone holding dsc.key can make a card this kiosk calls "trusted" when csca.pem is in its
trust store: never put csca.pem into the trust store of a kiosk that serves patients.

  csca.pem  test Country Signing CA certificate (self-signed); copy it into a trust store
  dsc.pem   test document signer certificate, issued by the test CSCA
  dsc.key   the document signer's private key (PKCS#8 PEM, unencrypted)
  masterlist.ml (with --master-list) an ICAO master list (CMS) holding the test CSCA, to
            test trust stores built from master lists
  csca.crl  the test CSCA's CRL: revokes .faults/revoked-dsc.pem (copy it next to csca.pem)
  .faults/  signers of `kiosk sim card --fault dsc-keyusage | csca-signed-sod | revoked-dsc`
            (csca-signed-sod.key IS the CSCA's private key)
"""


@dataclass(frozen=True)
class PkiFiles:
    directory: Path
    csca: Path
    dsc: Path
    dsc_key: Path
    master_list: Path | None = None


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hospital kiosk TEST PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key(curve: str | int) -> SignerKey:
    if isinstance(curve, int):
        return rsa.generate_private_key(public_exponent=65537, key_size=curve)
    if curve not in CURVES:
        raise PKIError(f"unknown curve {curve!r}; one of {', '.join(CURVES)}")
    return ec.generate_private_key(CURVES[curve])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def create_csca(
    common_name: str = "TEST CSCA Viet Nam",
    curve: str | int = "secp256r1",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> tuple[x509.Certificate, SignerKey]:
    """A self-signed CSCA certificate and key. `curve` may be an RSA key size (int)."""
    key = _new_key(curve)
    start = not_before or _now() - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=15 * 365)
    name = _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def create_dsc(
    csca_cert: x509.Certificate,
    csca_key: SignerKey,
    common_name: str = "TEST Document Signer",
    curve: str | int = "secp256r1",
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    rsa_pss: bool = False,
    digital_signature: bool = True,
) -> Signer:
    """A document signer certificate issued by the CSCA, with its key (`digital_signature`
    False: a key usage without it, to test that such a signer is refused)."""
    key = _new_key(curve)
    start = not_before or _now() - dt.timedelta(days=1)
    end = not_after or start + dt.timedelta(days=10 * 365)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(csca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature,
                content_commitment=not digital_signature,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(csca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(csca_key, hashes.SHA256())
    )
    return Signer(cert, key, rsa_pss)


def create_crl(
    csca_cert: x509.Certificate, csca_key: SignerKey, revoked: Iterable[x509.Certificate]
) -> x509.CertificateRevocationList:
    """A CRL of the CSCA revoking `revoked` (test PKIs)."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(csca_cert.subject)
        .last_update(now - dt.timedelta(days=1))
        .next_update(now + dt.timedelta(days=90))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - dt.timedelta(hours=1))
            .build()
        )
    return builder.sign(csca_key, hashes.SHA256())


_FAULT_DIR = ".faults"  # hidden: a trust store made from this folder skips it


def _write_signer(directory: Path, name: str, signer: Signer) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.pem").write_bytes(
        signer.certificate.public_bytes(serialization.Encoding.PEM)
    )
    key_path = directory / f"{name}.key"
    key_path.unlink(missing_ok=True)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as key_file:
        key_file.write(
            signer.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def fault_signers(
    csca_cert: x509.Certificate, csca_key: SignerKey, curve: str | int = "secp256r1"
) -> tuple[dict[str, Signer], x509.CertificateRevocationList]:
    """The signers of the emulator's certificate faults and the CRL revoking `revoked-dsc`."""
    revoked = create_dsc(csca_cert, csca_key, "TEST Document Signer (revoked)", curve=curve)
    signers = {
        "dsc-keyusage": create_dsc(
            csca_cert,
            csca_key,
            "TEST Signer without digitalSignature",
            curve=curve,
            digital_signature=False,
        ),
        "csca-signed-sod": Signer(csca_cert, csca_key),
        "revoked-dsc": revoked,
    }
    return signers, create_crl(csca_cert, csca_key, [revoked.certificate])


def load_fault_signers(directory: str | Path) -> dict[str, Signer]:
    """The fault signers make_pki wrote (empty for an older PKI folder)."""
    folder = Path(directory) / _FAULT_DIR
    signers = {}
    for name in ("dsc-keyusage", "csca-signed-sod", "revoked-dsc"):
        if (folder / f"{name}.pem").exists():
            signers[name] = load_signer(folder, name)
    return signers


def make_pki(
    directory: str | Path, curve: str = "secp256r1", force: bool = False, master_list: bool = False
) -> PkiFiles:
    """Creates csca.pem, dsc.pem, dsc.key and README in `directory` (refuses to overwrite);
    with master_list, also masterlist.ml: an ICAO master list holding the test CSCA."""
    directory = Path(directory)
    files = PkiFiles(
        directory,
        directory / "csca.pem",
        directory / "dsc.pem",
        directory / "dsc.key",
        directory / "masterlist.ml" if master_list else None,
    )
    existing = [
        p for p in (files.csca, files.dsc, files.dsc_key, files.master_list) if p and p.exists()
    ]
    if existing and not force:
        raise PKIError(f"{existing[0]} already exists (use force to replace the test PKI)")
    csca_cert, csca_key = create_csca(curve=curve)
    signer = create_dsc(csca_cert, csca_key, curve=curve)
    key_pem = signer.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        files.csca.write_bytes(csca_cert.public_bytes(serialization.Encoding.PEM))
        files.dsc.write_bytes(signer.certificate.public_bytes(serialization.Encoding.PEM))
        files.dsc_key.unlink(missing_ok=True)
        fd = os.open(files.dsc_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as key_file:
            key_file.write(key_pem)
        signers, crl = fault_signers(csca_cert, csca_key, curve)
        for name, fault_signer in signers.items():
            _write_signer(directory / _FAULT_DIR, name, fault_signer)
        (directory / "csca.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        if files.master_list is not None:
            ml_signer = create_dsc(csca_cert, csca_key, "TEST Master List Signer", curve=curve)
            files.master_list.write_bytes(build_master_list([csca_cert], ml_signer))
        (directory / "README").write_text(README_TEXT, encoding="utf-8")
    except OSError as exc:
        raise PKIError(f"cannot write the test PKI to {directory}: {exc.strerror}") from exc
    return files


def load_signer(directory: str | Path, name: str = "dsc") -> Signer:
    """The document signer in a folder made by make_pki (dsc.pem + dsc.key)."""
    directory = Path(directory)
    try:
        cert = x509.load_pem_x509_certificate((directory / f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / f"{name}.key").read_bytes(), None)
    except OSError as exc:
        raise PKIError(f"{directory}: cannot read dsc.pem / dsc.key ({exc.strerror})") from exc
    except (ValueError, TypeError) as exc:
        raise PKIError(f"{directory}: dsc.pem / dsc.key is not a PEM certificate / key") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise PKIError(f"{directory}: dsc.key must be an EC or RSA key")
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if cert.public_key().public_bytes(*spki) != key.public_key().public_bytes(*spki):
        raise PKIError(f"{directory}: dsc.key does not belong to dsc.pem")
    return Signer(cert, key)
