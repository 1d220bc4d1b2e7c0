"""The [privacy] section: how the personal-data notice is shown and how long each stored
personal field is kept (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; see deploy/README-IT.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RetentionConfig(BaseModel):
    """Days (or hours) each stored personal field is kept; `kiosk privacy purge` and the daily
    purge erase what is older. Where another section already sets a limit
    (`queue.registration_retention_h`, `his.outbox.keep_days`) the shorter of the two wins."""

    model_config = ConfigDict(extra="forbid")

    registrations_h: float | None = Field(
        default=None,
        gt=0,
        description="hours a ticket's registration record (name, birth date, ID) is kept; "
        "empty = queue.registration_retention_h (default: the end of the local day)",
    )
    his_outbox_days: int | None = Field(
        default=None,
        ge=1,
        le=366,
        description="days a delivered HIS registration keeps its patient data; "
        "empty = his.outbox.keep_days",
    )
    audit_days: int = Field(
        default=365,
        ge=30,
        le=3650,
        description="days the staff access log (web_audit: who viewed or called which ticket) "
        "is kept",
    )
    payment_days: int = Field(
        default=365,
        ge=30,
        le=3650,
        description="days a closed bill (paid, refunded, cancelled) and its bank transactions "
        "stay in the kiosk database; the accounting records are the hospital's e-invoices",
    )
    consent_days: int = Field(
        default=365,
        ge=1,
        le=3650,
        description="days the notice answers (notice version, answer, day: no person) are kept",
    )


class PrivacyConfig(BaseModel):
    """Personal data: the notice before the card is read, and how long stored data is kept."""

    model_config = ConfigDict(extra="forbid")

    notice_mode: Literal["consent", "notice"] = Field(
        default="consent",
        description="consent: the notice asks Agree / Do not agree before the chip is read or "
        "the gateway asked (Law 91/2025 Art. 9, 26); notice: the hospital has decided an "
        "exception of Art. 19 applies, the notice is shown with one Continue button",
    )
    notice_file: str = Field(
        default="",
        description="a notice JSON file replacing assets/privacy/notice.json (same format, "
        "checked by `kiosk privacy notice`); empty = the shipped notice",
    )
    controller_vi: str = Field(
        default="",
        description="who is responsible for the data, as the notice says it (empty = the "
        "hospital name)",
    )
    controller_en: str = Field(default="", description="the same in English")
    contact_vi: str = Field(
        default="Quầy tiếp đón hoặc phòng Công nghệ thông tin của bệnh viện",
        description="where a patient asks to see, correct or delete their data",
    )
    contact_en: str = Field(
        default="The reception desk or the hospital's IT department",
        description="the same in English",
    )
    purge_hour: int = Field(
        default=3, ge=0, le=23, description="local hour of the daily purge (also run at start)"
    )
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
