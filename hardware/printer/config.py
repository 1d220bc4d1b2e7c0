"""Configuration of the ticket printer (owned by the printer backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PrinterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["simulated", "escpos", "none"] = "simulated"
    connection: str = Field(
        default="",
        description="escpos: 'usb:VID:PID', 'serial:/dev/ttyUSB0[:baud]', 'network:HOST[:PORT]' or 'file:/dev/usb/lp0'",
    )
    paper_width_px: int = Field(
        default=576,
        ge=128,
        le=1024,
        description="printable width in dots (576 for 80 mm, 384 for 58 mm)",
    )
    timeout_s: float = Field(default=10.0, gt=0, description="longest wait for one ticket to print")
    status_timeout_s: float = Field(
        default=1.0, gt=0, description="wait for a DLE EOT status reply"
    )
    qr_mode: Literal["native", "image"] = Field(
        default="native",
        description="native: the printer draws the QR (GS ( k); image: sent as a raster image",
    )
    output_dir: str = Field(
        default="",
        description="simulated: folder for printed PNG and raw bytes; empty = <data dir>/printed",
    )

    @model_validator(mode="after")
    def _check(self) -> PrinterConfig:
        if self.backend == "escpos":
            from hardware.printer.escpos_printer import parse_connection

            parse_connection(self.connection)
        return self
