"""sd_notify over a real datagram socket, as systemd provides it."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.admin import watchdog


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    path = tmp_path / "notify"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    server.settimeout(2)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    yield server
    server.close()


def test_ready_watchdog_stopping(notify_socket: socket.socket) -> None:
    assert watchdog.notify_ready("start screen shown")
    assert notify_socket.recv(1024) == b"READY=1\nSTATUS=start screen shown"
    assert watchdog.notify_watchdog()
    assert notify_socket.recv(1024) == b"WATCHDOG=1"
    assert watchdog.notify_stopping()
    assert notify_socket.recv(1024) == b"STOPPING=1"


def test_abstract_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"kiosk-test-{os.getpid()}"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind("\0" + name)
    server.settimeout(2)
    try:
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert watchdog.notify_watchdog()
        assert server.recv(64) == b"WATCHDOG=1"
    finally:
        server.close()


def test_no_socket_is_a_noop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not watchdog.notify_watchdog()
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert not watchdog.notify_watchdog()  # logged, not raised


def test_watchdog_interval() -> None:
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    # Under cage WATCHDOG_PID is cage's PID: the kiosk (its child) still feeds the watchdog.
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) == 15.0
    strict = watchdog.watchdog_interval_s(
        {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}, strict_pid=True
    )
    assert strict is None
    pid = str(os.getpid())
    assert watchdog.watchdog_interval_s({"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": pid}) == 2.0
    assert watchdog.watchdog_interval_s({}) is None


def test_leave_kiosk_marker(tmp_path: Path) -> None:
    assert watchdog.mark_leave_kiosk(tmp_path)
    assert (tmp_path / watchdog.LEAVE_KIOSK_MARKER).exists()
    assert not watchdog.mark_leave_kiosk(tmp_path / "missing" / "dir")
