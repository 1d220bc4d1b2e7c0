"""The [admin], [accessibility] and [logging] sections."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right"]


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin_hash: str = Field(
        "", description="scrypt hash made by `kiosk admin hash-pin`; empty = admin mode disabled"
    )
    gesture_corner: Corner = Field(
        "top_left", description="screen corner tapped to open admin mode"
    )
    gesture_taps: int = Field(5, ge=2, le=20, description="taps in the corner that open admin mode")
    gesture_window_s: float = Field(
        3.0, gt=0, le=30, description="seconds within which all the taps must fall"
    )
    gesture_corner_px: int = Field(
        120, ge=40, le=600, description="size in pixels of the square corner area that counts"
    )
    max_attempts: int = Field(5, ge=1, le=100, description="wrong PINs in a row before a lockout")
    lockout_s: int = Field(
        300, ge=0, description="seconds during which every PIN is refused after a lockout"
    )
    import_roots: list[str] = Field(
        default_factory=lambda: ["/media", "/mnt"],
        description="folders searched for catalog files (USB sticks) by the admin import view",
    )
    min_free_disk_mb: int = Field(
        500, ge=0, description="`kiosk doctor` fails when the data disk has less free space (MB)"
    )

    @field_validator("pin_hash")
    @classmethod
    def _check_hash(cls, value: str) -> str:
        value = value.strip()
        if value:
            from kiosk.admin.pin import PinFormatError, parse_hash

            try:
                parse_hash(value)
            except PinFormatError as exc:
                raise ValueError(str(exc)) from None
        return value


class AccessibilityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speech: bool = Field(True, description="speak each screen and result (espeak-ng)")
    speech_volume: int = Field(80, ge=0, le=100, description="speech volume, 0-100")
    speech_rate: int = Field(
        150, ge=80, le=400, description="speech rate in words per minute (espeak-ng -s)"
    )
    espeak_command: str = Field(
        "espeak-ng", description="speech synthesiser program (name on PATH or full path)"
    )


class LoggingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="lowest level written to the log"
    )
    format: Literal["kv", "json"] = Field(
        "kv", description="kv: key=value lines; json: one JSON object per line"
    )
    dir: str = Field("", description="log folder; empty = <data dir>/logs")
    max_bytes: int = Field(
        5_000_000, ge=10_000, description="size at which kiosk.log is rotated (bytes)"
    )
    backups: int = Field(5, ge=1, le=100, description="rotated log files kept")
    console: bool = Field(True, description="also log to standard error (the systemd journal)")
    sensitive: list[str] = Field(
        default_factory=list,
        description="extra regular expressions whose matches are masked in every log line",
    )
