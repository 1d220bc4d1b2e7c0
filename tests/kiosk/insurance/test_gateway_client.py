"""The gateway client over real HTTP against the simulator: codes, tokens, faults, breaker."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import MakeChecker
from insurance_support import AN, FAST, identity_of, people_rows, person

from kiosk.insurance.base import CheckOutcome
from kiosk.insurance.gateway import CircuitBreaker, md5_hex, parse_expires_in, redact
from kiosk.insurance.simulator import GatewaySimulator
from kiosk.models import Identity, IdentitySource, InsuranceAction

FAILURE_OUTCOMES = {
    "054": CheckOutcome.GATEWAY_ERROR,
    "055": CheckOutcome.GATEWAY_ERROR,
    "100": CheckOutcome.GATEWAY_ERROR,
    "101": CheckOutcome.GATEWAY_ERROR,
    "205": CheckOutcome.GATEWAY_ERROR,
    "500": CheckOutcome.GATEWAY_ERROR,
    "401": CheckOutcome.AUTH,
}
ROWS = [
    row for row in people_rows() if row["citizen_id"]
]  # the new-card rows are reached via 003/004


@pytest.mark.parametrize("by", ["citizen_id", "card_number"])
@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r.get('result') or 'auto'}-{r['name']}" for r in ROWS]
)
def test_every_person_of_the_people_file(
    sim: GatewaySimulator, make_checker: MakeChecker, row: dict[str, str], by: str
) -> None:
    checker = make_checker(breaker_failures=1000)
    result = checker.check_detailed(identity_of(row, by))
    forced = row.get("result", "")
    if forced in FAILURE_OUTCOMES:
        assert result.outcome is FAILURE_OUTCOMES[forced]
        assert not result.eligibility.verified
        assert result.eligibility.action is InsuranceAction.DESK
        assert result.raw is not None and result.raw["maKetQua"] == forced
        return
    assert result.outcome is CheckOutcome.ANSWERED, result.error
    e = result.eligibility
    assert e.verified
    if forced in ("003", "004"):
        assert result.first_raw is not None and result.first_raw["maKetQua"] == forced
        assert e.code == "000" and e.card_number == row["new_card"]
    elif forced:
        assert e.code == forced
    else:
        assert e.code in ("000", "010")


def test_every_reference_code_is_reachable_over_http(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker(breaker_failures=1000)
    for row in ROWS:
        checker.check_detailed(identity_of(row))
    seen = {k.removeprefix("code:") for k in sim.stats if k.startswith("code:")}
    expected = set(FAILURE_OUTCOMES) | {r.get("result") or "000" for r in ROWS} | {"010"}
    assert seen == expected
    assert len(seen) == 27  # every maKetQua of the reference


@pytest.mark.parametrize(
    ("name", "action", "coverage", "level", "route", "code"),
    [
        ("Nguyễn Văn An", InsuranceAction.INSURED, 80, 4, True, "000"),
        ("Trần Thị Bình", InsuranceAction.INSURED, 95, 3, True, "000"),
        ("Lê Minh Khôi", InsuranceAction.INSURED, 100, 1, True, "000"),
        ("Phạm Thị Hoa", InsuranceAction.SELF_PAY, 0, 4, False, "000"),
        ("Hoàng Đức Thắng", InsuranceAction.SELF_PAY, None, 4, None, "010"),
    ],
)
def test_demo_people(
    make_checker: MakeChecker,
    name: str,
    action: InsuranceAction,
    coverage: int | None,
    level: int,
    route: bool | None,
    code: str,
) -> None:
    e = make_checker().check(person(name))
    assert (e.code, e.action, e.coverage_percent, e.benefit_level, e.correct_route) == (
        code,
        action,
        coverage,
        level,
        route,
    )
    assert e.verified and e.valid_to is not None


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"full_name": "Nguyễn Văn Bình"}, "061"),  # first letter right
        ({"full_name": "Trần Văn An"}, "060"),
        ({"full_name": "NGUYỄN  VĂN AN"}, "000"),  # case and spacing do not matter
        ({"birth_date": None, "birth_year": 1990}, "000"),  # year only
        ({"birth_date": None, "birth_year": 1991}, "070"),
        ({"citizen_id": "001099999999"}, "050"),
        ({"citizen_id": None, "bhyt_card": "DN4000190123456"}, "052"),
        ({"citizen_id": None, "bhyt_card": "DN9010190123456"}, "053"),
        ({"citizen_id": None, "bhyt_card": "DN3010190123456"}, "053"),  # known number, level 3?
        ({"citizen_id": None, "bhyt_card": "DN4020190123456"}, "052"),  # known number, province
        ({"citizen_id": None, "bhyt_card": "HC4010190123456"}, "051"),  # known number, group
        ({"citizen_id": None, "bhyt_card": "ABC"}, "051"),
        ({"citizen_id": None, "bhyt_card": "0190123456"}, "000"),  # the 10-digit number
    ],
)
def test_codes_that_follow_from_what_was_typed(
    make_checker: MakeChecker, change: dict, code: str
) -> None:
    from dataclasses import replace

    e = make_checker().check(replace(AN, **change))
    assert e.code == code and e.verified


def test_003_follow_up_asks_again_with_the_new_card(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    result = make_checker().check_detailed(person("Vũ Thị Mai"))
    assert sim.stats["check"] == 2 and sim.stats["code:003"] == 1 and sim.stats["code:000"] == 1
    e = result.eligibility
    assert (e.code, e.card_number, e.benefit_level, e.coverage_percent) == (
        "000",
        "HT3010185000003",
        3,
        95,
    )
    assert result.first_raw is not None and result.first_raw["maTheMoi"] == "HT3010185000003"
    assert "003" in e.staff_note
    assert result.requests == 3  # token, first check, re-check


def test_004_follow_up(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    e = make_checker().check(person("Ngô Văn Hải"))
    assert (e.code, e.card_number, e.action) == ("000", "CN3010185000004", "insured")
    assert sim.stats["code:004"] == 1


def test_003_follow_up_that_fails_still_decides_from_the_first_answer(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker()
    checker.check(AN)  # a token first

    # Fault only the re-check: switch http500 on after the first answer arrives.
    original = sim.answer

    def answer_then_break(body: dict) -> dict:
        out = original(body)
        if out.get("maKetQua") == "003":
            sim.set_fault("http500")
        return out

    sim.answer = answer_then_break  # type: ignore[method-assign]
    result = checker.check_detailed(person("Vũ Thị Mai"))
    assert result.outcome is CheckOutcome.ANSWERED
    e = result.eligibility
    assert (e.code, e.card_number, e.valid_to.year if e.valid_to else None) == (
        "000",
        "HT3010185000003",
        2030,
    )


def test_token_is_cached_and_sent_as_the_reference_says(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    sim.credentials = ("01001_BV", "mật khẩu")
    checker = make_checker(password="mật khẩu")
    for _ in range(5):
        assert checker.check(AN).code == "000"
    assert (sim.stats["token"], sim.stats["check"]) == (1, 5)


def test_wrong_password_is_an_auth_failure(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    sim.credentials = ("01001_BV", "right")
    result = make_checker(password="wrong").check_detailed(AN)
    assert result.outcome is CheckOutcome.AUTH
    assert not result.eligibility.verified


def test_password_from_file_and_environment(
    sim: GatewaySimulator,
    make_checker: MakeChecker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sim.credentials = ("01001_BV", "from-somewhere")
    secret = tmp_path / "gateway-password"
    secret.write_text("from-somewhere\n", encoding="utf-8")
    by_file = make_checker(password_file=str(secret))
    assert by_file.check(AN).verified and by_file.password_source == "file"
    monkeypatch.setenv("TEST_GATEWAY_PASSWORD", "from-somewhere")
    by_env = make_checker(password_env="TEST_GATEWAY_PASSWORD")
    assert by_env.check(AN).verified and by_env.password_source == "env"
    missing = make_checker(password_file=str(tmp_path / "nope"))
    result = missing.check_detailed(AN)
    assert result.outcome is CheckOutcome.AUTH and not missing.status().ok
    assert sim.stats["token"] == 2  # the missing file never reached the gateway


def test_token_renewed_before_it_expires(make_checker: MakeChecker) -> None:
    with GatewaySimulator(token_ttl_s=2.0, expires_format="seconds") as short:
        checker = make_checker(base_url=short.url)
        checker.check(AN)
        checker.check(AN)
        assert short.stats["token"] == 1
        time.sleep(1.05)  # past ttl - margin (margin: half of a short lifetime)
        assert checker.check(AN).verified
        assert short.stats["token"] == 2
        assert short.stats.get("fault:stale_token", 0) == 0


def test_expired_token_gets_401_then_one_renewal(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker()
    checker.check(AN)
    sim.expire_tokens()
    result = checker.check_detailed(AN)
    assert result.outcome is CheckOutcome.ANSWERED
    assert (sim.stats["token"], sim.stats["check"]) == (2, 3)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (600, 600.0),
        ("600", 600.0),
        ("2026-11-23T10:10:00.1234567+07:00", 600.1234567),
        ("2026-11-23T10:10:00+07:00", 600.0),
        ("2026-11-23T03:10:00Z", 600.0),
        ("2026-11-23T10:10:00", 600.0),  # no zone: Vietnam time
        ("tomorrow", 300.0),
        (None, 300.0),
    ],
)
def test_expires_in_forms(value: object, seconds: float) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    assert parse_expires_in(value, now) == pytest.approx(seconds, abs=0.001)


# fault, outcome, requests to the card check or token endpoint, lower/upper bound of the wait
FAULTS = [
    ("slow", CheckOutcome.ANSWERED, 0.1, 1.0),
    ("timeout", CheckOutcome.TIMEOUT, 0.3, 0.8),
    ("http500", CheckOutcome.HTTP_ERROR, 0.0, 1.0),
    ("malformed_json", CheckOutcome.MALFORMED, 0.0, 0.5),
    ("html_error", CheckOutcome.MALFORMED, 0.0, 0.5),
    ("wrong_content_type", CheckOutcome.MALFORMED, 0.0, 0.5),
    ("dropped_connection", CheckOutcome.CONNECTION, 0.0, 1.0),
    ("stale_token", CheckOutcome.ANSWERED, 0.0, 0.5),
    ("unauthorized", CheckOutcome.AUTH, 0.0, 0.5),
]


@pytest.mark.parametrize(("fault", "outcome", "at_least", "at_most"), FAULTS)
@pytest.mark.parametrize("warm", [True, False], ids=["token-cached", "cold"])
def test_each_fault_is_classified_and_bounded(
    sim: GatewaySimulator,
    make_checker: MakeChecker,
    fault: str,
    outcome: CheckOutcome,
    at_least: float,
    at_most: float,
    warm: bool,
) -> None:
    checker = make_checker()
    if warm:
        checker.check(AN)
    sim.set_fault(fault)
    started = time.monotonic()
    result = checker.check_detailed(AN)
    waited = time.monotonic() - started
    assert result.outcome is outcome, result.error
    assert at_least <= waited <= at_most
    assert waited <= FAST["total_timeout_s"]
    assert result.eligibility.verified is (outcome is CheckOutcome.ANSWERED)
    if not result.eligibility.verified:
        assert result.eligibility.action is InsuranceAction.DESK
        assert result.eligibility.staff_note == "BHYT chưa xác minh — quầy tiếp đón kiểm tra"
    sim.set_fault(None)
    assert checker.check(AN).verified  # and the next patient is fine again


@pytest.mark.parametrize(("fault", "tries"), [("http500", 3), ("dropped_connection", 3)])
def test_retries_only_on_connection_errors_and_5xx(
    sim: GatewaySimulator, make_checker: MakeChecker, fault: str, tries: int
) -> None:
    checker = make_checker()
    checker.check(AN)
    sim.set_fault(fault)
    checker.check(AN)
    assert sim.stats[f"fault:{fault}"] == tries  # 1 + 2 retries


@pytest.mark.parametrize("fault", ["timeout", "malformed_json", "html_error", "wrong_content_type"])
def test_no_retry_on_timeouts_and_bad_answers(
    sim: GatewaySimulator, make_checker: MakeChecker, fault: str
) -> None:
    checker = make_checker()
    checker.check(AN)
    sim.set_fault(fault)
    checker.check(AN)
    assert sim.stats[f"fault:{fault}"] == 1


def test_retry_recovers_from_a_single_5xx(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    checker = make_checker()
    checker.check(AN)
    sim.set_fault("http500", rate=0.5)  # seeded dice: some requests fail, retries recover
    outcomes = [checker.check_detailed(AN).outcome for _ in range(10)]
    assert sim.stats["fault:http500"] >= 1
    assert outcomes.count(CheckOutcome.ANSWERED) >= 8


def test_total_budget_bounds_retries(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    checker = make_checker(read_timeout_s=0.4, total_timeout_s=0.5, retry_backoff_s=0.2)
    checker.check(AN)
    sim.set_fault("http500")
    started = time.monotonic()
    result = checker.check_detailed(AN)
    assert time.monotonic() - started <= 0.6
    assert result.outcome in (CheckOutcome.HTTP_ERROR, CheckOutcome.TIMEOUT)


def test_connection_refused(make_checker: MakeChecker) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: refused
        result = make_checker(base_url=f"http://127.0.0.1:{port}").check_detailed(AN)
    assert result.outcome is CheckOutcome.CONNECTION
    assert result.elapsed_s < 1.0


def test_environment_proxy_is_ignored(
    make_checker: MakeChecker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    assert make_checker().check(AN).verified


def test_configured_proxy_is_used(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        result = make_checker(proxy=f"http://127.0.0.1:{port}").check_detailed(AN)
    assert result.outcome is CheckOutcome.CONNECTION  # the dead proxy, not the live simulator
    assert sim.stats["token"] == 0


class FakeClock:
    """The breaker's clock, moved by the test instead of sleeping (issue 11)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_answers_at_once_then_closes(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    clock = FakeClock()
    checker = make_checker(clock=clock, breaker_cooldown_s=30.0)
    checker.check(AN)
    sim.set_fault("malformed_json")
    for _ in range(3):
        assert checker.check_detailed(AN).outcome is CheckOutcome.MALFORMED
    assert checker.breaker.state == CircuitBreaker.OPEN
    before = sim.stats["check"]
    result = checker.check_detailed(AN)
    assert result.outcome is CheckOutcome.BREAKER_OPEN
    assert result.requests == 0
    assert sim.stats["check"] == before  # the gateway was not asked
    assert not result.eligibility.verified
    status = checker.status()
    assert not status.ok and status.details["breaker"] == "open"
    clock.now += 29.9
    assert checker.check_detailed(AN).outcome is CheckOutcome.BREAKER_OPEN

    # Still broken after the cool-down: the half-open trial fails and it opens again.
    clock.now += 0.2
    assert checker.breaker.state == CircuitBreaker.HALF_OPEN
    assert checker.check_detailed(AN).outcome is CheckOutcome.MALFORMED
    assert checker.check_detailed(AN).outcome is CheckOutcome.BREAKER_OPEN

    # Repaired: after the cool-down one trial goes through and closes the breaker.
    sim.set_fault(None)
    clock.now += 30.0
    assert checker.check_detailed(AN).outcome is CheckOutcome.ANSWERED
    assert checker.breaker.state == CircuitBreaker.CLOSED
    assert checker.status().ok


