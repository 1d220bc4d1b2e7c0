"""Configuration of payment at the kiosk ([payment]); off unless enabled."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class PaymentConfig(BaseModel):
    """Payment of fees by VietQR at the kiosk, confirmed by the bank (off unless enabled)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=False, description="offer payment by VietQR at the kiosk")
    bank_bin: str = Field(
        default="970415", pattern=r"^\d{6}$", description="the hospital bank's NAPAS BIN"
    )
    bank_name: str = Field(default="VietinBank", description="shown to the patient under the QR")
    account: str = Field(
        default="113366668888",
        pattern=r"^[0-9A-Za-z]{1,19}$",
        description="the hospital's account (or card number with service = QRIBFTTC)",
    )
    account_name: str = Field(default="BENH VIEN DEMO", description="shown under the QR")
    service: Literal["QRIBFTTA", "QRIBFTTC"] = Field(
        default="QRIBFTTA", description="QRIBFTTA: transfer to the account; QRIBFTTC: to a card"
    )
    bill_prefix: str = Field(
        default="KI", pattern=r"^[A-Z0-9]{0,6}$", description="bill numbers start with this"
    )
    pay_timeout_s: int = Field(
        default=300,
        ge=30,
        le=1800,
        description="how long the pay screen waits for the bank; the bill stays open after",
    )
    webhook_secret: SecretStr = Field(
        default=SecretStr("demo-bank-secret"),
        description="shared secret of the bank's signed notifications (HMAC-SHA256)",
    )
    webhook_tolerance_s: int = Field(
        default=300, ge=10, description="notifications older or newer than this are refused"
    )
    status_url: str = Field(
        default="",
        description="the bank's (or provider's) transaction status API for reconciliation; empty = none",
    )
    request_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="longest wait for the bank's status API"
    )
    einvoice_url: str = Field(
        default="",
        description="the e-invoice provider's API (POST /api/invoices); empty = the HIS issues "
        "invoices, or none: the patient gets the invoice at the counter",
    )
    einvoice_api_key: SecretStr = Field(
        default=SecretStr("demo-einvoice-key"), description="the e-invoice provider's API key"
    )
    einvoice_timeout_s: float = Field(
        default=4.0,
        gt=0,
        le=30,
        description="longest wait for the invoice before telling the patient",
    )
