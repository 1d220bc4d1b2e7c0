"""The real window, driven with clicks, from the start screen to a printed ticket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kiosk_testing import click, start_journey, take_ticket_with_card, text_of, type_id, wait_step
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from kiosk.session import Step
from ui.app import KioskApp, build_app

pytestmark = pytest.mark.gui

AN = "an-adult"  # Nguyễn Văn An, 001090123456, correct route at the demo hospital
AN_ID = "001090123456"


@pytest.fixture
def kiosk(demo_config, qtbot) -> Iterator[KioskApp]:
    config = demo_config.model_copy(
        update={"catalog": demo_config.catalog.model_copy(update={"demo_catalog": False})}
    )
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    yield app
    app.close()


def test_whole_journey_with_the_simulated_card(kiosk, qtbot):
    printer = kiosk.services.printer
    first = take_ticket_with_card(qtbot, kiosk, AN, AN_ID)
    assert first
    assert kiosk.session.printed
    assert len(printer.printed) == 1  # type: ignore[union-attr]
    record = printer.printed[0]  # type: ignore[union-attr]
    assert record.png.exists() and record.png.stat().st_size > 1000
    assert record.qr_payload == kiosk.session.data.ticket.id
    assert kiosk.session.data.eligibility is not None and kiosk.session.data.eligibility.verified
    click(qtbot, kiosk.window, "ticket_done")
    wait_step(qtbot, kiosk, Step.START)
    assert kiosk.session.data.identity is None

    second = take_ticket_with_card(qtbot, kiosk, "hoa-adult", "031195006789")
    assert second != first
    assert int("".join(filter(str.isdigit, second))) == int("".join(filter(str.isdigit, first))) + 1
    assert len(printer.printed) == 2  # type: ignore[union-attr]


def test_paper_out_still_gives_a_ticket_on_screen(kiosk, qtbot):
    kiosk.services.printer.set_paper_out(True)  # type: ignore[union-attr]
    number = take_ticket_with_card(qtbot, kiosk, AN, AN_ID)
    assert number
    assert not kiosk.session.printed
    qr = kiosk.window.findChild(QLabel, "ticket_qr")
    assert qr.isVisible() and not qr.pixmap().isNull()
    assert "counter" in text_of(kiosk.window, "ticket_status") or "quầy" in text_of(
        kiosk.window, "ticket_status"
    )


def test_wrong_id_for_the_card_asks_again(kiosk, qtbot):
    window = kiosk.window
    start_journey(qtbot, kiosk)
    kiosk.services.card_reader.insert(AN)  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    type_id(qtbot, window, "001090999999")  # a valid ID, but not this card's
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    assert kiosk.session.data.message is not None
    assert kiosk.session.data.message.code == "access_denied"
    assert text_of(window, "identify_message")


def visible_texts(window: QWidget) -> list[str]:
    texts = []
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
    return texts


def test_idle_timeout_wipes_the_patient(kiosk, qtbot):
    now = [1000.0]
    session = kiosk.session
    session.clock = lambda: now[0]
    session.last_activity = now[0]
    window = kiosk.window
    start_journey(qtbot, kiosk)
    kiosk.services.card_reader.insert(AN)  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    type_id(qtbot, window, AN_ID)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)
    name = session.data.identity.full_name  # type: ignore[union-attr]
    assert any(name in t for t in visible_texts(window))

    # Idle: the countdown appears with a big "more time" button, which gives more time.
    now[0] += session.config.idle.timeout_s + 1
    session.tick()
    overlay = window.overlay
    assert overlay.isVisible()
    click(qtbot, window, "idle_more_time")
    assert not overlay.isVisible()
    assert session.step is Step.CONFIRM_IDENTITY

    # Idle again, and this time nobody answers.
    now[0] += session.config.idle.timeout_s + 1
    session.tick()
    assert overlay.isVisible()
    now[0] += session.config.idle.countdown_s + 1
    session.tick()
    wait_step(qtbot, kiosk, Step.START)
    assert not overlay.isVisible()
    data = session.data
    assert data.identity is None and data.access_key is None and data.eligibility is None
    assert data.ticket is None and data.clinic_id is None
    texts = "\n".join(visible_texts(window))
    for secret in (name, AN_ID, AN_ID[-6:], "01/01/1990", "0010******56"):
        assert secret not in texts
