"""PIN hashing, verification, lockout and its persistence; `kiosk admin hash-pin`."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pytest

from kiosk.admin.pin import (
    PinFormatError,
    PinGuard,
    hash_pin,
    parse_hash,
    verify_pin,
)
from kiosk.cli import main
from kiosk.config import ConfigError, KioskConfig, load_config

# Small scrypt parameters keep the guard tests fast; the default is checked once below.
FAST = {"n": 1024, "r": 8, "p": 1}


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_hash_is_salted_self_describing_and_verifies() -> None:
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a != b  # random salt
    assert a.startswith("scrypt$n=16384,r=8,p=1$")
    assert "2468" not in a
    parsed = parse_hash(a)
    assert parsed.n == 16384 and len(parsed.salt) == 16 and len(parsed.key) == 32
    assert verify_pin("2468", a) and verify_pin("2468", b)
    assert not verify_pin("2469", a)
    assert not verify_pin("", a)


@pytest.mark.parametrize(
    "bad", ["", "abc", "scrypt$n=16384$xx$yy", "scrypt$n=1000,r=8,p=1$AAAA$BBBB", "md5$x$y$z"]
)
def test_malformed_hash_never_verifies(bad: str) -> None:
    assert not verify_pin("1234", bad)
    with pytest.raises(PinFormatError):
        parse_hash(bad)


@pytest.mark.parametrize("pin", ["123", "12a4", "1234567890123", "１２３４"])
def test_pin_format_is_checked(pin: str) -> None:
    with pytest.raises(PinFormatError):
        hash_pin(pin)


def test_config_rejects_a_malformed_hash(tmp_path: Path) -> None:
    cfg = tmp_path / "k.toml"
    cfg.write_text('[admin]\npin_hash = "plain-1234"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="admin.pin_hash"):
        load_config(cfg)
    cfg.write_text(f'[admin]\npin_hash = "{hash_pin("1234", **FAST)}"\n', encoding="utf-8")
    assert load_config(cfg).admin.pin_hash.startswith("scrypt$")


def test_guard_locks_out_after_max_attempts_then_recovers(tmp_path: Path) -> None:
    clock = Clock()
    guard = PinGuard(hash_pin("1357", **FAST), max_attempts=3, lockout_s=60, clock=clock)
    assert guard.enabled
    assert guard.check("1357").ok
    r1 = guard.check("0000")
    assert not r1.ok and not r1.locked and r1.attempts_left == 2
    assert guard.check("1111").attempts_left == 1
    r3 = guard.check("2222")
    assert r3.locked and r3.retry_after_s == 60
    # The right PIN is refused during the lockout.
    clock.t += 59
    r = guard.check("1357")
    assert not r.ok and r.locked and 0 < r.retry_after_s <= 1
    clock.t += 2
    assert guard.retry_after() == 0
    assert guard.check("1357").ok
    assert guard.attempts_left() == 3


def test_success_resets_the_count() -> None:
    guard = PinGuard(hash_pin("1357", **FAST), max_attempts=3, lockout_s=60, clock=Clock())
    guard.check("0000")
    guard.check("0000")
    assert guard.check("1357").ok
    assert guard.check("0000").attempts_left == 2


def test_lockout_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    state = tmp_path / "data" / "admin-lockout.json"
    h = hash_pin("9876", **FAST)
    guard = PinGuard(h, max_attempts=2, lockout_s=300, state_path=state, clock=clock)
    guard.check("1")
    guard.check("2")
    assert json.loads(state.read_text())["failures"] == 2
    clock.t += 10
    again = PinGuard(h, max_attempts=2, lockout_s=300, state_path=state, clock=clock)
    assert again.retry_after() == pytest.approx(290)
    assert again.check("9876").locked
    # Failures short of a lockout also persist.
    clock.t += 300
    assert again.check("9876").ok
    again.check("5")
    third = PinGuard(h, max_attempts=2, lockout_s=300, state_path=state, clock=clock)
    assert third.attempts_left() == 1


def test_damaged_state_file_locks_rather_than_unlocks(tmp_path: Path) -> None:
    state = tmp_path / "admin-lockout.json"
    state.write_text("{not json", encoding="utf-8")
    guard = PinGuard(hash_pin("1234", **FAST), lockout_s=30, state_path=state, clock=Clock())
    assert guard.retry_after() == 30


def test_no_hash_means_admin_disabled() -> None:
    guard = PinGuard("", clock=Clock())
    assert not guard.enabled
    assert not guard.check("1234").ok


def test_from_config_uses_the_data_dir(tmp_path: Path) -> None:
    config = KioskConfig.model_validate(
        {
            "data_dir": str(tmp_path),
            "admin": {"pin_hash": hash_pin("1234", **FAST), "max_attempts": 1},
        }
    )
    guard = PinGuard.from_config(config)
    guard.check("0000")
    assert (tmp_path / "admin-lockout.json").exists()
    assert guard.retry_after() > 0


def test_cli_hash_pin_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("482913\n"))
    assert main(["admin", "hash-pin", "--stdin"]) == 0
    out = capsys.readouterr().out
    line = tomllib.loads(out)["pin_hash"]
    assert verify_pin("482913", line)
    assert "482913" not in out


def test_cli_hash_pin_rejects_bad_pin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["admin", "hash-pin", "--stdin"]) == 2
    assert "4 to 12 digits" in capsys.readouterr().err


def test_cli_unlock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    state = tmp_path / "admin-lockout.json"
    state.write_text(json.dumps({"failures": 5, "locked_until": 9e12}), encoding="utf-8")
    assert main(["admin", "unlock", "--data-dir", str(tmp_path)]) == 0
    assert json.loads(state.read_text())["locked_until"] == 0
