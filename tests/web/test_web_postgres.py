"""Several servers on one PostgreSQL: concurrent counters never share a ticket, and a call on
one server reaches another server's boards through LISTEN/NOTIFY."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_testing import LiveServer, issue, make_app

pytestmark = pytest.mark.postgres


def test_two_servers_counters_and_kiosks_never_share_a_ticket(pg_dsn: str, tmp_path: Path) -> None:
    a, b = make_app(tmp_path / "a", pg_dsn), make_app(tmp_path / "b", pg_dsn)
    kiosks = [make_app(tmp_path / f"k{i}", pg_dsn).state.service for i in range(8)]
    key_a = a.state.auth.new_api_key("counter-a", "counter")
    called: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    with LiveServer(a) as sa, LiveServer(b) as sb:

        def kiosk(svc: Any) -> None:
            for _ in range(8):
                issue(svc)

        def counter(url: str, name: str) -> None:
            with httpx.Client(base_url=url, headers={"x-api-key": key_a}, timeout=10) as c:
                idle = 0
                while idle < 15 and not stop.is_set():
                    r = c.post(f"/api/v1/counters/{name}/call-next", json={"lines": ["noi"]})
                    assert r.status_code == 200, r.text
                    t = r.json()["ticket"]
                    if t is None:
                        idle += 1
                        time.sleep(0.02)
                        continue
                    idle = 0
                    with lock:
                        called.append(t["id"])

        threads = [threading.Thread(target=kiosk, args=(k,)) for k in kiosks]
        threads += [
            threading.Thread(target=counter, args=(url, f"{tag}{i}"))
            for tag, url in (("A", sa.url), ("B", sb.url))
            for i in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        stop.set()
    dupes = [tid for tid, n in Counter(called).items() if n > 1]
    assert not dupes
    assert len(called) == 64  # every issued ticket called exactly once
    for app in (a, b):
        app.state.service.close()
    for svc in kiosks:
        svc.close()


def test_call_on_one_server_reaches_boards_of_another(pg_dsn: str, tmp_path: Path) -> None:
    a, b = make_app(tmp_path / "a", pg_dsn), make_app(tmp_path / "b", pg_dsn)
    t = issue(a.state.service)
    with LiveServer(a), LiveServer(b):
        deadline = time.monotonic() + 5
        while b.state.hub.state is None and time.monotonic() < deadline:
            time.sleep(0.02)
        wakes = b.state.hub.wakes
        a.state.qapi.call_next(["noi"], "3")
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            calls = (b.state.hub.state or {}).get("calls", [])
            if calls and calls[0]["number"] == t.number:
                break
            time.sleep(0.01)
        else:
            pytest.fail("server B's board state never showed the call made on server A")
        assert b.state.hub.wakes > wakes
        assert calls[0]["counter"] == "3"
    a.state.service.close()
    b.state.service.close()
