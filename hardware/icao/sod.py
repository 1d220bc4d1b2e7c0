"""EF.SOD: build it for a virtual card, and passive authentication of a card's data groups.

EF.SOD is tag 77 around a CMS SignedData whose eContent is the LDS security object (one hash
per data group). Passive authentication reports one of three levels:

- ``read``: the data was read but could not be checked against a valid SOD (reasons in
  ``problems``);
- ``consistent``: every data group read matches the SOD and the SOD's signature verifies with
  the document signer certificate it carries;
- ``trusted``: and that certificate was issued (signature and validity) by a CSCA in the
  trust store.

A data group whose hash differs from the SOD raises ``IntegrityError``: a hard failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import algos, cms
from asn1crypto import core as asn1
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from hardware.cardreader.base import IntegrityError
from hardware.icao import tlv
from hardware.icao.pki import (
    Signer,
    TrustStore,
    load_der_certificate,
    public_key_of,
    serial_of,
    verify_issued_by,
)
from hardware.icao.tlv import LDSError

ID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
_NOT_HASHED = {0x011C, 0x011D, 0x011E}
LEVELS = ("read", "consistent", "trusted")

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# BSI TR-03111 ecdsa-plain-SHA* (signature is r || s, not DER).
_ECDSA_PLAIN = {f"0.4.0.127.0.7.1.1.4.1.{i}": h for i, h in enumerate(_HASHES, start=1)}


class DataGroupHash(asn1.Sequence):
    _fields = [("data_group_number", asn1.Integer), ("data_group_hash_value", asn1.OctetString)]


class DataGroupHashValues(asn1.SequenceOf):
    _child_spec = DataGroupHash


class LDSVersionInfo(asn1.Sequence):
    _fields = [("lds_version", asn1.PrintableString), ("unicode_version", asn1.PrintableString)]


class LDSSecurityObject(asn1.Sequence):
    _fields = [
        ("version", asn1.Integer),
        ("hash_algorithm", algos.DigestAlgorithm),
        ("data_group_hash_values", DataGroupHashValues),
        ("lds_version_info", LDSVersionInfo, {"optional": True}),
    ]


def _hash(name: str, data: bytes) -> bytes:
    if name not in _HASHES:
        raise LDSError(f"unsupported hash algorithm {name}")
    return hashlib.new(name, data).digest()


def _dg_number(key: int) -> int:
    """Data groups may be keyed by number (13) or by file identifier (0x010D)."""
    return key - 0x0100 if 0x0101 <= key <= 0x0110 else key


# --- building ---------------------------------------------------------------------------------


def _sign(signer: Signer, data: bytes, hash_alg: str) -> tuple[bytes, dict[str, Any]]:
    """(signature, signatureAlgorithm) for `data`."""
    algorithm = _HASHES[hash_alg]()
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
    if hash_alg not in _HASHES:
        raise LDSError(f"unsupported hash algorithm {hash_alg}")
    cert = asn1_x509.Certificate.load(signer.certificate.public_bytes(serialization.Encoding.DER))
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": [content_type]}),
            cms.CMSAttribute({"type": "message_digest", "values": [_hash(hash_alg, content)]}),
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


def build_lds_security_object(data_groups: Mapping[int, bytes], hash_alg: str = "sha256") -> bytes:
    hash_values = [
        {"data_group_number": _dg_number(n), "data_group_hash_value": _hash(hash_alg, data)}
        for n, data in sorted(data_groups.items(), key=lambda item: _dg_number(item[0]))
    ]
    return LDSSecurityObject(
        {
            "version": 0,
            "hash_algorithm": {"algorithm": hash_alg},
            "data_group_hash_values": hash_values,
        }
    ).dump()


def build_sod(data_groups: Mapping[int, bytes], signer: Signer, hash_alg: str = "sha256") -> bytes:
    """EF.SOD (tag 77) for the data groups {number: file bytes}, signed by `signer`."""
    lds_object = build_lds_security_object(data_groups, hash_alg)
    return tlv.encode(0x77, build_signed_data(ID_LDS_SECURITY_OBJECT, lds_object, signer, hash_alg))


# --- parsing ----------------------------------------------------------------------------------


@dataclass
class SignedContent:
    """A parsed CMS SignedData with one signer (EF.SOD, an ICAO master list)."""

    econtent_type: str
    econtent: bytes
    signer_info: cms.SignerInfo
    certificates: list[x509.Certificate]
    problems: list[str] = field(default_factory=list)


@dataclass
class Sod(SignedContent):
    """The parts of an EF.SOD passive authentication needs."""

    hash_algorithm: str = ""
    dg_hashes: dict[int, bytes] = field(default_factory=dict)


def _malformed(what: str, exc: Exception) -> LDSError:
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
        raise _malformed(what, exc) from exc
    return SignedContent(econtent_type, econtent, signer_info, certificates, problems)


def parse_sod(data: bytes) -> Sod:
    """Parses EF.SOD (with or without its 77 wrapper); raises LDSError when malformed."""
    if data[:1] == b"\x77":
        data = tlv.decode(data, 0x77).value
    signed = parse_signed_data(data, "EF.SOD")
    try:
        lds_object = LDSSecurityObject.load(signed.econtent, strict=False)
        hash_algorithm = lds_object["hash_algorithm"]["algorithm"].native
        dg_hashes = {
            int(item["data_group_number"].native): bytes(item["data_group_hash_value"].native)
            for item in lds_object["data_group_hash_values"]
        }
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise _malformed("the LDS security object", exc) from exc
    problems = list(signed.problems)
    if signed.econtent_type != ID_LDS_SECURITY_OBJECT:
        problems.append(f"eContentType {signed.econtent_type} is not the LDS security object")
    return Sod(
        signed.econtent_type,
        signed.econtent,
        signed.signer_info,
        signed.certificates,
        problems,
        hash_algorithm,
        dg_hashes,
    )


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


# --- passive authentication -------------------------------------------------------------------


@dataclass
class PAResult:
    """Outcome of passive authentication: `level` in read / consistent / trusted."""

    level: str = "read"
    problems: list[str] = field(default_factory=list)
    hash_algorithm: str = ""
    signature_algorithm: str = ""
    checked_groups: list[int] = field(default_factory=list)
    signer_subject: str = ""
    csca_subject: str = ""

    @property
    def consistent(self) -> bool:
        return self.level in ("consistent", "trusted")

    @property
    def trusted(self) -> bool:
        return self.level == "trusted"


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
    if hash_name not in _HASHES:
        raise LDSError(f"unsupported signature hash {hash_name}")
    chosen = _HASHES[hash_name]()
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
        pss_hash = _HASHES.get(params["hash_algorithm"]["algorithm"].native, hashes.SHA1)()
        mgf_hash_name = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        mgf_hash = _HASHES.get(mgf_hash_name, hashes.SHA1)()
        pss = padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native)
        public_key.verify(signature, signed, pss, pss_hash)
        hash_name = params["hash_algorithm"]["algorithm"].native
    else:
        raise LDSError(f"unsupported signature algorithm {kind}")
    return f"{kind}-{hash_name}"


def _valid_at(cert: x509.Certificate, at: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _chain(dsc: x509.Certificate, trust: TrustStore, at: dt.datetime) -> tuple[str, list[str]]:
    """(CSCA subject or '', problems) for the DSC against the trust store."""
    problems: list[str] = []
    candidates = trust.issuers_of(dsc)
    if not candidates:
        return "", [
            f"no trusted CSCA for the document signer's issuer {dsc.issuer.rfc4514_string()}"
        ]
    for csca in candidates:
        try:
            verify_issued_by(dsc, csca)
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm) as exc:
            problems.append(
                f"document signer not signed by CSCA {csca.subject.rfc4514_string()} "
                f"({type(exc).__name__})"
            )
            continue
        if not _valid_at(csca, at):
            problems.append(f"CSCA {csca.subject.rfc4514_string()} is outside its validity period")
            continue
        if not _valid_at(dsc, at):
            problems.append("document signer certificate is outside its validity period")
            continue
        return csca.subject.rfc4514_string(), []
    return "", problems


def passive_authentication(
    sod: bytes,
    data_groups: Mapping[int, bytes],
    trust: TrustStore | None,
    at: dt.datetime | None = None,
) -> PAResult:
    """Checks `data_groups` ({number: file bytes} as read) against EF.SOD and the trust store.

    Raises IntegrityError when a data group's hash differs from the SOD; otherwise returns
    the level reached, with every reason it is not higher in `problems`.
    """
    result = PAResult()
    try:
        parsed = parse_sod(sod)
    except LDSError as exc:
        result.problems.append(str(exc))
        return result
    result.hash_algorithm = parsed.hash_algorithm
    result.problems.extend(parsed.problems)
    if parsed.hash_algorithm not in _HASHES:
        result.problems.append(f"unsupported data group hash algorithm {parsed.hash_algorithm}")
        return result
    uncovered = []
    for key, data in sorted(data_groups.items()):
        if key in _NOT_HASHED:
            continue  # EF.COM, EF.SOD and EF.CardAccess are not data groups
        number = _dg_number(key)
        expected = parsed.dg_hashes.get(number)
        if expected is None:
            uncovered.append(number)
            continue
        if _hash(parsed.hash_algorithm, data) != expected:
            raise IntegrityError(f"DG{number} does not match its hash in EF.SOD")
        result.checked_groups.append(number)
    if uncovered:
        result.problems.append("not covered by EF.SOD: " + ", ".join(f"DG{n}" for n in uncovered))
    ok = not uncovered and not parsed.problems
    extra = list(trust.certificates) if trust is not None else []
    check = verify_signed_content(parsed, extra)
    result.problems.extend(check.problems)
    if check.signer is not None:
        result.signer_subject = check.signer.subject.rfc4514_string()
    result.signature_algorithm = check.algorithm
    if not (ok and check.ok) or check.signer is None:
        return result
    result.level = "consistent"
    if trust is None:
        result.problems.append("no trust store configured: the signer cannot be trusted")
        return result
    csca, chain_problems = _chain(check.signer, trust, at or dt.datetime.now(dt.UTC))
    result.problems.extend(chain_problems)
    if csca:
        result.csca_subject = csca
        result.level = "trusted"
    return result


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
    elif _hash(digest_name, signed.econtent) != digests[0].native:
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
