"""HTTP plumbing of the gateway client: bounded reads, a deadline watchdog, no redirects.

Written by hand because requests/urllib3 bound each socket read, not a whole exchange: a
server that drips a byte inside every read timeout would hold a patient forever. Here the
body is read with `read1` and the socket timeout set to what is left before each read, and a
watchdog shuts the request's socket at the deadline while the status line and headers arrive.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

from kiosk.insurance.base import (
    GatewayConnectionError,
    GatewayError,
    GatewayMalformed,
    GatewayTimeout,
)

_SECRET_QUERY = re.compile(r"(?i)\b(token|id_token|access_token|password)=[^&\s\"']*")


def redact(text: str) -> str:
    """Replaces the values of token, id_token and password query parameters by `***`."""
    return _SECRET_QUERY.sub(lambda m: f"{m.group(1)}=***", text)


_WATCHED: dict[int, Any] = {}  # thread id -> the urllib3 connection it is using now


class WatchedPoolMixin:
    """Records which connection the calling thread takes, for its deadline watchdog."""

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        _WATCHED[threading.get_ident()] = conn
        return conn


class WatchedHTTPPool(WatchedPoolMixin, urllib3.HTTPConnectionPool):
    pass


class WatchedHTTPSPool(WatchedPoolMixin, urllib3.HTTPSConnectionPool):
    pass


class WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": WatchedHTTPPool,
            "https": WatchedHTTPSPool,
        }


class Watchdog:
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

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _WATCHED.pop(self._thread, None)


def short(exc: BaseException) -> str:
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


def json_object(response: requests.Response, content: bytes, what: str) -> dict[str, Any]:
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
