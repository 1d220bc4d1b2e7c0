"""Priority categories by law, the age proposals and hospital-defined ones."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from kiosk.queue.config import PriorityConfig, QueueSettings
from kiosk.queue.priority import LEGAL_PRIORITIES, all_priorities, proposed_priorities

TODAY = date(2026, 11, 23)


def test_legal_categories() -> None:
    ids = [p.id for p in LEGAL_PRIORITIES]
    assert ids == [
        "emergency",
        "under_6",
        "pregnant",
        "severe_disability",
        "age_75_plus",
        "revolutionary_merit",
    ]
    auto = {p.id for p in LEGAL_PRIORITIES if p.automatic}
    assert auto == {"under_6", "age_75_plus"}
    assert all(p.needs_confirmation for p in LEGAL_PRIORITIES if not p.automatic)


def test_age_proposals_from_birth_date() -> None:
    assert proposed_priorities(date(2020, 11, 24), None, TODAY) == ["under_6"]  # 5 until tomorrow
    assert proposed_priorities(date(2020, 11, 23), None, TODAY) == []  # 6 today
    assert proposed_priorities(date(1951, 11, 23), None, TODAY) == ["age_75_plus"]  # 75 today
    assert proposed_priorities(date(1951, 11, 24), None, TODAY) == []  # 74 until tomorrow
    assert proposed_priorities(date(1990, 1, 1), None, TODAY) == []
    assert proposed_priorities(None, None, TODAY) == []


def test_age_proposals_from_birth_year_only_when_certain() -> None:
    assert proposed_priorities(None, 1950, TODAY) == ["age_75_plus"]  # 75 or 76
    assert proposed_priorities(None, 1951, TODAY) == []  # 74 or 75: staff decide
    assert proposed_priorities(None, 2021, TODAY) == ["under_6"]  # 4 or 5
    assert proposed_priorities(None, 2020, TODAY) == []  # 5 or 6


def test_hospital_defined_priorities() -> None:
    config = SimpleNamespace(
        queue=QueueSettings(
            priorities=[
                PriorityConfig(
                    id="staff_family", name_vi="Người nhà nhân viên", name_en="Staff family"
                ),
                PriorityConfig(
                    id="emergency", name_vi="x", name_en="x"
                ),  # a legal id is not replaced
            ]
        )
    )
    prios = all_priorities(config)
    assert [p.id for p in prios][-1] == "staff_family"
    assert len(prios) == len(LEGAL_PRIORITIES) + 1
    assert prios[-1].needs_confirmation and not prios[-1].automatic
    assert all_priorities(SimpleNamespace()) == list(LEGAL_PRIORITIES)
