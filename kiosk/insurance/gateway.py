"""The BHXH gateway client (requests): token, card check, retries, circuit breaker.

- Token: `POST /api/token/take` with the username and the lowercase hex MD5 of the password;
  cached until `token_margin_s` before it expires; on 401 renewed once and the call retried
  once.
- Card check: `POST /api/egw/KQNhanLichSuKCB2024?token=…&id_token=…&username=…&password=<md5>`
  with `maThe`, `hoTen`, `ngaySinh`, `hoTenCb`, `cccdCb` as JSON.
- Each request is bounded by the connect/read timeouts, and a whole check (token, retries,
  the 003/004 re-check) by `total_timeout_s`. Retries (at most 2, exponential backoff) only on
  connection errors and HTTP 5xx; a timeout is not retried so no patient waits twice.
- Circuit breaker: after `breaker_failures` consecutive failures the checker answers "gateway
  unavailable" at once for `breaker_cooldown_s`, then lets one trial call through (half-open).
  Unknown result codes and 205 are logged but neutral: one odd answer is not a sick gateway.
- A watchdog shuts the request's socket at the deadline, so a server dripping the status
  line and headers cannot hold a check past `total_timeout_s` either.
- The answer is streamed: the whole-check deadline is enforced on every read of the body (the
  socket timeout is set to what is left before each read, so a server dripping one byte a
  second is cut off at the deadline), the body is capped at `max_answer_bytes`, and redirects
  are never followed (a 3xx is an HTTP error: a 307 elsewhere would re-POST patient data).

The gateway wants credentials in the query string, and urllib3 logs request lines at DEBUG:
a logging filter redacts `token`, `id_token` and `password` from urllib3's records, and every
error kept for IT is redacted the same way.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests

from hardware.status import DeviceStatus
from kiosk.config import KioskConfig
from kiosk.insurance import decision
from kiosk.insurance.base import (
    CheckOutcome,
    CheckResult,
    GatewayAuthError,
    GatewayBreakerOpen,
    GatewayConnectionError,
    GatewayError,
    GatewayHTTPError,
    GatewayMalformed,
    GatewayRejected,
    GatewayTimeout,
    InsuranceChecker,
)
from kiosk.insurance.breaker import CircuitBreaker
from kiosk.insurance.config import InsuranceConfig
from kiosk.insurance.transport import (
    Watchdog,
    WatchedAdapter,
    json_object,
    read_body,
    redact,
    short,
)
from kiosk.models import Identity

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/token/take"
CHECK_PATH = "/api/egw/KQNhanLichSuKCB2024"
VIETNAM = timezone(timedelta(hours=7))
DEFAULT_TOKEN_TTL_S = 300.0  # when the gateway's expires_in cannot be read

_BREAKER_NEUTRAL_CODES = {"205"}  # one odd request, not a sick gateway


class _RedactQuery(logging.Filter):
    """Redacts credentials from urllib3's request-line log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


_FILTER = _RedactQuery()
for _name in ("urllib3.connectionpool", "urllib3", "requests"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(f, _RedactQuery) for f in _logger.filters):
        _logger.addFilter(_FILTER)


def md5_hex(password: str) -> str:
    return hashlib.md5(password.encode("utf-8"), usedforsecurity=False).hexdigest()


def resolve_password(config: InsuranceConfig) -> tuple[str, str]:
    """(password, where it came from) from the config, the password file or the env var."""
    secret = config.password.get_secret_value()
    if secret:
        return secret, "config"
    if config.password_file:
        try:
            return Path(config.password_file).read_text(encoding="utf-8").strip(), "file"
        except OSError as exc:
            raise GatewayAuthError(
                f"cannot read insurance.password_file ({exc.strerror})"
            ) from None
    if config.password_env and os.environ.get(config.password_env):
        return os.environ[config.password_env], "env"
    return "", "not set"


