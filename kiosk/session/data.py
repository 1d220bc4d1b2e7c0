"""What the session holds and needs: the current patient's data (`PatientData`) and the
services the composition root gives it (`Services`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from hardware.cardreader.base import AccessKey, CardData
from kiosk.config import KioskConfig
from kiosk.messages import Message
from kiosk.models import Eligibility, Identity
from kiosk.text import Text


@dataclass
class PatientData:
    """Everything the kiosk knows about the current patient. Replaced whole on wipe."""

    language: str
    identity: Identity | None = None
    access_key: AccessKey | None = None
    typed_id: str | None = None  # all 12 digits typed to open the chip: checked against it
    eligibility: Eligibility | None = None
    clinic_id: str | None = None
    priority: str | None = None
    proposed_priorities: list[str] = field(default_factory=list)
    ticket: Any = None  # kiosk.queue.service.Ticket
    print_outcome: Any = None  # kiosk.queue.printing.PrintOutcome
    message: Message | None = None  # the last problem to show on the current screen
    scanned_code: str | None = None  # an appointment code shown to the camera
    card_this_session: bool = False  # a card was placed during this session (not left behind)
    priority_chosen: bool = False  # the patient answered the priority question themselves
    appointment_check: Any = None  # kiosk.his.appointments.AppointmentCheck of the lookup
    appointment: Any = None  # kiosk.his.base.Appointment the patient confirmed
    appointment_first: bool = False  # confirmed within its window: served before walk-ins
    slip: Any = None  # kiosk.his.record.Slip: a transfer or re-exam slip scanned
    consent: str | None = None  # the notice's answer: accepted/acknowledged/refused/plain
    rules_applied: list[Text] = field(default_factory=list)  # the dated rules behind the share
    pending_scan: Any = None  # a code shown before the notice's answer: used only on "agree"


class Services(Protocol):
    """What the session needs from the composition root."""

    config: KioskConfig

    def read_card(self, key: AccessKey | None) -> CardData: ...
    def card_present(self) -> bool: ...
    def check_insurance(self, identity: Identity) -> Eligibility: ...
    def proposed_priorities(self, identity: Identity | None) -> list[str]: ...
    def issue_ticket(self, data: PatientData) -> Any: ...
    def print_ticket(self, ticket: Any, language: str) -> Any: ...
    def reprint_ticket(self, ticket: Any, language: str) -> Any: ...
    def appointments_enabled(self) -> bool: ...
    def find_appointment(self, code: str | None, citizen_id: str | None) -> Any: ...
    def apply_slip(self, eligibility: Eligibility, slip: Any) -> Eligibility: ...
    def record_consent(self, notice_version: str, mode: str, answer: str) -> None: ...
