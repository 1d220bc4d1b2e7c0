"""Masked structured logging, rotation, faulthandler, recent lines and SIGTERM."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.logging_setup import (
    FAULT_FILE,
    LOG_FILE,
    clear_sensitive,
    forget_sensitive,
    install_sigterm,
    mask,
    recent_lines,
    register_sensitive,
    setup_from_config,
    setup_logging,
    teardown_logging,
)

CITIZEN_ID = "001090123456"
NAME = "Nguyễn Văn An"
BIRTH = date(1990, 5, 17)
BHYT = "DN4010123456789"


@pytest.fixture
def logdir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "logs"
    teardown_logging()
    clear_sensitive()


def _leaks(text: str) -> list[str]:
    found = []
    for needle in (
        CITIZEN_ID,
        NAME,
        "NGUYEN VAN AN",
        "Nguyen Van An",
        "17/05/1990",
        "1990-05-17",
        BHYT,
    ):
        if needle.lower() in text.lower():
            found.append(needle)
    return found


def test_no_id_name_or_birth_date_passes(logdir: Path) -> None:
    setup_logging(logdir, console=False, faults=False)
    log = logging.getLogger("kiosk.test")
    register_sensitive(NAME, BIRTH, CITIZEN_ID)
    log.info("card read for %s (%s) born %s", CITIZEN_ID, NAME, BIRTH.strftime("%d/%m/%Y"))
    log.info("upper-case, folded: %s", "NGUYEN VAN AN")
    log.info("iso birth date %s", BIRTH.isoformat())
    log.info(
        "gateway request",
        extra={"body": json.dumps({"maThe": BHYT, "hoTen": NAME, "ngaySinh": "17/05/1990"})},
    )
    log.info("url /api/check?maThe=%s&hoTen=%s", BHYT, "Nguyen%20Van%20An")
    log.info("structured", extra={"citizen_id": CITIZEN_ID, "full_name": NAME, "clinic": "noi"})
    try:
        raise ValueError(f"bad id {CITIZEN_ID} for {NAME}")
    except ValueError:
        log.exception("read failed")
    forget_sensitive(NAME, BIRTH, CITIZEN_ID)
    # Unregistered values are still caught by their shape.
    log.warning("another patient 079203001234 born 02/03/2003 card HC4791234567890")
    text = (logdir / LOG_FILE).read_text(encoding="utf-8")
    assert _leaks(text) == []
    assert "079203001234" not in text and "02/03/2003" not in text and "HC4791234567890" not in text
    assert "0792******34" in text and "HC47*********90" in text
    assert "clinic=noi" in text  # ordinary fields survive
    assert "ValueError" in text  # tracebacks survive, masked
    for line in text.splitlines():
        assert line.startswith("ts=") and " level=" in line and " msg=" in line


def test_json_format_and_extra_patterns(logdir: Path) -> None:
    setup_logging(logdir, fmt="json", console=False, faults=False, sensitive=[r"LH\d{8}"])
    logging.getLogger("kiosk.test").info(
        "appointment LH12345678 for %s", CITIZEN_ID, extra={"n": 3}
    )
    lines = (logdir / LOG_FILE).read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["msg"] == "appointment *** for 0010******56"
    assert record["n"] == 3 and record["level"] == "INFO" and record["logger"] == "kiosk.test"


def test_mask_leaves_ordinary_text_alone() -> None:
    text = "ticket N012 issued in 35 ms at 2026-11-23T15:00:01 paper ok, 7531 rows"
    assert mask(text) == text


def test_rotation(logdir: Path) -> None:
    setup_logging(logdir, console=False, faults=False, max_bytes=10_000, backups=3)
    log = logging.getLogger("kiosk.test")
    for i in range(600):
        log.info("line %05d %s", i, "x" * 40)
    files = sorted(p.name for p in logdir.iterdir() if p.name.startswith(LOG_FILE))
    assert files == [LOG_FILE, f"{LOG_FILE}.1", f"{LOG_FILE}.2", f"{LOG_FILE}.3"]
    assert all((logdir / f).stat().st_size <= 10_500 for f in files)
    lines = recent_lines(150)
    assert len(lines) == 150  # spans the current and the rotated file
    assert "line 00599" in lines[-1]
    assert "line 00450" in lines[0]


def test_recent_lines_are_masked_again(logdir: Path) -> None:
    logdir.mkdir(parents=True)
    (logdir / LOG_FILE).write_text(
        f"old line with {CITIZEN_ID} written before masking\n", encoding="utf-8"
    )
    assert recent_lines(10, logdir / LOG_FILE) == [
        "old line with 0010******56 written before masking"
    ]
    assert recent_lines(10, logdir / "missing.log") == []


def test_faulthandler_writes_to_the_log_dir(tmp_path: Path) -> None:
    code = (
        "import sys, faulthandler\n"
        "from kiosk.logging_setup import setup_logging\n"
        f"setup_logging({str(tmp_path)!r}, console=False)\n"
        "faulthandler._sigsegv()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=60, cwd=Path(__file__).parents[2]
    )
    assert proc.returncode != 0
    dump = (tmp_path / FAULT_FILE).read_text(encoding="utf-8")
    assert "Fatal Python error" in dump and "Segmentation fault" in dump
    assert "logging started" in (tmp_path / LOG_FILE).read_text(encoding="utf-8")


def test_setup_from_config(tmp_path: Path) -> None:
    from kiosk.config import KioskConfig

    config = KioskConfig.model_validate({"data_dir": str(tmp_path)})
    try:
        setup = setup_from_config(config)
        assert setup.log_file == tmp_path / "logs" / LOG_FILE
        assert setup.log_file.exists()
    finally:
        teardown_logging()


def test_sigterm_calls_back_once() -> None:
    calls: list[int] = []
    uninstall = install_sigterm(lambda: calls.append(1))
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        assert calls == [1]
    finally:
        uninstall()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_whole_journey_logs_no_citizen_id_name_or_birth_date(tmp_path: Path) -> None:
    """Every logger at DEBUG through one patient's journey on the demo services (no Qt)."""
    from kiosk.bootstrap import build_services
    from kiosk.config import KioskConfig
    from kiosk.session import Session, Step

    config = KioskConfig.model_validate({"data_dir": str(tmp_path / "data")})
    setup_logging(tmp_path / "logs", level="DEBUG", console=False, faults=False)
    services = build_services(config)
    try:
        reader = services.card_reader
        assert reader is not None
        person = reader.people["an-adult"]  # type: ignore[attr-defined]
        session = Session(services)
        session.begin("vi")
        session.accept_privacy("test-notice")  # the personal-data notice
        reader.insert("an-adult")  # type: ignore[attr-defined]
        session.card_inserted()
        assert session.step is Step.CARD_KEY
        session.submit_id(person["id"])
        assert session.step is Step.CONFIRM_IDENTITY, session.data.message
        session.confirm_identity()
        assert session.step is Step.INSURANCE_RESULT
        session.continue_after_insurance()
        session.choose_clinic(config.clinics[0].id)
        session.choose_priority(None)
        session.confirm()
        assert session.step is Step.TICKET
        session.finish()
        reader.remove()  # type: ignore[attr-defined]
    finally:
        services.close()
        teardown_logging()
    text = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "logs").glob("kiosk.log*"))
    assert len(text.splitlines()) >= 3  # the journey did log
    from kiosk.text import fold

    forbidden = [person["id"], person["dob"], person["old_id"], "1990-01-01"]
    forbidden += [person["name"], fold(person["name"]), person["father"], person["mother"]]
    leaks = [f for f in forbidden if f.lower() in text.lower()]
    assert leaks == [], text


def test_the_nine_digit_old_id_is_masked_by_its_shape() -> None:
    # CMND: the old 9-digit identity card number, printed in the CCCD QR and on BHYT records.
    assert mask("old id 012345678 on the QR") == "old id 0123***78 on the QR"
    assert mask("cmnd=012345678") == "cmnd=0123***78"
    # eight digits are not an identifier shape; thirteen are not either
    assert mask("8 digits 12345678, 13 digits 1234567890123") == (
        "8 digits 12345678, 13 digits 1234567890123"
    )


def test_a_logged_old_id_never_reaches_the_file(logdir: Path) -> None:
    setup_logging(logdir, console=False, faults=False)
    logging.getLogger("kiosk.test").warning("QR fields: %s|%s", "012345678", "Nam")
    text = (logdir / LOG_FILE).read_text(encoding="utf-8")
    assert "012345678" not in text and "0123***78" in text


def test_birth_dates_of_either_century_are_masked_by_their_shape() -> None:
    for text in ("born 17/05/1990", "born 17.05.1990", "born 1-5-1948", "born 02/03/2003"):
        assert mask(text) == "born **/**/****", text
