"""The gateway's circuit breaker: closed -> open after N failures -> half-open trial."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("kiosk.insurance.gateway")


class CircuitBreaker:
    """Closed -> open after N consecutive failures -> half-open after the cool-down."""

    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"

    def __init__(
        self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._count = 0
        self._opened_at = 0.0
        self._trial = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._state == self.OPEN and self._clock() >= self._opened_at + self.cooldown_s:
                return self.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._count

    def allow(self) -> bool:
        """May a call go to the gateway now? In half-open only one trial call at a time."""
        with self._lock:
            if self._state == self.CLOSED:
                return True
            if self._state == self.OPEN:
                if self._clock() < self._opened_at + self.cooldown_s:
                    return False
                self._state = self.HALF_OPEN
            if self._trial:
                return False
            self._trial = True
            return True

    def record_success(self) -> None:
        with self._lock:
            if self._state != self.CLOSED:
                log.info("insurance gateway circuit breaker closed")
            self._state, self._count, self._trial = self.CLOSED, 0, False

    def record_failure(self) -> None:
        with self._lock:
            self._count += 1
            self._trial = False
            if self._state == self.HALF_OPEN or self._count >= self.failures:
                if self._state != self.OPEN:
                    log.warning(
                        "insurance gateway circuit breaker open for %.0f s after %d failures",
                        self.cooldown_s,
                        self._count,
                    )
                self._state = self.OPEN
                self._opened_at = self._clock()

    def record_neutral(self) -> None:
        with self._lock:
            self._trial = False
