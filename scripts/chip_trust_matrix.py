"""Prints the chip trust matrix: every emulator variant read in-process through the real reader.

    PYTHONPATH=. python scripts/chip_trust_matrix.py [--json]

Each row is a real read (PACE, secure messaging, passive and chip authentication) of the
emulator playing one variant, under the default verification policy, and what the patient
then reads on the screen. tests/hardware/icao/test_chip_trust_matrix.py asserts the same rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hardware.cardreader.base import AccessKey, CardError  # noqa: E402
from hardware.cardreader.simulated import demo_pki  # noqa: E402
from hardware.icao.emulator import LEGACY, CardProfile, EmrtdEmulator  # noqa: E402
from hardware.icao.person import load_person  # noqa: E402
from hardware.icao.reader import ReadReport, read_identity  # noqa: E402
from hardware.icao.transport import LocalTransport  # noqa: E402
from kiosk.chip import refusal_message  # noqa: E402
from kiosk.messages import card_message  # noqa: E402

PERSON = ROOT / "assets" / "demo" / "people" / "an-adult.json"

# (variant, faults, profile)
VARIANTS: list[tuple[str, tuple[str, ...], CardProfile | None]] = [
    ("genuine", (), None),
    ("genuine, with active authentication", (), CardProfile(active_auth=True)),
    ("genuine legacy chip (no CA offered)", (), LEGACY),
    ("clone", ("clone",), None),
    ("clone, with active authentication", ("clone",), CardProfile(active_auth=True)),
    ("forged DG13, original SOD", ("tampered_dg13",), None),
    ("forged DG13, SOD hash replaced", ("forged-sod",), None),
    ("forged DG13, SOD re-signed", ("resigned-sod",), None),
    ("no SOD", ("no-sod",), None),
    ("DSC without digitalSignature", ("dsc-keyusage",), None),
    ("SOD signed by the CSCA", ("csca-signed-sod",), None),
    ("revoked DSC (CRL)", ("revoked-dsc",), None),
]


@dataclass
class Row:
    variant: str
    level: str
    chip_auth: str
    accepted: bool
    refusal: str
    patient_sees: str


def read_variant(faults: tuple[str, ...], profile: CardProfile | None) -> Row:
    signer, trust, signers = demo_pki()
    person = load_person(PERSON)
    card = EmrtdEmulator.from_person(
        person, signer, faults=faults, profile=profile, signers=signers
    )
    report = ReadReport()
    try:
        data = read_identity(LocalTransport(card), AccessKey(can=person.can), trust, report=report)
    except CardError as exc:
        return Row("", "-", "-", False, type(exc).__name__, card_message(exc).en)
    refusal = refusal_message(data)
    seen = (
        "the confirm screen: name, photo, 'Chip checked: issued by the Vietnamese authority'"
        if refusal is None
        else refusal.en
    )
    return Row("", data.authenticity.value, data.chip_auth.value, data.accepted, data.refusal, seen)


def matrix() -> list[Row]:
    rows = []
    for name, faults, profile in VARIANTS:
        row = read_variant(faults, profile)
        row.variant = name
        rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = matrix()
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2, ensure_ascii=False))
        return 0
    print("| chip variant | PA level | chip auth | accepted | patient sees |")
    print("|---|---|---|---|---|")
    for r in rows:
        accepted = "yes" if r.accepted else f"no ({r.refusal})"
        print(f"| {r.variant} | {r.level} | {r.chip_auth} | {accepted} | {r.patient_sees} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
