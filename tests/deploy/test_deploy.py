"""deploy/: install.sh into a DESTDIR, the systemd unit, udev and polkit rules, example config."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import load_config

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def _install(dest: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        k: v for k, v in os.environ.items() if k not in ("SCANNER_VENDOR_ID", "PRINTER_VENDOR_ID")
    }
    full.update(DESTDIR=str(dest), **env)
    return subprocess.run(
        ["bash", str(DEPLOY / "install.sh")],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _tree(root: Path) -> set[str]:
    out = set()
    for path in root.rglob("*"):
        rel = "/" + str(path.relative_to(root))
        if "/opt/hospital-kiosk/app/" in rel and rel.count("/") > 5:
            continue
        out.add(rel + ("/" if path.is_dir() else ""))
    return out


def test_install_into_destdir_lays_out_the_expected_tree(tmp_path: Path) -> None:
    dest = tmp_path / "root"
    result = _install(dest, SCANNER_VENDOR_ID="05E0")
    assert result.returncode == 0, result.stderr
    assert _tree(dest) >= {
        "/etc/kiosk/",
        "/etc/kiosk/kiosk.toml",
        "/etc/kiosk/kiosk.example.toml",
        "/etc/systemd/system/kiosk.service",
        "/etc/udev/rules.d/70-kiosk.rules",
        "/etc/polkit-1/rules.d/50-kiosk-pcscd.rules",
        "/opt/hospital-kiosk/app/",
        "/opt/hospital-kiosk/app/pyproject.toml",
        "/opt/hospital-kiosk/app/kiosk/",
        "/opt/hospital-kiosk/app/hardware/",
        "/opt/hospital-kiosk/app/ui/",
        "/opt/hospital-kiosk/app/assets/",
        "/var/lib/kiosk/",
        "/var/log/kiosk/",
    }
    # Nothing outside the expected top-level folders; no caches copied.
    assert {p.name for p in dest.iterdir()} == {"etc", "opt", "var"}
    assert not list(dest.rglob("__pycache__"))
    assert (dest / "opt/hospital-kiosk/app/kiosk/config.py").exists()
    assert stat.S_IMODE((dest / "etc/kiosk/kiosk.toml").stat().st_mode) == 0o640
    assert stat.S_IMODE((dest / "var/lib/kiosk").stat().st_mode) == 0o750
    # The installed configuration is the example and loads.
    assert (dest / "etc/kiosk/kiosk.toml").read_text() == (
        DEPLOY / "kiosk.example.toml"
    ).read_text()
    config = load_config(dest / "etc/kiosk/kiosk.toml")
    assert config.mode == "kiosk" and config.data_dir == "/var/lib/kiosk"
    # The udev vendor was substituted; the printer vendor rule stays commented out.
    udev = (dest / "etc/udev/rules.d/70-kiosk.rules").read_text()
    assert 'ATTRS{idVendor}=="05e0"' in udev and "@SCANNER_VENDOR@" not in udev
    assert all(line.startswith("#") for line in udev.splitlines() if "@PRINTER_VENDOR@" in line)
    polkit = (dest / "etc/polkit-1/rules.d/50-kiosk-pcscd.rules").read_text()
    assert 'subject.user == "kiosk"' in polkit
    assert (
        "org.debian.pcsc-lite.access_pcsc" in polkit
        and "org.debian.pcsc-lite.access_card" in polkit
    )


def test_install_keeps_an_existing_configuration_and_honours_prefix_and_user(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "root"
    (dest / "etc/kiosk").mkdir(parents=True)
    (dest / "etc/kiosk/kiosk.toml").write_text('kiosk_id = "lobby-2"\n')
    result = _install(dest, PREFIX="/srv/kiosk", KIOSK_USER="lobby", PRINTER_VENDOR_ID="0416")
    assert result.returncode == 0, result.stderr
    assert (dest / "etc/kiosk/kiosk.toml").read_text() == 'kiosk_id = "lobby-2"\n'
    unit = (dest / "etc/systemd/system/kiosk.service").read_text()
    assert (
        "ExecStart=/usr/bin/cage -- /srv/kiosk/.venv/bin/kiosk run --config /etc/kiosk/kiosk.toml"
        in unit
    )
    assert "User=lobby" in unit
    assert (
        'subject.user == "lobby"'
        in (dest / "etc/polkit-1/rules.d/50-kiosk-pcscd.rules").read_text()
    )
    assert 'ATTR{idVendor}=="0416"' in (dest / "etc/udev/rules.d/70-kiosk.rules").read_text()
    # Running it twice is fine.
    assert _install(dest, PREFIX="/srv/kiosk").returncode == 0


def test_install_rejects_bad_input(tmp_path: Path) -> None:
    result = _install(tmp_path / "root", SCANNER_VENDOR_ID="xyz")
    assert result.returncode != 0 and "4 hex digits" in result.stderr
    assert not (tmp_path / "root" / "opt").exists()


def _unit() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in (DEPLOY / "kiosk.service").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = []
        else:
            sections[current].append(line)
    return sections


def test_unit_file_content() -> None:
    service = _unit()["Service"]
    for needed in (
        "Type=notify",
        "NotifyAccess=all",
        "WatchdogSec=30",
        "Restart=always",
        "User=kiosk",
        "PAMName=login",
        "TTYPath=/dev/tty1",
        "RestartPreventExitStatus=76",
        "LimitNOFILE=4096",  # limits are the net under the leak fixes (issue 12)
        "MemoryMax=1600M",
        "ExecStart=/usr/bin/cage -- /opt/hospital-kiosk/.venv/bin/kiosk run --config /etc/kiosk/kiosk.toml",
    ):
        assert needed in service
    assert "Conflicts=getty@tty1.service" in _unit()["Unit"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not available")
def test_unit_file_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    unit = (DEPLOY / "kiosk.service").read_text()
    if not Path("/usr/bin/cage").exists():
        # verify insists that ExecStart exists; stand in for cage when it is not installed.
        fake = tmp_path / "cage"
        fake.write_text("#!/bin/sh\n")
        fake.chmod(0o755)
        unit = unit.replace("/usr/bin/cage", str(fake))
    path = tmp_path / "kiosk.service"
    path.write_text(unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    complaints = [
        line for line in (result.stdout + result.stderr).splitlines() if "kiosk.service" in line
    ]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


UDEV_KEY = re.compile(
    r"^(ACTION|SUBSYSTEM|KERNEL|DEVPATH|DRIVER|ATTRS?\{[^}]+\}|ENV\{[^}]+\}|TEST|TAG|GROUP|MODE|OWNER|SYMLINK|RUN)"
    r'(==|!=|=|\+=)"[^"]*"$'
)


def test_udev_rules_are_well_formed(tmp_path: Path) -> None:
    dest = tmp_path / "root"
    assert _install(dest, SCANNER_VENDOR_ID="05e0", PRINTER_VENDOR_ID="0416").returncode == 0
    text = (dest / "etc/udev/rules.d/70-kiosk.rules").read_text()
    rules = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert len(rules) >= 9
    for rule in rules:
        for part in (p.strip() for p in rule.split(", ")):
            assert UDEV_KEY.match(part), f"bad udev clause {part!r} in {rule!r}"
    assert 'SUBSYSTEM=="video4linux", GROUP="video"' in text
    assert 'KERNEL=="ttyACM[0-9]*|ttyUSB[0-9]*", GROUP="dialout"' in text
    assert 'SUBSYSTEM=="input"' in text and 'GROUP="input"' in text
    assert "*:0b????:*" in text  # CCID readers
    assert "*:07????:*" in text and 'GROUP="lp"' in text  # USB printer class


def test_example_config_is_in_sync_documented_and_loads() -> None:
    result = subprocess.run(
        [sys.executable, str(DEPLOY / "make_example_config.py"), "--check"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    config = load_config(DEPLOY / "kiosk.example.toml")
    assert config.devices.card_reader.backend == "pcsc"
    text = (DEPLOY / "kiosk.example.toml").read_text()
    assert "UNDOCUMENTED" not in text


def test_example_config_documents_every_key() -> None:
    sys.path.insert(0, str(DEPLOY))
    try:
        import make_example_config as gen
    finally:
        sys.path.remove(str(DEPLOY))
    text, undocumented = gen.generate()
    assert undocumented == []
    # Every leaf key of the model appears as `key = ` (or commented in an example entry).
    from kiosk.config import KioskConfig

    def leaves(model: type, out: set[str]) -> set[str]:
        for name, info in model.model_fields.items():  # type: ignore[attr-defined]
            sub = gen._model_of(info.annotation) or gen._list_model(info.annotation)
            if sub is None:
                out.add(name)
            else:
                leaves(sub, out)
        return out

    for key in leaves(KioskConfig, set()):
        assert re.search(rf"^(# )?{re.escape(key)} =", text, re.M), key
