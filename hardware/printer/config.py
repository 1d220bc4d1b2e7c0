"""Configuration of the ticket printer (owned by the printer backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PrinterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["simulated", "escpos", "none"] = "simulated"
    connection: str = Field(
        "",
        description="escpos: 'usb:VID:PID', 'serial:/dev/ttyUSB0[:baud]', 'network:HOST[:PORT]' or 'file:/dev/usb/lp0'",
    )
    paper_width_px: int = Field(576, description="printable width in dots (576 for 80 mm, 384 for 58 mm)")
    timeout_s: float = 10.0
    output_dir: str = Field("", description="simulated: folder for printed PNG and raw bytes; empty = <data dir>/printed")
