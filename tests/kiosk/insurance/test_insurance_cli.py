"""`kiosk check-insurance`, `kiosk bench insurance` and `kiosk sim gateway`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiosk.cli import main
from kiosk.insurance.simulator import GatewaySimulator

PASSWORD = "bv-secret-2026"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("TEST_KIOSK_GW_PASSWORD", PASSWORD)
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        "[insurance]\n"
        'username = "01001_BV"\n'
        'password_env = "TEST_KIOSK_GW_PASSWORD"\n'
        'officer_name = "Nguyễn Thị Hà"\n'
        'officer_id = "001080001234"\n'
        "read_timeout_s = 0.3\n"
        "connect_timeout_s = 0.3\n"
        "total_timeout_s = 1.0\n",
        encoding="utf-8",
    )
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_check_insurance_json(
    sim: GatewaySimulator, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.credentials = ("01001_BV", PASSWORD)
    args = ["check-insurance", "--config", str(config_file), "--base-url", sim.url]
    code, out = run_cli(
        [
            *args,
            "--card",
            "031195006789",
            "--name",
            "Phạm Thị Hoa",
            "--dob",
            "30/06/1995",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "answered"
    assert data["decision"]["code"] == "000"
    assert data["decision"]["correct_route"] is False
    assert data["decision"]["action"] == "self_pay"
    assert data["raw"]["maDKBD"] == "31012"
    assert data["gateway"]["password"] == "********"
    assert data["gateway"]["officer_id"] == "0010******34"
    assert PASSWORD not in out and "001080001234" not in out


def test_check_insurance_text_and_003(
    sim: GatewaySimulator, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["check-insurance", "--config", str(config_file), "--base-url", sim.url]
    code, out = run_cli(
        [*args, "--card", "DN4010185000003", "--name", "Vũ Thị Mai", "--dob", "1985"], capsys
    )
    assert code == 0
    assert "maKetQua: 000" in out and "first answer (003/004)" in out and "maTheMoi" in out


def test_check_insurance_fails_when_the_gateway_cannot_answer(
    sim: GatewaySimulator, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.set_fault("html_error")
    args = ["check-insurance", "--config", str(config_file), "--base-url", sim.url]
    code, out = run_cli(
        [
            *args,
            "--card",
            "001090123456",
            "--name",
            "Nguyễn Văn An",
            "--dob",
            "01/01/1990",
            "--json",
        ],
        capsys,
    )
    assert code == 1
    data = json.loads(out)
    assert data["outcome"] == "malformed" and data["decision"]["verified"] is False


def test_check_insurance_bad_date(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "check-insurance",
            "--config",
            str(config_file),
            "--card",
            "1",
            "--name",
            "A",
            "--dob",
            "1990-01-01",
        ]
    )
    assert code == 2


def test_bench_insurance(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(["bench", "insurance", "--checks", "30", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["faulted"]["raised"] == 0 and data["faulted"]["classified"]
    assert data["throughput"]["answered"] == 30
    for key in ("check", "bare_http", "overhead", "decision_only", "client_cpu"):
        assert {"median_ms", "p95_ms"} <= set(data[key])


def test_sim_gateway_command(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "gateway", "--port", "0", "--latency-ms", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("gateway simulator on http://127.0.0.1:"), first
        url = first.split()[3]
        deadline = time.monotonic() + 5
        while True:
            try:
                with requests.Session() as session:
                    session.trust_env = False
                    health = session.get(f"{url}/_sim/health", timeout=1).json()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert health["ok"] and health["people"] >= 32 and health["latency_ms"] == 5
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_check_insurance_logs_like_the_kiosk_masked(
    sim: GatewaySimulator, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.logging_setup import current_log_file, teardown_logging

    sim.credentials = ("01001_BV", PASSWORD)
    args = ["check-insurance", "--config", str(config_file), "--base-url", sim.url]
    try:
        code, _ = run_cli(
            [*args, "--card", "031195006789", "--name", "Phạm Thị Hoa", "--dob", "30/06/1995"],
            capsys,
        )
        log_file = current_log_file()
        assert log_file is not None
        text = log_file.read_text(encoding="utf-8")
    finally:
        teardown_logging()
    assert code == 0
    assert "insurance check: answered" in text  # it logs, to the kiosk's log file
    for secret in ("031195006789", "Phạm Thị Hoa", "Nguyễn Thị Hà", "001080001234", PASSWORD):
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("officer", "error"),
    [
        ({"officer_name": "Nguyễn Thị Hà"}, "set both"),
        ({"officer_id": "001080001234"}, "set both"),
        ({"officer_name": "Nguyễn Thị Hà", "officer_id": "0010800012"}, "12-digit"),
        ({"officer_name": "Hà 123", "officer_id": "001080001234"}, "without digits"),
    ],
)
def test_officer_config_is_validated(officer: dict[str, str], error: str) -> None:
    from pydantic import ValidationError

    from kiosk.insurance.config import InsuranceConfig

    with pytest.raises(ValidationError, match=error):
        InsuranceConfig.model_validate(officer)
