"""CMS SignedData (RFC 5652) as ICAO uses it: EF.SOD and CSCA master lists.

Building (for virtual cards and test master lists), parsing with exactly one signer, and
checking the signed attributes and the signature. asn1crypto does the ASN.1, cryptography the
signatures; what is here is the ICAO profile (one signer, signed attributes required, the
BSI TR-03111 plain ECDSA signature format). Parsing raises only LDSError; checking never raises.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms
from asn1crypto import core as asn1
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from hardware.icao.certs import Signer, load_der_certificate, public_key_of, serial_of
from hardware.icao.tlv import LDSError

HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# BSI TR-03111 ecdsa-plain-SHA* (signature is r || s, not DER).
_ECDSA_PLAIN = {f"0.4.0.127.0.7.1.1.4.1.{i}": h for i, h in enumerate(HASHES, start=1)}


def digest(name: str, data: bytes) -> bytes:
    if name not in HASHES:
        raise LDSError(f"unsupported hash algorithm {name}")
    return hashlib.new(name, data).digest()


def _sign(signer: Signer, data: bytes, hash_alg: str) -> tuple[bytes, dict[str, Any]]:
    """(signature, signatureAlgorithm) for `data`."""
    algorithm = HASHES[hash_alg]()
    key = signer.private_key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return key.sign(data, ec.ECDSA(algorithm)), {"algorithm": f"{hash_alg}_ecdsa"}
    if signer.rsa_pss:
        pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
        params = {
            "hash_algorithm": {"algorithm": hash_alg},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": hash_alg}},
            "salt_length": algorithm.digest_size,
            "trailer_field": "trailer_field_bc",
        }
        return key.sign(data, pss, algorithm), {"algorithm": "rsassa_pss", "parameters": params}
    return key.sign(data, padding.PKCS1v15(), algorithm), {"algorithm": f"{hash_alg}_rsa"}


def build_signed_data(
    content_type: str, content: bytes, signer: Signer, hash_alg: str = "sha256"
) -> bytes:
    """A DER CMS ContentInfo(SignedData) over `content`, signer certificate included."""
    if hash_alg not in HASHES:
        raise LDSError(f"unsupported hash algorithm {hash_alg}")
    cert = asn1_x509.Certificate.load(signer.certificate.public_bytes(serialization.Encoding.DER))
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": [content_type]}),
            cms.CMSAttribute({"type": "message_digest", "values": [digest(hash_alg, content)]}),
        ]
    )
    signature, signature_algorithm = _sign(signer, signed_attrs.dump(), hash_alg)
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            ),
            "digest_algorithm": {"algorithm": hash_alg},
            "signed_attrs": signed_attrs,
            "signature_algorithm": signature_algorithm,
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": hash_alg}],
            "encap_content_info": {
                "content_type": content_type,
                "content": asn1.ParsableOctetString(content),
            },
            "certificates": [cert],
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


@dataclass
class SignedContent:
    """A parsed CMS SignedData with one signer (EF.SOD, an ICAO master list)."""

    econtent_type: str
    econtent: bytes
    signer_info: cms.SignerInfo
    certificates: list[x509.Certificate]
    problems: list[str] = field(default_factory=list)


def malformed(what: str, exc: Exception) -> LDSError:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return LDSError(f"{what} is malformed: {reason}")


def parse_signed_data(data: bytes, what: str = "CMS SignedData") -> SignedContent:
    """A DER ContentInfo(SignedData) with exactly one signer; raises LDSError when malformed."""
    try:
        info = cms.ContentInfo.load(data, strict=False)
        if info["content_type"].native != "signed_data":
            raise LDSError(f"{what} does not hold CMS SignedData")
        signed_data = info["content"]
        encap = signed_data["encap_content_info"]
        econtent_type = encap["content_type"].dotted
        econtent = encap["content"].contents if encap["content"] else b""
        signer_infos = signed_data["signer_infos"]
        if len(signer_infos) != 1:
            raise LDSError(f"{what} has {len(signer_infos)} signer infos, expected 1")
        signer_info = signer_infos[0]
        signer_info.native  # noqa: B018 - forces full parsing now, inside this try
        problems: list[str] = []
        certificates: list[x509.Certificate] = []
        for choice in signed_data["certificates"] or []:
            if choice.name != "certificate":
                continue
            try:
                certificates.append(load_der_certificate(choice.chosen.dump()))
            except ValueError as exc:
                problems.append(f"certificate in {what} unreadable: {exc}")
    except LDSError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise malformed(what, exc) from exc
    return SignedContent(econtent_type, econtent, signer_info, certificates, problems)


@dataclass
class SignatureCheck:
    """Outcome of checking a SignedData's signed attributes and signature."""

    ok: bool = False
    signer: x509.Certificate | None = None
    algorithm: str = ""
    problems: list[str] = field(default_factory=list)


