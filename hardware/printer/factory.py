"""Builds the configured ticket printer."""

from __future__ import annotations

from pathlib import Path

from hardware.printer.base import TicketPrinter
from hardware.printer.config import PrinterConfig


def build_printer(config: PrinterConfig, data_dir: Path) -> TicketPrinter | None:
    """The printer of `devices.printer`, or None for backend "none" (tickets on screen only)."""
    if config.backend == "none":
        return None
    if config.backend == "simulated":
        from hardware.printer.simulated import SimulatedPrinter

        out = Path(config.output_dir) if config.output_dir else Path(data_dir) / "printed"
        return SimulatedPrinter(out, width_px=config.paper_width_px, qr_mode=config.qr_mode)
    from hardware.printer.escpos_printer import EscposPrinter

    return EscposPrinter(
        config.connection,
        width_px=config.paper_width_px,
        timeout_s=config.timeout_s,
        qr_mode=config.qr_mode,
        status_timeout_s=config.status_timeout_s,
        confirm_timeout_s=config.confirm_timeout_s,
    )
