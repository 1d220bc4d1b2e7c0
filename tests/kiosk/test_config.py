from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_run_the_demo_without_a_file(demo_config, data_dir):
    assert demo_config.devices.card_reader.backend == "simulated"
    assert demo_config.devices.printer.backend == "simulated"
    assert demo_config.insurance.backend == "standin"
    assert demo_config.storage.dsn.get_secret_value() == ""
    assert demo_config.data_path == data_dir
    assert demo_config.default_language == "vi"


def test_file_and_env(tmp_path, monkeypatch):
    path = write(
        tmp_path, 'kiosk_id = "lobby-3"\n[hospital]\ncode = "79001"\n[idle]\ntimeout_s = 30\n'
    )
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "d"))
    config = load_config()
    assert config.kiosk_id == "lobby-3"
    assert config.hospital.code == "79001"
    assert config.idle.timeout_s == 30
    assert config.data_path == tmp_path / "d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[idle]\ntimeout_s = 'soon'\n", "idle.timeout_s"),
        ("[devices.card_reader]\nbackend = 'magic'\n", "devices.card_reader.backend"),
        ("[hospital]\ncode = '123'\n", "hospital.code"),
        ("[hospital]\nnmae_vi = 'x'\n", "hospital.nmae_vi: unknown key"),
        ("languages = ['vi']\ndefault_language = 'en'\n", "default_language"),
        (
            "[[clinics]]\nid='a'\nname_vi='A'\nname_en='A'\n[[clinics]]\nid='a'\nname_vi='B'\nname_en='B'\n",
            "repeated: a",
        ),
        ("this is = not toml [", "not valid TOML"),
    ],
)
def test_bad_files_name_the_key_and_problem(tmp_path, text, expected):
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert expected in str(info.value)
    assert str(tmp_path) in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_config_show_masks_secrets(tmp_path, capsys):
    path = write(
        tmp_path,
        "[insurance]\npassword = 'hunter2'\n[storage]\ndsn = 'postgresql+psycopg://k:pw@db/kiosk'\n",
    )
    assert (
        main(["config", "show", "--json", "--config", str(path), "--data-dir", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    assert "hunter2" not in out and "pw@db" not in out
    data = json.loads(out)
    assert data["insurance"]["password"] == "********"
    assert data["storage"]["dsn"] == "********"
    assert main(["config", "show", "--config", str(path), "--data-dir", str(tmp_path)]) == 0
    toml_out = capsys.readouterr().out
    assert "hunter2" not in toml_out and "[insurance]" in toml_out


def test_bad_config_exits_with_one_clear_message(tmp_path, capsys):
    path = write(tmp_path, "[idle]\ntimeout_s = -5\n")
    assert main(["config", "check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "idle.timeout_s" in err
