"""X.509 helpers shared by the document PKI modules: readable certificates, explicit-curve keys.

cryptography parses certificate fields lazily and refuses EC keys given by explicit domain
parameters (BSI TR-03111, common in eMRTD PKIs); these helpers make both safe to use.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.utils import CryptographyDeprecationWarning

SignerKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class PKIError(ValueError):
    """A PKI folder, key, certificate or trust store cannot be created or loaded."""


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


@dataclass(frozen=True)
class Signer:
    """A document signer: certificate + private key (ECDSA, or RSA with PKCS#1 v1.5 or PSS)."""

    certificate: x509.Certificate
    private_key: SignerKey
    rsa_pss: bool = False


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
