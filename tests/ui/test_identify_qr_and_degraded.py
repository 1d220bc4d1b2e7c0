"""GUI journeys through the simulated camera (CCCD and BHYT QR) and with a gateway that hangs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kiosk_testing import start_journey, take_ticket_with_card, text_of, wait_step

from kiosk.config import KioskConfig
from kiosk.demo import bhyt_payload, cccd_payload
from kiosk.insurance.simulator import GatewaySimulator
from kiosk.models import IdentitySource
from kiosk.session import Step
from ui.app import KioskApp, build_app

pytestmark = pytest.mark.gui


def start(config: KioskConfig, qtbot) -> KioskApp:  # type: ignore[no-untyped-def]
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    return app


@pytest.fixture
def quiet_config(demo_config) -> KioskConfig:
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    return config


@pytest.fixture
def kiosk(quiet_config, qtbot) -> Iterator[KioskApp]:
    app = start(quiet_config, qtbot)
    yield app
    app.close()


def person(kiosk: KioskApp, key: str) -> dict:
    return kiosk.services.card_reader.people[key]  # type: ignore[union-attr]


def test_camera_shows_a_cccd_qr_and_the_session_moves_on(kiosk, qtbot):
    start_journey(qtbot, kiosk)
    an = person(kiosk, "an-adult")
    kiosk.services.camera.show(cccd_payload(an))  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)
    identity = kiosk.session.data.identity
    assert identity is not None and identity.source is IdentitySource.CCCD_QR
    assert identity.citizen_id == an["id"] and identity.full_name == an["name"]
    assert text_of(kiosk.window, "identity_name") == an["name"]
    # The QR also yields the chip's access keys for this session.
    key = kiosk.session.data.access_key
    assert key is not None and key.can == an["id"][-6:] and key.has_bac


def test_camera_shows_a_bhyt_qr(kiosk, qtbot):
    from kiosk.demo import _gateway_cards

    start_journey(qtbot, kiosk)
    hoa = person(kiosk, "hoa-adult")
    card = _gateway_cards()[hoa["id"]]
    kiosk.services.camera.show(bhyt_payload(hoa, card))  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)
    identity = kiosk.session.data.identity
    assert identity is not None and identity.source is IdentitySource.BHYT_QR
    assert identity.bhyt_card == card["card_number"] and identity.full_name == hoa["name"]


def test_garbage_qr_gives_a_message_and_stays(kiosk, qtbot):
    start_journey(qtbot, kiosk)
    kiosk.services.camera.show(b"https://example.com/not-a-card")  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: kiosk.session.data.message is not None, timeout=15000)
    assert kiosk.session.step is Step.IDENTIFY
    assert text_of(kiosk.window, "identify_message")


def test_gateway_timeout_still_gives_a_ticket_marked_not_verified(quiet_config, qtbot):
    with GatewaySimulator(credentials=("01001_BV", "secret")) as gateway:
        config = quiet_config.model_copy(deep=True)
        insurance = config.insurance
        insurance.backend = "gateway"
        insurance.base_url = gateway.url
        insurance.username = "01001_BV"
        insurance.password = type(insurance.password)("secret")
        insurance.officer_name = "Nguyễn Thị Thu"
        insurance.officer_id = "001185000111"
        insurance.connect_timeout_s = 0.5
        insurance.read_timeout_s = 0.5
        insurance.retries = 0
        gateway.set_fault("timeout")
        kiosk = start(config, qtbot)
        try:
            number = take_ticket_with_card(qtbot, kiosk, "an-adult", "001090123456")
            eligibility = kiosk.session.data.eligibility
            assert eligibility is not None and not eligibility.verified
            ticket = kiosk.session.data.ticket
            assert number and not ticket.insurance_verified
            assert "chưa xác minh" in ticket.staff_note.lower()
            printed = kiosk.services.printer.printed  # type: ignore[union-attr]
            assert len(printed) == 1
        finally:
            kiosk.close()