def parse_expires_in(value: Any, now: datetime | None = None) -> float:
    """Seconds until expiry from `expires_in`: a number of seconds or an ISO date-time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        # .NET writes 7 fractional digits ("2024-01-01T10:00:00.1234567+07:00").
        text = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            return DEFAULT_TOKEN_TTL_S
        if when.tzinfo is None:
            when = when.replace(tzinfo=VIETNAM)  # the gateway runs on Vietnam time
        return (when - (now or datetime.now(UTC))).total_seconds()
    return DEFAULT_TOKEN_TTL_S


@dataclass(frozen=True)
class Token:
    access_token: str
    id_token: str
    expires_at: float  # monotonic


class GatewayChecker(InsuranceChecker):
    """Checks cards against the BHXH gateway (or the simulator). Thread-safe."""

    def __init__(
        self,
        config: KioskConfig,
        *,
        base_url: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._ins = config.insurance
        self.base_url = (base_url or self._ins.base_url).rstrip("/")
        self._password_error = ""
        try:
            password, self.password_source = resolve_password(self._ins)
        except GatewayAuthError as exc:
            password, self.password_source, self._password_error = "", "unreadable", str(exc)
        self._md5 = md5_hex(password)
        if self._ins.officer_name:
            from kiosk.logging_setup import register_sensitive

            register_sensitive(self._ins.officer_name, self._ins.officer_id)  # masked in logs
        self._session = requests.Session()
        self._session.trust_env = False  # the proxy is configuration, not the environment
        if self._ins.proxy:
            self._session.proxies = {"http": self._ins.proxy, "https": self._ins.proxy}
        self._session.verify = self._ins.ca_bundle or True
        adapter = WatchedAdapter(pool_connections=2, pool_maxsize=32, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._token: Token | None = None
        self._token_lock = threading.Lock()
        self.breaker = CircuitBreaker(
            self._ins.breaker_failures, self._ins.breaker_cooldown_s, clock
        )
        self._state_lock = threading.Lock()
        self._last: CheckResult | None = None
        self._last_error = ""
        self._last_success_at: datetime | None = None
        self._last_latency_ms: float | None = None

    @property
    def unverified_action(self) -> str:
        return self._ins.unverified_action

    def close(self) -> None:
        self._session.close()

    # -- the check ---------------------------------------------------------------------------

    def _check(self, identity: Identity, today: date) -> CheckResult:
        decision.request_fields(identity)  # MissingData before touching the breaker
        if self._password_error:
            raise GatewayAuthError(self._password_error)
        if not self.breaker.allow():
            raise GatewayBreakerOpen(
                f"gateway unavailable: circuit breaker open after "
                f"{self.breaker.consecutive_failures} failures"
            )
        deadline = time.monotonic() + self._ins.total_timeout_s
        counter = _Counter()

        def ask(fields: dict[str, str]) -> dict[str, Any]:
            body = {**fields, "hoTenCb": self._ins.officer_name, "cccdCb": self._ins.officer_id}
            return self._card_check(body, deadline, counter)

        try:
            decided = decision.run_check(
                ask,
                identity,
                today=today,
                hospital_code=self._config.hospital.code,
                config=self._ins,
            )
        except GatewayError as exc:
            code = (exc.raw or {}).get("maKetQua")
            if isinstance(exc, GatewayRejected) and (
                code in _BREAKER_NEUTRAL_CODES or exc.unknown_code
            ):
                self.breaker.record_neutral()
            else:
                self.breaker.record_failure()
            exc.args = (redact(str(exc)),)
            exc.requests = counter.n
            raise
        except BaseException:
            self.breaker.record_neutral()
            raise
        self.breaker.record_success()
        return CheckResult(
            eligibility=decided.eligibility,
            outcome=CheckOutcome.ANSWERED,
            raw=decided.raw,
            first_raw=decided.first_raw,
            requests=counter.n,
        )

    def _card_check(
        self, body: dict[str, str], deadline: float, counter: _Counter
    ) -> dict[str, Any]:
        for attempt in (1, 2):
            token = self._get_token(deadline, counter)
            params = {
                "token": token.access_token,
                "id_token": token.id_token,
                "username": self._ins.username,
                "password": self._md5,
            }
            status, data = self._post(CHECK_PATH, params, body, deadline, counter)
            unauthorized = status == 401 or (
                isinstance(data, dict) and str(data.get("maKetQua")) == "401"
            )
            if not unauthorized:
                if data is None:
                    raise GatewayHTTPError(f"card check: HTTP {status}")
                return data
            self._drop_token(token)
            if attempt == 1:
                log.info("insurance gateway: token refused (401), renewing once")
        raise GatewayAuthError("card check: 401 after renewing the token", data)

    # -- token -------------------------------------------------------------------------------

    def _get_token(self, deadline: float, counter: _Counter) -> Token:
        token = self._token
        if token is not None and time.monotonic() < token.expires_at:
            return token
        # Another caller may be fetching one: wait for it, but not past this check's budget.
        if not self._token_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise GatewayTimeout("token: another check is still waiting for one")
        try:
            token = self._token
            if token is not None and time.monotonic() < token.expires_at:
                return token
            token = self._take_token(deadline, counter)
            self._token = token
            return token
        finally:
            self._token_lock.release()

    def _drop_token(self, token: Token) -> None:
        with self._token_lock:
            if self._token is token:
                self._token = None

    def _take_token(self, deadline: float, counter: _Counter) -> Token:
        body = {"username": self._ins.username, "password": self._md5}
        status, data = self._post(TOKEN_PATH, None, body, deadline, counter)
        if status == 401 or (isinstance(data, dict) and str(data.get("maKetQua")) == "401"):
            raise GatewayAuthError("token refused: check insurance.username and the password")
        if data is None:
            raise GatewayHTTPError(f"token: HTTP {status}")
        key = data.get("APIKey")
        if str(data.get("maKetQua")) != "200" or not isinstance(key, dict):
            raise GatewayMalformed(f"token: unexpected answer (maKetQua {data.get('maKetQua')!r})")
        access, id_token = key.get("access_token"), key.get("id_token")
        if not isinstance(access, str) or not access or not isinstance(id_token, str | None):
            raise GatewayMalformed("token: no access_token in the answer")
        ttl = parse_expires_in(key.get("expires_in"))
        margin = min(self._ins.token_margin_s, max(ttl, 0) / 2)
        log.debug("insurance gateway: new token, valid for %.0f s", ttl)
        return Token(access, id_token or "", time.monotonic() + ttl - margin)

    # -- HTTP --------------------------------------------------------------------------------

    def _post(
        self,
        path: str,
        params: dict[str, str] | None,
        body: dict[str, str],
        deadline: float,
        counter: _Counter,
    ) -> tuple[int, dict[str, Any] | None]:
        """(status, JSON object) of one POST with retries; None for a non-2xx answer."""
        url = self.base_url + path
        what = "token" if path == TOKEN_PATH else "card check"
        backoff = self._ins.retry_backoff_s
        error: GatewayError | None = None
        for attempt in range(self._ins.retries + 1):
            if attempt:
                pause = backoff * 2 ** (attempt - 1)
                if time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
            remaining = deadline - time.monotonic()
            if remaining <= 0.05:
                raise GatewayTimeout(f"{what}: the check's time budget ran out")
            timeout = (
                min(self._ins.connect_timeout_s, remaining),
                min(self._ins.read_timeout_s, remaining),
            )
            counter.n += 1
            watchdog = Watchdog(deadline)
            try:
                with watchdog:
                    response = self._session.post(
                        url,
                        params=params,
                        json=body,
                        timeout=timeout,
                        stream=True,
                        allow_redirects=False,
                    )
            except requests.Timeout as exc:
                kind = "connect" if isinstance(exc, requests.ConnectTimeout) else "read"
                raise GatewayTimeout(f"{what}: {kind} timeout after {timeout}") from None
            except requests.exceptions.SSLError as exc:
                raise GatewayConnectionError(
                    f"{what}: TLS error ({redact(str(exc))[:200]})"
                ) from None
            except requests.ConnectionError as exc:
                if watchdog.fired:
                    raise GatewayTimeout(
                        f"{what}: the answer's headers were still arriving at the deadline"
                    ) from None
                error = GatewayConnectionError(f"{what}: {short(exc)}")
                log.info("insurance gateway: %s (attempt %d)", error, attempt + 1)
                continue
            except requests.RequestException as exc:
                raise GatewayConnectionError(f"{what}: {short(exc)}") from None
            with response:
                if response.status_code >= 500:
                    error = GatewayHTTPError(f"{what}: HTTP {response.status_code}")
                    log.info("insurance gateway: %s (attempt %d)", error, attempt + 1)
                    continue
                if response.status_code == 401:
                    return 401, None
                if 300 <= response.status_code < 400:
                    # Never followed: a 307 would re-POST the card number, name, birth date
                    # and the officer's ID to wherever Location points, maybe in clear.
                    raise GatewayHTTPError(f"{what}: HTTP {response.status_code} redirect refused")
                if not 200 <= response.status_code < 300:
                    raise GatewayHTTPError(f"{what}: HTTP {response.status_code}")
                content = read_body(
                    response, deadline, self._ins.max_answer_bytes, what, self._ins.read_timeout_s
                )
                return response.status_code, json_object(response, content, what)
        raise error or GatewayTimeout(f"{what}: no time left to retry")

    # -- status ------------------------------------------------------------------------------

    def _record(self, result: CheckResult) -> None:
        with self._state_lock:
            self._last = result
            if result.outcome in (CheckOutcome.ANSWERED,):
                self._last_success_at = datetime.now(UTC)
                self._last_latency_ms = result.elapsed_s * 1000
            elif result.outcome not in (CheckOutcome.MISSING_DATA, CheckOutcome.BREAKER_OPEN):
                self._last_error = f"{result.outcome}: {redact(result.error)}"

    def status(self) -> DeviceStatus:
        with self._state_lock:
            last, last_error = self._last, self._last_error
            success_at, latency = self._last_success_at, self._last_latency_ms
        state = self.breaker.state
        details = {
            "backend": "gateway",
            "base_url": self.base_url,
            "username": self._ins.username,
            "password": self.password_source,
            "proxy": "yes" if self._ins.proxy else "no",
            "breaker": state,
            "consecutive_failures": str(self.breaker.consecutive_failures),
        }
        if latency is not None:
            details["last_latency_ms"] = f"{latency:.0f}"
        if success_at is not None:
            details["last_success"] = success_at.isoformat(timespec="seconds")
        if last_error:
            details["last_error"] = last_error
        if self._password_error:
            return DeviceStatus(
                False, self._password_error, "check insurance.password_file", details
            )
        if state != CircuitBreaker.CLOSED:
            return DeviceStatus(
                False,
                f"gateway unavailable (circuit breaker {state}): {last_error}",
                "check the network, insurance.base_url and insurance.proxy; patients get "
                "tickets marked 'insurance not verified' meanwhile",
                details,
            )
        if last is not None and last.outcome is CheckOutcome.AUTH:
            return DeviceStatus(
                False,
                "gateway refuses the kiosk's credentials",
                "check insurance.username, the password and the officer registration",
                details,
            )
        if last is not None and last.outcome not in (
            CheckOutcome.ANSWERED,
            CheckOutcome.MISSING_DATA,
        ):
            return DeviceStatus(
                False,
                f"last check failed: {last_error}",
                "check the network and the gateway; see the log",
                details,
            )
        summary = "gateway answering" if last is not None else "gateway not asked yet"
        if latency is not None:
            summary += f", last check {latency:.0f} ms"
        if self.password_source == "not set":
            summary += " (no password configured: only a simulator accepts that)"
        return DeviceStatus(True, summary, "", details)

    def probe(self) -> DeviceStatus:
        """Asks for a fresh token (blocking, bounded by the timeouts) and reports."""
        started = time.monotonic()
        deadline = started + self._ins.connect_timeout_s + self._ins.read_timeout_s
        try:
            token = self._take_token(deadline, _Counter())
        except GatewayError as exc:
            with self._state_lock:
                self._last_error = f"{exc.outcome}: {redact(str(exc))}"
            return DeviceStatus(
                False,
                f"gateway probe failed: {redact(str(exc))}",
                "check the network, insurance.base_url, proxy and credentials",
                {**self.status().details, "probe": str(exc.outcome)},
            )
        with self._token_lock:
            self._token = token
        ms = (time.monotonic() - started) * 1000
        return DeviceStatus(
            True, f"gateway gave a token in {ms:.0f} ms", "", {**self.status().details}
        )


class _Counter:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0