def verify_signed_content(
    signed: SignedContent,
    extra_certificates: Iterable[x509.Certificate] = (),
    what: str = "EF.SOD",
) -> SignatureCheck:
    """Signed attributes (contentType, messageDigest) and the signature with the signer's
    certificate (from the SignedData, else from `extra_certificates`). Never raises."""
    check = SignatureCheck()
    try:
        check.ok = _check_signature(signed, list(extra_certificates), check, what)
    except LDSError as exc:
        check.ok = False
        check.problems.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        check.ok = False
        check.problems.append(f"{what} signature data malformed: {type(exc).__name__}")
    return check


def _signer_certificate(
    signed: SignedContent, extra: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    sid = signed.signer_info["sid"]
    candidates = [*signed.certificates, *extra]
    if sid.name == "issuer_and_serial_number":
        issuer_der = sid.chosen["issuer"].dump()
        serial = sid.chosen["serial_number"].native
        for cert in candidates:
            if serial_of(cert) == serial and cert.issuer.public_bytes() == issuer_der:
                return cert
        for cert in candidates:  # issuer names re-encoded differently
            if serial_of(cert) == serial:
                return cert
        return None
    key_id = sid.chosen.native
    for cert in candidates:
        try:
            ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            continue
        if ski.value.digest == key_id:
            return cert
    return None


def _verify_signature(cert: x509.Certificate, signer_info: cms.SignerInfo, signed: bytes) -> str:
    """Verifies the SignerInfo signature over `signed`; returns the algorithm's name."""
    algorithm = signer_info["signature_algorithm"]
    signature = signer_info["signature"].native
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    oid = algorithm["algorithm"].dotted
    public_key = public_key_of(cert)
    if oid in _ECDSA_PLAIN:
        hash_name = _ECDSA_PLAIN[oid]
        half = len(signature) // 2
        signature = utils.encode_dss_signature(
            int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big")
        )
        kind = "ecdsa"
    else:
        kind = algorithm.signature_algo
        try:
            hash_name = algorithm.hash_algo
        except ValueError:
            hash_name = digest_name  # e.g. plain rsaEncryption: the digest algorithm says
    if hash_name not in HASHES:
        raise LDSError(f"unsupported signature hash {hash_name}")
    chosen = HASHES[hash_name]()
    if kind == "ecdsa":
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise LDSError("ECDSA signature but the signer key is not EC")
        public_key.verify(signature, signed, ec.ECDSA(chosen))
    elif kind == "rsassa_pkcs1v15":
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise LDSError("RSA signature but the signer key is not RSA")
        public_key.verify(signature, signed, padding.PKCS1v15(), chosen)
    elif kind == "rsassa_pss":
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise LDSError("RSA-PSS signature but the signer key is not RSA")
        params = algorithm["parameters"]
        pss_hash = HASHES.get(params["hash_algorithm"]["algorithm"].native, hashes.SHA1)()
        mgf_hash_name = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        mgf_hash = HASHES.get(mgf_hash_name, hashes.SHA1)()
        pss = padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native)
        public_key.verify(signature, signed, pss, pss_hash)
        hash_name = params["hash_algorithm"]["algorithm"].native
    else:
        raise LDSError(f"unsupported signature algorithm {kind}")
    return f"{kind}-{hash_name}"


def _check_signature(
    signed: SignedContent, extra: Sequence[x509.Certificate], check: SignatureCheck, what: str
) -> bool:
    """Signed attributes and signature; appends problems and returns whether both hold."""
    info = signed.signer_info
    attrs = info["signed_attrs"]
    if not attrs:
        check.problems.append(f"{what} has no signed attributes")
        return False
    values: dict[str, list[Any]] = {}
    for attr in attrs:
        values.setdefault(attr["type"].dotted, []).extend(attr["values"])
    content_types = values.get("1.2.840.113549.1.9.3", [])
    digests = values.get("1.2.840.113549.1.9.4", [])
    ok = True
    if len(content_types) != 1 or content_types[0].dotted != signed.econtent_type:
        check.problems.append("signed contentType attribute missing or different from eContent")
        ok = False
    digest_name = info["digest_algorithm"]["algorithm"].native
    if len(digests) != 1:
        check.problems.append("signed messageDigest attribute missing")
        ok = False
    elif digest(digest_name, signed.econtent) != digests[0].native:
        check.problems.append(f"signed messageDigest does not match the content of {what}")
        ok = False
    signer = _signer_certificate(signed, extra)
    if signer is None:
        check.problems.append(f"signer certificate not found in {what}")
        return False
    check.signer = signer
    signed_bytes = b"\x31" + attrs.dump()[1:]  # signature covers the attributes as a SET
    try:
        check.algorithm = _verify_signature(signer, info, signed_bytes)
    except InvalidSignature:
        check.problems.append(f"{what} signature does not verify with its signer certificate")
        return False
    except UnsupportedAlgorithm as exc:
        check.problems.append(f"{what} signature algorithm unsupported: {exc}")
        return False
    return ok
