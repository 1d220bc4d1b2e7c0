"""What a document signer certificate must be before its SOD makes a chip "trusted".

ICAO 9303-12 §7.1.1 profiles the document signer: key usage digitalSignature (and nothing a CA
uses), not a CA, and - where present - a document type list naming the document's type. A
certificate that fails one of these may sign an SOD whose signature verifies, but the kiosk
does not trust it: an SOD signed directly with a CSCA key, a master-list signer's key or a key
whose certificate the CSCA's CRL revoked proves nothing about the document.
"""

from __future__ import annotations

from asn1crypto import core as asn1
from cryptography import x509

from hardware.icao.trust import TrustStore

ID_DOCUMENT_TYPE_LIST = "2.23.136.1.1.6.2"
# extended key usages of other ICAO signers (master list, deviation list): not for documents
_OTHER_SIGNERS = {"2.23.136.1.1.3": "master list signer", "2.23.136.1.1.8": "deviation list signer"}


class DocumentTypeList(asn1.Sequence):
    _fields = [
        ("version", asn1.Integer),
        ("doc_type_list", asn1.SetOf, {"spec": asn1.PrintableString}),
    ]


def _extension(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.ExtensionType | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _document_types(cert: x509.Certificate) -> list[str] | None:
    try:
        ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier(ID_DOCUMENT_TYPE_LIST))
    except x509.ExtensionNotFound:
        return None
    value = ext.value
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
    try:
        return [str(t) for t in DocumentTypeList.load(raw)["doc_type_list"].native]
    except Exception:  # noqa: BLE001 - asn1crypto raises many types on bad input
        return []


def signer_problems(
    dsc: x509.Certificate, trust: TrustStore, document_code: str | None = None
) -> list[str]:
    """Why `dsc` may not sign documents (empty when it may). Never raises."""
    try:
        return _problems(dsc, trust, document_code)
    except Exception as exc:  # noqa: BLE001 - cryptography raises many types on bad extensions
        return [f"document signer certificate extensions unreadable ({type(exc).__name__})"]


def _problems(dsc: x509.Certificate, trust: TrustStore, document_code: str | None) -> list[str]:
    problems: list[str] = []
    constraints = _extension(dsc, x509.BasicConstraints)
    self_issued = dsc.subject == dsc.issuer
    if (isinstance(constraints, x509.BasicConstraints) and constraints.ca) or self_issued:
        problems.append("EF.SOD is signed with a CA certificate (a CSCA), not a document signer")
    usage = _extension(dsc, x509.KeyUsage)
    if not isinstance(usage, x509.KeyUsage):
        problems.append("document signer certificate has no key usage")
    else:
        if not usage.digital_signature:
            problems.append("document signer key usage lacks digitalSignature")
        if usage.key_cert_sign or usage.crl_sign:
            problems.append("document signer key usage allows signing certificates")
    eku = _extension(dsc, x509.ExtendedKeyUsage)
    if isinstance(eku, x509.ExtendedKeyUsage):
        for oid in eku:
            if oid.dotted_string in _OTHER_SIGNERS:
                problems.append(
                    f"EF.SOD is signed by a {_OTHER_SIGNERS[oid.dotted_string]}, not a document signer"
                )
    types = _document_types(dsc)
    if types is not None and document_code:
        code = document_code.rstrip("<")
        if not any(t == code or (len(t) == 1 and code.startswith(t)) for t in types):
            problems.append(
                f"document signer may sign {', '.join(types) or 'no'} documents, not {code}"
            )
    revoked = trust.revocation(dsc)
    if revoked:
        problems.append(revoked)
    return problems
