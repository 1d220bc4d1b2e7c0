"""The kiosk's configuration: one TOML file, validated at start-up.

Defaults run the demo with no file at all: simulated devices, SQLite in the user data
directory, the insurance stand-in. A bad file raises ConfigError with one clear message naming
the key and the problem; nothing starts half configured.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from hardware.config import DevicesConfig
from kiosk.admin.config import AccessibilityConfig, AdminConfig, LoggingConfig
from kiosk.catalog.config import CatalogConfig
from kiosk.his.config import HisConfig
from kiosk.insurance.config import InsuranceConfig
from kiosk.payment.config import PaymentConfig
from kiosk.privacy.config import PrivacyConfig
from kiosk.queue.config import ClinicConfig, QueueSettings, StorageConfig, default_clinics
from kiosk.start_config import ENV_CONFIG as ENV_CONFIG
from kiosk.start_config import ENV_DATA_DIR as ENV_DATA_DIR
from kiosk.start_config import HOSPITAL_NAME_EN, HOSPITAL_NAME_VI, read_raw
from kiosk.start_config import ConfigError as ConfigError  # raised here, defined there
from kiosk.text import Text

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")


class HospitalConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_vi: str = HOSPITAL_NAME_VI
    name_en: str = HOSPITAL_NAME_EN
    code: str = Field(
        "01001", pattern=r"^\d{5}$", description="5-digit facility code (maDKBD form without dash)"
    )
    appointment_pattern: str = Field(
        r"^LH[0-9]{8}$",
        description="regular expression of this hospital's booking/appointment codes",
    )

    def name(self, language: str) -> str:
        return Text(self.name_vi, self.name_en).get(language)

    @field_validator("appointment_pattern")
    @classmethod
    def _valid_regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class IdleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: int = Field(
        45, ge=10, description="seconds without a touch before the countdown shows"
    )
    countdown_s: int = Field(
        20, ge=20, description="length of the visible countdown (WCAG 2.2.1: >= 20 s)"
    )
    max_extensions: int = Field(10, ge=10)
    busy_limit_s: int = Field(
        90,
        ge=20,
        description="longest the kiosk may work on one step (card, gateway, ticket) "
        "before the session ends; the configured device and gateway timeouts are shorter",
    )


class KioskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kiosk_id: str = Field("kiosk-01", pattern=r"^[A-Za-z0-9_.-]+$")
    mode: Literal["demo", "kiosk"] = Field(
        "demo", description="demo: windowed with the simulator panel; kiosk: full screen"
    )
    languages: list[Language] = Field(default_factory=lambda: list(LANGUAGES), min_length=1)
    default_language: Language = "vi"
    data_dir: str = Field("", description="where data lives; empty = the user data directory")
    hospital: HospitalConfig = Field(default_factory=HospitalConfig)
    idle: IdleConfig = Field(default_factory=IdleConfig)
    clinics: list[ClinicConfig] = Field(default_factory=default_clinics, min_length=1)
    devices: DevicesConfig = Field(default_factory=DevicesConfig)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    insurance: InsuranceConfig = Field(default_factory=InsuranceConfig)
    catalog: CatalogConfig = Field(default_factory=CatalogConfig)
    his: HisConfig = Field(default_factory=HisConfig)
    payment: PaymentConfig = Field(default_factory=PaymentConfig)
    admin: AdminConfig = Field(default_factory=AdminConfig)
    accessibility: AccessibilityConfig = Field(default_factory=AccessibilityConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)

    @model_validator(mode="after")
    def _check(self) -> KioskConfig:
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        ids = [c.id for c in self.clinics]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"clinic ids must be unique; repeated: {', '.join(dupes)}")
        return self

    @property
    def data_path(self) -> Path:
        return (
            Path(self.data_dir)
            if self.data_dir
            else Path(platformdirs.user_data_dir("hospital-kiosk"))
        )

    def clinic(self, clinic_id: str) -> ClinicConfig:
        for clinic in self.clinics:
            if clinic.id == clinic_id:
                return clinic
        raise KeyError(clinic_id)


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        msg = item["msg"]
        if item["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        lines.append(f"{key}: {msg}")
    return "; ".join(lines)


def load_config(path: str | Path | None = None, data_dir: str | Path | None = None) -> KioskConfig:
    """Loads and validates the configuration.

    `path` falls back to $KIOSK_CONFIG, then to defaults (no file); `data_dir` overrides the
    file's data_dir and falls back to $KIOSK_DATA_DIR.
    """
    where, raw = read_raw(path, data_dir)
    try:
        return KioskConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {_describe(exc)}") from None


def _masked(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return "********" if value.get_secret_value() else ""
    if isinstance(value, BaseModel):
        return {k: _masked(getattr(value, k)) for k in type(value).model_fields}
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def masked_dict(config: KioskConfig) -> dict[str, Any]:
    """The effective configuration with every secret replaced by asterisks."""
    out = _masked(config)
    out["data_dir"] = str(config.data_path)
    if out.get("admin", {}).get("pin_hash"):
        out["admin"]["pin_hash"] = "********"
    return out


def to_toml(data: dict[str, Any]) -> str:
    """A small TOML writer for `kiosk config show` (tables, arrays of tables, scalars)."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {scalar(x)}" for k, x in v.items()) + " }"
        return json.dumps(str(v), ensure_ascii=False)

    def table(prefix: str, d: dict[str, Any]) -> None:
        simple = {k: v for k, v in d.items() if not isinstance(v, dict) and not _is_table_list(v)}
        nested = {k: v for k, v in d.items() if isinstance(v, dict) and k != "column_map"}
        if "column_map" in d:
            simple["column_map"] = d["column_map"]
        lists = {k: v for k, v in d.items() if _is_table_list(v)}
        if prefix:
            lines.append(f"\n[{prefix}]")
        for k, v in simple.items():
            lines.append(f"{k} = {scalar(v)}")
        for k, v in nested.items():
            table(f"{prefix}.{k}" if prefix else k, v)
        for k, items in lists.items():
            for item in items:
                lines.append(f"\n[[{prefix + '.' if prefix else ''}{k}]]")
                for ik, iv in item.items():
                    lines.append(f"{ik} = {scalar(iv)}")

    table("", data)
    return "\n".join(lines).strip() + "\n"


def _is_table_list(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)
