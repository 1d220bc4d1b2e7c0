"""Benefit rules and co-payment estimates, table-driven."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import KioskConfig
from kiosk.insurance.benefits import (
    CostEstimate,
    benefit_level_from_card,
    coverage_percent,
    estimate_cost,
    format_vnd,
    fund_share_percent,
    reference_salary,
)
from kiosk.insurance.config import ReferenceSalaryRow, RouteRates
from kiosk.models import Eligibility, InsuranceAction

DAY = date(2026, 11, 23)


@pytest.mark.parametrize(("level", "share"), [(1, 100), (2, 100), (3, 95), (4, 80), (5, 100)])
def test_fund_share_by_level(level: int, share: int) -> None:
    assert fund_share_percent(level) == share


@pytest.mark.parametrize("level", [0, 6, -1, 10])
def test_unknown_level_is_refused(level: int) -> None:
    with pytest.raises(ValueError, match="benefit level"):
        fund_share_percent(level)


@pytest.mark.parametrize(
    ("card", "level"),
    [
        ("DN4010190123456", 4),
        ("HT3010148004321", 3),
        ("TE1010121001234", 1),
        ("CC1010000000001", 1),
        ("XK2010000000001", 2),
        ("QN5010000000001", 5),
        ("DN9010190123456", None),  # not a level
        ("0190123456", None),  # 10-digit number: no level on it
        ("001090123456", None),  # citizen ID
        ("", None),
        (None, None),
    ],
)
def test_benefit_level_from_card(card: str | None, level: int | None) -> None:
    assert benefit_level_from_card(card) == level


RAISE_2026 = [(date(2026, 7, 1), 2_530_000)]


@pytest.mark.parametrize(
    ("on", "extra", "amount"),
    [
        (date(2019, 7, 1), [], 1_490_000),
        (date(2023, 6, 30), [], 1_490_000),
        (date(2023, 7, 1), [], 1_800_000),
        (date(2024, 6, 30), [], 1_800_000),
        (date(2024, 7, 1), [], 2_340_000),  # NĐ 73/2024
        (DAY, [], 2_530_000),  # NĐ 161/2026 in the rules file (issue 17)
        (date(2026, 6, 30), RAISE_2026, 2_340_000),
        (date(2026, 7, 1), RAISE_2026, 2_530_000),  # a later row from configuration
        (date(2030, 1, 1), RAISE_2026, 2_530_000),
        (date(2024, 7, 1), [(date(2024, 7, 1), 2_350_000)], 2_350_000),  # config replaces
        (
            date(2027, 2, 1),
            [(date(2027, 1, 1), 2_700_000), (date(2026, 7, 1), 2_530_000)],  # unsorted rows
            2_700_000,
        ),
    ],
)
def test_reference_salary_is_date_effective(
    on: date, extra: list[tuple[date, int]], amount: int
) -> None:
    assert reference_salary(on, extra) == amount


def test_reference_salary_rows_from_configuration() -> None:
    config = KioskConfig.model_validate(
        {"insurance": {"reference_salary": [{"effective_from": "2026-07-01", "amount": 2530000}]}}
    )
    rows = config.insurance.reference_salary
    assert rows == [ReferenceSalaryRow(effective_from=date(2026, 7, 1), amount=2_530_000)]
    assert reference_salary(date(2026, 6, 30), rows) == 2_340_000
    assert reference_salary(date(2026, 7, 1), rows) == 2_530_000


def test_no_reference_salary_before_the_table() -> None:
    with pytest.raises(ValueError, match="no reference salary"):
        reference_salary(date(2019, 6, 30))


SPECIALISED = RouteRates()  # outpatient self-referral 0 %, inpatient 40 %
BASIC = RouteRates(self_referral_outpatient_percent=100, self_referral_inpatient_percent=100)


@pytest.mark.parametrize(
    ("case", "level", "kwargs", "expected"),
    [
        ("correct route, level 4", 4, {"correct_route": True}, 80),
        ("correct route, level 3", 3, {"correct_route": True}, 95),
        ("correct route, level 1", 1, {"correct_route": True}, 100),
        ("correct route, level 2", 2, {"correct_route": True}, 100),
        ("correct route, level 5", 5, {"correct_route": True}, 100),
        ("inpatient, correct route", 4, {"correct_route": True, "inpatient": True}, 80),
        ("self-referral outpatient, specialised", 4, {"correct_route": False}, 0),
        ("self-referral outpatient, level 1", 1, {"correct_route": False}, 0),
        (
            "self-referral inpatient, specialised 40 %",
            4,
            {"correct_route": False, "inpatient": True},
            32,
        ),
        (
            "self-referral inpatient, level 1",
            1,
            {"correct_route": False, "inpatient": True},
            40,
        ),
        (
            "self-referral inpatient, level 3",
            3,
            {"correct_route": False, "inpatient": True},
            38,
        ),
        ("self-referral, basic level", 4, {"correct_route": False, "rates": BASIC}, 80),
        ("emergency counts as correct route", 4, {"correct_route": False, "emergency": True}, 80),
        # 15 % of 2,530,000 = 379,500 on DAY (NĐ 161/2026; was 351,000 with 2,340,000)
        ("cheap visit: below 15 %", 4, {"correct_route": True, "visit_total": 379_499}, 100),
        ("351,000-379,500 is now cheap", 4, {"correct_route": True, "visit_total": 360_000}, 100),
        ("visit at exactly 15 %", 4, {"correct_route": True, "visit_total": 379_500}, 80),
        ("cheap visit, level 3", 3, {"correct_route": True, "visit_total": 100_000}, 100),
        (
            "cheap inpatient stay: rule is outpatient only",
            4,
            {"correct_route": True, "inpatient": True, "visit_total": 100_000},
            80,
        ),
        (
            "cheap visit, self-referral: still not covered",
            4,
            {"correct_route": False, "visit_total": 100_000},
            0,
        ),
        # 5 years + co-payments above 6 months (6 x 2,530,000 = 15,180,000 on DAY)
        (
            "5 years, co-payments above 6 months",
            4,
            {
                "correct_route": True,
                "five_year_date": date(2020, 1, 1),
                "copay_this_year": 15_180_001,
            },
            100,
        ),
        (
            "5 years, co-payments at 6 months",
            4,
            {
                "correct_route": True,
                "five_year_date": date(2020, 1, 1),
                "copay_this_year": 15_180_000,
            },
            80,
        ),
        (
            "5-year date not reached yet",
            4,
            {
                "correct_route": True,
                "five_year_date": date(2027, 1, 1),
                "copay_this_year": 20_000_000,
            },
            80,
        ),
        (
            "5 years, co-payments unknown",
            4,
            {"correct_route": True, "five_year_date": date(2020, 1, 1)},
            80,
        ),
    ],
)
def test_coverage_percent(case: str, level: int, kwargs: dict[str, Any], expected: int) -> None:
    kwargs.setdefault("rates", SPECIALISED)
    assert coverage_percent(level, on=DAY, **kwargs) == expected, case


def test_cheap_visit_threshold_follows_the_reference_salary() -> None:
    # 300,000 VND: above 15 % of 1,800,000 (270,000), below 15 % of 2,340,000 (351,000).
    before = coverage_percent(4, correct_route=True, on=date(2024, 6, 30), visit_total=300_000)
    after = coverage_percent(4, correct_route=True, on=date(2024, 7, 1), visit_total=300_000)
    assert (before, after) == (80, 100)
    # A configured raise moves the threshold again (15 % of 2,530,000 = 379,500).
    rows = [(date(2026, 7, 1), 2_530_000)]
    kw: dict[str, Any] = {"correct_route": True, "on": date(2026, 7, 1), "extra_rows": rows}
    assert coverage_percent(4, visit_total=379_499, **kw) == 100
    assert coverage_percent(4, visit_total=379_500, **kw) == 80


def test_five_year_rule_follows_the_reference_salary() -> None:
    five: dict[str, Any] = {"correct_route": True, "five_year_date": date(2020, 1, 1)}
    # 6 x 1,800,000 = 10,800,000 before 2024-07-01; 6 x 2,340,000 = 14,040,000 after.
    assert coverage_percent(4, on=date(2024, 6, 30), copay_this_year=12_000_000, **five) == 100
    assert coverage_percent(4, on=date(2024, 7, 1), copay_this_year=12_000_000, **five) == 80


@pytest.mark.parametrize(
    ("hospital", "insured", "coverage", "fund", "patient"),
    [
        (500_000, 400_000, None, 0, 500_000),  # not insured: hospital price
        (500_000, 400_000, 0, 0, 500_000),  # not covered (self-referral outpatient)
        (500_000, None, 80, 0, 500_000),  # not on the insured list
        (500_000, 0, 80, 0, 500_000),
        (500_000, 400_000, 80, 320_000, 180_000),  # P - P_bh x r
        (500_000, 400_000, 95, 380_000, 120_000),
        (500_000, 400_000, 100, 400_000, 100_000),  # the difference is still the patient's
        (400_000, 400_000, 100, 400_000, 0),
        (37_000, 37_000, 80, 29_600, 7_400),
        (33_333, 33_333, 95, 31_666, 1_667),  # 31,666.35 rounds to 31,666
        (10_001, 10_001, 95, 9_501, 500),  # 9,500.95 rounds to 9,501
        (300_000, 350_000, 100, 300_000, 0),  # fund never pays more than the hospital price
        (0, 0, 100, 0, 0),
    ],
)
def test_estimate_cost(
    hospital: int, insured: int | None, coverage: int | None, fund: int, patient: int
) -> None:
    estimate = estimate_cost(hospital, insured, coverage)
    assert estimate == CostEstimate(hospital, insured, fund, patient, coverage)


@pytest.mark.parametrize(
    ("args", "message"),
    [((-1, 0, 80), "negative"), ((100, -1, 80), "negative"), ((100, 100, 101), "percentage")],
)
def test_estimate_cost_refuses_nonsense(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        estimate_cost(*args)


@given(
    hospital=st.integers(0, 10**10),
    insured=st.one_of(st.none(), st.integers(0, 10**10)),
    coverage=st.one_of(st.none(), st.integers(0, 100)),
)
def test_estimate_adds_up(hospital: int, insured: int | None, coverage: int | None) -> None:
    e = estimate_cost(hospital, insured, coverage)
    assert e.fund_pays + e.patient_pays == hospital
    assert 0 <= e.fund_pays <= hospital
    assert e.patient_pays >= 0
    if coverage is None or not insured:
        assert e.patient_pays == hospital


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (1_234_000, "1.234.000 đ", "1,234,000 VND"),
        (0, "0 đ", "0 VND"),
        (999, "999 đ", "999 VND"),
        (1_000, "1.000 đ", "1,000 VND"),
        (2_340_000, "2.340.000 đ", "2,340,000 VND"),
        (1_234_567_890, "1.234.567.890 đ", "1,234,567,890 VND"),
        (-50_000, "-50.000 đ", "-50,000 VND"),
    ],
)
def test_format_vnd(amount: int, vi: str, en: str) -> None:
    assert format_vnd(amount, "vi") == vi
    assert format_vnd(amount, "en") == en


def _eligibility(**fields: Any) -> Eligibility:
    base: dict[str, Any] = {
        "action": InsuranceAction.INSURED,
        "verified": True,
        "message_vi": "",
        "message_en": "",
        "staff_note": "",
        "code": "000",
        "coverage_percent": 80,
        "benefit_level": 4,
        "correct_route": True,
        "five_year_date": date(2020, 1, 1),
    }
    base.update(fields)
    return Eligibility(**base)


@pytest.mark.parametrize(
    ("fields", "visit", "expected"),
    [
        ({}, {}, 80),
        ({}, {"visit_total": 200_000}, 100),
        ({}, {"copay_this_year": 15_180_001}, 100),  # above 6 x 2,530,000 (NĐ 161/2026)
        ({}, {"copay_this_year": 15_000_000}, 80),  # was enough with 2,340,000
        ({"correct_route": False, "coverage_percent": 0}, {}, 0),
        ({"correct_route": False, "coverage_percent": 0}, {"inpatient": True}, 32),
        ({"correct_route": False, "coverage_percent": 0}, {"emergency": True}, 80),
        ({"coverage_percent": None, "action": InsuranceAction.SELF_PAY}, {}, None),  # expired
        ({"verified": False, "coverage_percent": None, "benefit_level": None}, {}, None),
        ({"benefit_level": None, "coverage_percent": None}, {}, None),
    ],
)
def test_coverage_for_a_checked_patient(
    fields: dict[str, Any], visit: dict[str, Any], expected: int | None
) -> None:
    from kiosk.insurance.benefits import coverage_for
    from kiosk.insurance.config import InsuranceConfig

    got = coverage_for(
        _eligibility(**fields), on=DAY, config=InsuranceConfig.model_validate({}), **visit
    )
    assert got == expected
