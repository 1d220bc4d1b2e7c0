"""One visit's estimate from the dated rules: the fund's share, the patient's, and why.

`estimate()` picks the rules in force on the visit's day (base salary, route rate by the
facility's level and score, the 15 % rule, the listed-disease exception, the high-cost cap)
and returns integer đồng with the rules it applied, so the screen can say "Theo Nghị định
188/2025, …" and IT can compare with the cashier (`kiosk estimate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from kiosk.rules import Facility, Rule, RuleSet

LEVEL_SHARE: dict[int, int] = {1: 100, 2: 100, 3: 95, 4: 80, 5: 100}
Route = Literal["in", "self", "referred"]


@dataclass(frozen=True)
class Estimate:
    price: int
    percent: int  # share of the price the fund pays, before a cap
    fund_pays: int
    patient_pays: int
    base_salary: int
    applied: list[Rule] = field(default_factory=list)
    note: str = ""  # what the kiosk could not know (English, for IT)

    def as_dict(self) -> dict[str, object]:
        return {
            "price": self.price,
            "percent": self.percent,
            "fund_pays": self.fund_pays,
            "patient_pays": self.patient_pays,
            "base_salary": self.base_salary,
            "note": self.note,
            "rules": [
                {
                    "id": r.id,
                    "source": r.cite(),
                    "verified": r.verified,
                    "text_vi": r.text_vi,
                    "text_en": r.text_en,
                }
                for r in self.applied
            ],
        }


def estimate(
    rules: RuleSet,
    *,
    price: int,
    benefit_level: int | None,
    route: Route,
    day: date,
    facility: Facility,
    inpatient: bool = False,
    listed_disease: bool = False,
    high_cost: bool = False,
) -> Estimate:
    """The estimate for one insured price `price` (đồng) on `day`."""
    if price < 0:
        raise ValueError("the price must not be negative")
    salary_rule = rules.base_salary(day)
    salary = salary_rule.amount or 0
    applied: list[Rule] = [salary_rule]
    if benefit_level is None:
        return Estimate(price, 0, 0, price, salary, applied, "benefit level unknown: the desk")
    if benefit_level not in LEVEL_SHARE:
        raise ValueError(f"unknown benefit level {benefit_level!r} (expected 1-5)")
    share = LEVEL_SHARE[benefit_level]
    on_route = route in ("in", "referred")
    if not on_route and listed_disease and facility.level == "specialised":
        disease = rules.one("listed_disease", day)
        if disease is not None:
            applied.append(disease)
            on_route = True
    route_rate = 100
    if not on_route:
        rule = rules.self_referral(facility, "inpatient" if inpatient else "outpatient", day)
        if rule is None:
            return Estimate(price, 0, 0, price, salary, applied, "no route rule for that day")
        applied.append(rule)
        route_rate = rule.percent or 0
    percent = share * route_rate // 100
    low = rules.one("low_cost_visit", day)
    if (
        low is not None
        and on_route
        and not inpatient
        and route_rate
        and price * 100 < (low.percent_of_base or 0) * salary
    ):
        applied.append(low)
        percent = 100
    fund = (price * percent + 50) // 100
    cap = rules.one("high_cost_cap", day)
    if high_cost and cap is not None and benefit_level in (cap.benefit_levels or []):
        limit = (cap.times_base or 0) * salary
        if fund > limit:
            applied.append(cap)
            fund = limit
    return Estimate(price, percent, fund, price - fund, salary, applied)


def low_cost_threshold(rules: RuleSet, day: date) -> int | None:
    """Below this visit total (đồng) the fund pays 100 % (15 % of the base salary)."""
    low = rules.one("low_cost_visit", day)
    if low is None:
        return None
    return (low.percent_of_base or 0) * (rules.base_salary(day).amount or 0) // 100


def five_year_threshold(rules: RuleSet, day: date) -> int | None:
    """Co-payments above this in a year (đồng), after 5 years: 100 % (6 months' salary)."""
    rule = rules.one("five_year", day)
    if rule is None:
        return None
    return (rule.months_of_base or 0) * (rules.base_salary(day).amount or 0)
