"""No password, token or full citizen ID (nor name, birth date) in any log output."""

from __future__ import annotations

import logging
import socket

import pytest
from conftest import MakeChecker
from insurance_support import AN, person

from kiosk.config import KioskConfig
from kiosk.insurance.gateway import md5_hex
from kiosk.insurance.simulator import GatewaySimulator
from kiosk.insurance.standin import StandInChecker

PASSWORD = "Mật-khẩu-BV-2026!"
OFFICER_ID = "001080001234"


def test_no_secret_or_patient_data_in_the_logs(
    sim: GatewaySimulator, make_checker: MakeChecker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "urllib3.connectionpool", "requests", "kiosk"):
        caplog.set_level(logging.DEBUG, logger=name)
    sim.credentials = ("01001_BV", PASSWORD)
    checker = make_checker(
        password=PASSWORD,
        officer_name="Nguyễn Thị Hà",
        officer_id=OFFICER_ID,
        breaker_failures=100,
    )
    mai = person("Vũ Thị Mai")  # 003: a follow-up with the new card
    checker.check(AN)
    checker.check(mai)
    sim.expire_tokens()  # 401 and one renewal
    checker.check(AN)
    for fault in (
        "dropped_connection",
        "http500",
        "timeout",
        "malformed_json",
        "html_error",
        "wrong_content_type",
        "unauthorized",
        "stale_token",
    ):
        sim.set_fault(fault)
        checker.check(AN)
    sim.set_fault(None)
    checker.check(AN)
    checker.probe()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        refused = make_checker(base_url=f"http://127.0.0.1:{s.getsockname()[1]}", password=PASSWORD)
        refused.check(AN)
    wrong = make_checker(password="not-the-password")
    wrong.check(AN)
    standin = StandInChecker(KioskConfig.model_validate({}))
    standin.check(AN)

    logged = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    # The log was really captured, urllib3's request lines included.
    assert "KQNhanLichSuKCB2024" in logged and "token=***" in logged
    assert len(sim.issued) >= 3
    secrets = [PASSWORD, md5_hex(PASSWORD), md5_hex("not-the-password"), OFFICER_ID]
    for access, id_token in sim.issued:
        secrets += [access, id_token]
    patient = [
        "001090123456",
        mai.citizen_id or "",
        "DN4010190123456",  # An's card number
        "Nguyễn Văn An",
        "Vũ Thị Mai",
        "01/01/1990",
        "15/05/1985",
        "Nguyễn Thị Hà",
    ]
    for value in secrets + patient:
        assert value and value not in logged, f"leaked: {value[:4]}…"
    # What IT sees through status() and errors is redacted as well.
    for status in (checker.status(), refused.status(), wrong.status()):
        text = repr(status)
        for value in secrets:
            assert value not in text
