"""The PC/SC backend on real pcscd + vpcd: events, start-up state, recovery, configuration."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from hardware.cardreader.base import AccessKey, CardEvent
from hardware.cardreader.pcsc import PcscCardReader, pick_reader

READER = "Virtual PCD 00 00"
PEOPLE = Path(__file__).resolve().parents[2] / "assets" / "demo" / "people"


def _person(name: str = "an-adult") -> dict[str, str]:
    return json.loads((PEOPLE / f"{name}.json").read_text(encoding="utf-8"))


def _can(name: str = "an-adult") -> AccessKey:
    return AccessKey(can=_person(name)["id"][-6:])


def _reader(trust: Path | None = None) -> PcscCardReader:
    return PcscCardReader(READER, trust)


def test_reader_pattern() -> None:
    readers = ["ACS ACR122U 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01"]
    assert pick_reader(readers, "") == "ACS ACR122U 00 00"
    assert pick_reader(readers, "virtual pcd 00 01") == "Virtual PCD 00 01"
    assert pick_reader(readers, " VIRTUAL ") == "Virtual PCD 00 00"
    assert pick_reader(readers, "omnikey") is None
    assert pick_reader([], "") is None


def test_status_before_start_says_why() -> None:
    status = PcscCardReader("nothing").status()
    assert not status.ok and status.fix


class Events:
    def __init__(self) -> None:
        self.items: list[CardEvent] = []
        self.cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self.cond:
            self.items.append(event)
            self.cond.notify_all()

    def wait_for(self, event: CardEvent, timeout: float = 5.0, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.items.count(event) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {event} within {timeout} s; got {self.items}")
                self.cond.wait(left)


@pytest.mark.pcsc
def test_monitor_insert_remove_and_card_present_at_start(virtual_card) -> None:
    card = virtual_card("an-adult")
    events = Events()
    reader = _reader()
    reader.start(events)
    try:
        events.wait_for(CardEvent.READER_AVAILABLE)
        events.wait_for(CardEvent.INSERTED)  # already there at start-up
        assert reader.card_present()
        assert reader.status().ok
        card.stop()
        events.wait_for(CardEvent.REMOVED)
        assert not reader.card_present()
        virtual_card("an-adult", wait=False)
        events.wait_for(CardEvent.INSERTED, count=2)
        # reading from the event callback's point of view: the monitor keeps running
        assert reader.read(_can()).full_name
        assert reader.status().ok
    finally:
        reader.stop()


@pytest.mark.pcsc
def test_unmatched_reader_pattern_is_unavailable(pcscd) -> None:
    events = Events()
    reader = PcscCardReader("no such reader")
    reader.start(events)
    try:
        events.wait_for(CardEvent.READER_UNAVAILABLE)
        status = reader.status()
        assert not status.ok and "no reader matches" in status.summary
    finally:
        reader.stop()


@pytest.mark.pcsc
def test_watchdog_restarts_a_dead_monitor(vpcd_slot) -> None:
    events = Events()
    reader = PcscCardReader(READER, watchdog_s=1.0)
    reader.start(events)
    try:
        events.wait_for(CardEvent.READER_AVAILABLE)
        reader._monitor = None  # the monitor thread sees it is no longer wanted and ends
        deadline = time.monotonic() + 5
        while reader.monitor_restarts == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.monitor_restarts >= 1
        assert reader._monitor is not None and reader._monitor.is_alive()
    finally:
        reader.stop()


@pytest.mark.pcsc
@pytest.mark.timeout(60)
def test_pcscd_restart_gives_unavailable_then_available(vpcd_slot) -> None:
    if not vpcd_slot.exclusive():
        pytest.skip("pcscd was started outside this test session or is shared: not restarting it")
    events = Events()
    reader = PcscCardReader(READER, retry_s=0.2)
    reader.start(events)
    try:
        events.wait_for(CardEvent.READER_AVAILABLE)
        vpcd_slot.stop()
        events.wait_for(CardEvent.READER_UNAVAILABLE, timeout=10)
        assert not reader.status().ok
        vpcd_slot.start()
        events.wait_for(CardEvent.READER_AVAILABLE, timeout=15, count=2)
        assert reader.status().ok
    finally:
        reader.stop()
        if vpcd_slot.process is None:
            vpcd_slot.start()


@pytest.mark.pcsc
def test_backend_built_from_the_configuration(virtual_card, trust_dir: Path) -> None:
    from hardware.cardreader.config import CardReaderConfig
    from hardware.cardreader.factory import build_card_reader

    virtual_card("hoa-adult")
    config = CardReaderConfig(
        backend="pcsc", reader="virtual pcd 00 00", trust_store=str(trust_dir)
    )
    reader = build_card_reader(config)
    assert isinstance(reader, PcscCardReader)
    events = Events()
    reader.start(events)
    try:
        events.wait_for(CardEvent.INSERTED)
        data = reader.read(_can("hoa-adult"))
        assert (data.full_name, data.authenticity) == (_person("hoa-adult")["name"], "trusted")
    finally:
        reader.stop()
