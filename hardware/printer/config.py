"""Configuration of the ticket printer (owned by the printer backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# printable dots per line at 203 dpi (8 dots/mm): 48 mm of a 58 mm roll, 72 mm of an 80 mm one
PRINTABLE_DOTS = {58: 384, 80: 576}


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
    paper_mm: Literal[58, 80] | None = Field(
        default=None,
        description="paper roll width; when set, paper_width_px must fit it (58 mm: 384 dots, 80 mm: 576)",
    )
    timeout_s: float = Field(default=10.0, gt=0, description="longest wait for one ticket to print")
    status_timeout_s: float = Field(
        default=1.0, gt=0, description="wait for a DLE EOT status reply"
    )
    confirm_timeout_s: float = Field(
        default=6.0,
        gt=0,
        description="wait for the printer's completion reply (GS r 1) after a ticket; without it the ticket counts as not printed (keep status_timeout_s + confirm_timeout_s below timeout_s)",
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
        if self.paper_mm is not None and self.paper_width_px > PRINTABLE_DOTS[self.paper_mm]:
            dots = PRINTABLE_DOTS[self.paper_mm]
            raise ValueError(
                f"paper_width_px = {self.paper_width_px} is wider than a {self.paper_mm} mm roll "
                f"prints ({dots} dots): the ticket would be cut off; set paper_width_px = {dots}"
            )
        if self.backend == "escpos":
            from hardware.printer.escpos_printer import parse_connection

            parse_connection(self.connection)
        return self
