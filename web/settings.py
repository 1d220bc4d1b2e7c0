"""Settings of the web app (`kiosk serve --web-config FILE`, TOML; every key optional).

Kept apart from the kiosk's configuration file so a kiosk's config does not change when the
server is added; the lead may fold it into `KioskConfig` as `[web]` later.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class WebSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hospital_name: str = Field("Bệnh viện", description="shown on the board")
    second_language: str = Field("en", description="'' = Vietnamese only, 'en' = also English")
    board_history: int = Field(8, ge=1, le=30, description="last N calls on the board")
    announce_repeat: int = Field(2, ge=1, le=5, description="times each call is spoken")
    voice: str = Field("vi", description="espeak-ng voice")
    public_base_url: str = Field("", description="base of the phone page URL in ticket QRs")
    tls_certfile: str = ""
    tls_keyfile: str = ""
    cookie_secure: bool | None = Field(None, description="None: secure cookies when TLS is on")
    session_hours: float = Field(12.0, gt=0)
    lockout_failures: int = Field(5, ge=1, description="failed logins before the lockout")
    lockout_minutes: float = Field(15.0, gt=0)
    login_rate_per_minute: int = Field(10, ge=1, description="login attempts per client IP")
    sqlite_poll_s: float = Field(
        0.3, gt=0, description="SQLite only: how often other processes' changes are looked for"
    )


def load_settings(path: str | Path | None) -> WebSettings:
    if not path:
        return WebSettings()
    with open(path, "rb") as fh:
        return WebSettings.model_validate(tomllib.load(fh))
