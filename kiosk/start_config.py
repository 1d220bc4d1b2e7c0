"""What the start screen needs from the configuration, read before pydantic is imported.

`kiosk run` paints its start screen first and validates the whole file after
(kiosk.config.load_config, pydantic: about a third of the start-up). The start screen only
needs the mode, the languages, the hospital's name and whether payment is offered:
`read_start_config` reads those from the same file, with the same defaults, and takes the
default for any value that is missing or of the wrong kind (the full validation then
rejects the file and the kiosk covers itself "out of service"). Nothing here decides
anything but what the first screen shows; tests/kiosk/test_start_config.py checks that it
agrees with the validated configuration.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_CONFIG = "KIOSK_CONFIG"
ENV_DATA_DIR = "KIOSK_DATA_DIR"
LANGUAGES = ("vi", "en")
HOSPITAL_NAME_VI = "Bệnh viện Đa khoa Minh Tâm"
HOSPITAL_NAME_EN = "Minh Tam General Hospital"
MODES = ("demo", "kiosk")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and the problem."""


def read_raw(
    path: str | Path | None = None, data_dir: str | Path | None = None
) -> tuple[str, dict[str, Any]]:
    """The configuration file as TOML tables, and where it came from ("defaults" without one).

    `path` falls back to $KIOSK_CONFIG, then to no file; `data_dir` (or $KIOSK_DATA_DIR)
    replaces the file's data_dir. Raises ConfigError if the file cannot be read or parsed.
    """
    path = path or os.environ.get(ENV_CONFIG) or None
    raw: dict[str, Any] = {}
    where = "defaults"
    if path:
        where = str(path)
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{where}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}: cannot read ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{where}: not valid TOML ({exc})") from None
    data_dir = data_dir or os.environ.get(ENV_DATA_DIR) or None
    if data_dir:
        raw["data_dir"] = str(data_dir)
    return where, raw


def default_data_path(data_dir: str | Path | None = None) -> Path:
    """Where data lives without a usable configuration (its logs, when it was rejected):
    `data_dir`, else $KIOSK_DATA_DIR, else the user data directory (KioskConfig.data_path's
    default)."""
    data_dir = data_dir or os.environ.get(ENV_DATA_DIR) or None
    if data_dir:
        return Path(data_dir)
    import platformdirs

    return Path(platformdirs.user_data_dir("hospital-kiosk"))


@dataclass(frozen=True)
class StartHospital:
    name_vi: str = HOSPITAL_NAME_VI
    name_en: str = HOSPITAL_NAME_EN

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_vi


@dataclass(frozen=True)
class StartPayment:
    enabled: bool = False


@dataclass(frozen=True)
class StartConfig:
    """The part of KioskConfig the start screen shows (same names, same shapes)."""

    mode: str = "demo"
    languages: tuple[str, ...] = LANGUAGES
    default_language: str = "vi"
    hospital: StartHospital = field(default_factory=StartHospital)
    payment: StartPayment = field(default_factory=StartPayment)


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    return value if isinstance(value, dict) else {}


def _text(table: dict[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    return value if isinstance(value, str) else default


_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


def _switch(value: Any) -> bool:
    """A bool as pydantic reads one (also "yes", "off", 1, 0.0, ...); False if it is none."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


def start_config_from(raw: dict[str, Any]) -> StartConfig:
    """The start screen's values from the file's tables; a default for each one not usable."""
    languages = raw.get("languages", list(LANGUAGES))
    if not (
        isinstance(languages, list)
        and languages
        and all(isinstance(x, str) and x in LANGUAGES for x in languages)
    ):
        languages = list(LANGUAGES)
    default_language = raw.get("default_language", "vi")
    if default_language not in languages:
        default_language = languages[0]
    mode = raw.get("mode", "demo")
    hospital = _table(raw, "hospital")
    enabled = _table(raw, "payment").get("enabled", False)
    return StartConfig(
        mode=mode if mode in MODES else "demo",
        languages=tuple(languages),
        default_language=default_language,
        hospital=StartHospital(
            _text(hospital, "name_vi", HOSPITAL_NAME_VI),
            _text(hospital, "name_en", HOSPITAL_NAME_EN),
        ),
        payment=StartPayment(_switch(enabled)),
    )


def read_start_config(
    path: str | Path | None = None, data_dir: str | Path | None = None
) -> StartConfig:
    """The start screen's values from the configuration `load_config` would load (the
    defaults if the file cannot be read: `load_config` reports that after the first paint)."""
    try:
        _, raw = read_raw(path, data_dir)
    except ConfigError:
        return StartConfig()
    return start_config_from(raw)
