"""Configuration of the camera and the 2D scanners (owned by the code-reader backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CameraConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["simulated", "opencv", "none"] = "simulated"
    source: str = Field("0", description="device index, device path or stream URL")
    width: int = 1280
    height: int = 720
    fps: int = 30


class ScannerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["serial", "hid", "simulated"] = "serial"
    port: str = Field("", description="serial port (serial backend)")
    baud: int = 9600
    device: str = Field("", description="input device path or name (hid backend)")
