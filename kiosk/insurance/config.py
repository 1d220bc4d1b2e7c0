"""The [insurance] section: which checker runs and how the gateway is reached."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class InsuranceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["standin", "gateway"] = Field(
        "standin", description="standin: in-process simulated answers; gateway: the BHXH HTTP gateway"
    )
    base_url: str = "http://127.0.0.1:8780"
    username: str = ""
    password: SecretStr = SecretStr("")
    password_file: str = ""
    password_env: str = "KIOSK_GATEWAY_PASSWORD"
    officer_name: str = ""
    officer_id: str = ""
    proxy: str = ""
    ca_bundle: str = ""
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 8.0
