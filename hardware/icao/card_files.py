"""The files of a virtual citizen ID card, built from a person (for the emulator and tests)."""

from __future__ import annotations

import dataclasses
from collections.abc import Set
from functools import lru_cache

from hardware.icao import lds
from hardware.icao.certs import Signer
from hardware.icao.lds import EF_COM, EF_SOD, dg_file_id
from hardware.icao.person import Person
from hardware.icao.pki import create_csca, create_dsc
from hardware.icao.sod import build_sod

# The faults this module plays; others (wrong key, removal, not an eMRTD) belong to the
# emulator and are ignored here.
FILE_FAULTS = frozenset({"tampered_dg13", "untrusted_signer"})


@lru_cache(maxsize=1)
def untrusted_signer() -> Signer:
    """A document signer under a throw-away CSCA that no trust store holds."""
    csca_cert, csca_key = create_csca("UNTRUSTED TEST CSCA")
    return create_dsc(csca_cert, csca_key, "UNTRUSTED TEST Document Signer")


def _photo_format(photo: bytes) -> str:
    return "jpeg" if photo.startswith(b"\xff\xd8") else "jp2"


def build_card_files(
    person: Person, signer: Signer, faults: Set[str] = frozenset()
) -> dict[int, bytes]:
    """{file identifier: content} for EF.COM, DG1, DG2 (when the person has a photo), DG13
    and EF.SOD. Faults: "tampered_dg13" changes DG13 after signing; "untrusted_signer" signs
    with a document signer that does not chain to the test CSCA.
    """
    groups: dict[int, bytes] = {1: lds.build_dg1(lds.build_mrz_td1(person))}
    photo = person.photo_bytes()
    if photo is not None:
        groups[2] = lds.build_dg2(photo, _photo_format(photo))
    groups[13] = lds.build_dg13(person)
    sod = build_sod(groups, untrusted_signer() if "untrusted_signer" in faults else signer)
    if "tampered_dg13" in faults:
        forged = dataclasses.replace(person, name=person.name + " X")
        groups[13] = lds.build_dg13(forged)
    files = {EF_COM: lds.build_ef_com(sorted(groups))}
    files.update({dg_file_id(n): data for n, data in groups.items()})
    files[EF_SOD] = sod
    return files
