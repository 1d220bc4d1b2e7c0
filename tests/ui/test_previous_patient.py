"""The previous patient never reaches the next one: a BHYT card left in front of the camera does
not identify anyone again until it has been taken away and shown again, and during the idle
countdown the patient's data on screen is covered."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from kiosk_testing import click, start_journey, wait_step

from kiosk.config import KioskConfig
from kiosk.demo import _gateway_cards, bhyt_payload
from kiosk.identity.repeat_gate import RepeatGate
from kiosk.session import Step
from ui.app import KioskApp, build_app

pytestmark = pytest.mark.gui


@pytest.fixture
def kiosk(demo_config, qtbot) -> Iterator[KioskApp]:  # type: ignore[no-untyped-def]
    config: KioskConfig = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    config.devices.camera.repeat_after_s = 0.6
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    yield app
    app.close()


def _show_hoa(kiosk: KioskApp) -> None:
    hoa = kiosk.services.card_reader.people["hoa-adult"]  # type: ignore[union-attr]
    card = _gateway_cards()[hoa["id"]]
    kiosk.services.camera.show(bhyt_payload(hoa, card))  # type: ignore[union-attr]


def test_a_card_left_in_view_does_not_identify_the_next_patient(kiosk, qtbot):
    start_journey(qtbot, kiosk)
    _show_hoa(kiosk)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)
    click(qtbot, kiosk.window, "cancel_button")  # "start over": the card stays in view
    wait_step(qtbot, kiosk, Step.START)
    deadline = time.monotonic() + 2.0  # the camera decodes the card many times meanwhile
    while time.monotonic() < deadline:
        qtbot.wait(50)
        assert kiosk.session.step in (Step.START, Step.IDENTIFY)
        assert kiosk.session.data.identity is None
    kiosk.services.camera.clear()  # the card is taken away ...
    qtbot.wait(1200)
    _show_hoa(kiosk)  # ... and shown again: a new patient, who first sees the notice
    wait_step(qtbot, kiosk, Step.CONSENT, timeout=15000)
    assert kiosk.session.data.identity is None  # not used before the answer
    click(qtbot, kiosk.window, "consent_accept")
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)


def test_the_idle_countdown_covers_the_patient_data(kiosk, qtbot):
    start_journey(qtbot, kiosk)
    _show_hoa(kiosk)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)
    kiosk.services.camera.clear()
    shown = kiosk.window.grab().toImage()
    session = kiosk.session
    real = session.clock()
    session.clock = lambda: real + session.config.idle.timeout_s + 1  # the patient is idle
    session.tick()
    qtbot.waitUntil(lambda: kiosk.window.overlay.isVisible(), timeout=3000)
    covered = kiosk.window.grab().toImage()
    # the top band, where the header and the identity are, shows one flat colour
    colours = {covered.pixel(x, y) for x in range(0, covered.width(), 7) for y in range(0, 120, 5)}
    before = {shown.pixel(x, y) for x in range(0, shown.width(), 7) for y in range(0, 120, 5)}
    assert len(before) > 3 and len(colours) == 1


def test_the_gate_lets_a_code_through_only_after_it_was_away():
    now = [0.0]
    gate = RepeatGate(absent_s=3.0, clock=lambda: now[0])
    assert gate.accept(b"card")
    for t in (0.5, 1.0, 3.5, 6.0):  # seen every moment: still there
        now[0] = t
        assert not gate.accept(b"card")
    assert gate.accept(b"other")
    now[0] = 9.1  # away for 3.1 s
    assert gate.accept(b"card")
