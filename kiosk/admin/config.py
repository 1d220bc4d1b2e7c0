"""The [admin] and [accessibility] sections."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AdminConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin_hash: str = Field("", description="scrypt hash made by `kiosk admin hash-pin`; empty = admin mode disabled")
    gesture_taps: int = 5
    gesture_window_s: float = 3.0
    max_attempts: int = 5
    lockout_s: int = 300


class AccessibilityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speech: bool = True
    speech_volume: int = Field(80, ge=0, le=100)
