"""kiosk.start_config: the start screen's values, read before pydantic, agree with the validated
configuration (kiosk.config) for every file it accepts, and fall back to the defaults (never
raise) for a file it rejects; that file is then rejected by load_config after the first paint."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskConfig, load_config
from kiosk.start_config import StartConfig, StartHospital, StartPayment, read_start_config


def of(config: KioskConfig) -> StartConfig:
    """What the start screen would show from the validated configuration."""
    return StartConfig(
        mode=config.mode,
        languages=tuple(config.languages),
        default_language=config.default_language,
        hospital=StartHospital(config.hospital.name_vi, config.hospital.name_en),
        payment=StartPayment(config.payment.enabled),
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_DATA_DIR", raising=False)


def test_the_defaults_are_the_configurations_defaults(tmp_path):
    assert read_start_config(None, tmp_path) == of(load_config(None, tmp_path)) == StartConfig()


@pytest.mark.parametrize(
    "text",
    [
        'mode = "kiosk"\n',
        'languages = ["en"]\ndefault_language = "en"\n',
        'languages = ["en", "vi"]\ndefault_language = "vi"\n',
        '[hospital]\nname_vi = "Bệnh viện Chợ Rẫy"\nname_en = "Cho Ray Hospital"\ncode = "79001"\n',
        "[payment]\nenabled = true\n",
        '[payment]\nenabled = "yes"\n',  # read as pydantic reads a bool
        "[payment]\nenabled = 1\n",
        '[payment]\nenabled = "off"\n',
        'kiosk_id = "lobby-2"\n[idle]\ntimeout_s = 30\n',  # keys the start screen does not show
    ],
)
def test_it_agrees_with_the_validated_configuration(tmp_path, text):
    path = write(tmp_path, text)
    assert read_start_config(path, tmp_path) == of(load_config(path, tmp_path))


def test_the_environment_names_the_file_as_for_load_config(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_CONFIG", str(write(tmp_path, 'default_language = "en"\n')))
    assert read_start_config().default_language == "en" == load_config().default_language


@pytest.mark.parametrize(
    "text",
    [
        'mode = "lobby"\n',
        'languages = ["fr"]\n',
        "languages = []\n",
        'default_language = "fr"\n',
        'languages = ["en"]\ndefault_language = "vi"\n',
        "[hospital]\nname_vi = 3\n",
        'hospital = "Minh Tam"\n',
        '[payment]\nenabled = "maybe"\n',
        "[payment]\nenabled = 2\n",
        "this is not TOML",
    ],
)
def test_a_rejected_file_shows_defaults_and_never_raises(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError):
        load_config(path, tmp_path)
    start = read_start_config(path, tmp_path)
    assert start.mode in ("demo", "kiosk")
    assert start.default_language in start.languages
    assert set(start.languages) <= {"vi", "en"}
    assert start.hospital == StartHospital()
    assert start.payment.enabled is False


def test_a_missing_file_shows_defaults(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nothing.toml")
    assert read_start_config(tmp_path / "nothing.toml") == StartConfig()
