"""Document PKI: a test CSCA + document signer for virtual cards, and the kiosk's trust store.

The trust store is a folder hospital IT fills with CSCA certificates (PEM or DER, one or many
per file), ICAO master lists (CMS SignedData holding a SET of CSCA certificates, DER or PEM)
and/or ICAO PKD LDIF downloads. What cannot be used is reported in `TrustStore.problems`,
never raised: one bad file must not cost the kiosk its other CSCAs.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import core as asn1
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

ID_ICAO_CSCA_MASTER_LIST = "2.23.136.1.1.2"

CURVES: dict[str, ec.EllipticCurve] = {
    "secp256r1": ec.SECP256R1(),
    "brainpoolP256r1": ec.BrainpoolP256R1(),
    "brainpoolP384r1": ec.BrainpoolP384R1(),
    "secp384r1": ec.SECP384R1(),
}
SignerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
NAMED_CURVES: dict[str, ec.EllipticCurve] = {
    "secp224r1": ec.SECP224R1(),
    "secp256r1": ec.SECP256R1(),
    "secp384r1": ec.SECP384R1(),
    "secp521r1": ec.SECP521R1(),
    "secp256k1": ec.SECP256K1(),
    "brainpoolP256r1": ec.BrainpoolP256R1(),
    "brainpoolP384r1": ec.BrainpoolP384R1(),
    "brainpoolP512r1": ec.BrainpoolP512R1(),
}

# Domain parameters (p, a, b, n) of the curves cryptography names, from `openssl ecparam
# -param_enc explicit`: certificates that spell the curve out (explicit parameters, BSI TR-03111,
# common in eMRTD PKIs) are mapped back to the named curve. Checked in tests/hardware/icao.
EXPLICIT_CURVES: dict[str, tuple[int, int, int, int]] = {
    "secp224r1": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000000000000000000000001,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFE,
        0xB4050A850C04B3ABF54132565044B0B7D7BFD8BA270B39432355FFB4,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFF16A2E0B8F03E13DD29455C5C2A3D,
    ),
    "secp256r1": (
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
        0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
        0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
    "secp384r1": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC,
        0xB3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    ),
    "secp521r1": (
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF,
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC,
        0x51953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00,
        0x1FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409,
    ),
    "secp256k1": (
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F,
        0x0,
        0x7,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
    ),
    "brainpoolP256r1": (
        0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
        0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
        0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
        0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
    ),
    "brainpoolP384r1": (
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53,
        0x7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826,
        0x4A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11,
        0x8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565,
    ),
    "brainpoolP512r1": (
        0xAADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3,
        0x7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA,
        0x3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723,
        0xAADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069,
    ),
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
"""


class PKIError(ValueError):
    """A PKI folder, key or certificate cannot be created or loaded."""


@dataclass(frozen=True)
class Signer:
    """A document signer: certificate + private key (ECDSA, or RSA with PKCS#1 v1.5 or PSS)."""

    certificate: x509.Certificate
    private_key: SignerKey
    rsa_pss: bool = False


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
) -> Signer:
    """A document signer certificate issued by the CSCA, with its key."""
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
                digital_signature=True,
                content_commitment=False,
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
        if files.master_list is not None:
            ml_signer = create_dsc(csca_cert, csca_key, "TEST Master List Signer", curve=curve)
            files.master_list.write_bytes(build_master_list([csca_cert], ml_signer))
        (directory / "README").write_text(README_TEXT, encoding="utf-8")
    except OSError as exc:
        raise PKIError(f"cannot write the test PKI to {directory}: {exc.strerror}") from exc
    return files


