"""Helpers shared by the insurance tests (people of the demo file, short timeouts)."""

from __future__ import annotations

import json
from datetime import date, datetime

from kiosk.insurance.people import DEFAULT_PEOPLE_PATH
from kiosk.models import Identity, IdentitySource

# Short enough to keep the suite fast, long enough for a loaded CI machine on loopback.
FAST = {
    "connect_timeout_s": 0.5,
    "read_timeout_s": 0.3,
    "total_timeout_s": 1.5,
    "retry_backoff_s": 0.01,
    "breaker_failures": 3,
    "breaker_cooldown_s": 0.3,
}


def people_rows() -> list[dict[str, str]]:
    return json.loads(DEFAULT_PEOPLE_PATH.read_text(encoding="utf-8"))["people"]


def identity_of(row: dict[str, str], by: str = "citizen_id") -> Identity:
    born = row["birth_date"]
    return Identity(
        source=IdentitySource.CHIP if by == "citizen_id" else IdentitySource.BHYT_QR,
        citizen_id=row["citizen_id"] if by == "citizen_id" else None,
        bhyt_card=row["card_number"] if by == "card_number" else None,
        full_name=row["name"],
        birth_date=datetime.strptime(born, "%d/%m/%Y").date() if len(born) == 10 else None,
        birth_year=int(born) if len(born) == 4 else None,
    )


def person(name: str) -> Identity:
    for row in people_rows():
        if row["name"] == name:
            return identity_of(row)
    raise KeyError(name)


AN = Identity(
    source=IdentitySource.CHIP,
    citizen_id="001090123456",
    full_name="Nguyễn Văn An",
    birth_date=date(1990, 1, 1),
)
