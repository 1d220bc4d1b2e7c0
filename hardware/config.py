"""The [devices] section: one backend string per device kind."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hardware.cardreader.config import CardReaderConfig
from hardware.codereader.config import CameraConfig, ScannerConfig
from hardware.printer.config import PrinterConfig


class DevicesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    card_reader: CardReaderConfig = Field(default_factory=CardReaderConfig)
    camera: CameraConfig = Field(default_factory=CameraConfig)
    scanners: list[ScannerConfig] = Field(default_factory=list)
    printer: PrinterConfig = Field(default_factory=PrinterConfig)
