"""A simulated card reader: testers insert one of several demo people's cards.

The card is the real thing minus the radio: `read()` runs the full ICAO protocol in-process
(hardware.icao.reader over LocalTransport) against the card emulator built from the person
JSON file, so keys are needed exactly as on a real chip: no key -> KeyRequired, a wrong CAN
-> AccessDenied. The EF.SOD is signed by a test document signer under a test CSCA created in
memory once per process; that CSCA is the simulated reader's trust store, so demo reads reach
the `trusted` level. Faults can be played: `insert(person, faults={"tampered_dg13"})`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from hardware.cardreader.base import (
    AccessKey,
    CardData,
    CardEvent,
    CardReader,
    CardReadFailed,
    CardRemoved,
    EventCallback,
    NoCard,
)
from hardware.cardreader.config import VerificationPolicy
from hardware.status import DeviceStatus

DEMO_PEOPLE = Path(__file__).resolve().parents[2] / "assets" / "demo" / "people"


def load_people(folder: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Person JSON files by file stem (e.g. 'an-adult'); unreadable files are skipped."""
    path = Path(folder) if folder else DEMO_PEOPLE
    people: dict[str, dict[str, Any]] = {}
    for file in sorted(path.glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        data["_path"] = str(file)
        people[file.stem] = data
    return people


@lru_cache(maxsize=1)
def demo_pki() -> tuple[Any, Any, dict[str, Any]]:
    """(document signer, trust store, fault signers) of the simulated cards: test keys, in
    memory only; the trust store holds the test CSCA and its CRL (revoking `revoked-dsc`)."""
    from hardware.icao.pki import create_csca, create_dsc, fault_signers
    from hardware.icao.trust import TrustStore

    csca_cert, csca_key = create_csca("TEST CSCA Viet Nam (simulated reader)")
    signer = create_dsc(csca_cert, csca_key, "TEST Document Signer (simulated reader)")
    signers, crl = fault_signers(csca_cert, csca_key)
    trust = TrustStore(certificates=[csca_cert], source="simulated test CSCA")
    trust.add_crl(crl)
    return signer, trust, signers


class SimulatedCardReader(CardReader):
    def __init__(
        self, people_dir: str | Path | None = None, policy: VerificationPolicy | None = None
    ) -> None:
        self.people = load_people(people_dir)
        self.policy = policy
        self._card: dict[str, Any] | None = None
        self._faults: frozenset[str] = frozenset()
        self._emulator: Any = None
        self._on_event: EventCallback | None = None
        self._lock = threading.Lock()
        self._read_lock = threading.Lock()

    def start(self, on_event: EventCallback) -> None:
        self._on_event = on_event
        if self._card is not None:
            on_event(CardEvent.INSERTED)

    def stop(self) -> None:
        self._on_event = None

    def insert(self, person: str | dict[str, Any], faults: Iterable[str] = ()) -> None:
        """Places a person's card (file stem or person dict) on the reader."""
        with self._lock:
            self._card = self.people[person] if isinstance(person, str) else person
            self._faults = frozenset(faults)
            self._emulator = None  # built on the first read (signing takes a few ms)
        if self._on_event:
            self._on_event(CardEvent.INSERTED)

    def remove(self) -> None:
        with self._lock:
            had = self._card is not None
            self._card = None
            self._emulator = None
        if had and self._on_event:
            self._on_event(CardEvent.REMOVED)

    def card_present(self) -> bool:
        return self._card is not None

    def _card_emulator(self) -> Any:
        from hardware.icao.emulator import EmrtdEmulator
        from hardware.icao.person import Person, PersonError

        with self._lock:
            card, faults, emulator = self._card, self._faults, self._emulator
        if card is None:
            raise NoCard("no card on the simulated reader")
        if emulator is not None:
            return emulator
        data = {k: v for k, v in card.items() if not k.startswith("_")}
        base = Path(card["_path"]).parent if "_path" in card else None
        try:
            person = Person.from_dict(data, base)
        except PersonError as exc:
            raise CardReadFailed(f"the simulated card's person data is invalid: {exc}") from exc
        signer, _trust, signers = demo_pki()
        try:
            emulator = EmrtdEmulator.from_person(person, signer, faults=faults, signers=signers)
        except ValueError as exc:
            raise CardReadFailed(f"the simulated card cannot play {sorted(faults)}: {exc}") from exc
        with self._lock:
            if self._card is card:
                self._emulator = emulator
        return emulator

    def read(self, key: AccessKey | None) -> CardData:
        from hardware.icao.reader import read_identity
        from hardware.icao.transport import LocalTransport

        with self._read_lock:
            emulator = self._card_emulator()
            emulator.reset()  # a new session, like a fresh field on a real reader
            _signer, trust, _signers = demo_pki()
            try:
                return read_identity(LocalTransport(emulator), key, trust, policy=self.policy)
            except CardRemoved:
                self.remove()
                raise

    def status(self) -> DeviceStatus:
        state = "card present" if self.card_present() else "no card"
        return DeviceStatus(ok=True, summary=f"simulated reader, {state}")
