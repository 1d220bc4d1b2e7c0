"""The kiosk's trust store: CSCA certificates, ICAO master lists and CRLs hospital IT installs.

The trust store is a folder hospital IT fills with CSCA certificates (PEM or DER, one or many
per file), ICAO master lists (CMS SignedData holding a SET of CSCA certificates, DER or PEM),
ICAO PKD LDIF downloads and the CSCAs' CRLs. What cannot be used is reported in
`TrustStore.problems`, never raised: one bad file must not cost the kiosk its other CSCAs.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import core as asn1
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization

from hardware.icao.certs import (
    PKIError,
    Signer,
    checked_certificate,
    load_der_certificate,
    public_key_of,
    quiet_certificates,
    serial_of,
    verify_issued_by,
)
from hardware.icao.cms import build_signed_data, parse_signed_data, verify_signed_content
from hardware.icao.tlv import LDSError

ID_ICAO_CSCA_MASTER_LIST = "2.23.136.1.1.2"


class _CertificateSet(asn1.SetOf):
    _child_spec = asn1.Any


class CscaMasterList(asn1.Sequence):
    _fields = [("version", asn1.Integer), ("cert_list", _CertificateSet)]


def parse_master_list(data: bytes) -> tuple[list[x509.Certificate], list[str]]:
    """(certificates, problems) from an ICAO master list (CMS SignedData, DER).

    Each certificate of the list is parsed on its own: one that cannot be read is reported
    in problems. The list's signature is checked (signed attributes, signature, signer issued
    by a CSCA of the list): when it fails, no certificate of the list is returned - a list
    whose signature does not hold may have had a CSCA slipped in.
    """
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
        check.ok = False
    if not check.ok and certs:
        problems.append(f"none of the {len(certs)} certificates of this master list is trusted")
        certs = []
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
        if b"PRIVATE KEY" in kind or kind == b"X509 CRL":
            continue  # a key next to its certificate (e.g. a make-pki folder): not a problem;
            # CRLs are read by _load_crls
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


def _load_crls(data: bytes) -> list[x509.CertificateRevocationList]:
    """The CRLs of a file: PEM "X509 CRL" blocks or one DER CRL (signatures checked later)."""
    ders = [
        base64.b64decode(b"".join(block.group(2).split()))
        for block in _PEM_BLOCK.finditer(data)
        if block.group(1) == b"X509 CRL"
    ]
    if not ders and not _PEM_BLOCK.search(data):
        ders = [data]
    crls = []
    for der in ders:
        try:
            crls.append(x509.load_der_x509_crl(der))
        except ValueError:
            continue
    return crls


def _load_file(path: Path) -> tuple[list[x509.Certificate], list[str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [f"{path.name}: cannot read ({exc.strerror})"]
    only_crls = not any(b.group(1) != b"X509 CRL" for b in _PEM_BLOCK.finditer(data))
    if (path.suffix.lower() == ".crl" or b"-----BEGIN X509 CRL" in data) and only_crls:
        return [], []  # only CRLs: read by _load_crls
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
    """Trusted CSCA certificates and their CRLs; `problems` lists what could not be loaded.

    A CRL counts only when a CSCA of the store signed it; `revocation()` then refuses the
    document signers it lists.
    """

    certificates: list[x509.Certificate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    source: str = ""
    crls: list[x509.CertificateRevocationList] = field(default_factory=list)

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
        crls: list[tuple[x509.CertificateRevocationList, str]] = []
        for file in cls._files(path):
            if file.name.upper().startswith("README"):
                continue
            certs, problems = _load_file(file)
            store.add(certs)
            store.problems.extend(problems)
            if file.suffix.lower() == ".crl" or file.suffix.lower() == ".pem":
                try:
                    found = _load_crls(file.read_bytes())
                except OSError:
                    found = []
                if not found and file.suffix.lower() == ".crl":
                    store.problems.append(f"{file.name}: not a CRL")
                crls.extend((crl, file.name) for crl in found)
        for crl, name in crls:  # once every CSCA is known
            store.add_crl(crl, name)
        return store

    def add_crl(self, crl: x509.CertificateRevocationList, label: str = "CRL") -> None:
        """Keeps `crl` when a CSCA of the store signed it (else reports it in problems)."""
        for csca in self.certificates:
            if csca.subject != crl.issuer:
                continue
            try:
                key = public_key_of(csca)
                if crl.is_signature_valid(key):  # type: ignore[arg-type]
                    self.crls.append(crl)
                    return
            except (ValueError, TypeError, UnsupportedAlgorithm):
                continue
        self.problems.append(f"{label}: CRL not signed by a CSCA of the trust store, ignored")

    def revocation(self, cert: x509.Certificate) -> str | None:
        """Why `cert` is revoked by a CRL of the store, or None."""
        for crl in self.crls:
            if crl.issuer != cert.issuer:
                continue
            entry = crl.get_revoked_certificate_by_serial_number(serial_of(cert))
            if entry is not None:
                day = entry.revocation_date_utc.date().isoformat()
                return (
                    f"document signer revoked on {day} by the CRL of {crl.issuer.rfc4514_string()}"
                )
        return None

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
