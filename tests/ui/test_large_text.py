""" "Chữ to hơn": a second tap that arrives while the screen repaints does not undo the first
(issue 12 §4), and the new theme reaches every page, also those restyled only when shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kiosk_testing import click, shown_kiosk, start_journey, wait_step
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel

from kiosk.session import Step
from ui.app import KioskApp

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(demo_config, qtbot) -> Iterator[KioskApp]:
    app = shown_kiosk(qtbot, demo_config)
    yield app
    app.close()


def queue_a_tap(widget) -> None:  # type: ignore[no-untyped-def]
    """A tap the patient makes while the kiosk is busy: delivered once the handler returns."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        buttons = (
            Qt.MouseButton.LeftButton
            if kind is QEvent.Type.MouseButtonPress
            else Qt.MouseButton.NoButton
        )
        event = QMouseEvent(
            kind,
            centre,
            widget.mapToGlobal(centre),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QCoreApplication.postEvent(widget, event)


def tap_twice_during_repaint(kiosk: KioskApp, qtbot) -> None:  # type: ignore[no-untyped-def]
    toggle = kiosk.window.start.large_text
    queued = []

    def while_repainting(_on: bool) -> None:
        if not queued:
            queued.append(True)
            queue_a_tap(toggle)

    kiosk.window.start.large_text_toggled.connect(while_repainting)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    for _ in range(5):
        QCoreApplication.processEvents()
    kiosk.window.start.large_text_toggled.disconnect(while_repainting)
    assert queued


def test_a_second_tap_during_the_repaint_does_not_undo_the_first(kiosk, qtbot):
    toggle = kiosk.window.start.large_text
    tap_twice_during_repaint(kiosk, qtbot)
    assert toggle.isChecked() and kiosk.theme.scale > 1
    # once the screen has settled, a deliberate tap switches back
    qtbot.waitUntil(lambda: not kiosk.window.start.settle.settling, timeout=3000)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert not toggle.isChecked() and kiosk.theme.scale == 1


def test_without_the_guard_the_queued_tap_would_undo_it(kiosk, qtbot):
    """The queued tap of the test above is a real tap: unguarded, it switches straight back."""
    toggle = kiosk.window.start.large_text
    toggle.removeEventFilter(kiosk.window.start.settle)
    tap_twice_during_repaint(kiosk, qtbot)
    assert not toggle.isChecked()
    qtbot.waitUntil(lambda: not kiosk.window.start.settle.settling, timeout=3000)


def test_large_text_reaches_the_pages_shown_later(kiosk, qtbot):
    window = kiosk.window
    title = window.findChild(QLabel, "identify_title")
    start_journey(qtbot, kiosk)
    normal = title.font().pixelSize()
    click(qtbot, window, "cancel_button")
    wait_step(qtbot, kiosk, Step.START)
    click(qtbot, window, "large_text_button")
    start_journey(qtbot, kiosk)
    assert title.font().pixelSize() == round(normal * 1.3)
    footer = window.findChild(type(window.back_button), "back_button")
    assert footer.font().pixelSize() == round(30 * 1.3)
