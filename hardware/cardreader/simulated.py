"""A simulated card reader: testers insert one of several demo people's cards.

First version: `read()` returns the person's data directly. The protocol engineer replaces it
with the full ICAO protocol run in-process against the card emulator (same public API).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    CardData,
    CardEvent,
    CardReader,
    EventCallback,
    KeyRequired,
    NoCard,
)
from hardware.status import DeviceStatus

DEMO_PEOPLE = Path(__file__).resolve().parents[2] / "assets" / "demo" / "people"


def load_people(folder: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Person JSON files by file stem (e.g. 'an-adult')."""
    path = Path(folder) if folder else DEMO_PEOPLE
    people: dict[str, dict[str, Any]] = {}
    for file in sorted(path.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        data["_path"] = str(file)
        people[file.stem] = data
    return people


class SimulatedCardReader(CardReader):
    def __init__(self, people_dir: str | Path | None = None) -> None:
        self.people = load_people(people_dir)
        self._card: dict[str, Any] | None = None
        self._on_event: EventCallback | None = None
        self._lock = threading.Lock()

    def start(self, on_event: EventCallback) -> None:
        self._on_event = on_event
        if self._card is not None:
            on_event(CardEvent.INSERTED)

    def stop(self) -> None:
        self._on_event = None

    def insert(self, person: str | dict[str, Any]) -> None:
        with self._lock:
            self._card = self.people[person] if isinstance(person, str) else person
        if self._on_event:
            self._on_event(CardEvent.INSERTED)

    def remove(self) -> None:
        with self._lock:
            had = self._card is not None
            self._card = None
        if had and self._on_event:
            self._on_event(CardEvent.REMOVED)

    def card_present(self) -> bool:
        return self._card is not None

    def read(self, key: AccessKey | None) -> CardData:
        with self._lock:
            card = self._card
        if card is None:
            raise NoCard("no card on the simulated reader")
        if key is None or not key.can:
            raise KeyRequired("the chip needs the CAN or MRZ data")
        if key.can != card["id"][-6:]:
            raise AccessDenied("the access key does not fit this card")
        return CardData(
            citizen_id=card["id"],
            full_name=card["name"],
            birth_date=card["dob"],
            gender=card["gender"],
            nationality=card.get("nationality", ""),
            residence=card.get("residence", ""),
            issue_date=card.get("issue_date", ""),
            expiry=card.get("expiry", ""),
            authenticity="read",
            access="simulated",
        )

    def status(self) -> DeviceStatus:
        state = "card present" if self.card_present() else "no card"
        return DeviceStatus(ok=True, summary=f"simulated reader, {state}")
