"""Demo payloads for the tester's simulator panel and the screenshots: the QR codes the demo
people would show (CCCD and BHYT), a booking code and some garbage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GATEWAY_PEOPLE = Path(__file__).resolve().parent.parent / "assets" / "demo" / "gateway-people.json"


@dataclass(frozen=True)
class DemoCode:
    label: str
    payload: bytes


def cccd_payload(person: dict[str, Any]) -> str:
    """The QR printed on a CCCD: ID|old ID|name|DDMMYYYY|gender|address|DDMMYYYY issued."""
    dob = person["dob"].replace("/", "")
    issued = person["issue_date"].replace("/", "")
    return "|".join(
        [
            person["id"],
            person.get("old_id", ""),
            person["name"],
            dob,
            person["gender"],
            person["residence"],
            issued,
        ]
    )


def bhyt_payload(person: dict[str, Any], card: dict[str, Any]) -> str:
    """The QR on a BHYT card / VssID: hex-UTF-8 name and address, ends with `|$`."""

    def hexed(text: str) -> str:
        return text.encode("utf-8").hex()

    gender = "1" if person["gender"] == "Nam" else "2"
    facility = card.get("registered_facility", "01001")
    fields = [
        card["card_number"],
        hexed(person["name"]),
        person["dob"],
        gender,
        hexed(person["residence"]),
        f"{facility[:2]} - {facility[2:]}",
        card.get("valid_from", "01/01/2026"),
        card.get("valid_to", "31/12/2026"),
        card.get("valid_from", "01/01/2026"),
        "4",
        "-",
        "4",
        card.get("five_year_date", "01/01/2030"),
        "a1b2c3d4",
        "$",
    ]
    return "|".join(fields)


def _gateway_cards() -> dict[str, dict[str, Any]]:
    """Card data of the gateway people file, by citizen ID (empty if the file is absent)."""
    try:
        raw = json.loads(GATEWAY_PEOPLE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    rows = raw.get("people", raw) if isinstance(raw, dict) else raw
    cards: dict[str, dict[str, Any]] = {}
    for row in rows if isinstance(rows, list) else []:
        cid = row.get("citizen_id") or row.get("cccd")
        number = row.get("card_number") or row.get("maThe")
        if cid and number:
            cards[cid] = {"card_number": number, **row}
    return cards


def demo_codes(people: dict[str, dict[str, Any]]) -> list[DemoCode]:
    cards = _gateway_cards()
    codes: list[DemoCode] = []
    for person in people.values():
        codes.append(DemoCode(f"CCCD QR: {person['name']}", cccd_payload(person).encode("utf-8")))
        card = cards.get(person["id"])
        if card:
            codes.append(
                DemoCode(f"BHYT QR: {person['name']}", bhyt_payload(person, card).encode("utf-8"))
            )
    codes.append(DemoCode("Booking code LH20261123", b"LH20261123"))
    codes.append(DemoCode("Garbage: a web address", b"https://example.com/khuyen-mai"))
    codes.append(
        DemoCode(
            "Garbage: CCCD with a wrong date",
            "001090123456||Nguyễn Văn An|31021990|Nam|Hà Nội|15042021".encode(),
        )
    )
    codes.append(DemoCode("Garbage: invalid UTF-8 bytes", b"\xff\xfe\x00garbage\xc3"))
    return codes
