"""The [insurance] section: which checker runs, how the gateway is reached, the benefit rules.

Secrets: the gateway password comes from `password`, else the file `password_file`, else the
environment variable named by `password_env`. It is never printed or logged; only its MD5 is
sent, as the gateway requires.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from kiosk.rules import Facility


class ReferenceSalaryRow(BaseModel):
    """One row of the reference salary (lương cơ sở / mức tham chiếu) table."""

    model_config = ConfigDict(extra="forbid")

    effective_from: date = Field(description="first day this amount applies")
    amount: int = Field(gt=0, description="VND per month")


class RouteRates(BaseModel):
    """Route (tuyến) rates of this hospital: set per hospital, not in code.

    Correct route (the hospital is the card's registered facility, or a facility listed in
    `accepted_facilities`): the fund pays the benefit-level share. Self-referral: the level
    share times the rate below.
    """

    model_config = ConfigDict(extra="forbid")

    self_referral_outpatient_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="override of the dated rule (kiosk rules show) for outpatient "
        "self-referral; empty = the rule for insurance.facility on the visit's day",
    )
    self_referral_inpatient_percent: int | None = Field(
        default=None,
        ge=0,
        le=100,
        description="override of the dated rule for inpatient self-referral",
    )
    accepted_facilities: list[str] = Field(
        default_factory=list,
        description="registered facilities (5-digit codes) whose patients this hospital treats "
        "as correct route (the exceptions the hospital configures)",
    )

    @field_validator("accepted_facilities")
    @classmethod
    def _five_digits(cls, value: list[str]) -> list[str]:
        out = []
        for item in value:
            digits = "".join(ch for ch in item if ch.isdigit())
            if len(digits) != 5:
                raise ValueError(f"{item!r} is not a 5-digit facility code")
            out.append(digits)
        return out


class InsuranceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["standin", "gateway"] = Field(
        default="standin",
        description="standin: in-process simulated answers; gateway: the BHXH HTTP gateway",
    )
    base_url: str = "http://127.0.0.1:8780"
    username: str = Field(default="", description="gateway user, e.g. <hospital code>_BV")
    password: SecretStr = SecretStr("")
    password_file: str = ""
    password_env: str = "KIOSK_GATEWAY_PASSWORD"
    officer_name: str = Field(
        default="", description="hoTenCb: the accountable staff member's name"
    )
    officer_id: str = Field(
        default="", description="cccdCb: the accountable staff member's citizen ID"
    )
    proxy: str = Field(
        default="", description="HTTP(S) proxy URL; environment proxy variables are ignored"
    )
    ca_bundle: str = Field(
        default="", description="CA bundle file for HTTPS; empty = system default"
    )
    connect_timeout_s: float = Field(default=3.0, gt=0)
    read_timeout_s: float = Field(default=8.0, gt=0)
    total_timeout_s: float = Field(
        default=12.0,
        gt=0,
        description="the most one patient waits for one check, retries and re-checks included",
    )
    max_answer_bytes: int = Field(
        default=1_048_576,
        ge=4096,
        description="a gateway answer larger than this is refused (malformed)",
    )
    retries: int = Field(
        default=2, ge=0, le=2, description="retries on connection errors and HTTP 5xx"
    )
    retry_backoff_s: float = Field(
        default=0.25, ge=0, description="first backoff; doubles per retry"
    )
    token_margin_s: float = Field(
        default=60.0, ge=0, description="renew the token this long before expiry"
    )
    breaker_failures: int = Field(
        default=3, ge=1, description="consecutive failures that open the circuit breaker"
    )
    breaker_cooldown_s: float = Field(
        default=30.0,
        gt=0,
        description="while open, answer 'gateway unavailable' at once for this long",
    )
    unverified_action: Literal["desk", "self_pay"] = Field(
        default="desk", description="what a patient does when the card could not be checked"
    )
    route: RouteRates = Field(default_factory=lambda: RouteRates())
    facility: Facility = Field(
        default_factory=lambda: Facility(),
        description="this hospital's technical level and score: picks the dated route rule",
    )
    reference_salary: list[ReferenceSalaryRow] = Field(
        default_factory=list,
        description="extra reference salary rows; the dated rows live in the rules file "
        "(assets/rules/benefit-rules.json, `kiosk rules show`)",
    )
    people_file: str = Field(
        default="", description="stand-in people table; empty = assets/demo/gateway-people.json"
    )
    standin_latency_ms: int = Field(default=0, ge=0, description="stand-in answer delay, for demos")

    @field_validator("officer_id")
    @classmethod
    def _officer_id(cls, value: str) -> str:
        value = value.strip()
        if value and not (len(value) == 12 and value.isdigit()):
            raise ValueError("officer_id (cccdCb) must be the officer's 12-digit citizen ID")
        return value

    @field_validator("officer_name")
    @classmethod
    def _officer_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if value and any(ch.isdigit() for ch in value):
            raise ValueError("officer_name (hoTenCb) is a person's full name, without digits")
        return value

    @model_validator(mode="after")
    def _officer_pair(self) -> InsuranceConfig:
        if bool(self.officer_name) != bool(self.officer_id):
            raise ValueError(
                "set both insurance.officer_name (hoTenCb) and insurance.officer_id (cccdCb): "
                "the gateway checks the pair the kiosk acts for"
            )
        return self
