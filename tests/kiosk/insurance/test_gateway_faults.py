"""Fault suite for the gateway client (issue 13): real sockets on localhost, misbehaving.

Each case asserts what the patient gets (not verified, the desk will check), how the check
ended, and that it ended within the configured budget (plus scheduling slack: the bound is
what the patient waits, the slack only absorbs a loaded machine).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from insurance_support import AN

from kiosk.config import KioskConfig
from kiosk.insurance.base import CheckOutcome
from kiosk.insurance.gateway import GatewayChecker

pytestmark = pytest.mark.faults

BUDGET_S = 1.5
SLACK_S = 0.5
TOKEN = json.dumps(
    {"maKetQua": "200", "APIKey": {"access_token": "t", "id_token": "i", "expires_in": 600}}
).encode()

Behaviour = Callable[[socket.socket, bytes], None]


class RawServer:
    """A TCP server on an ephemeral port that answers each request with `behaviour`."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head.split(b"\r\n")[0])
                if self._stop.is_set():
                    return
                if b"/api/token/take" in head.split(b"\r\n")[0]:
                    send(conn, 200, TOKEN)
                else:
                    self.behaviour(conn, head)
            except OSError:
                return

    @property
    def checks(self) -> int:
        return sum(b"KQNhanLichSuKCB" in r for r in self.requests)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def send(conn: socket.socket, status: int, body: bytes, headers: str = "") -> None:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    )
    conn.sendall(head.encode() + body)


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], RawServer]]:
    servers: list[RawServer] = []

    def start(behaviour: Behaviour) -> RawServer:
        server = RawServer(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def check(url: str, **settings: Any) -> tuple[Any, float]:
    config = KioskConfig.model_validate(
        {
            "insurance": {
                "backend": "gateway",
                "base_url": url,
                "username": "01001_BV",
                "password_env": "",
                "connect_timeout_s": 0.5,
                "read_timeout_s": 1.0,
                "total_timeout_s": BUDGET_S,
                "retry_backoff_s": 0.01,
                **settings,
            }
        }
    )
    checker = GatewayChecker(config)
    started = time.monotonic()
    try:
        result = checker.check_detailed(AN)
    finally:
        checker.close()
    return result, time.monotonic() - started


def assert_not_verified(result: Any) -> None:
    e = result.eligibility
    assert not e.verified and e.coverage_percent is None
    assert "quầy tiếp đón" in e.message_vi and "{" not in e.staff_note


def test_body_dripped_one_byte_a_second_is_cut_at_the_deadline(serve: Any) -> None:
    def drip(conn: socket.socket, _: bytes) -> None:
        body = json.dumps({"maKetQua": "000", "ghiChu": "x" * 100}).encode()
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(0.2)  # each byte well inside the read timeout: only the deadline helps

    server = serve(drip)
    result, elapsed = check(server.url)
    assert result.outcome is CheckOutcome.TIMEOUT
    assert elapsed <= BUDGET_S + SLACK_S
    assert_not_verified(result)
    assert server.checks == 1  # a timeout is not retried


def test_50_mb_answer_is_refused_without_reading_it(serve: Any) -> None:
    def huge(conn: socket.socket, _: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        )
        block = b" " * 65536
        for _ in range(50 * 16):  # 50 MB, no Content-Length
            conn.sendall(block)

    server = serve(huge)
    result, elapsed = check(server.url, max_answer_bytes=1_048_576)
    assert result.outcome is CheckOutcome.MALFORMED
    assert "cap" in result.error
    assert elapsed <= BUDGET_S + SLACK_S
    assert_not_verified(result)


def test_declared_huge_answer_is_refused_by_its_content_length(serve: Any) -> None:
    def declared(conn: socket.socket, _: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: 52428800\r\n\r\n{"
        )

    result, elapsed = check(serve(declared).url)
    assert result.outcome is CheckOutcome.MALFORMED
    assert elapsed <= BUDGET_S + SLACK_S


def test_redirect_chain_is_not_followed(serve: Any) -> None:
    def redirect(conn: socket.socket, head: bytes) -> None:
        send(conn, 302, b"", "Location: /api/egw/KQNhanLichSuKCB2024?hop=1\r\n")

    server = serve(redirect)
    result, elapsed = check(server.url)
    assert result.outcome is CheckOutcome.HTTP_ERROR
    assert "redirect refused" in result.error
    assert server.checks == 1
    assert elapsed <= BUDGET_S + SLACK_S
    assert_not_verified(result)


def test_307_to_another_host_never_re_posts_the_patient(serve: Any) -> None:
    elsewhere = serve(lambda conn, _: send(conn, 200, b"{}"))

    def to_elsewhere(conn: socket.socket, _: bytes) -> None:
        send(conn, 307, b"", f"Location: {elsewhere.url}/steal\r\n")

    server = serve(to_elsewhere)
    result, _ = check(server.url)
    assert result.outcome is CheckOutcome.HTTP_ERROR
    assert elsewhere.requests == []  # the card number, name and officer ID stayed home
    assert_not_verified(result)


def test_closed_port_fails_fast(serve: Any) -> None:
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result, elapsed = check(f"http://127.0.0.1:{port}")
    assert result.outcome is CheckOutcome.CONNECTION
    assert elapsed <= BUDGET_S + SLACK_S
    assert_not_verified(result)


def test_answer_that_stops_mid_body_is_a_timeout_not_retried(serve: Any) -> None:
    def stall(conn: socket.socket, _: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b'Content-Length: 400\r\n\r\n{"maKetQua": "000", '
        )
        time.sleep(3)

    server = serve(stall)
    result, elapsed = check(server.url, total_timeout_s=3.0, read_timeout_s=0.5)
    assert result.outcome is CheckOutcome.TIMEOUT
    assert "middle of the answer" in result.error
    assert server.checks == 1  # not retried as a connection error
    assert elapsed <= 0.5 + SLACK_S  # the read timeout, well before the 3 s budget


@pytest.mark.parametrize(
    "answer",
    [
        {"maKetQua": "000"},
        {"maKetQua": "000", "maThe": "DN4010190123456", "gtTheTu": "01/01/2026",
         "gtTheDen": "2025-12-31", "maDKBD": "01001"},
        {"maKetQua": "000", "maThe": {"x": 1}, "gtTheTu": "01/01/2026",
         "gtTheDen": "31/12/2026", "maDKBD": "01001"},
    ],
)  # fmt: skip
def test_answers_missing_required_fields_are_not_verified(
    serve: Any, answer: dict[str, Any]
) -> None:
    result, _ = check(serve(lambda conn, _: send(conn, 200, json.dumps(answer).encode())).url)
    assert result.outcome is CheckOutcome.MALFORMED
    assert_not_verified(result)


def test_unknown_result_codes_do_not_open_the_breaker(serve: Any) -> None:
    server = serve(lambda conn, _: send(conn, 200, b'{"maKetQua": "080"}'))
    config = KioskConfig.model_validate(
        {
            "insurance": {
                "backend": "gateway",
                "base_url": server.url,
                "password_env": "",
                "breaker_failures": 3,
            }
        }
    )
    checker = GatewayChecker(config)
    try:
        outcomes = [checker.check_detailed(AN).outcome for _ in range(5)]
    finally:
        checker.close()
    assert outcomes == [CheckOutcome.GATEWAY_ERROR] * 5
    assert checker.breaker.state == "closed"
    assert server.checks == 5


def test_status_line_and_headers_dripped_are_cut_at_the_deadline(serve: Any) -> None:
    # Before the watchdog: 12.4 s against a 1.5 s budget (each byte inside the read timeout).
    def drip_headers(conn: socket.socket, _: bytes) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 40:
            conn.sendall(bytes([byte]))
            time.sleep(0.2)

    server = serve(drip_headers)
    result, elapsed = check(server.url)
    assert result.outcome is CheckOutcome.TIMEOUT
    assert elapsed <= BUDGET_S + SLACK_S
    assert_not_verified(result)
    assert server.checks == 1