def load_signer(directory: str | Path) -> Signer:
    """The document signer in a folder made by make_pki (dsc.pem + dsc.key)."""
    directory = Path(directory)
    try:
        cert = x509.load_pem_x509_certificate((directory / "dsc.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / "dsc.key").read_bytes(), None)
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


# --- trust store ------------------------------------------------------------------------------


@contextlib.contextmanager
def quiet_certificates() -> Iterator[None]:
    """Silences cryptography's deprecation warnings about non-conforming certificates (e.g.
    a negative serial number, seen in real master lists): they are data, not code defects."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        yield


def serial_of(cert: x509.Certificate) -> int:
    with quiet_certificates():
        return cert.serial_number


def _explicit_ec_key(cert: x509.Certificate) -> ec.EllipticCurvePublicKey | None:
    """The EC public key of a certificate giving its curve as explicit domain parameters."""
    try:
        tbs = asn1_x509.TbsCertificate.load(cert.tbs_certificate_bytes)
        spki = tbs["subject_public_key_info"]
        if spki["algorithm"]["algorithm"].native != "ec":
            return None
        params = spki["algorithm"]["parameters"]
        if params.name != "specified":
            return None
        domain = params.chosen
        values = (
            domain["field_id"]["parameters"].native,
            int.from_bytes(domain["curve"]["a"].native, "big"),
            int.from_bytes(domain["curve"]["b"].native, "big"),
            domain["order"].native,
        )
        point = spki["public_key"].native
    except Exception:  # noqa: BLE001 - asn1crypto raises many types on bad input
        return None
    for name, known in EXPLICIT_CURVES.items():
        if known == values:
            try:
                return ec.EllipticCurvePublicKey.from_encoded_point(NAMED_CURVES[name], point)
            except ValueError:
                return None
    return None


def public_key_of(cert: x509.Certificate) -> PublicKeyTypes:
    """The certificate's public key, also when its EC curve is given by explicit parameters
    (which cryptography refuses). Raises ValueError for keys that stay unsupported."""
    try:
        with quiet_certificates():
            return cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        key = _explicit_ec_key(cert)
        if key is None:
            raise ValueError(f"unsupported public key: {exc}") from exc
        return key


def verify_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """Checks that `issuer` signed `cert` (names and signature). Raises InvalidSignature,
    ValueError, TypeError or UnsupportedAlgorithm."""
    try:
        with quiet_certificates():
            issuer.public_key()
    except (ValueError, UnsupportedAlgorithm):
        pass
    else:
        cert.verify_directly_issued_by(issuer)
        return
    if cert.issuer != issuer.subject:
        raise ValueError("issuer name does not match")
    key = public_key_of(issuer)
    hash_algorithm = cert.signature_hash_algorithm
    if not isinstance(key, ec.EllipticCurvePublicKey) or hash_algorithm is None:
        raise UnsupportedAlgorithm("explicit parameters are only supported for ECDSA")
    key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hash_algorithm))


def checked_certificate(cert: x509.Certificate) -> x509.Certificate:
    """`cert` once its lazily parsed parts (names, key, validity) are known to be readable.

    cryptography parses a certificate's fields on first use; a certificate with a broken name
    or an unsupported key (e.g. explicit EC parameters) only fails then. Raises ValueError.
    """
    try:
        with quiet_certificates():
            cert.subject.rfc4514_string()
            cert.issuer.rfc4514_string()
            public_key_of(cert)
            cert.not_valid_before_utc, cert.not_valid_after_utc  # noqa: B018
            cert.serial_number  # noqa: B018
    except UnsupportedAlgorithm as exc:
        raise ValueError(f"unsupported public key: {exc}") from exc
    return cert


def load_der_certificate(der: bytes) -> x509.Certificate:
    """A fully readable DER certificate; raises ValueError."""
    with quiet_certificates():
        return checked_certificate(x509.load_der_x509_certificate(der))


class _CertificateSet(asn1.SetOf):
    _child_spec = asn1.Any


class CscaMasterList(asn1.Sequence):
    _fields = [("version", asn1.Integer), ("cert_list", _CertificateSet)]


def parse_master_list(data: bytes) -> tuple[list[x509.Certificate], list[str]]:
    """(certificates, problems) from an ICAO master list (CMS SignedData, DER).

    Each certificate of the list is parsed on its own: one that cannot be read is reported
    in problems and the others are kept. The list's signature is checked (signed attributes,
    signature, signer issued by a CSCA of the list) and any failure reported in problems:
    hospital IT chose to install the file, so its certificates are kept either way.
    """
    from hardware.icao.sod import parse_signed_data, verify_signed_content
    from hardware.icao.tlv import LDSError

    try:
        signed = parse_signed_data(data, "master list")
    except LDSError as exc:
        raise PKIError(f"not an ICAO master list: {exc}") from exc
    if signed.econtent_type != ID_ICAO_CSCA_MASTER_LIST:
        raise PKIError(f"not an ICAO master list: content type {signed.econtent_type}")
    try:
        master_list = CscaMasterList.load(signed.econtent)
        entries = [entry.dump() for entry in master_list["cert_list"]]
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise PKIError(f"not an ICAO master list: {exc}") from exc
    problems: list[str] = list(signed.problems)
    certs: list[x509.Certificate] = []
    for index, der in enumerate(entries):
        try:
            certs.append(load_der_certificate(der))
        except ValueError as exc:
            problems.append(f"certificate {index + 1} of the master list unreadable: {exc}")
    check = verify_signed_content(signed, certs, "master list")
    problems.extend(check.problems)
    if check.ok and check.signer is not None and not _issued_by_any(check.signer, certs):
        problems.append("the master list signer was not issued by a CSCA in the list")
    return certs, problems


def _issued_by_any(cert: x509.Certificate, issuers: Sequence[x509.Certificate]) -> bool:
    for issuer in issuers:
        if issuer.subject != cert.issuer:
            continue
        try:
            verify_issued_by(cert, issuer)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
            continue
        return True
    return False


def build_master_list(certificates: Iterable[x509.Certificate], signer: Signer) -> bytes:
    """An ICAO master list (CMS SignedData) of `certificates`, signed by `signer` (tests)."""
    from hardware.icao.sod import build_signed_data

    master = CscaMasterList(
        {
            "version": 0,
            "cert_list": [
                asn1.Any.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates
            ],
        }
    )
    return build_signed_data(ID_ICAO_CSCA_MASTER_LIST, master.dump(), signer)


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
_PEM_CERTIFICATES = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_PEM_CMS = {b"CMS", b"PKCS7"}


def _load_der(data: bytes, label: str) -> tuple[list[x509.Certificate], list[str]]:
    """A DER certificate or an ICAO master list."""
    try:
        with quiet_certificates():
            cert = x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    else:
        try:
            return [checked_certificate(cert)], []
        except ValueError as exc:
            return [], [f"{label}: certificate unusable ({exc})"]
    try:
        certs, problems = parse_master_list(data)
    except PKIError:
        return [], [f"{label}: neither a certificate nor an ICAO master list"]
    return certs, [f"{label}: {p}" for p in problems]


def _load_pem(data: bytes, name: str) -> tuple[list[x509.Certificate], list[str]]:
    """Every PEM block on its own: certificates, CMS master lists; private keys skipped."""
    certs: list[x509.Certificate] = []
    problems: list[str] = []
    blocks = list(_PEM_BLOCK.finditer(data))
    for index, block in enumerate(blocks, start=1):
        kind = block.group(1)
        label = name if len(blocks) == 1 else f"{name} block {index}"
        if b"PRIVATE KEY" in kind:
            continue  # a key next to its certificate (e.g. a make-pki folder): not a problem
        if kind not in _PEM_CERTIFICATES | _PEM_CMS:
            problems.append(f"{label}: PEM {kind.decode()} ignored")
            continue
        try:
            der = base64.b64decode(b"".join(block.group(2).split()), validate=True)
        except ValueError:
            problems.append(f"{label}: bad base64")
            continue
        found, trouble = _load_der(der, label)
        certs.extend(found)
        problems.extend(trouble)
    return certs, problems


def _ldif_values(data: bytes) -> list[tuple[str, bytes]]:
    """(attribute, value) of the base64 (`attr:: value`) lines of an LDIF file."""
    unfolded: list[bytes] = []
    for line in data.splitlines():
        if line.startswith(b" ") and unfolded:
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    values = []
    for line in unfolded:
        attribute, sep, value = line.partition(b"::")
        if sep and b":" not in attribute:
            try:
                decoded = base64.b64decode(b"".join(value.split()), validate=True)
            except ValueError:
                continue
            values.append((attribute.decode("ascii", "replace").lower(), decoded))
    return values


def _load_ldif(data: bytes, name: str) -> tuple[list[x509.Certificate], list[str]]:
    """An ICAO PKD download (LDIF): master lists and CSCA / DS certificates."""
    certs: list[x509.Certificate] = []
    problems: list[str] = []
    entries = 0
    for attribute, value in _ldif_values(data):
        if attribute.startswith(("pkdmasterlistcontent", "usercertificate", "cacertificate")):
            entries += 1
            found, trouble = _load_der(value, f"{name} entry {entries}")
            certs.extend(found)
            problems.extend(trouble)
    if not entries:
        problems.append(f"{name}: LDIF without certificates or master lists")
    return certs, problems


def _load_file(path: Path) -> tuple[list[x509.Certificate], list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{path.name}: cannot read ({exc.strerror})"]
    if _PEM_BLOCK.search(data):
        return _load_pem(data, path.name)
    if path.suffix.lower() == ".ldif" or data.startswith((b"dn:", b"version:")):
        return _load_ldif(data, path.name)
    if b"-----BEGIN" in data:
        return [], [f"{path.name}: malformed PEM"]
    return _load_der(data, path.name)


_CACHE: dict[str, tuple[list[tuple[str, int, int]], TrustStore]] = {}


@dataclass
class TrustStore:
    """Trusted CSCA certificates; `problems` lists what could not be loaded, and why."""

    certificates: list[x509.Certificate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    source: str = ""

    @staticmethod
    def _files(path: Path) -> list[Path]:
        if path.is_file():
            return [path]
        if path.is_dir():
            return sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        raise PKIError(f"trust store {path} does not exist")

    @classmethod
    def from_path(cls, path: str | Path) -> TrustStore:
        """Loads a file or every file in a folder (recursively; hidden files skipped)."""
        path = Path(path)
        store = cls(source=str(path))
        for file in cls._files(path):
            if file.name.upper().startswith("README"):
                continue
            certs, problems = _load_file(file)
            store.add(certs)
            store.problems.extend(problems)
        return store

    @classmethod
    def cached(cls, path: str | Path) -> TrustStore:
        """Like from_path, but loads again only when a file was added, removed or changed.

        For a kiosk that reads many cards with the same trust store folder. The returned store
        is shared: do not modify it.
        """
        path = Path(path).absolute()
        stamp = []
        for file in cls._files(path):
            try:
                info = file.stat()
            except OSError:
                continue
            stamp.append((str(file), info.st_mtime_ns, info.st_size))
        key = str(path)
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        store = cls.from_path(path)
        _CACHE[key] = (stamp, store)
        return store

    def add(self, certificates: Sequence[x509.Certificate]) -> None:
        known = {c.fingerprint(hashes.SHA256()) for c in self.certificates}
        for cert in certificates:
            try:
                checked_certificate(cert)
            except ValueError as exc:
                self.problems.append(f"certificate ignored: {exc}")
                continue
            fingerprint = cert.fingerprint(hashes.SHA256())
            if fingerprint not in known:
                known.add(fingerprint)
                self.certificates.append(cert)

    def issuers_of(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """Trusted certificates whose subject is `cert`'s issuer (key rollover: maybe several)."""
        return [c for c in self.certificates if c.subject == cert.issuer]

    def find(self, issuer: x509.Name, serial: int) -> x509.Certificate | None:
        for cert in self.certificates:
            if cert.issuer == issuer and serial_of(cert) == serial:
                return cert
        return None

    def __len__(self) -> int:
        return len(self.certificates)