def test_half_open_lets_one_trial_through(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    clock = FakeClock()
    checker = make_checker(read_timeout_s=0.5, total_timeout_s=1.0, clock=clock)
    checker.check(AN)
    sim.set_fault("http500")
    for _ in range(3):
        checker.check(AN)
    sim.set_fault("slow")  # the trial takes ~100 ms
    clock.now += 0.35
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: checker.check_detailed(AN).outcome, range(4)))
    assert outcomes.count(CheckOutcome.ANSWERED) == 1
    assert outcomes.count(CheckOutcome.BREAKER_OPEN) == 3
    assert checker.breaker.state == CircuitBreaker.CLOSED


def test_patient_level_codes_do_not_trip_the_breaker(make_checker: MakeChecker) -> None:
    checker = make_checker()
    for _ in range(5):
        assert checker.check(person("Hồ Thị Ngân")).code == "060"
    assert checker.breaker.state == CircuitBreaker.CLOSED


def test_missing_data_is_not_sent(sim: GatewaySimulator, make_checker: MakeChecker) -> None:
    nobody = Identity(source=IdentitySource.KEYPAD, citizen_id="001090123456")
    result = make_checker().check_detailed(nobody)
    assert result.outcome is CheckOutcome.MISSING_DATA
    assert not result.eligibility.verified
    assert sim.stats["token"] == 0


