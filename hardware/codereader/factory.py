"""Builds the configured camera and scanners (backends imported lazily)."""

from __future__ import annotations

from hardware.codereader.base import Camera, CodeReader
from hardware.codereader.config import CameraConfig, ScannerConfig


def build_camera(config: CameraConfig) -> Camera | None:
    if config.backend == "none":
        return None
    if config.backend == "opencv":
        from hardware.codereader.camera import OpenCvCamera

        return OpenCvCamera(config)
    from hardware.codereader.simulated import SimulatedCamera

    return SimulatedCamera(config)


def build_scanner(config: ScannerConfig) -> CodeReader:
    if config.backend == "serial":
        from hardware.codereader.serial_scanner import SerialScanner

        return SerialScanner(config)
    if config.backend == "hid":
        from hardware.codereader.hid_scanner import HidScanner

        return HidScanner(config)
    if config.backend == "hidraw":
        from hardware.codereader.hidpos_scanner import HidPosScanner

        return HidPosScanner(config)
    from hardware.codereader.simulated import SimulatedScanner

    return SimulatedScanner()


def build_scanners(configs: list[ScannerConfig]) -> list[CodeReader]:
    return [build_scanner(c) for c in configs]
