"""The queue's values: requests, tickets, line status, errors, and the local day.

The day is the date in Asia/Ho_Chi_Minh, so numbering restarts at local midnight. Times are
stored as ISO 8601 UTC text (sortable, one format for SQLite and PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any


def _local_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except Exception:  # no tz database: Vietnam has had UTC+7 without DST since 1975
        return timezone(timedelta(hours=7), "ICT")


TZ = _local_tz()


class QueueError(Exception):
    """A ticket cannot be issued; message_vi/message_en are for the screen."""

    def __init__(self, message_en: str, message_vi: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi

    def message(self, language: str) -> str:
        return self.message_vi if language == "vi" else self.message_en


class ClinicClosed(QueueError):
    pass


class QueueUnavailable(QueueError):
    """The queue database cannot be reached (or did not answer within the bound)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The queue is out of service - please go to the reception desk.",
            "Hệ thống xếp hàng tạm ngừng - xin mời đến quầy tiếp đón.",
        )
        self.detail = detail


@dataclass(frozen=True)
class Registration:
    """What the counter needs about the patient, stored with the ticket (same transaction) and
    purged after `queue.registration_retention_h` (default: the end of the local day)."""

    name: str = ""
    birth_date: str | None = None  # YYYY-MM-DD, or YYYY
    gender: str | None = None
    citizen_id: str | None = None
    insurance_outcome: str = ""
    staff_note: str = ""
    booking_code: str | None = None
    priority: str | None = None
    priority_to_confirm: bool = False


@dataclass(frozen=True)
class TicketRequest:
    clinic_id: str
    insured: bool
    priority: str | None = None
    citizen_id: str | None = None  # only hashed, never stored
    insurance_verified: bool = False
    staff_note: str = ""
    language: str = "vi"
    registration: Registration | None = None
    appointment_at: datetime | None = None  # the booked time of a confirmed appointment
    appointment_first: bool = False  # checked in within its window: before the walk-ins


@dataclass(frozen=True)
class Ticket:
    id: str  # uuid4, also the QR payload
    number: str  # displayed, e.g. "N012", "NB012", "N-ƯT003"
    seq: int
    clinic_id: str
    line_id: str
    day: date  # local (Asia/Ho_Chi_Minh) day of issue
    issued_at: datetime  # aware, Asia/Ho_Chi_Minh
    priority: str | None
    insured: bool
    insurance_verified: bool
    staff_note: str
    people_ahead: int
    estimated_wait_min: int | None
    reprint: bool
    print_status: str  # "pending", "printed" or "failed"
    print_attempts: int = 0
    print_error: str = ""
    language: str = "vi"
    state: str = "waiting"  # "waiting", "called", "done", "no_show" or "void"
    kiosk_id: str = ""
    token: str = ""  # the phone status page's key (not the id)
    queue_line: str = ""  # the line it waits on now (line_id unless transferred)
    counter_id: str = ""  # the counter that called it
    recalls: int = 0
    wait_range_min: tuple[int, int] | None = None  # (low, high) minutes
    room: str = ""  # printed and shown: the HIS's room, else the clinic's configured room
    appointment_at: datetime | None = None  # the booked time (aware, local)
    tier: int = 1  # 0: served before the line's walk-ins (see kiosk.queue.db)


@dataclass(frozen=True)
class LineStatus:
    line_id: str
    clinic_id: str
    kind: str
    day: date
    issued: int  # numbers given today
    waiting: int
    called: int  # called or done
    current_number: str | None  # the number called last
    service_min: float | None  # measured minutes between calls (None: no data yet)
    print_failed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "clinic_id": self.clinic_id,
            "kind": self.kind,
            "day": self.day.isoformat(),
            "issued": self.issued,
            "waiting": self.waiting,
            "called": self.called,
            "current_number": self.current_number,
            "service_min": None if self.service_min is None else round(self.service_min, 2),
            "print_failed": self.print_failed,
        }


def local_day(now: datetime) -> date:
    return now.astimezone(TZ).date()


def now_local(now: datetime | None = None) -> datetime:
    return (now or datetime.now(TZ)).astimezone(TZ)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_ts(ts: str) -> datetime:
    return datetime.fromisoformat(ts).astimezone(TZ)
