"""Start fast: `kiosk run` paints its start screen before it imports pydantic (the
configuration is validated after), the session, the database, printer, catalog, PKI and
camera-decoding libraries; that first screen is the kiosk's real start screen; a kiosk built
that way still works end to end; a configuration rejected after the first paint covers the
screen "out of service" instead of ending the process. Behaviour, not timings: the figures
are `kiosk bench startup`'s."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from kiosk_testing import take_ticket_with_card
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.config import ConfigError, KioskConfig
from kiosk.deferred import Deferred
from kiosk.start_config import StartConfig
from ui.app import KioskApp, build_app, complete_start
from ui.launch import DEFERRED_MODULES, Launch

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KIOSK_BENCH_T0": repr(time.time()),
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("KIOSK_CONFIG", None)
    return env


def test_first_paint_imports_none_of_the_deferred_libraries(tmp_path: Path) -> None:
    for heavy in ("pydantic", "kiosk.config", "kiosk.session", "sqlalchemy", "cryptography"):
        assert heavy in DEFERRED_MODULES
    for heavy in ("cv2", "zxingcpp", "fastapi"):
        assert heavy in DEFERRED_MODULES
    report = tmp_path / "startup.json"
    command = [sys.executable, "-m", "kiosk", "run", "--fullscreen"]
    command += ["--data-dir", str(tmp_path / "data"), "--startup-report", str(report)]
    subprocess.run(command, env=_env(), check=True, timeout=120, capture_output=True)
    data = json.loads(report.read_text())
    assert data["loaded_at_first_paint"] == []
    assert data["window"] == data["screen"]  # the start screen full screen, not a small splash


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


@pytest.fixture
def launched(demo_config, qtbot, monkeypatch):
    """`kiosk run`'s windows in this process (full screen, no panel), the configuration
    `load` hands over settable by the test; closed after."""
    monkeypatch.setenv("QT_WAYLAND_DISABLE_WINDOWDECORATION", "1")
    config = demo_config.model_copy(
        update={"catalog": demo_config.catalog.model_copy(update={"demo_catalog": False})}
    )
    loads: list[Callable[[], KioskConfig]] = [lambda: config]
    launch = Launch(StartConfig(mode="kiosk"), lambda: loads[0]())
    qtbot.waitExposed(launch.preview)
    launch.loads = loads  # type: ignore[attr-defined]
    yield launch
    launch.close()


def _taken_over(qtbot, launch: Launch) -> KioskApp:
    qtbot.waitUntil(lambda: launch.kiosk is not None and not launch.preview.isVisible())
    kiosk = launch.kiosk
    assert kiosk is not None
    qtbot.waitUntil(lambda: "privacy_purge_timer" in kiosk.extras, timeout=20000)  # completed
    return kiosk


def _picture(window: QWidget, clock: QLabel) -> QImage:
    clock.setText("08:00  01/01/2026")  # the minute may turn between the two pictures
    return window.grab().toImage()


def test_the_first_paint_is_the_kiosk_start_screen(launched, qtbot) -> None:
    """Not a splash: pixel for pixel the kiosk window's start screen, and what is tapped on it
    before the kiosk exists is done once it does."""
    first = _picture(launched.preview, launched.preview.clock)
    launched.build()
    kiosk = _taken_over(qtbot, launched)
    assert kiosk.session.step.value == "start"
    assert _picture(kiosk.window, kiosk.window.clock) == first
    assert kiosk.window.isVisible() and kiosk.window.isFullScreen()


def test_taps_before_the_kiosk_exists_are_carried_out(launched, qtbot) -> None:
    preview = launched.preview
    preview.start.language_buttons["en"].click()
    preview.start.large_text.click()
    launched.build()
    kiosk = _taken_over(qtbot, launched)
    assert kiosk.session.language == "en"
    assert kiosk.window.start.large_text.isChecked()
    assert kiosk.theme.scale > 1


def test_a_rejected_configuration_covers_the_start_screen_and_is_logged(
    launched, qtbot, caplog
) -> None:
    def rejected() -> KioskConfig:
        raise ConfigError("kiosk.toml: hospital.code: String should match pattern")

    launched.loads[0] = rejected
    with caplog.at_level(logging.ERROR, logger="ui.launch"):
        launched.build()
    cover = launched.preview.out_of_service
    assert cover is not None
    qtbot.waitUntil(cover.isVisible)
    assert cover.geometry() == launched.preview.centralWidget().rect()
    assert "reception desk" in cover.label_en.text()
    assert launched.kiosk is None
    assert "hospital.code" in caplog.text and "out of service" in caplog.text


def test_kiosk_run_with_a_bad_configuration_stays_up_out_of_service(tmp_path: Path) -> None:
    """The process neither crashes nor exits (systemd would restart it into the same error
    every 3 s): it shows the cover until it is stopped, and its log says why."""
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[hospital]\ncode = "12"\n', encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = [sys.executable, "-m", "kiosk", "run", "--fullscreen", "--config", str(bad)]
    command += ["--data-dir", str(tmp_path / "data"), "--screenshot", str(shot)]
    command += ["--exit-after", "2"]
    done = subprocess.run(command, env=_env(), timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "configuration rejected" in log and "hospital.code" in log
    image = QImage(str(shot))
    assert image.pixelColor(5, 5).name() == "#181818"  # the cover, not the start screen
