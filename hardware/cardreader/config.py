"""Configuration of the card reader (owned by the card-reader backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class VerificationPolicy(BaseModel):
    """What a chip read must prove before the kiosk uses the identity without staff.

    Anything lower sends the patient to the reception desk with a message saying why.
    """

    model_config = ConfigDict(extra="forbid")

    required_level: Literal["read", "consistent", "trusted"] = Field(
        "trusted",
        description="passive authentication level required: trusted = the SOD's signer chains "
        "to a CSCA in the trust store; lower levels are for test benches only",
    )
    chip_authentication: Literal["when_offered", "required", "off"] = Field(
        "when_offered",
        description="chip / active authentication (clone detection): when_offered = required "
        "whenever the chip's signed files offer it; required = chips without it go to the "
        "desk; off = not run (never for patients)",
    )


class CardReaderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["simulated", "pcsc", "none"] = "simulated"
    reader: str = Field(
        "",
        description="PC/SC reader name pattern (substring, case-insensitive); empty = first reader",
    )
    trust_store: str = Field(
        "", description="folder of CSCA certificates (PEM/DER) or ICAO master lists"
    )
    verification: VerificationPolicy = Field(default_factory=VerificationPolicy)
    read_timeout_s: float = Field(
        10.0,
        gt=0,
        le=120,
        description="a chip read that takes longer is abandoned and the patient told",
    )
    simulated_people: str = Field(
        "",
        description="folder of person JSON files for the simulated card; empty = shipped demo people",
    )
