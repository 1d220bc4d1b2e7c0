"""The files of a virtual citizen ID card, built from a person (for the emulator and tests).

The SOD faults play what a forger can do with a genuine card's files: change DG13 and keep the
SOD (`tampered_dg13`), replace DG13's hash in the SOD and keep its signature (`forged-sod`),
re-sign the SOD with their own key (`resigned-sod`, `untrusted_signer`), drop it (`no-sod`),
or sign with certificates a careless PKI would accept (`dsc-keyusage`, `csca-signed-sod`,
`revoked-dsc`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Set
from functools import lru_cache

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1
from cryptography.hazmat.primitives.asymmetric import ec

from hardware.icao import chipauth, lds, tlv
from hardware.icao.certs import Signer
from hardware.icao.lds import EF_COM, EF_SOD, dg_file_id
from hardware.icao.person import Person
from hardware.icao.pki import create_csca, create_dsc
from hardware.icao.sod import build_lds_security_object, build_sod

# The faults this module plays; others (wrong key, removal, not an eMRTD, clone) belong to
# the emulator and are ignored here. Faults needing the trusted CSCA's key (dsc-keyusage,
# csca-signed-sod, revoked-dsc) take their signer from `signers`.
FILE_FAULTS = frozenset(
    {
        "tampered_dg13",
        "untrusted_signer",
        "forged-sod",
        "resigned-sod",
        "no-sod",
        "dsc-keyusage",
        "csca-signed-sod",
        "revoked-dsc",
    }
)
SIGNER_FAULTS = ("dsc-keyusage", "csca-signed-sod", "revoked-dsc")


@lru_cache(maxsize=1)
def untrusted_signer() -> Signer:
    """A document signer under a throw-away CSCA that no trust store holds."""
    csca_cert, csca_key = create_csca("UNTRUSTED TEST CSCA")
    return create_dsc(csca_cert, csca_key, "UNTRUSTED TEST Document Signer")


def _photo_format(photo: bytes) -> str:
    return "jpeg" if photo.startswith(b"\xff\xd8") else "jp2"


def _replace_content(sod: bytes, content: bytes) -> bytes:
    """The SOD with another eContent and everything else (signed attributes, signature) kept."""
    info = asn1_cms.ContentInfo.load(tlv.decode(sod, 0x77).value)
    info["content"]["encap_content_info"]["content"] = asn1.ParsableOctetString(content)
    return tlv.encode(0x77, info.dump(force=True))


def build_card_files(
    person: Person,
    signer: Signer,
    faults: Set[str] = frozenset(),
    *,
    ca_key: ec.EllipticCurvePublicKey | None = None,
    aa_key: ec.EllipticCurvePublicKey | None = None,
    legacy: bool = False,
    signers: dict[str, Signer] | None = None,
) -> dict[int, bytes]:
    """{file identifier: content} for EF.COM, DG1, DG2 (when the person has a photo), DG13,
    DG14 (with `ca_key` / `aa_key`), DG15 (with `aa_key`) and EF.SOD signed by `signer`.

    `signers` gives the signer of the certificate faults (keyed by fault name).
    """
    groups: dict[int, bytes] = {1: lds.build_dg1(lds.build_mrz_td1(person, legacy))}
    photo = person.photo_bytes()
    if photo is not None:
        groups[2] = lds.build_dg2(photo, _photo_format(photo))
    groups[13] = lds.build_dg13(person, legacy=legacy)
    if ca_key is not None or aa_key is not None:
        groups[14] = chipauth.build_dg14(ca_key, aa=aa_key is not None)
    if aa_key is not None:
        groups[15] = chipauth.build_dg15(aa_key)
    forged = lds.build_dg13(dataclasses.replace(person, name=person.name + " X"), legacy=legacy)
    sod_signer = signer
    if faults & {"untrusted_signer", "resigned-sod"}:
        sod_signer = untrusted_signer()
    for fault in SIGNER_FAULTS:
        if fault in faults:
            if not signers or fault not in signers:
                raise ValueError(f"fault {fault} needs its signer (a PKI made by make_pki)")
            sod_signer = signers[fault]
    if "resigned-sod" in faults:
        groups[13] = forged  # the forger signs his own DG13
    sod = build_sod(groups, sod_signer)
    if "tampered_dg13" in faults:
        groups[13] = forged
    if "forged-sod" in faults:
        groups[13] = forged
        sod = _replace_content(sod, build_lds_security_object(groups))
    files = {EF_COM: lds.build_ef_com(sorted(groups))}
    files.update({dg_file_id(n): data for n, data in groups.items()})
    if "no-sod" not in faults:
        files[EF_SOD] = sod
    return files
