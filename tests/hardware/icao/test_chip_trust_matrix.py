"""The chip trust matrix: each variant a forger (or an old card) can present, read through the
real reader code, ends at the level the policy expects - and only genuine chips are accepted.

In-process (emulator <-> reader, no pcscd) for every variant; tests/hardware/icao/
test_card_cli.py plays the same faults through pcscd + vpcd and `kiosk read-card --json`.
The same rows are printed by scripts/chip_trust_matrix.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hardware.cardreader.base import Authenticity, ChipAuth
from hardware.cardreader.config import VerificationPolicy
from hardware.icao.policy import Refusal, decide

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location(
    "chip_trust_matrix", ROOT / "scripts" / "chip_trust_matrix.py"
)
assert _spec and _spec.loader
matrix_script = importlib.util.module_from_spec(_spec)
sys.modules["chip_trust_matrix"] = matrix_script
_spec.loader.exec_module(matrix_script)

# variant -> (level, chip auth, accepted, refusal)
EXPECTED = {
    "genuine": ("trusted", "passed", True, ""),
    "genuine, with active authentication": ("trusted", "passed", True, ""),
    "genuine legacy chip (no CA offered)": ("trusted", "not_offered", True, ""),
    "clone": ("trusted", "failed", False, "clone"),
    "clone, with active authentication": ("trusted", "failed", False, "clone"),
    "forged DG13, original SOD": ("-", "-", False, "IntegrityError"),
    "forged DG13, SOD hash replaced": ("read", "passed", False, "not_signed"),
    "forged DG13, SOD re-signed": ("consistent", "passed", False, "not_trusted"),
    "no SOD": ("read", "passed", False, "not_signed"),
    "DSC without digitalSignature": ("consistent", "passed", False, "not_trusted"),
    "SOD signed by the CSCA": ("consistent", "passed", False, "not_trusted"),
    "revoked DSC (CRL)": ("consistent", "passed", False, "not_trusted"),
}


def test_every_variant_reaches_its_level_and_only_genuine_chips_are_accepted() -> None:
    rows = {row.variant: row for row in matrix_script.matrix()}
    assert set(rows) == set(EXPECTED)
    for variant, (level, chip_auth, accepted, refusal) in EXPECTED.items():
        row = rows[variant]
        assert (row.level, row.chip_auth, row.accepted, row.refusal) == (
            level,
            chip_auth,
            accepted,
            refusal,
        ), variant
        if not accepted:
            assert "desk" in row.patient_sees, variant


@pytest.mark.parametrize(
    ("level", "chip_auth", "policy", "accepted", "refusal"),
    [
        (Authenticity.TRUSTED, ChipAuth.PASSED, {}, True, None),
        (Authenticity.TRUSTED, ChipAuth.NOT_OFFERED, {}, True, None),
        (Authenticity.TRUSTED, ChipAuth.NOT_CHECKED, {}, False, Refusal.CHIP_AUTH_MISSING),
        (Authenticity.TRUSTED, ChipAuth.FAILED, {}, False, Refusal.CLONE),
        (
            Authenticity.TRUSTED,
            ChipAuth.NOT_OFFERED,
            {"chip_authentication": "required"},
            False,
            Refusal.CHIP_AUTH_MISSING,
        ),
        (Authenticity.TRUSTED, ChipAuth.NOT_CHECKED, {"chip_authentication": "off"}, True, None),
        (Authenticity.CONSISTENT, ChipAuth.PASSED, {}, False, Refusal.NOT_TRUSTED),
        (Authenticity.CONSISTENT, ChipAuth.PASSED, {"required_level": "consistent"}, True, None),
        (Authenticity.READ, ChipAuth.PASSED, {}, False, Refusal.NOT_SIGNED),
        (Authenticity.READ, ChipAuth.FAILED, {"required_level": "read"}, False, Refusal.CLONE),
    ],
)
def test_policy(
    level: Authenticity,
    chip_auth: ChipAuth,
    policy: dict[str, str],
    accepted: bool,
    refusal: Refusal | None,
) -> None:
    verdict = decide(level, chip_auth, VerificationPolicy(**policy))  # type: ignore[arg-type]
    assert (verdict.accepted, verdict.refusal) == (accepted, refusal)
