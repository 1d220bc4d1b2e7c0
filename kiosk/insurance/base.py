"""The insurance checker interface: one blocking call that never raises.

`check()` turns an Identity into an Eligibility. Every failure (timeouts, a broken gateway,
missing patient data, a bug) becomes a not-verified Eligibility with the honest message that
the reception desk will check; the patient still gets a ticket. `check_detailed()` adds how
the check ended (a CheckOutcome), the raw gateway fields and timings, for IT tools and
benchmarks.

Call it off the GUI thread: it may block up to `insurance.total_timeout_s`.
"""

from __future__ import annotations

import abc
import dataclasses
import logging
import time
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from hardware.status import DeviceStatus
from kiosk.models import Eligibility, Identity, mask_id

log = logging.getLogger(__name__)


class CheckOutcome(StrEnum):
    """How one check ended. Only ANSWERED means the gateway gave a usable answer."""

    ANSWERED = "answered"  # a patient-level maKetQua (000, 010, 060, …)
    TIMEOUT = "timeout"  # connect or read timeout, or the total budget ran out
    CONNECTION = "connection_error"  # refused, reset, dropped connection, DNS, proxy
    HTTP_ERROR = "http_error"  # HTTP 5xx (after retries) or another unexpected status
    MALFORMED = "malformed"  # not JSON, HTML error page, wrong content type, missing fields
    AUTH = "auth_failed"  # token refused or 401 after one renewal
    GATEWAY_ERROR = "gateway_error"  # the gateway answered with an error code (100, 101, 500, …)
    BREAKER_OPEN = "breaker_open"  # recent failures: not asked, answered at once
    UNAVAILABLE = "unavailable"  # the stand-in's simulated outage
    MISSING_DATA = "missing_data"  # no card/ID, name or birth date to ask with
    INTERNAL = "internal_error"  # a bug in the kiosk; logged, never shown


class GatewayError(Exception):
    """A check that did not produce an answer; `outcome` classifies it."""

    outcome: CheckOutcome = CheckOutcome.INTERNAL

    def __init__(self, message: str, raw: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.raw = raw
        self.requests = 0  # HTTP requests made before it failed


class GatewayTimeout(GatewayError):
    outcome = CheckOutcome.TIMEOUT


class GatewayConnectionError(GatewayError):
    outcome = CheckOutcome.CONNECTION


class GatewayHTTPError(GatewayError):
    outcome = CheckOutcome.HTTP_ERROR


class GatewayMalformed(GatewayError):
    outcome = CheckOutcome.MALFORMED


class GatewayAuthError(GatewayError):
    outcome = CheckOutcome.AUTH


class GatewayRejected(GatewayError):
    """The gateway answered, but with an error code that says nothing about the patient."""

    outcome = CheckOutcome.GATEWAY_ERROR

    def __init__(
        self, message: str, raw: dict[str, Any] | None = None, *, unknown_code: bool = False
    ) -> None:
        super().__init__(message, raw)
        self.unknown_code = unknown_code  # a code we do not know: neutral for the breaker


class GatewayBreakerOpen(GatewayError):
    outcome = CheckOutcome.BREAKER_OPEN


class GatewayUnavailable(GatewayError):
    outcome = CheckOutcome.UNAVAILABLE


@dataclass(frozen=True)
class CheckResult:
    """One check in full: the Eligibility plus what IT and benchmarks want to know."""

    eligibility: Eligibility
    outcome: CheckOutcome
    raw: dict[str, Any] | None = None  # the gateway's answer (the follow-up's for 003/004)
    first_raw: dict[str, Any] | None = None  # the first answer when a follow-up was made
    error: str = ""  # redacted, for IT
    elapsed_s: float = 0.0
    requests: int = 0  # HTTP requests made (token included)
    details: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.outcome is CheckOutcome.ANSWERED


class InsuranceChecker(abc.ABC):
    """Checks a patient's health-insurance card. Thread-safe; `check` never raises."""

    @abc.abstractmethod
    def _check(self, identity: Identity, today: date) -> CheckResult:
        """The backend's check; may raise, `check_detailed` turns that into a result."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus:
        """Reachability, latency and last error, from recent calls (does not block)."""

    def check(self, identity: Identity, today: date | None = None) -> Eligibility:
        """Blocking, bounded by the configured timeouts, never raises."""
        return self.check_detailed(identity, today).eligibility

    def check_detailed(self, identity: Identity, today: date | None = None) -> CheckResult:
        """`check` with the outcome, raw answer and timings; never raises either."""
        from kiosk.insurance import decision

        started = time.monotonic()
        try:
            result = self._check(identity, today or date.today())
        except GatewayError as exc:
            result = CheckResult(
                eligibility=decision.not_verified(self.unverified_action),
                outcome=exc.outcome,
                raw=exc.raw,
                error=str(exc),
                requests=exc.requests,
            )
        except Exception as exc:  # the contract: never raise to the screen
            log.exception(
                "insurance check failed unexpectedly (%s, card %s)",
                type(exc).__name__,
                mask_id(identity.bhyt_card or identity.citizen_id),
            )
            result = CheckResult(
                eligibility=decision.not_verified(self.unverified_action),
                outcome=CheckOutcome.INTERNAL,
                error=type(exc).__name__,
            )
        result = dataclasses.replace(result, elapsed_s=time.monotonic() - started)
        log.info(
            "insurance check: %s, code %s, action %s, card %s, %.0f ms",
            result.outcome,
            result.eligibility.code,
            result.eligibility.action,
            mask_id(identity.bhyt_card or identity.citizen_id),
            result.elapsed_s * 1000,
        )
        self._record(result)
        return result

    def _record(self, result: CheckResult) -> None:  # noqa: B027 - optional hook
        """Called after every check (for status())."""

    @property
    def unverified_action(self) -> str:
        return "desk"

    def close(self) -> None:  # noqa: B027 - optional hook
        """Releases connections; the checker may not be used afterwards."""
