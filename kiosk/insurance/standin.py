"""The insurance stand-in: simulated gateway answers in-process, no HTTP.

It answers from the simulator's people table (assets/demo/gateway-people.json) through the
same decision code as the real client, so the demo and the tests see the same eligibility.
A tester can force an outcome from the panel: each maKetQua, a timeout (sleeps past the read
timeout, then not verified) or an unavailable gateway.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import date
from typing import Any

from hardware.status import DeviceStatus
from kiosk.config import KioskConfig
from kiosk.insurance import decision
from kiosk.insurance.base import (
    CheckOutcome,
    CheckResult,
    GatewayTimeout,
    GatewayUnavailable,
    InsuranceChecker,
)
from kiosk.insurance.people import PeopleTable
from kiosk.models import Identity

log = logging.getLogger(__name__)

AUTO = "auto"
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"


class StandInChecker(InsuranceChecker):
    """Answers like the gateway would, from the people table; thread-safe.

    Attributes:
        outcome: the tester's forced outcome id ("auto" answers by the people table).
    """

    def __init__(self, config: KioskConfig, people: PeopleTable | None = None) -> None:
        self._config = config
        self._insurance = config.insurance
        self._lock = threading.Lock()
        self._outcome = AUTO
        self._last: CheckResult | None = None
        self._load_error = ""
        if people is None:
            try:
                people = PeopleTable.load(self._insurance.people_file or None)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self._load_error = f"cannot load the people table: {type(exc).__name__}: {exc}"
                log.error("insurance stand-in: %s", self._load_error)
        self._people = people

    @property
    def unverified_action(self) -> str:
        return self._insurance.unverified_action

    @staticmethod
    def outcomes() -> list[tuple[str, str]]:
        """(id, English label) of every outcome a tester can force."""
        items = [(AUTO, "Auto: answer from the people table")]
        items += [(code, f"{code}: {info.meaning}") for code, info in decision.CODES.items()]
        items += [
            (TIMEOUT, "Gateway times out (waits the read timeout, then not verified)"),
            (UNAVAILABLE, "Gateway unavailable (not verified at once)"),
        ]
        return items

    def set_outcome(self, outcome_id: str) -> None:
        if outcome_id not in {i for i, _ in self.outcomes()}:
            raise ValueError(f"unknown stand-in outcome {outcome_id!r}")
        with self._lock:
            self._outcome = outcome_id
        log.info("insurance stand-in outcome set to %s", outcome_id)

    @property
    def outcome(self) -> str:
        with self._lock:
            return self._outcome

    def _check(self, identity: Identity, today: date) -> CheckResult:
        outcome = self.outcome
        if self._insurance.standin_latency_ms:
            time.sleep(self._insurance.standin_latency_ms / 1000)
        if outcome == TIMEOUT:
            time.sleep(min(self._insurance.read_timeout_s, self._insurance.total_timeout_s))
            raise GatewayTimeout("stand-in: simulated read timeout")
        if outcome == UNAVAILABLE:
            raise GatewayUnavailable("stand-in: simulated unavailable gateway")
        people = self._people
        if people is None:
            raise GatewayUnavailable(f"stand-in: {self._load_error}")
        forced = outcome if outcome != AUTO else None
        asked = 0

        def ask(fields: dict[str, str]) -> dict[str, Any]:
            nonlocal asked
            asked += 1
            body = {
                **fields,
                "hoTenCb": self._insurance.officer_name,
                "cccdCb": self._insurance.officer_id,
            }
            # A forced code answers the first question; a 003/004 follow-up answers by table.
            return people.answer(
                body,
                today=today,
                forced=forced if asked == 1 else None,
                default_facility=self._config.hospital.code,
            )

        decided = decision.run_check(
            ask,
            identity,
            today=today,
            hospital_code=self._config.hospital.code,
            config=self._insurance,
        )
        return CheckResult(
            eligibility=decided.eligibility,
            outcome=CheckOutcome.ANSWERED,
            raw=decided.raw,
            first_raw=decided.first_raw,
            requests=asked,
        )

    def _record(self, result: CheckResult) -> None:
        with self._lock:
            self._last = result

    def status(self) -> DeviceStatus:
        with self._lock:
            last, outcome = self._last, self._outcome
        details = {"backend": "standin", "outcome": outcome}
        if last is not None:
            details["last_outcome"] = str(last.outcome)
            details["last_latency_ms"] = f"{last.elapsed_s * 1000:.0f}"
            if last.error:
                details["last_error"] = last.error
        if self._load_error:
            return DeviceStatus(
                ok=False,
                summary="insurance stand-in: no people table",
                fix="check insurance.people_file",
                details={**details, "error": self._load_error},
            )
        return DeviceStatus(
            ok=True,
            summary=f"insurance stand-in (simulated answers), outcome: {outcome}",
            details=details,
        )
