"""Fault suite, database: the kiosk window starts with its PostgreSQL stopped, covers itself
with "out of service - please go to the reception desk" (both languages) instead of exiting,
and uncovers itself when the server is back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.config import KioskConfig
from tests.support.pgserver import PostgresUnavailable, TempPostgres, find_bindir
from ui.app import build_app, complete_start

pytestmark = [pytest.mark.gui, pytest.mark.faults, pytest.mark.postgres]


@pytest.mark.leaks_ok  # the queue handle's retry thread ends with the kiosk, after teardown
@pytest.mark.parametrize("deferred", [False, True], ids=["connect-first", "kiosk-run"])
def test_kiosk_starts_out_of_service_and_recovers(demo_config, qtbot, tmp_path: Path, deferred):
    """`kiosk-run`: as `kiosk run` starts, connecting after the first paint."""
    try:
        find_bindir()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    server = TempPostgres()
    server.start()
    try:
        dsn = server.create_database()
        server.stop_server()
        config: KioskConfig = demo_config.model_copy(deep=True)
        config.storage.dsn = type(config.storage.dsn)(dsn)
        config.catalog.demo_catalog = False
        config.accessibility.speech = False
        started = time.monotonic()
        kiosk = build_app(config, show_panel=False, deferred=deferred)
        try:
            kiosk.window.resize(1366, 768)
            kiosk.window.show()
            qtbot.waitExposed(kiosk.window)
            if deferred:
                complete_start(kiosk)
            cover = kiosk.window.out_of_service  # type: ignore[attr-defined]
            qtbot.waitUntil(cover.isVisible, timeout=10000)
            assert time.monotonic() - started < 15
            assert "quầy tiếp đón" in cover.label_vi.text()
            assert "reception desk" in cover.label_en.text()
            assert cover.geometry() == kiosk.window.rect()
            server.start_again()
            qtbot.waitUntil(lambda: not cover.isVisible(), timeout=60000)  # retry backoff
            assert kiosk.services.queue.state == "up"  # type: ignore[attr-defined]
        finally:
            kiosk.close()
    finally:
        server.stop()
