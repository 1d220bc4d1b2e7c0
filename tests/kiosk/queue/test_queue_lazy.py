"""QueueHandle: the kiosk starts without its database, says so, and recovers by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from queue_testing import make_config
from sqlalchemy.exc import OperationalError

from kiosk.queue.lazy import QueueHandle
from kiosk.queue.service import QueueService, QueueUnavailable, TicketRequest


def test_handle_retries_until_the_database_answers(tmp_path: Path) -> None:
    config = make_config(tmp_path / "d")
    failures = [2]

    def factory(cfg: Any) -> QueueService:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("connect", {}, Exception("connection refused"))
        return QueueService.from_config(cfg)

    seen: list[str] = []
    handle = QueueHandle(config, factory=factory, first_retry_s=0.05, max_retry_s=0.1)
    handle.on_change(seen.append)
    with pytest.raises(QueueUnavailable) as info:
        handle.issue(TicketRequest("noi", False))  # not started: out of service, no traceback
    assert "reception" in info.value.message("en")
    assert not handle.health().ok and "unreachable" in handle.health().summary
    handle = QueueHandle.start(config, factory=factory, first_retry_s=0.05, max_retry_s=0.1)
    handle.on_change(seen.append)
    try:
        assert handle.wait_until_up(10)
        assert failures == [0] and handle.state == "up" and seen[-1] == "up"
        ticket = handle.issue(TicketRequest("noi", False))
        assert handle.get(ticket.id).number == "N001"
        assert handle.key_shared is False  # plain attributes are forwarded too
        assert handle.health().ok
    finally:
        handle.close()


def test_handle_goes_down_when_a_call_fails(tmp_path: Path) -> None:
    config = make_config(tmp_path / "d")
    handle = QueueHandle.start(config, probe_s=0.05)
    try:
        assert handle.wait_until_up(10)
        service: Any = handle._service

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise OperationalError("SELECT", {}, Exception("disk I/O error"))

        real = service.status
        service.status = broken
        with pytest.raises(QueueUnavailable):  # the failing call is reported as "unavailable"
            handle.status()
        # (its "down" may already be over: the probe runs every 0.05 s and uses health())
        service.status = real
        assert handle.wait_until_up(10)  # the probe brings it back
    finally:
        handle.close()
