"""Helpers for the HIS tests (a module name unique in the test tree)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from kiosk.models import Eligibility, Gender, Identity, IdentitySource, InsuranceAction


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def patient() -> Identity:
    return Identity(
        source=IdentitySource.CHIP,
        citizen_id="001090123456",
        full_name="Nguyễn Văn An",
        birth_date=date(1990, 1, 2),
        gender=Gender.MALE,
        address="12 Hàng Bông, Hoàn Kiếm, Hà Nội",
        details={"ethnicity": "Kinh", "nationality": "Việt Nam"},
    )


def insured(correct_route: bool = True) -> Eligibility:
    return Eligibility(
        action=InsuranceAction.INSURED,
        verified=True,
        message_vi="",
        message_en="",
        staff_note="BHYT đúng tuyến",
        card_number="DN4010123456789",
        coverage_percent=80,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        registered_facility="01-001",
        correct_route=correct_route,
        benefit_level=4,
        five_year_date=date(2028, 3, 1),
    )


def at(hh: int, mm: int = 0) -> datetime:
    from kiosk.his.simulator import VN

    return datetime.now(VN).replace(hour=hh, minute=mm, second=0, microsecond=0)


def _write_config(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "data"}"\n[his]\nbackend = "rest"\nurl = "{url}"\n'
        'secret = "test-secret"\ntimeout_s = 8\nissue_timeout_s = 8\n'
        "[his.outbox]\nlease_s = 1\nbackoff_base_s = 0.2\npoll_s = 0.1\n",
        encoding="utf-8",
    )
    return path


def _env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[3])
    return dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
