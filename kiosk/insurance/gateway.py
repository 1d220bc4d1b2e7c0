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

import contextlib
import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

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
from kiosk.insurance.config import InsuranceConfig
from kiosk.models import Identity

log = logging.getLogger(__name__)

TOKEN_PATH = "/api/token/take"
CHECK_PATH = "/api/egw/KQNhanLichSuKCB2024"
VIETNAM = timezone(timedelta(hours=7))
DEFAULT_TOKEN_TTL_S = 300.0  # when the gateway's expires_in cannot be read

_SECRET_QUERY = re.compile(r"(?i)\b(token|id_token|access_token|password)=[^&\s\"']*")
_BREAKER_NEUTRAL_CODES = {"205"}  # one odd request, not a sick gateway


def redact(text: str) -> str:
    """Replaces the values of token, id_token and password query parameters by `***`."""
    return _SECRET_QUERY.sub(lambda m: f"{m.group(1)}=***", text)


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
        adapter = _WatchedAdapter(pool_connections=2, pool_maxsize=32, max_retries=0)
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
            watchdog = _Watchdog(deadline)
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
                error = GatewayConnectionError(f"{what}: {_short(exc)}")
                log.info("insurance gateway: %s (attempt %d)", error, attempt + 1)
                continue
            except requests.RequestException as exc:
                raise GatewayConnectionError(f"{what}: {_short(exc)}") from None
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
                return response.status_code, _json_object(response, content, what)
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


_WATCHED: dict[int, Any] = {}  # thread id -> the urllib3 connection it is using now


class _WatchedPoolMixin:
    """Records which connection the calling thread takes, for its deadline watchdog."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        _WATCHED[threading.get_ident()] = conn
        return conn


class _WatchedHTTPPool(_WatchedPoolMixin, urllib3.HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_WatchedPoolMixin, urllib3.HTTPSConnectionPool):
    pass


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


class _Watchdog:
    """Shuts this thread's socket at the deadline, so a server that drips the status line
    and headers (each byte inside the read timeout) cannot hold the check past its budget."""

    def __init__(self, deadline: float) -> None:
        self._thread = threading.get_ident()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self.fired = False

    def _fire(self) -> None:
        conn = _WATCHED.get(self._thread)
        sock = getattr(conn, "sock", None)
        if sock is not None:
            self.fired = True
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _WATCHED.pop(self._thread, None)


class _Counter:
    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


def _short(exc: BaseException) -> str:
    """A one-line, redacted description of a requests error (no URL query strings)."""
    text = redact(str(exc))
    for marker in (
        "RemoteDisconnected",
        "ConnectionResetError",
        "Connection refused",
        "NewConnectionError",
        "ProxyError",
        "NameResolutionError",
    ):
        if marker in text:
            return f"{type(exc).__name__} ({marker})"
    return f"{type(exc).__name__} ({text[:160]})"


def read_body(
    response: requests.Response,
    deadline: float,
    limit: int,
    what: str,
    read_timeout_s: float = 8.0,
) -> bytes:
    """The body of a streamed response, read against the check's deadline and a size cap.

    Before every read the socket timeout is set to the read timeout or the time left,
    whichever is shorter, so neither a server that
    drips a byte a second nor one that stops mid-body keeps the patient past the deadline.
    """
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise GatewayMalformed(f"{what}: answer of {int(declared)} bytes over the {limit} cap")
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise GatewayTimeout(f"{what}: the answer was still arriving at the deadline")
            _set_socket_timeout(raw, min(read_timeout_s, remaining))
            chunk = raw.read1(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise GatewayMalformed(f"{what}: answer over the {limit}-byte cap")
            chunks.append(chunk)
    except GatewayError:
        raise
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        raise GatewayTimeout(f"{what}: read timeout in the middle of the answer") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise GatewayConnectionError(
            f"{what}: connection lost in the middle of the answer ({type(exc).__name__})"
        ) from None
    return b"".join(chunks)


def _set_socket_timeout(raw: Any, seconds: float) -> None:
    connection = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        sock.settimeout(max(0.01, seconds))


def _json_object(response: requests.Response, content: bytes, what: str) -> dict[str, Any]:
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type.lower():
        raise GatewayMalformed(f"{what}: wrong content type {content_type[:60]!r}")
    try:
        data = json.loads(content.decode(response.encoding or "utf-8"))
    except (ValueError, LookupError):
        raise GatewayMalformed(f"{what}: malformed JSON") from None
    if not isinstance(data, dict):
        raise GatewayMalformed(f"{what}: JSON is not an object")
    return data
