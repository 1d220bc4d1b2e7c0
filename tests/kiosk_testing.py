"""Helpers for driving the real kiosk window in GUI tests (tests/ is on sys.path via conftest)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.config import KioskConfig
from kiosk.session import Step
from ui.app import KioskApp, build_app


def click(qtbot, window: QWidget, name: str) -> None:
    widget = window.findChild(QPushButton, name)
    assert widget is not None, f"no button {name!r}"
    qtbot.waitUntil(lambda: widget.isVisible() and widget.isEnabled(), timeout=5000)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def wait_step(qtbot, kiosk: KioskApp, step: Step, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: kiosk.session.step is step, timeout=timeout)
    qtbot.waitUntil(
        lambda: kiosk.window.stack.currentWidget() is kiosk.window.screens[step], timeout=2000
    )


def start_journey(qtbot, kiosk: KioskApp) -> None:
    """Start, then agree to the personal-data notice: the identify screen."""
    click(qtbot, kiosk.window, "start_button")
    wait_step(qtbot, kiosk, Step.CONSENT)
    click(qtbot, kiosk.window, "consent_accept")
    wait_step(qtbot, kiosk, Step.IDENTIFY)


def type_id(qtbot, window: QWidget, digits: str) -> None:
    for digit in digits:
        click(qtbot, window, f"keypad_{digit}")
    click(qtbot, window, "keypad_ok")


def text_of(window: QWidget, name: str) -> str:
    widget = window.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def take_ticket_with_card(qtbot, kiosk: KioskApp, person: str, citizen_id: str) -> str:
    window = kiosk.window
    start_journey(qtbot, kiosk)
    kiosk.services.card_reader.insert(person)  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    type_id(qtbot, window, citizen_id)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)
    assert text_of(window, "identity_id").startswith(citizen_id[:4])
    assert citizen_id not in text_of(window, "identity_id")  # masked on screen
    return finish_journey(qtbot, kiosk)


def finish_journey(qtbot, kiosk: KioskApp, clinic: str = "noi") -> str:
    """From the identity confirmation to the ticket, with clicks; returns the number shown."""
    window = kiosk.window
    click(qtbot, window, "identity_yes")
    wait_step(qtbot, kiosk, Step.INSURANCE_RESULT)
    click(qtbot, window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC)
    click(qtbot, window, f"clinic_{clinic}")
    wait_step(qtbot, kiosk, Step.CHOOSE_PRIORITY)
    click(qtbot, window, "priority_none")
    wait_step(qtbot, kiosk, Step.CONFIRM)
    click(qtbot, window, "confirm_button")
    wait_step(qtbot, kiosk, Step.TICKET)
    return text_of(window, "ticket_number")


def shown_kiosk(qtbot, demo_config: KioskConfig) -> KioskApp:
    """The whole kiosk in its real window (no demo catalog import, no voice, no panel),
    shown at 1600x900 and exposed; the caller closes it."""
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    return app
