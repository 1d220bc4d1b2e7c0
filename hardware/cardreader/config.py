"""Configuration of the card reader (owned by the card-reader backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    simulated_people: str = Field(
        "",
        description="folder of person JSON files for the simulated card; empty = shipped demo people",
    )
