"""The HIS adapter interface and its values (no I/O here).

Every backend raises `HisUnavailable` for what may pass (timeouts, refused connections, HTTP
5xx, garbage) and `HisRejected` for a registration the HIS refuses for good (HTTP 4xx other
than 408/409/429): the outbox retries the first with a backoff and dead-letters the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from hardware.status import DeviceStatus
from kiosk.his.outbox import Delivery
from kiosk.his.record import Registration


class HisError(Exception):
    pass


class HisUnavailable(HisError):
    """The HIS did not answer usefully; try again later."""


class HisRejected(HisError):
    """The HIS refused the request for good (bad data, unknown clinic)."""


@dataclass(frozen=True)
class Appointment:
    """One booking (or re-exam appointment) for today, as the check-in screen needs it."""

    id: str
    code: str  # the booking code printed / in the QR
    start: datetime  # aware, Asia/Ho_Chi_Minh
    clinic_id: str
    clinic_name: str = ""
    kind: str = "booking"  # "booking" or "reexam"
    citizen_id_hash: str = ""  # never the ID itself
    status: str = "booked"


@dataclass(frozen=True)
class Fee:
    """One item the patient owes the hospital for a visit (the payment engineer's call)."""

    code: str
    name: str
    amount: int  # đồng, what the patient pays
    fund_pays: int = 0
    paid: bool = False


@dataclass(frozen=True)
class Fees:
    visit_id: str  # MA_LK
    items: list[Fee] = field(default_factory=list)

    @property
    def due(self) -> int:
        return sum(f.amount for f in self.items if not f.paid)


class HisAdapter(Protocol):
    name: str

    def register(self, reg: Registration, timeout_s: float | None = None) -> Delivery:
        """Registers one visit, idempotent on `reg.key`: a second call with the same key
        answers the first call's result and registers nothing."""
        ...

    def appointments(
        self,
        *,
        code: str | None = None,
        citizen_id: str | None = None,
        day: str,
        timeout_s: float | None = None,
    ) -> list[Appointment]:
        """Bookings of `day` (YYYY-MM-DD) for a booking code or a citizen ID."""
        ...

    def fees(self, visit_id: str) -> Fees: ...

    def health(self) -> DeviceStatus: ...

    def close(self) -> None: ...


class NoHis:
    """`his.backend = "none"`: standalone. Nothing is handed off; no appointments."""

    name = "none"

    def register(self, reg: Registration, timeout_s: float | None = None) -> Delivery:
        raise HisRejected("no HIS configured")

    def appointments(
        self,
        *,
        code: str | None = None,
        citizen_id: str | None = None,
        day: str,
        timeout_s: float | None = None,
    ) -> list[Appointment]:
        return []

    def fees(self, visit_id: str) -> Fees:
        return Fees(visit_id)

    def health(self) -> DeviceStatus:
        return DeviceStatus(True, "standalone (no HIS configured)")

    def close(self) -> None:
        pass


def build_his(config: Any) -> HisAdapter:
    his = config.his
    if his.backend == "none":
        return NoHis()
    if not his.url:
        from kiosk.config import ConfigError

        raise ConfigError(f"his.url: required for his.backend = {his.backend!r}")
    if his.backend == "rest":
        from kiosk.his.rest import RestHis

        return RestHis(his)
    from kiosk.his.fhir import FhirHis

    return FhirHis(his, config)
