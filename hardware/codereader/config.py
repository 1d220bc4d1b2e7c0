"""Configuration of the camera and the 2D scanners (owned by the code-reader backends)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CameraConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["simulated", "opencv", "none"] = "simulated"
    source: str = Field(
        default="0",
        description="device index, device path or stream URL (simulated: a folder of images or a video file, or 0 for an empty scene)",
    )
    width: int = Field(default=1280, ge=160, le=3840)
    height: int = Field(default=720, ge=120, le=2160)
    fps: int = Field(default=30, ge=1, le=120)
    fourcc: str = Field(
        default="MJPG",
        max_length=4,
        description="opencv: pixel format asked of a device (MJPG for 30 fps at 720p/1080p on USB 2; empty = driver default)",
    )
    mirror_preview: bool = Field(
        default=True, description="show the preview mirrored, like a mirror"
    )
    repeat_after_s: float = Field(
        default=3.0,
        gt=0,
        description="the same code is reported again only after this long without it",
    )
    stall_s: float = Field(
        default=3.0, gt=0, description="reopen the camera after this long without a frame"
    )


class ScannerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["serial", "hid", "hidraw", "simulated"] = "serial"
    port: str = Field(default="", description="serial port (serial backend)")
    baud: int = Field(default=9600, gt=0)
    device: str = Field(
        default="",
        description="hid: input device path or name; hidraw: /dev/hidrawN of a scanner in HID-POS mode",
    )
    grab: bool = Field(
        default=True,
        description="hid: take the device exclusively so codes do not type into the screen",
    )
    reconnect_s: float = Field(default=2.0, gt=0, description="wait between reconnection attempts")
    prefix: str = Field(
        default="",
        description="serial: characters the scanner is set to send before a code (removed)",
    )
    suffix: str = Field(
        default="",
        description="serial: characters the scanner is set to send after a code (removed)",
    )
    aim_id: Literal["auto", "strip", "keep"] = Field(
        default="auto",
        description="serial/hidraw: the AIM symbology identifier (']Q1') before a code: auto removes a leading ]Xn, strip requires it, keep leaves it",
    )
    frame_idle_ms: int = Field(
        default=150,
        ge=20,
        le=5000,
        description="serial: a code with no line end is complete after this long without a byte",
    )
    alt_codes: Literal["none", "unicode", "cp1258", "cp1252"] = Field(
        default="none",
        description="hid: how the scanner types non-ASCII letters: none (keyboard mode: Vietnamese letters are lost, CCCD QR codes are refused), unicode (Alt + decimal code point, or Alt + '+' + hex), cp1258 / cp1252 (Alt + 0NNN in that code page)",
    )
