"""EF.SOD: build it for a virtual card, and passive authentication of a card's data groups.

EF.SOD is tag 77 around a CMS SignedData whose eContent is the LDS security object (one hash
per data group). Passive authentication reports one of three levels:

- ``read``: the data was read but could not be checked against a valid SOD (reasons in
  ``problems``);
- ``consistent``: every data group read matches the SOD and the SOD's signature verifies with
  the document signer certificate it carries;
- ``trusted``: and that certificate was issued (signature and validity) by a CSCA in the
  trust store, is a proper document signer (hardware.icao.dsc_checks: key usage, not a CA,
  document types) and is not on a CRL of the trust store.

A data group whose hash differs from the SOD raises ``IntegrityError``: a hard failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from asn1crypto import algos
from asn1crypto import core as asn1
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from hardware.cardreader.base import IntegrityError
from hardware.icao import tlv
from hardware.icao.certs import Signer, verify_issued_by
from hardware.icao.cms import (
    HASHES,
    SignedContent,
    build_signed_data,
    digest,
    malformed,
    parse_signed_data,
    verify_signed_content,
)
from hardware.icao.dsc_checks import signer_problems
from hardware.icao.tlv import LDSError
from hardware.icao.trust import TrustStore

ID_LDS_SECURITY_OBJECT = "2.23.136.1.1.1"
_NOT_HASHED = {0x011C, 0x011D, 0x011E}
LEVELS = ("read", "consistent", "trusted")


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


def _dg_number(key: int) -> int:
    """Data groups may be keyed by number (13) or by file identifier (0x010D)."""
    return key - 0x0100 if 0x0101 <= key <= 0x0110 else key


# --- building ---------------------------------------------------------------------------------


def build_lds_security_object(data_groups: Mapping[int, bytes], hash_alg: str = "sha256") -> bytes:
    hash_values = [
        {"data_group_number": _dg_number(n), "data_group_hash_value": digest(hash_alg, data)}
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
class Sod(SignedContent):
    """The parts of an EF.SOD passive authentication needs."""

    hash_algorithm: str = ""
    dg_hashes: dict[int, bytes] = field(default_factory=dict)


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
        raise malformed("the LDS security object", exc) from exc
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


def _valid_at(cert: x509.Certificate, at: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _chain(
    dsc: x509.Certificate, trust: TrustStore, at: dt.datetime, document_code: str | None = None
) -> tuple[str, list[str]]:
    """(CSCA subject or '', problems) for the DSC against the trust store."""
    problems = signer_problems(dsc, trust, document_code)
    if problems:
        return "", problems
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


def _document_code(data_groups: Mapping[int, bytes]) -> str | None:
    """The MRZ document code (e.g. "ID") of DG1, when read and readable."""
    from hardware.icao import lds

    dg1 = data_groups.get(1) or data_groups.get(0x0101)
    if not dg1:
        return None
    try:
        return lds.parse_dg1(dg1).document_code
    except LDSError:
        return None


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
    if parsed.hash_algorithm not in HASHES:
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
        if digest(parsed.hash_algorithm, data) != expected:
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
    csca, chain_problems = _chain(
        check.signer, trust, at or dt.datetime.now(dt.UTC), _document_code(data_groups)
    )
    result.problems.extend(chain_problems)
    if csca:
        result.csca_subject = csca
        result.level = "trusted"
    return result
