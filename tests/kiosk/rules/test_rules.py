"""Benefit rules as dated data: one case per rule and date boundary, the source next to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk import rules
from kiosk.rules import Facility, RulesError
from kiosk.rules.estimate import estimate, five_year_threshold, low_cost_threshold

RULES = rules.load()
SPECIALISED = Facility(level="specialised")
BASIC_40 = Facility(level="basic", score=40)
BASIC_60 = Facility(level="basic", score=60)
BASIC_FORMER_PROVINCIAL = Facility(level="basic", score=80, former_provincial=True)


@pytest.mark.parametrize(
    ("day", "amount", "source"),
    [
        (date(2024, 6, 30), 1_800_000, "NĐ 24/2023/NĐ-CP"),
        (date(2024, 7, 1), 2_340_000, "NĐ 73/2024/NĐ-CP, first day"),
        (date(2026, 6, 30), 2_340_000, "NĐ 73/2024/NĐ-CP, last day"),
        (date(2026, 7, 1), 2_530_000, "NĐ 161/2026/NĐ-CP, first day (reported, verify)"),
        (date(2026, 12, 1), 2_530_000, "NĐ 161/2026/NĐ-CP"),
    ],
)
def test_base_salary_by_date(day: date, amount: int, source: str) -> None:
    assert RULES.base_salary(day).amount == amount, source


@pytest.mark.parametrize(
    ("day", "low", "five", "source"),
    [
        (date(2026, 6, 30), 351_000, 14_040_000, "Luật 51/2024 Đ.22; 15 % / 6 x 2,340,000"),
        (date(2026, 7, 1), 379_500, 15_180_000, "Luật 51/2024 Đ.22; 15 % / 6 x 2,530,000"),
    ],
)
def test_thresholds_follow_the_base_salary(day: date, low: int, five: int, source: str) -> None:
    assert low_cost_threshold(RULES, day) == low, source
    assert five_year_threshold(RULES, day) == five, source


CASES: list[tuple[str, dict[str, Any], int, int, str]] = [
    # (case, arguments, percent, fund pays, source)
    ("in route, level 4", {"price": 1_000_000}, 80, 800_000, "Luật BHYT Đ.22: level 4 = 80 %"),
    ("in route, level 3", {"price": 1_000_000, "benefit_level": 3}, 95, 950_000, "Đ.22: 95 %"),
    ("in route, level 1", {"price": 1_000_000, "benefit_level": 1}, 100, 1_000_000, "Đ.22"),
    ("referred = in route", {"price": 1_000_000, "route": "referred"}, 80, 800_000, "Đ.22"),
    ("360,000 in Dec 2026: under 15 %", {"price": 360_000}, 100, 360_000, "Luật 51/2024"),
    ("360,000 in June 2026: over 15 %", {"price": 360_000, "day": date(2026, 6, 30)},
     80, 288_000, "Luật 51/2024 with NĐ 73/2024"),
    ("379,500 exactly: not under", {"price": 379_500}, 80, 303_600, "Luật 51/2024"),
    ("self, specialised outpatient", {"price": 500_000, "route": "self"}, 0, 0,
     "Luật 51/2024 Đ.22 k.4"),
    ("self, specialised inpatient", {"price": 500_000, "route": "self", "inpatient": True},
     32, 160_000, "Luật 51/2024 Đ.22 k.4: 40 % x 80 %"),
    ("self, listed disease at specialised", {"price": 500_000, "route": "self",
     "listed_disease": True}, 80, 400_000, "TT 01/2025/TT-BYT"),
    ("self, basic < 50 points", {"price": 500_000, "route": "self", "facility": BASIC_40},
     80, 400_000, "NĐ 188/2025 (reported, verify)"),
    ("self, basic 60 points, 30 June 2026", {"price": 500_000, "route": "self",
     "facility": BASIC_60, "day": date(2026, 6, 30)}, 0, 0, "Luật 51/2024 (reported)"),
    ("self, basic 60 points, 1 July 2026", {"price": 500_000, "route": "self",
     "facility": BASIC_60, "day": date(2026, 7, 1)}, 40, 200_000, "NĐ 188/2025: 50 % x 80 %"),
    ("self, former provincial, 1 July 2026", {"price": 500_000, "route": "self",
     "facility": BASIC_FORMER_PROVINCIAL, "day": date(2026, 7, 1)}, 40, 200_000, "NĐ 188/2025"),
    ("self, basic inpatient", {"price": 500_000, "route": "self", "inpatient": True,
     "facility": BASIC_60}, 80, 400_000, "Luật 51/2024 Đ.22 k.4"),
    ("high-cost service capped at 40 x base", {"price": 200_000_000, "high_cost": True},
     80, 40 * 2_530_000, "NĐ 146/2018 Đ.14 (188/2025: verify)"),
    ("high cost, level 1: no cap", {"price": 200_000_000, "high_cost": True,
     "benefit_level": 1}, 100, 200_000_000, "NĐ 146/2018 Đ.14"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "kwargs", "percent", "fund", "source"), CASES)
def test_estimate(case: str, kwargs: dict[str, Any], percent: int, fund: int, source: str) -> None:
    arguments: dict[str, Any] = {
        "benefit_level": 4,
        "route": "in",
        "day": date(2026, 12, 1),
        "facility": SPECIALISED,
        **kwargs,
    }
    result = estimate(RULES, **arguments)
    assert (result.percent, result.fund_pays) == (percent, fund), f"{case} ({source})"
    assert result.patient_pays == arguments["price"] - fund
    assert all(r.text_vi.startswith(("Theo", "Quỹ")) for r in result.applied)
    assert result.applied[0].kind == "base_salary"


def test_the_rule_applied_is_named_for_the_screen() -> None:
    result = estimate(
        RULES, price=500_000, benefit_level=4, route="self", day=date(2026, 7, 1),
        facility=BASIC_60,
    )  # fmt: skip
    assert [r.id for r in result.applied] == ["base-salary-2026", "self-basic-50-70-from-2026-07"]
    assert result.applied[1].text_vi.startswith("Theo Nghị định 188/2025/NĐ-CP")


def _with(change: dict[str, Any], index: int = 3) -> str:
    data = json.loads(rules.ASSET_PATH.read_text(encoding="utf-8"))
    data["rules"][index].update(change)
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"valid_from": "2026-06-01"}, "overlap"),
        ({"valid_to": "2020-01-01"}, "valid_to before"),
        ({"amount": None}, "needs amount"),
        ({"source": {"document": "", "article": "x"}}, "document"),
        ({"text_vi": ""}, "text_vi"),
        ({"kind": "magic"}, "kind"),
    ],
)
def test_bad_rules_are_refused(change: dict[str, Any], error: str) -> None:
    with pytest.raises(RulesError, match=error):
        rules.parse(_with(change))


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env,
        timeout=60, check=False,
    )  # fmt: skip


def test_cli_import_overrides_and_estimate_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(_with({"valid_from": "2026-06-01"}), encoding="utf-8")
    refused = _cli("rules", "import", str(bad), data_dir=tmp_path)
    assert refused.returncode == 1 and "nothing changed" in refused.stderr
    assert not (tmp_path / "rules").exists()

    good = tmp_path / "good.json"
    good.write_text(_with({"amount": 2_600_000}), encoding="utf-8")
    assert _cli("rules", "import", str(good), data_dir=tmp_path).returncode == 0
    shown = _cli("rules", "show", "--date", "2026-12-01", "--json", data_dir=tmp_path)
    assert str(tmp_path) in json.loads(shown.stdout)["path"]

    out = _cli(
        "estimate", "--price", "385000", "--card", "DN4010190123456", "--date", "2026-12-01",
        "--json", data_dir=tmp_path,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert data["base_salary"] == 2_600_000  # the imported file, not the asset
    assert data["fund_pays"] == 385_000  # under 15 % of 2.6 M (390,000), over 379,500
    assert data["rules"][0]["source"].startswith("Nghị định 161/2026")


def test_a_checked_patient_gets_the_rules_behind_the_share() -> None:
    from kiosk.insurance.benefits import rules_applied
    from kiosk.insurance.config import InsuranceConfig
    from kiosk.models import Eligibility, InsuranceAction

    self_referred = Eligibility(
        action=InsuranceAction.INSURED, verified=True, message_vi="", message_en="",
        staff_note="", benefit_level=4, correct_route=False,
    )  # fmt: skip
    config = InsuranceConfig.model_validate({"facility": {"level": "basic", "score": 60}})
    applied = rules_applied(self_referred, on=date(2026, 7, 1), config=config)
    assert [r.id for r in applied] == ["base-salary-2026", "self-basic-50-70-from-2026-07"]
    not_checked = Eligibility(
        action=InsuranceAction.DESK, verified=False, message_vi="", message_en="", staff_note=""
    )
    assert rules_applied(not_checked, on=date(2026, 7, 1), config=config) == []
