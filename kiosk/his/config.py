"""The `[his]` section: which HIS backend, how numbers are given, how the outbox retries."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class SlipPattern(BaseModel):
    """One electronic slip format: a regular expression with named groups.

    Groups the kiosk reads: `code` (the slip number, required), `facility` (5-digit issuing
    facility), `date` (the slip date, ddmmyyyy or yyyymmdd), `until` (valid until, same forms),
    `diagnosis` (ICD-10). `kind` is `transfer` (giấy chuyển tuyến / chuyển cơ sở KCB) or
    `reexam` (phiếu hẹn khám lại).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="a name for IT (shown in logs and `kiosk his export`)")
    kind: Literal["transfer", "reexam"] = Field(
        "transfer",
        description="transfer: giấy chuyển tuyến / chuyển cơ sở KCB; reexam: phiếu hẹn khám lại",
    )
    pattern: str = Field(
        description="regular expression over the whole scanned text, with named groups code "
        "(required), facility, date, until, diagnosis"
    )

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            regex = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        if "code" not in regex.groupindex:
            raise ValueError("the pattern needs a named group (?P<code>...)")
        return value


def default_slip_patterns() -> list[SlipPattern]:
    # Separator-delimited text QR as several VN HIS print them (field order: kind tag, slip
    # number, issuing facility, date, valid-until, ICD-10). These are the project's defaults,
    # not a national format: Circular 01/2025/TT-BYT fixes the slip's content, not its QR.
    return [
        SlipPattern(
            name="transfer-pipe",
            kind="transfer",
            pattern=r"^(?:GCT|CT)\|(?P<code>[A-Z0-9./-]{4,30})\|(?P<facility>\d{5})"
            r"\|(?P<date>\d{8})(?:\|(?P<until>\d{8}))?(?:\|(?P<diagnosis>[A-Z]\d{2}(?:\.\d{1,2})?))?$",
        ),
        SlipPattern(
            name="reexam-pipe",
            kind="reexam",
            pattern=r"^(?:HK|TK)\|(?P<code>[A-Z0-9./-]{4,30})\|(?P<facility>\d{5})"
            r"\|(?P<date>\d{8})(?:\|(?P<until>\d{8}))?$",
        ),
        SlipPattern(
            name="transfer-code",
            kind="transfer",
            pattern=r"^CT(?P<facility>\d{5})(?P<date>\d{8})(?P<code>\d{4,10})$",
        ),
        SlipPattern(
            name="reexam-code",
            kind="reexam",
            pattern=r"^HK(?P<facility>\d{5})(?P<date>\d{8})(?P<code>\d{4,10})$",
        ),
    ]


class AppointmentRules(BaseModel):
    """When a booking counts: holders inside the window go before walk-ins."""

    model_config = ConfigDict(extra="forbid")

    early_min: int = Field(
        60,
        ge=0,
        le=720,
        description="minutes before the booked time a "
        "holder may check in and still be served as booked",
    )
    late_min: int = Field(
        30,
        ge=0,
        le=720,
        description="minutes after the booked time the "
        "booking still counts; later: a normal walk-in ticket",
    )
    lookup_timeout_s: float = Field(
        3.0,
        gt=0,
        le=15,
        description="longest wait for today's appointments while the patient waits; "
        "then the kiosk goes on as for a walk-in",
    )


class OutboxSettings(BaseModel):
    """How registrations waiting for the HIS are retried and kept."""

    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(
        20,
        ge=1,
        le=1000,
        description="failed deliveries before a "
        "registration becomes a dead letter (`kiosk his retry`)",
    )
    backoff_base_s: float = Field(2.0, gt=0, description="first retry delay; doubles per failure")
    backoff_max_s: float = Field(120.0, gt=0, description="longest delay between two tries")
    poll_s: float = Field(1.0, gt=0, description="how often the worker looks for due rows")
    lease_s: float = Field(
        60.0,
        gt=0,
        description="a claimed row returns to the pool after "
        "this long if its worker died mid-delivery",
    )
    batch: int = Field(20, ge=1, le=500, description="rows one worker claims per pass")
    keep_days: int = Field(
        7,
        ge=1,
        le=366,
        description="days a delivered registration's "
        "patient data stays (for `kiosk his export`); then it is erased",
    )


class HisConfig(BaseModel):
    """The hospital information system: where every registration is handed off."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["none", "fhir", "rest"] = Field(
        "none", description="none: standalone; fhir: HL7 FHIR R4 REST; rest: the kiosk JSON API"
    )
    url: str = Field("", description="base URL of the HIS (FHIR base or REST API root)")
    client_id: str = Field(
        "kiosk", pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="rest: the X-Kiosk-Client name"
    )
    secret: SecretStr = Field(
        SecretStr(""), description="rest: HMAC-SHA256 key; fhir: bearer token (empty: none)"
    )
    numbering: Literal["kiosk", "his"] = Field(
        "kiosk",
        description="kiosk: the kiosk numbers tickets; his: the HIS answers the number "
        "and room at issue time (the kiosk's own number when it cannot answer in time)",
    )
    timeout_s: float = Field(5.0, gt=0, le=60, description="longest wait for one HIS answer")
    issue_timeout_s: float = Field(
        2.0,
        gt=0,
        le=10,
        description="longest wait for the HIS while the patient's ticket is issued",
    )
    facility_code: str = Field("", description="MA_CSKCB (empty: hospital.code)")
    nationality_code: str = Field("000", description="MA_QUOCTICH of Vietnamese citizens")
    departments: dict[str, str] = Field(
        default_factory=dict,
        description="clinic id -> MA_KHOA (department code of the HIS); default: the id",
    )
    appointments: AppointmentRules = Field(
        default_factory=AppointmentRules, description="the appointment windows"
    )
    slips: list[SlipPattern] = Field(
        default_factory=default_slip_patterns,
        description="transfer and re-exam slip formats, tried in order (README-IT.md)",
    )
    outbox: OutboxSettings = Field(
        default_factory=OutboxSettings, description="retries and keep period of the outbox"
    )
