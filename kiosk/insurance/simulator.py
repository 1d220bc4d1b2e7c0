"""A BHXH gateway simulator: a real HTTP server with the gateway's paths, parameters and JSON.

- `POST /api/token/take` (JSON or form: username, password = MD5 hex) -> a token that expires;
- `POST /api/egw/KQNhanLichSuKCB2024?token=…&id_token=…&username=…&password=…` -> the card
  check, answered from the people table (assets/demo/gateway-people.json, SIMULATOR.md);
- faults switchable at run time: `set_fault(name, rate)` or `POST /_sim/fault
  {"fault": "timeout", "rate": 1.0}`; `GET /_sim/health`; `POST /_sim/expire-tokens`.

Runs in a thread: usable from tests, from the kiosk's demo mode and from `kiosk sim gateway`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import secrets
import socket
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.insurance.people import PeopleTable

log = logging.getLogger(__name__)

FAULTS: dict[str, str] = {
    "slow": "answers after a delay shorter than the read timeout",
    "timeout": "never answers in time (holds the request)",
    "http500": "HTTP 500 Internal Server Error",
    "malformed_json": "HTTP 200, application/json, cut-off JSON",
    "html_error": "HTTP 200 with an HTML error page",
    "wrong_content_type": "HTTP 200, valid JSON sent as text/plain",
    "dropped_connection": "closes the connection without answering",
    "stale_token": "revokes the presented token: card check answers 401 (renewal works)",
    "unauthorized": "every card check answers 401, even with a fresh token",
    "mixed": "each faulted request gets one of the faults above at random",
}
MIXED = [f for f in FAULTS if f not in ("mixed", "unauthorized")]
VIETNAM = timezone(timedelta(hours=7))
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_SECRET = re.compile(r"(?i)\b(token|id_token|password)=[^&\s]*")


class _Token:
    __slots__ = ("access", "id_token", "username", "md5", "expires_at", "revoked")

    def __init__(self, access: str, id_token: str, username: str, md5: str, expires_at: float):
        self.access, self.id_token, self.username, self.md5 = access, id_token, username, md5
        self.expires_at = expires_at
        self.revoked = False


class GatewaySimulator:
    """The simulated gateway. `start()` serves in a daemon thread; `stop()` ends it.

    Attributes:
        url: the base URL once started, e.g. `http://127.0.0.1:8780`.
        stats: requests counted by kind (token, check, fault:<name>, …).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        people: str | Path | PeopleTable | None = None,
        latency_ms: int = 0,
        token_ttl_s: float = 600.0,
        *,
        credentials: tuple[str, str] | None = None,
        officers: dict[str, str] | None = None,
        slow_ms: int = 1500,
        hang_s: float = 30.0,
        expires_format: str = "datetime",
        today: date | None = None,
        seed: int | None = None,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.people = people if isinstance(people, PeopleTable) else PeopleTable.load(people)
        self.latency_ms = latency_ms
        self.token_ttl_s = token_ttl_s
        self.credentials = credentials  # (username, password); None accepts any MD5 password
        self.officers = officers  # citizen ID -> name; None accepts any officer
        self.slow_ms = slow_ms
        self.hang_s = hang_s
        self.expires_format = expires_format  # "datetime" (.NET style) or "seconds"
        self.today = today
        self.tls = tls  # (certificate file, key file): serve HTTPS
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}
        self.issued: list[tuple[str, str]] = []  # (access_token, id_token), for leak tests
        self._fault: str | None = None
        self._rate = 1.0
        self.stats: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> GatewaySimulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self.port), _Handler)
        server.sim = self
        if self.tls:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
            name="gateway-simulator",
        )
        self._thread.start()
        log.info("gateway simulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # releases requests held by the timeout/slow faults
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        log.info("gateway simulator stopped")

    def __enter__(self) -> GatewaySimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host!s}:{port}"

    # -- control -----------------------------------------------------------------------------

    def set_fault(self, name: str | None, rate: float = 1.0) -> None:
        """Switches a fault on (for `rate` of the API requests) or off (None)."""
        if name is not None and name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        with self._lock:
            self._fault, self._rate = name, rate
            if name == "stale_token":
                for token in self._tokens.values():
                    token.revoked = True
        log.info("gateway simulator fault: %s (rate %.2f)", name or "none", rate)

    @property
    def fault(self) -> str | None:
        with self._lock:
            return self._fault

    def expire_tokens(self) -> None:
        """Makes every issued token expired now (as if its lifetime had passed)."""
        with self._lock:
            for token in self._tokens.values():
                token.expires_at = 0.0

    def health(self) -> dict[str, Any]:
        with self._lock:
            live = sum(1 for t in self._tokens.values() if t.expires_at > time.monotonic())
            return {
                "ok": True,
                "fault": self._fault,
                "rate": self._rate,
                "people": len(self.people.people),
                "live_tokens": live,
                "latency_ms": self.latency_ms,
                "requests": dict(self.stats),
                "faults": FAULTS,
            }

    # -- request handling (called on server threads) ----------------------------------------

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def _pick_fault(self) -> str | None:
        with self._lock:
            fault, rate = self._fault, self._rate
            if fault is None or (rate < 1.0 and self._random.random() >= rate):
                return None
            if fault == "stale_token":
                return None  # applied once, when switched on: the tokens then were revoked
            if fault == "mixed":
                fault = self._random.choice(MIXED)
        return fault

    def _wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def issue_token(self, username: str, md5: str) -> dict[str, Any] | None:
        if not _MD5.match(md5 or ""):
            return None
        if self.credentials is not None:
            user, password = self.credentials
            expected = hashlib.md5(password.encode(), usedforsecurity=False).hexdigest()
            if username != user or md5 != expected:
                return None
        token = _Token(
            secrets.token_hex(24),
            secrets.token_hex(16),
            username,
            md5,
            time.monotonic() + self.token_ttl_s,
        )
        with self._lock:
            now = time.monotonic()
            self._tokens = {k: t for k, t in self._tokens.items() if t.expires_at > now}
            self._tokens[token.access] = token
            self.issued.append((token.access, token.id_token))
        if self.expires_format == "seconds":
            ttl = self.token_ttl_s
            expires: Any = int(ttl) if float(ttl).is_integer() else ttl
        else:
            when = datetime.now(UTC).astimezone(VIETNAM) + timedelta(seconds=self.token_ttl_s)
            expires = when.isoformat(timespec="microseconds").replace("+07:00", "1+07:00")
        return {
            "maKetQua": "200",
            "APIKey": {
                "access_token": token.access,
                "id_token": token.id_token,
                "token_type": "bearer",
                "username": username,
                "expires_in": expires,
            },
        }

    def token_ok(self, query: dict[str, str], fault: str | None) -> bool:
        with self._lock:
            token = self._tokens.get(query.get("token", ""))
            if token is None or token.revoked or token.expires_at <= time.monotonic():
                return False
            if fault == "stale_token":
                token.revoked = True
                return False
            return (
                query.get("id_token") == token.id_token
                and query.get("username") == token.username
                and query.get("password") == token.md5
            )

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.people.answer(body, today=self.today or date.today(), officers=self.officers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: GatewaySimulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) leaves a broken pipe behind: not worth a traceback.
        log.debug("gateway simulator: a client went away")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "BHXH-gateway-simulator/1"

    def setup(self) -> None:
        super().setup()
        # Small answers written in two pieces would otherwise meet delayed ACKs (~40 ms).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("gateway simulator: " + _SECRET.sub(r"\1=***", format % args))

    # -- helpers -----------------------------------------------------------------------------

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").lower()
        try:
            if "json" in ctype:
                data = json.loads(raw.decode("utf-8") or "{}")
                return data if isinstance(data, dict) else None
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
            return {k: v[0] for k, v in form.items()}
        except (UnicodeDecodeError, ValueError):
            return None

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, payload, "application/json; charset=utf-8")

    def _fault(self, fault: str, answer: dict[str, Any] | None) -> bool:
        """Applies a fault; True when the answer was replaced (or dropped)."""
        sim = self.server.sim
        sim._count(f"fault:{fault}")
        if fault == "slow":
            sim._wait(sim.slow_ms / 1000)
            return False
        if fault == "timeout":
            sim._wait(sim.hang_s)
            self.close_connection = True
            return True
        if fault == "http500":
            self._send(500, b"Internal Server Error", "text/plain; charset=utf-8")
            return True
        if fault == "malformed_json":
            text = json.dumps(answer or {"maKetQua": "000"}, ensure_ascii=False)
            self._send(200, text[: max(1, len(text) // 2)].encode(), "application/json")
            return True
        if fault == "html_error":
            page = (
                b"<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Service "
                b"Unavailable</h1><p>The server is temporarily unable to service your request."
                b"</p></body></html>"
            )
            self._send(200, page, "text/html; charset=utf-8")
            return True
        if fault == "wrong_content_type":
            text = json.dumps(answer or {"maKetQua": "000"}, ensure_ascii=False)
            self._send(200, text.encode("utf-8"), "text/plain; charset=utf-8")
            return True
        if fault == "dropped_connection":
            self.close_connection = True
            self.wfile.flush()
            return True
        return False  # stale_token and unauthorized act in the card check itself

    # -- routes ------------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = urlsplit(self.path).path
        if path == "/_sim/health":
            self._json(200, self.server.sim.health())
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        sim = self.server.sim
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        body = self._body()
        if parts.path.startswith("/_sim/"):
            self._control(parts.path, body or {})
            return
        if sim.latency_ms:
            sim._wait(sim.latency_ms / 1000)
        if parts.path == "/api/token/take":
            sim._count("token")
            fault = sim._pick_fault()
            if fault in ("stale_token", "unauthorized"):
                fault = None
            answer = sim.issue_token(
                str((body or {}).get("username", "")), str((body or {}).get("password", ""))
            )
            if fault and self._fault(fault, answer):
                return
            if answer is None:
                self._json(401, {"maKetQua": "401", "ghiChu": "Sai tên đăng nhập hoặc mật khẩu"})
            else:
                self._json(200, answer)
            return
        if parts.path == "/api/egw/KQNhanLichSuKCB2024":
            sim._count("check")
            fault = sim._pick_fault()
            if fault == "unauthorized" or not sim.token_ok(query, fault):
                if fault in ("stale_token", "unauthorized"):
                    sim._count(f"fault:{fault}")
                self._json(401, {"maKetQua": "401", "ghiChu": "Token không hợp lệ hoặc đã hết hạn"})
                return
            answer = sim.answer(body) if body is not None else {"maKetQua": "205"}
            if fault and self._fault(fault, answer):
                return
            sim._count(f"code:{answer.get('maKetQua')}")
            self._json(200, answer)
            return
        self._json(404, {"error": "not found"})

    def _control(self, path: str, body: dict[str, Any]) -> None:
        sim = self.server.sim
        try:
            if path == "/_sim/fault":
                name = body.get("fault") or None
                sim.set_fault(name, float(body.get("rate", 1.0)))
            elif path == "/_sim/expire-tokens":
                sim.expire_tokens()
            else:
                self._json(404, {"error": "not found"})
                return
        except (ValueError, TypeError) as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, sim.health())


class SimulatorControl:
    """Switches a running simulator's faults over HTTP (`/_sim/fault`), for the tester's panel.

    Same shape as the stand-in's tester hooks: `outcomes()` and `set_outcome(id)`; the id
    "none" switches faults off. Calls are short (1 s timeout) and raise OSError-like
    `requests` errors only from `set_outcome`.
    """

    NONE = "none"

    def __init__(self, base_url: str, timeout_s: float = 1.0) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._session = requests.Session()
        self._session.trust_env = False

    @staticmethod
    def outcomes() -> list[tuple[str, str]]:
        items = [(SimulatorControl.NONE, "Gateway simulator: no fault")]
        items += [(name, f"Gateway simulator: {name} ({text})") for name, text in FAULTS.items()]
        return items

    def set_outcome(self, outcome_id: str, rate: float = 1.0) -> None:
        fault = None if outcome_id == self.NONE else outcome_id
        response = self._session.post(
            f"{self.base_url}/_sim/fault",
            json={"fault": fault, "rate": rate},
            timeout=self.timeout_s,
        )
        response.raise_for_status()

    def health(self) -> dict[str, Any]:
        response = self._session.get(f"{self.base_url}/_sim/health", timeout=self.timeout_s)
        response.raise_for_status()
        data = response.json()
        return data if isinstance(data, dict) else {}

    def close(self) -> None:
        self._session.close()
