"""The in-process stand-in, the factory, and that check() never raises."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from insurance_support import AN, person

from hardware.status import DeviceStatus
from kiosk.config import KioskConfig
from kiosk.insurance.base import CheckOutcome, CheckResult, InsuranceChecker
from kiosk.insurance.decision import CODES
from kiosk.insurance.factory import build_insurance
from kiosk.insurance.gateway import GatewayChecker
from kiosk.insurance.standin import StandInChecker
from kiosk.models import Identity, IdentitySource, InsuranceAction


def standin(**insurance: object) -> StandInChecker:
    return StandInChecker(KioskConfig.model_validate({"insurance": insurance}))


def test_factory_builds_the_configured_backend() -> None:
    assert isinstance(build_insurance(KioskConfig.model_validate({})), StandInChecker)
    gateway = build_insurance(KioskConfig.model_validate({"insurance": {"backend": "gateway"}}))
    assert isinstance(gateway, GatewayChecker)
    gateway.close()


def test_outcomes_for_the_tester_panel() -> None:
    ids = [i for i, _ in StandInChecker.outcomes()]
    assert ids[0] == "auto"
    assert set(CODES) <= set(ids)
    assert {"timeout", "unavailable"} <= set(ids)
    assert all(label for _, label in StandInChecker.outcomes())
    with pytest.raises(ValueError):
        standin().set_outcome("999")


@pytest.mark.parametrize(
    ("name", "code", "action", "coverage"),
    [
        ("Nguyễn Văn An", "000", InsuranceAction.INSURED, 80),
        ("Trần Thị Bình", "000", InsuranceAction.INSURED, 95),
        ("Lê Minh Khôi", "000", InsuranceAction.INSURED, 100),
        ("Phạm Thị Hoa", "000", InsuranceAction.SELF_PAY, 0),
        ("Hoàng Đức Thắng", "010", InsuranceAction.SELF_PAY, None),
    ],
)
def test_auto_answers_like_the_simulator(
    name: str, code: str, action: InsuranceAction, coverage: int | None
) -> None:
    e = standin().check(person(name))
    assert (e.code, e.action, e.coverage_percent, e.verified) == (code, action, coverage, True)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_can_be_forced(code: str) -> None:
    checker = standin()
    checker.set_outcome(code)
    result = checker.check_detailed(AN)
    info = CODES[code]
    if info.kind in ("failure", "auth"):
        assert not result.eligibility.verified
        assert result.outcome in (CheckOutcome.GATEWAY_ERROR, CheckOutcome.AUTH)
    elif info.kind == "new_card":
        assert result.outcome is CheckOutcome.ANSWERED
        assert result.first_raw is not None and result.first_raw["maKetQua"] == code
        assert result.eligibility.code == "000"
    else:
        assert result.eligibility.code == code and result.eligibility.verified
    assert checker.status().details["outcome"] == code


def test_forced_code_for_someone_not_in_the_table() -> None:
    checker = standin()
    checker.set_outcome("000")
    stranger = Identity(
        source=IdentitySource.KEYPAD,
        citizen_id="001199000001",
        full_name="Người Lạ",
        birth_date=date(1999, 1, 1),
    )
    e = checker.check(stranger, today=date(2026, 5, 1))
    assert (e.code, e.correct_route, e.verified) == ("000", True, True)
    checker.set_outcome("auto")
    assert checker.check(stranger).code == "050"


def test_timeout_outcome_waits_the_read_timeout_then_is_not_verified() -> None:
    checker = standin(read_timeout_s=0.2)
    checker.set_outcome("timeout")
    started = time.monotonic()
    result = checker.check_detailed(AN)
    assert 0.2 <= time.monotonic() - started < 0.6
    assert result.outcome is CheckOutcome.TIMEOUT
    e = result.eligibility
    assert not e.verified and e.action is InsuranceAction.DESK
    assert (
        e.message_en
        == "We could not check your insurance right now; the reception desk will check."
    )
    assert e.staff_note == "BHYT chưa xác minh — quầy tiếp đón kiểm tra"


def test_unavailable_outcome_answers_at_once() -> None:
    checker = standin(unverified_action="self_pay")
    checker.set_outcome("unavailable")
    result = checker.check_detailed(AN)
    assert result.outcome is CheckOutcome.UNAVAILABLE and result.elapsed_s < 0.1
    assert result.eligibility.action is InsuranceAction.SELF_PAY  # hospital policy


def test_latency_setting() -> None:
    started = time.monotonic()
    standin(standin_latency_ms=100).check(AN)
    assert time.monotonic() - started >= 0.1


def test_missing_people_file_means_not_verified(tmp_path: Path) -> None:
    checker = standin(people_file=str(tmp_path / "missing.json"))
    assert not checker.status().ok
    result = checker.check_detailed(AN)
    assert result.outcome is CheckOutcome.UNAVAILABLE and not result.eligibility.verified


def test_status() -> None:
    checker = standin()
    assert checker.status().ok
    checker.check(AN)
    assert checker.status().details["last_outcome"] == "answered"


class _Broken(InsuranceChecker):
    def _check(self, identity: Identity, today: date) -> CheckResult:
        raise RuntimeError("a bug")

    def status(self) -> DeviceStatus:
        raise NotImplementedError


def test_check_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    e = _Broken().check(AN)
    assert not e.verified and e.action is InsuranceAction.DESK
    result = _Broken().check_detailed(AN)
    assert result.outcome is CheckOutcome.INTERNAL and result.error == "RuntimeError"
    assert "001090123456" not in caplog.text