def test_concurrent_callers_share_one_token(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker()
    barrier = threading.Barrier(8)

    def one(_: int) -> bool:
        barrier.wait()
        return checker.check(AN).verified

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(one, range(8)))
    assert sim.stats["token"] == 1 and sim.stats["check"] == 8


def test_status_reports_latency_and_last_error(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker()
    assert checker.status().ok
    assert checker.status().summary.startswith("gateway not asked yet")
    checker.check(AN)
    status = checker.status()
    assert status.ok and "last_latency_ms" in status.details
    assert status.details["password"] == "not set"
    sim.set_fault("html_error")
    checker.check(AN)
    status = checker.status()
    assert not status.ok and "malformed" in status.details["last_error"]
    probe = checker.probe()
    assert not probe.ok
    sim.set_fault(None)
    assert checker.probe().ok


def test_redact_and_md5() -> None:
    assert md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72"
    line = "POST /api/egw/X?token=abc&id_token=def&username=u&password=900150 HTTP/1.1"
    assert redact(line) == "POST /api/egw/X?token=***&id_token=***&username=u&password=*** HTTP/1.1"


def test_callers_waiting_for_a_hung_token_request_keep_their_budget(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    # Issue 11: no wall-clock bound (it flaked under load with 0.84 <= 0.8). A token request
    # in flight is the held renewal lock: callers wait on it with their own deadline, give up
    # with a timeout and send nothing.
    checker = make_checker(total_timeout_s=0.3, breaker_failures=100)
    assert checker._token_lock.acquire()  # another check is fetching a token, and hangs
    try:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda _: checker.check_detailed(AN), range(4)))
    finally:
        checker._token_lock.release()
    assert {r.outcome for r in results} == {CheckOutcome.TIMEOUT}
    assert [r.requests for r in results] == [0, 0, 0, 0]
    assert all("another check is still waiting" in r.error for r in results)
    assert sim.stats["token"] == 0
    assert checker.check_detailed(AN).outcome is CheckOutcome.ANSWERED  # lock free again


def test_failed_checks_count_their_requests(
    sim: GatewaySimulator, make_checker: MakeChecker
) -> None:
    checker = make_checker()
    checker.check(AN)
    sim.set_fault("http500")
    assert checker.check_detailed(AN).requests == 3  # the card check and 2 retries
