"""The verification policy: whether a chip read may be used without staff, and why not.

Levels only go up: read < consistent < trusted (passive authentication), and a chip that
offers chip or active authentication must pass it. Every way a forger can play the SOD (keep
it and change DG13, replace a hash and keep the signature, drop it, re-sign it with another
key) ends at a level below `trusted` or in an IntegrityError, so it fares no better than
plain tampering; a copy of a genuine chip's files onto another chip fails chip
authentication.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hardware.cardreader.base import Authenticity, ChipAuth
from hardware.cardreader.config import VerificationPolicy

_ORDER = [Authenticity.NONE, Authenticity.READ, Authenticity.CONSISTENT, Authenticity.TRUSTED]


class Refusal(StrEnum):
    """Why a chip identity goes to the desk (kiosk/chip.py maps each to a patient message)."""

    CLONE = "clone"  # chip / active authentication failed
    NOT_SIGNED = "not_signed"  # no valid SOD signature over the data read
    NOT_TRUSTED = "not_trusted"  # signed, but not by a document signer a trusted CSCA issued
    CHIP_AUTH_MISSING = "chip_auth_missing"  # required (or offered) but could not be run


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    refusal: Refusal | None = None
    detail: str = ""


def decide(
    level: Authenticity, chip_auth: ChipAuth, policy: VerificationPolicy | None = None
) -> Verdict:
    """Applies `policy` (default: trusted, with chip authentication where offered)."""
    policy = policy or VerificationPolicy()
    if chip_auth is ChipAuth.FAILED:
        return Verdict(False, Refusal.CLONE, "chip authentication failed: not the original chip")
    required = Authenticity(policy.required_level)
    if _ORDER.index(level) < _ORDER.index(required):
        if level in (Authenticity.NONE, Authenticity.READ):
            return Verdict(False, Refusal.NOT_SIGNED, f"level {level}, {required} required")
        return Verdict(False, Refusal.NOT_TRUSTED, f"level {level}, {required} required")
    mode = policy.chip_authentication
    if mode == "required" and chip_auth is not ChipAuth.PASSED:
        return Verdict(False, Refusal.CHIP_AUTH_MISSING, f"chip authentication {chip_auth}")
    if mode == "when_offered" and chip_auth is ChipAuth.NOT_CHECKED:
        return Verdict(
            False, Refusal.CHIP_AUTH_MISSING, "chip authentication offered but not completed"
        )
    return Verdict(True)
