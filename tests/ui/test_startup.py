"""Start fast: `kiosk run` paints its start screen before it imports the database, printer,
catalog, PKI and camera-decoding libraries (they are built after the first paint, on a
worker), and the kiosk built that way still works end to end. Behaviour, not timings: the
figures are `kiosk bench startup`'s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kiosk_testing import take_ticket_with_card

from kiosk.deferred import Deferred
from ui.app import DEFERRED_MODULES, build_app, complete_start

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def test_first_paint_imports_none_of_the_deferred_libraries(tmp_path: Path) -> None:
    for heavy in ("sqlalchemy", "cryptography", "cv2", "zxingcpp", "fastapi"):
        assert heavy in DEFERRED_MODULES
    report = tmp_path / "startup.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KIOSK_BENCH_T0": repr(time.time()),
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("KIOSK_CONFIG", None)
    command = [sys.executable, "-m", "kiosk", "run", "--fullscreen"]
    command += ["--data-dir", str(tmp_path / "data"), "--startup-report", str(report)]
    subprocess.run(command, env=env, check=True, timeout=120, capture_output=True)
    data = json.loads(report.read_text())
    assert data["loaded_at_first_paint"] == []


def test_a_kiosk_started_deferred_completes_and_issues_tickets(demo_config, qtbot) -> None:
    config = demo_config.model_copy(
        update={"catalog": demo_config.catalog.model_copy(update={"demo_catalog": False})}
    )
    kiosk = build_app(config, show_panel=False, deferred=True)
    try:
        kiosk.window.resize(1600, 900)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        assert kiosk.services.queue.state == "starting"  # type: ignore[attr-defined]
        cover = kiosk.window.out_of_service  # type: ignore[attr-defined]
        assert not cover.isVisible()  # not yet connecting is not "out of service"
        completed: list[bool] = []
        complete_start(kiosk, lambda: completed.append(True))
        qtbot.waitUntil(lambda: bool(completed), timeout=20000)
        assert kiosk.services.queue.state == "up"  # type: ignore[attr-defined]
        assert not isinstance(kiosk.services.printer, Deferred)
        assert "privacy_purge_timer" in kiosk.extras
        assert not cover.isVisible()
        assert take_ticket_with_card(qtbot, kiosk, "an-adult", "001090123456")
        assert len(kiosk.services.printer.printed) == 1  # type: ignore[union-attr]
    finally:
        kiosk.close()
