"""`kiosk sim card --vpcd`, `kiosk read-card` and `kiosk bench card` through real pcscd + vpcd."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.cli import main

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(90)]

ROOT = Path(__file__).resolve().parents[3]
PERSON = ROOT / "assets" / "demo" / "people" / "hoa-adult.json"


@contextmanager
def sim_card(
    waiter: Callable[..., None], pki: Path, *extra: str
) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "card",
            "--vpcd",
            "--person",
            str(PERSON),
            "--pki",
            str(pki),
            *extra,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        waiter(True, timeout=20)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        waiter(False, timeout=15)


def _read_card(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["read-card", "--reader", "Virtual PCD 00 00", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_read_card_over_vpcd(
    card_waiter: Callable[..., None],
    test_pki: Path,
    trust_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = json.loads(PERSON.read_text(encoding="utf-8"))
    with sim_card(card_waiter, test_pki) as proc:
        photo = tmp_path / "face.jpg"
        code, out = _read_card(
            capsys, "--id", person["id"], "--trust", str(trust_dir), "--photo", str(photo)
        )
        assert code == 0, out
        identity = out["identity"]
        assert isinstance(identity, dict)
        assert identity["full_name"] == person["name"]
        assert identity["residence"] == person["residence"]
        assert out["access"] == "PACE"
        assert out["authenticity"] == "trusted"
        assert out["chip_authentication"] == "passed" and out["accepted"] is True
        assert isinstance(out["apdus"], int) and out["apdus"] >= 10
        assert photo.read_bytes()[:3] == b"\xff\xd8\xff"
        # BAC with the birth and issue dates; no trust store: consistent
        dob = person["dob"].replace("/", "")
        issued = person["issue_date"].replace("/", "")
        code, out = _read_card(capsys, "--id", person["id"], "--dob", dob, "--issued", issued)
        assert code == 10 and out["authenticity"] == "consistent"  # read, refused by the policy
        assert (out["accepted"], out["refusal"]) == (False, "not_trusted")
        # a wrong CAN: access denied, exit code 4
        code, out = _read_card(capsys, "--can", "000000")
        assert code == 4 and out["error"] == "AccessDenied"
        assert proc.poll() is None


def test_sim_card_faults_from_the_command_line(
    card_waiter: Callable[..., None],
    test_pki: Path,
    trust_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = json.loads(PERSON.read_text(encoding="utf-8"))
    with sim_card(card_waiter, test_pki, "--fault", "not_emrtd"):
        code, out = _read_card(capsys, "--id", person["id"])
        assert (code, out["error"]) == (5, "NotAnIdCard")
    with sim_card(card_waiter, test_pki, "--fault", "tampered_dg13"):
        code, out = _read_card(capsys, "--id", person["id"], "--trust", str(trust_dir))
        assert (code, out["error"]) == (7, "IntegrityError")


def test_bad_arguments_are_json_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["read-card", "--reader", "Virtual PCD 00 00", "--json", "--dob", "01011990"])
    assert code == 2
    assert json.loads(capsys.readouterr().out)["error"] == "BadArguments"


def test_read_card_without_a_card(
    card_waiter: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _read_card(capsys, "--can", "123456")
    assert code == 9 and out["error"] == "NoCard"
    code = main(["read-card", "--reader", "no such reader", "--can", "123456", "--json"])
    assert code == 8
    assert json.loads(capsys.readouterr().out)["error"] == "ReaderUnavailable"


def test_bench_card_prints_numbers(pcscd: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "card", "--reads", "3", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    for label in ("identity", "identity+photo"):
        row = results[label]
        assert row["reads"] == 3
        assert 0 < row["median_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["authenticity"] == "trusted" and row["chip_authentication"] == "passed"
    assert results["identity+photo"]["photo_bytes"] > 15_000
    assert results["identity+photo"]["bytes"] > results["identity"]["bytes"] + 15_000


# every fault of `kiosk sim card` -> (level, chip authentication, accepted, exit code)
CLI_FAULTS = {
    (): ("trusted", "passed", True, 0),
    ("--legacy",): ("trusted", "not_offered", True, 0),
    ("--active-auth",): ("trusted", "passed", True, 0),
    ("--active-auth", "--fault", "clone"): ("trusted", "failed", False, 10),
    ("--fault", "clone"): ("trusted", "failed", False, 10),
    ("--fault", "forged-sod"): ("read", "passed", False, 10),
    ("--fault", "resigned-sod"): ("consistent", "passed", False, 10),
    ("--fault", "no-sod"): ("read", "passed", False, 10),
    ("--fault", "dsc-keyusage"): ("consistent", "passed", False, 10),
    ("--fault", "csca-signed-sod"): ("consistent", "passed", False, 10),
    ("--fault", "revoked-dsc"): ("consistent", "passed", False, 10),
}


@pytest.mark.timeout(240)
def test_read_card_json_reports_level_and_acceptance_for_every_emulator_fault(
    card_waiter: Callable[..., None],
    test_pki: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hardware.icao.person import load_person

    trust = tmp_path / "trust"
    trust.mkdir()
    for name in ("csca.pem", "csca.crl"):  # the CSCA and its CRL, as hospital IT installs them
        (trust / name).write_bytes((test_pki / name).read_bytes())
    person = load_person(PERSON)
    for extra, (level, chip_auth, accepted, exit_code) in CLI_FAULTS.items():
        card_waiter(False, timeout=15)  # the previous card (or bench's) really gone first
        with sim_card(card_waiter, test_pki, *extra):
            code = main(
                [
                    "read-card",
                    "--reader",
                    "Virtual PCD 00 00",
                    "--json",
                    "--id",
                    person.id,
                    "--trust",
                    str(trust),
                ]
            )
            out = json.loads(capsys.readouterr().out)
        assert "error" not in out, (extra, out)
        assert (out["authenticity"], out["chip_authentication"], out["accepted"], code) == (
            level,
            chip_auth,
            accepted,
            exit_code,
        ), (extra, out["problems"])
