"""Clinics, lines, priorities and ticket storage.

Lines of a clinic (see `kiosk.queue.lines`):

- `<clinic>`: the clinic's line (the self-paying line when `separate_insured_line`), prefix
  `prefix`, e.g. `N012`;
- `<clinic>.bhyt`: the insured (BHYT) line when `separate_insured_line`, prefix
  `insured_prefix` (default `<prefix>B`, e.g. `NB012`);
- `<clinic>.ut`: the priority line when `priority_line` (default), prefix `priority_prefix`
  (default `<prefix>-ƯT`, e.g. `N-ƯT003`). Priority tickets are numbered apart and a counter
  calling any line of the clinic serves waiting priority tickets first.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class ClinicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name_vi: str
    name_en: str
    room: str = ""
    prefix: str = Field("A", min_length=1, max_length=6, description="ticket number prefix")
    separate_insured_line: bool = False
    insured_prefix: str = Field(
        default="", max_length=6, description="prefix of the insured line; empty = <prefix>B"
    )
    priority_line: bool = Field(
        default=True, description="number priority patients on their own line"
    )
    priority_prefix: str = Field(default="", max_length=8, description="empty = <prefix>-ƯT")
    number_digits: int = Field(default=3, ge=1, le=6, description="digits of the printed number")
    opening_hours: list[str] = Field(
        default_factory=list,
        description="local (Asia/Ho_Chi_Minh) periods 'HH:MM-HH:MM' when tickets are issued; "
        "empty = always",
    )
    open_weekdays: list[int] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5, 6, 7], description="ISO weekdays (1 = Monday)"
    )
    service_time_min: float | None = Field(
        default=5.0,
        gt=0,
        description="minutes per patient assumed until recent calls give a measure",
    )
    counters: int = Field(default=1, ge=1, description="counters serving each line in parallel")

    @field_validator("opening_hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for item in value:
            m = _HOURS.match(item)
            if not m or (m.group(1), m.group(2)) >= (m.group(3), m.group(4)):
                raise ValueError(f"opening hours {item!r} must look like '07:00-11:30'")
        return value

    @field_validator("open_weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 or d > 7 for d in value):
            raise ValueError("open_weekdays must list ISO weekdays 1..7")
        return value

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


def default_clinics() -> list[ClinicConfig]:
    return [
        ClinicConfig(
            id="noi", name_vi="Khám Nội", name_en="Internal medicine", room="P.101", prefix="N"
        ),
        ClinicConfig(id="nhi", name_vi="Khám Nhi", name_en="Paediatrics", room="P.105", prefix="E"),
        ClinicConfig(
            id="tmh",
            name_vi="Tai Mũi Họng",
            name_en="Ear, nose and throat",
            room="P.110",
            prefix="T",
        ),
        ClinicConfig(
            id="mat", name_vi="Khám Mắt", name_en="Ophthalmology", room="P.112", prefix="M"
        ),
        ClinicConfig(
            id="rhm", name_vi="Răng Hàm Mặt", name_en="Dentistry", room="P.115", prefix="R"
        ),
        ClinicConfig(
            id="san",
            name_vi="Sản phụ khoa",
            name_en="Obstetrics and gynaecology",
            room="P.120",
            prefix="S",
        ),
    ]


class PriorityConfig(BaseModel):
    """A hospital-defined priority category (beside the ones set by law)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="identifier, e.g. 'blood_donor'")
    name_vi: str = Field(description="name shown in Vietnamese")
    name_en: str = Field(description="name shown in English")
    needs_confirmation: bool = Field(True, description="marked 'to be confirmed at the counter'")


class QueueSettings(BaseModel):
    """Hospital-wide queue settings (`[queue]` in the configuration file)."""

    model_config = ConfigDict(extra="forbid")

    priorities: list[PriorityConfig] = Field(default_factory=list)
    status_page_base: str = Field(
        default="",
        pattern=r"^(https?://\S+)?$",
        description="base URL of `kiosk serve` for the phone status page: the ticket's QR then "
        "carries BASE/t/<token> (no personal data); empty = the QR carries the ticket id",
    )
    recent_calls: int = Field(
        default=10, ge=2, description="calls used to measure the service time"
    )
    priority_run: int = Field(
        default=0,
        ge=0,
        description="fairness: after this many priority calls in a row a counter calls one "
        "normal ticket (0 = strict priority)",
    )
    requeue_limit: int = Field(
        default=1, ge=0, description="times a no-show goes back to the queue before it ends"
    )
    requeue_behind: int = Field(
        default=3, ge=0, description="a requeued no-show waits behind this many tickets"
    )
    registration_retention_h: float | None = Field(
        default=None,
        gt=0,
        description="hours the registration record of a ticket is kept; empty = until the end "
        "of the local day",
    )


class StorageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: SecretStr = Field(
        default=SecretStr(""),
        description="SQLAlchemy URL; empty = SQLite file in the data directory. "
        "PostgreSQL for several kiosks: postgresql+psycopg://user:pass@host/db",
    )
    hash_key: SecretStr = Field(
        default=SecretStr(""),
        description="key for the keyed hash of citizen IDs; empty = generated per data dir "
        "(set the same key on every kiosk sharing a PostgreSQL database)",
    )
    busy_timeout_s: float = Field(
        default=5.0, gt=0, description="SQLite: wait for a locked database (busy timeout)"
    )
    connect_timeout_s: int = Field(default=2, ge=1, description="PostgreSQL: connect timeout")
    statement_timeout_s: float = Field(
        default=3.0,
        gt=0,
        description="bound of one database call; also the client-side limit when the server "
        "stops answering (a frozen server, a dead network)",
    )
    lock_timeout_s: float = Field(default=2.0, gt=0, description="PostgreSQL: row lock wait")
    keepalive_idle_s: int = Field(
        default=5, ge=1, description="PostgreSQL: TCP keepalive after this much silence"
    )
    issue_deadline_s: float = Field(
        default=8.0,
        gt=0,
        description="a ticket not confirmed to the kiosk within this time is voided (the "
        "patient is told within it; the counter never calls a voided ticket)",
    )
