"""Realistic, synthetic CCCD and BHYT QR payloads (benchmark, simulator panel, tests).

The people are invented; their data are internally consistent (the ID encodes the birth year
and gender, the card expiry follows the age rule), so every payload classifies as valid.
Also loads the demo people shipped in assets/demo/people.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from kiosk.identity.bhyt import build_bhyt_payload
from kiosk.identity.cccd import build_cccd_payload
from kiosk.identity.citizen_id import PROVINCES
from kiosk.models import Gender

DEMO_PEOPLE = Path(__file__).resolve().parents[2] / "assets" / "demo" / "people"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Phương"]
GIVEN_M = ["An", "Bảo", "Cường", "Dũng", "Hùng", "Khôi", "Long", "Nghĩa", "Phúc", "Quốc", "Sơn", "Thắng", "Tuấn", "Việt"]  # fmt: skip
GIVEN_F = ["Anh", "Bình", "Chi", "Dung", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Phượng", "Thảo", "Yến"]  # fmt: skip
STREETS = ["Phố Huế", "Đường Láng", "Lạch Tray", "Nguyễn Trãi", "Lê Lợi", "Trần Hưng Đạo", "Hai Bà Trưng", "Điện Biên Phủ"]  # fmt: skip
WARDS = ["Phường Hàng Bài", "Phường Láng Thượng", "Phường Lạch Tray", "Phường Bến Nghé", "Xã Đông Hội", "Phường Võ Thị Sáu"]  # fmt: skip
GROUPS = ["DN", "HC", "HT", "TE", "GD", "HS", "SV", "CN", "BT", "NO", "XB", "CH"]


@dataclass(frozen=True)
class Person:
    citizen_id: str
    full_name: str
    birth: date
    gender: Gender
    address: str
    issued: date
    old_id: str = ""


def _century_digit(year: int, gender: Gender) -> int:
    base = {1800: 8, 1900: 0, 2000: 2, 2100: 4, 2200: 6}[year // 100 * 100]
    return base + (1 if gender is Gender.FEMALE else 0)


def random_person(rng: random.Random, today: date | None = None) -> Person:
    today = today or date(2025, 6, 1)
    gender = rng.choice([Gender.MALE, Gender.FEMALE])
    birth = date(1935, 1, 1) + timedelta(days=rng.randrange((today - date(1935, 1, 1)).days - 400))
    province = rng.choice(sorted(PROVINCES))
    number = f"{province}{_century_digit(birth.year, gender)}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    middle = MIDDLE_F if gender is Gender.FEMALE else MIDDLE_M
    given = GIVEN_F if gender is Gender.FEMALE else GIVEN_M
    name = f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"
    address = (
        f"Số {rng.randint(1, 299)} {rng.choice(STREETS)}, {rng.choice(WARDS)}, "
        f"{PROVINCES[province]}"
    )
    earliest = max(birth + timedelta(days=365 * 14), date(2016, 1, 1))
    issued = earliest + timedelta(days=rng.randrange(max(1, (today - earliest).days)))
    old_id = f"{rng.randrange(10**9):09d}" if birth.year < 2000 and rng.random() < 0.7 else ""
    return Person(number, name, birth, gender, address, min(issued, today), old_id)


def cccd_payload(person: Person, trailing_empty: int = 0) -> str:
    return build_cccd_payload(
        person.citizen_id,
        person.full_name,
        person.birth,
        person.gender,
        person.address,
        person.issued,
        person.old_id,
        trailing_empty,
    )


def bhyt_payload(person: Person, rng: random.Random, ten_digit: bool = False) -> str:
    social = f"{rng.randrange(10**10):010d}"
    number = (
        social
        if ten_digit
        else f"{rng.choice(GROUPS)}{rng.randint(1, 5)}{person.citizen_id[1:3]}{social}"
    )
    start = date(2025, 1, 1)
    return build_bhyt_payload(
        number,
        person.full_name,
        person.birth if rng.random() < 0.9 else person.birth.year,
        person.gender,
        person.address,
        facility=f"{person.citizen_id[1:3]} - {rng.randint(1, 200):03d}",
        valid_from=start,
        valid_to=date(2025, 12, 31),
        issued=start,
        five_year=date(2020 + rng.randint(0, 5), 1, 1),
    )


def random_payloads(count: int, seed: int) -> list[str]:
    """`count` payloads alternating CCCD (with and without trailing fields) and BHYT."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        person = random_person(rng)
        if i % 2 == 0:
            out.append(cccd_payload(person, trailing_empty=rng.choice([0, 0, 4])))
        else:
            out.append(bhyt_payload(person, rng, ten_digit=rng.random() < 0.3))
    return out


def load_demo_people(folder: Path = DEMO_PEOPLE) -> list[Person]:
    """The demo people (assets/demo/people/*.json) as Persons; unreadable files are skipped."""
    people: list[Person] = []
    for path in sorted(folder.glob("*.json")):
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            d, m, y = (int(x) for x in raw["dob"].split("/"))
            di, mi, yi = (int(x) for x in raw["issue_date"].split("/"))
            people.append(
                Person(
                    citizen_id=raw["id"],
                    full_name=raw["name"],
                    birth=date(y, m, d),
                    gender=Gender.FEMALE if raw["gender"] == "Nữ" else Gender.MALE,
                    address=raw.get("residence", ""),
                    issued=date(yi, mi, di),
                    old_id=raw.get("old_id", ""),
                )
            )
        except (OSError, ValueError, KeyError):
            continue
    return people
