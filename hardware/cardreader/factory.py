"""Builds the configured card reader (one backend string chooses it)."""

from __future__ import annotations

from hardware.cardreader.base import CardReader
from hardware.cardreader.config import CardReaderConfig


def build_card_reader(config: CardReaderConfig) -> CardReader | None:
    if config.backend == "none":
        return None
    if config.backend == "simulated":
        from hardware.cardreader.simulated import SimulatedCardReader

        return SimulatedCardReader(config.simulated_people or None, config.verification)
    from hardware.cardreader.pcsc import PcscCardReader

    return PcscCardReader(config)
