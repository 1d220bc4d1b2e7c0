"""Admin mode is entered from the start screen by the hidden corner gesture, never mid-session."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from kiosk.admin.pin import hash_pin
from kiosk.session import Step
from ui.app import build_app

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(demo_config, qtbot):
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    config.admin.pin_hash = hash_pin("2468")
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    yield app
    app.close()


def tap_corner(qtbot, window, times: int) -> None:
    for _ in range(times):
        qtbot.mouseClick(window.header_title, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        qtbot.wait(120)  # taps by a finger, not a machine gun (the detector debounces)


def test_five_taps_in_the_corner_open_admin_mode(kiosk, qtbot):
    window = kiosk.window
    tap_corner(qtbot, window, 4)
    assert not window.admin_active
    tap_corner(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.admin_active, timeout=2000)
    assert window.stack.currentWidget() is window.admin_screen
    assert not window.footer.isVisible()
    window.admin_screen.closed.emit()
    assert not window.admin_active
    assert window.stack.currentWidget() is window.start


def test_gesture_does_nothing_during_a_patient_session(kiosk, qtbot):
    kiosk.session.begin()
    kiosk.session.accept_privacy("test-notice")  # the personal-data notice
    assert kiosk.session.step is Step.IDENTIFY
    tap_corner(qtbot, kiosk.window, 5)
    assert not kiosk.window.admin_active
