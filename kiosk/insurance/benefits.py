"""Benefit rules (Luật BHYT 51/2024/QH15, NĐ 188/2025/NĐ-CP) as plain functions.

All amounts are integers in VND. Percentages are integers 0-100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.insurance.config import InsuranceConfig, ReferenceSalaryRow, RouteRates
from kiosk.models import Eligibility
from kiosk.rules import Facility

# Share paid by the fund, by the benefit-level digit (3rd character of the card code).
LEVEL_SHARE: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}

# Fallback reference salary rows; the dated rows come from the rules file
# (assets/rules/benefit-rules.json, kiosk/rules), extra rows from [[insurance.reference_salary]].
BUILTIN_REFERENCE_SALARY: tuple[tuple[date, int], ...] = (
    (date(2019, 7, 1), 1_490_000),  # NĐ 38/2019/NĐ-CP
    (date(2023, 7, 1), 1_800_000),  # NĐ 24/2023/NĐ-CP
    (date(2024, 7, 1), 2_340_000),  # NĐ 73/2024/NĐ-CP
)

LOW_COST_SHARE_PERCENT = 15  # one outpatient visit below 15 % of the reference salary: 100 %
FIVE_YEAR_MONTHS = 6  # 5 continuous years and co-payments above 6 months' reference salary


def fund_share_percent(benefit_level: int) -> int:
    """The share the fund pays for a benefit level: 1, 2, 5 -> 100; 3 -> 95; 4 -> 80."""
    try:
        return LEVEL_SHARE[benefit_level]
    except KeyError:
        raise ValueError(f"unknown benefit level {benefit_level!r} (expected 1-5)") from None


def benefit_level_from_card(card: str | None) -> int | None:
    """The benefit-level digit of a 15-character card code (`DN4…` -> 4), else None."""
    if not card or len(card) != 15:
        return None
    digit = card[2]
    if digit.isdigit() and int(digit) in LEVEL_SHARE:
        return int(digit)
    return None


def _rows(extra_rows: Iterable[ReferenceSalaryRow | tuple[date, int]]) -> list[tuple[date, int]]:
    from kiosk import rules as dated_rules

    rows = [
        (r.valid_from, r.amount or 0) for r in dated_rules.load().rules if r.kind == "base_salary"
    ] or list(BUILTIN_REFERENCE_SALARY)
    for row in extra_rows:
        if isinstance(row, ReferenceSalaryRow):
            rows.append((row.effective_from, row.amount))
        else:
            rows.append((row[0], int(row[1])))
    rows.sort(key=lambda r: r[0])
    return rows


def reference_salary(
    on: date, extra_rows: Iterable[ReferenceSalaryRow | tuple[date, int]] = ()
) -> int:
    """The reference salary in force on a day: the latest row effective on or before `on`.

    A configured row for the same date as a built-in one replaces it.
    """
    amount: int | None = None
    for effective_from, value in _rows(extra_rows):
        if effective_from <= on:
            amount = value
    if amount is None:
        raise ValueError(f"no reference salary known for {on.isoformat()}")
    return amount


def self_referral_rate(facility: Facility, *, inpatient: bool, on: date) -> int:
    """The dated rule's route rate for this facility (kiosk/rules); before the 2025 law
    took effect the old defaults (outpatient 0, inpatient 40)."""
    from kiosk import rules as dated_rules

    rule = dated_rules.load().self_referral(
        facility, "inpatient" if inpatient else "outpatient", on
    )
    if rule is None or rule.percent is None:
        return 40 if inpatient else 0
    return rule.percent


def coverage_percent(
    benefit_level: int,
    *,
    correct_route: bool,
    on: date,
    rates: RouteRates | None = None,
    inpatient: bool = False,
    emergency: bool = False,
    visit_total: int | None = None,
    five_year_date: date | None = None,
    copay_this_year: int | None = None,
    extra_rows: Iterable[ReferenceSalaryRow | tuple[date, int]] = (),
    facility: Facility | None = None,
) -> int:
    """The share of the insured price the fund pays for one visit, in percent.

    - correct route (or an emergency): the level share;
    - self-referral: the level share times the configured route rate (outpatient at a
      specialised-level hospital: 0 %, i.e. not covered; inpatient: 40 % there);
    - covered outpatient visit whose total is below 15 % of the reference salary: 100 %;
    - 5 continuous years reached on `on` and this calendar year's co-payments above six
      months of the reference salary: 100 %.
    """
    rates = rates or RouteRates()
    share = fund_share_percent(benefit_level)
    on_route = correct_route or emergency
    if on_route:
        route_rate = 100
    else:
        override = (
            rates.self_referral_inpatient_percent
            if inpatient
            else rates.self_referral_outpatient_percent
        )
        route_rate = (
            override
            if override is not None
            else self_referral_rate(facility or Facility(), inpatient=inpatient, on=on)
        )
    if route_rate == 0:
        return 0
    salary = reference_salary(on, extra_rows)
    if (
        on_route
        and not inpatient
        and visit_total is not None
        and visit_total * 100 < LOW_COST_SHARE_PERCENT * salary
    ):
        return 100
    if (
        on_route
        and five_year_date is not None
        and five_year_date <= on
        and copay_this_year is not None
        and copay_this_year > FIVE_YEAR_MONTHS * salary
    ):
        return 100
    return share * route_rate // 100


def coverage_for(
    eligibility: Eligibility,
    *,
    on: date,
    config: InsuranceConfig,
    visit_total: int | None = None,
    inpatient: bool = False,
    emergency: bool = False,
    copay_this_year: int | None = None,
) -> int | None:
    """The fund's share for a visit of a checked patient; None when not insured.

    `eligibility.coverage_percent` is the share for an ordinary outpatient visit here; this
    adds what the kiosk may know about the visit: its total (the 15 % rule), inpatient care,
    an emergency, this year's co-payments (the 5-year rule).
    """
    if (
        not eligibility.verified
        or eligibility.coverage_percent is None
        or eligibility.benefit_level is None
        or eligibility.correct_route is None
    ):
        return None
    return coverage_percent(
        eligibility.benefit_level,
        correct_route=eligibility.correct_route,
        on=on,
        rates=config.route,
        inpatient=inpatient,
        emergency=emergency,
        visit_total=visit_total,
        five_year_date=eligibility.five_year_date,
        copay_this_year=copay_this_year,
        extra_rows=config.reference_salary,
        facility=config.facility,
    )


@dataclass(frozen=True)
class CostEstimate:
    """What one service is estimated to cost the patient (always shown as an estimate)."""

    hospital_price: int  # what a non-insured patient pays
    insured_price: int | None  # the price the fund recognises, None when not listed
    fund_pays: int
    patient_pays: int
    coverage_percent: int | None  # None: not insured


def estimate_cost(
    hospital_price: int, insured_price: int | None, coverage_percent: int | None
) -> CostEstimate:
    """Fund pays `insured_price × coverage`, the patient pays the rest of the hospital price.

    Not insured (coverage None), not covered (0 %) or no insured price: the patient pays the
    hospital price. The fund never pays more than the hospital price.
    """
    if hospital_price < 0 or (insured_price is not None and insured_price < 0):
        raise ValueError("prices must not be negative")
    if coverage_percent is not None and not 0 <= coverage_percent <= 100:
        raise ValueError(f"coverage {coverage_percent!r} is not a percentage")
    fund = 0
    if coverage_percent and insured_price:
        fund = (insured_price * coverage_percent + 50) // 100  # rounded to the nearest đồng
        fund = min(fund, hospital_price)
    return CostEstimate(
        hospital_price=hospital_price,
        insured_price=insured_price,
        fund_pays=fund,
        patient_pays=hospital_price - fund,
        coverage_percent=coverage_percent,
    )


def format_vnd(amount: int, language: str) -> str:
    """`1.234.000 đ` (vi) or `1,234,000 VND` (en)."""
    grouped = f"{abs(int(amount)):,}"
    sign = "-" if amount < 0 else ""
    if language == "vi":
        return f"{sign}{grouped.replace(',', '.')} đ"
    return f"{sign}{grouped} VND"


def rules_applied(eligibility: Eligibility, *, on: date, config: InsuranceConfig) -> list[Any]:
    """The dated rules behind a checked patient's share, for the screen ("Theo Nghị định
    188/2025/NĐ-CP, …": each rule's `text_vi` / `text_en` and `cite()`); [] when not insured.

    The base salary rule always; the route rule for this hospital's facility level and score
    when the patient is self-referred (unless a configured override decided it).
    """
    from kiosk import rules as dated_rules

    if not eligibility.verified or eligibility.benefit_level is None:
        return []
    ruleset = dated_rules.load()
    applied: list[Any] = []
    salary = ruleset.one("base_salary", on)
    if salary is not None:
        applied.append(salary)
    if eligibility.correct_route is False and config.route.self_referral_outpatient_percent is None:
        route = ruleset.self_referral(config.facility, "outpatient", on)
        if route is not None:
            applied.append(route)
    return applied
