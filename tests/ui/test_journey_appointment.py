"""Appointment and slip check-in in the real window, through the real HIS simulator over HTTP
(kiosk.his.simulator, REST API with HMAC signatures): found and confirmed, not found, HIS
down, HIS slow, a transfer slip scanned."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from kiosk_testing import click, start_journey, text_of, type_id, wait_step

from kiosk.config import KioskConfig
from kiosk.his.config import HisConfig
from kiosk.his.service import NOT_IN_HIS
from kiosk.his.simulator import VN, HisSimulator
from kiosk.models import InsuranceAction
from kiosk.queue.service import TicketRequest
from kiosk.session import LOOKUP_GRACE_S, Step
from ui.app import KioskApp, build_app

pytestmark = pytest.mark.gui

AN, AN_ID = "an-adult", "001090123456"  # registered at the demo hospital
HOA, HOA_ID = "hoa-adult", "031195006789"  # registered at 31012: self-referral here
SECRET = "test-secret"
LOOKUP_S = 3.0  # generous: the machine may be loaded; the slow test uses SLOW_LOOKUP_S
SLOW_LOOKUP_S = 1.0


@pytest.fixture
def his_sim() -> Iterator[HisSimulator]:
    sim = HisSimulator(secret=SECRET, slow_s=2.5, rooms={"tmh": "P.210"})
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def his_kiosk(  # type: ignore[no-untyped-def]
    demo_config: KioskConfig, sim: HisSimulator, qtbot, numbering: str, lookup_s: float = LOOKUP_S
) -> KioskApp:
    his = HisConfig.model_validate(
        {
            "backend": "rest",
            "url": sim.url,
            "secret": SECRET,
            "numbering": numbering,
            "timeout_s": 5.0,
            "issue_timeout_s": 5.0,  # the room and number of the HIS on a loaded machine too
            "appointments": {"lookup_timeout_s": lookup_s},
            "outbox": {"poll_s": 0.05, "backoff_base_s": 0.5},
        }
    )
    config = demo_config.model_copy(deep=True, update={"his": his})
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    app = build_app(config, show_panel=False)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    return app


@pytest.fixture
def kiosk(demo_config, his_sim, qtbot) -> Iterator[KioskApp]:
    app = his_kiosk(demo_config, his_sim, qtbot, "his")
    yield app
    app.close()


def identify(qtbot, kiosk: KioskApp, person: str, citizen_id: str) -> None:  # type: ignore[no-untyped-def]
    window = kiosk.window
    if kiosk.session.step is Step.START:
        start_journey(qtbot, kiosk)
    kiosk.services.card_reader.insert(person)  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    type_id(qtbot, window, citizen_id)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)
    click(qtbot, window, "identity_yes")
    wait_step(qtbot, kiosk, Step.INSURANCE_RESULT)


def scan(kiosk: KioskApp, data: bytes) -> None:
    """A code read by a camera or scanner, as the device bridge delivers it to the window
    (the simulated camera's OpenCV decoder leaves eventfds the leak check counts)."""
    kiosk.bridge.code_received.emit(data, False)


def lookup_bound_ms() -> int:
    """Within this the kiosk has gone on, whatever the HIS does (plus scheduling slack)."""
    return int((LOOKUP_S + LOOKUP_GRACE_S + 2.0) * 1000)


def test_booking_code_found_confirmed_ticket_for_that_clinic_with_its_room(kiosk, his_sim, qtbot):
    now = datetime.now(VN)
    his_sim.add_appointment("LH00000001", now, "tmh", "Khám Tai Mũi Họng", citizen_id=AN_ID)
    walk_in = kiosk.services.queue.issue(TicketRequest("tmh", False))  # waiting already
    window = kiosk.window
    start_journey(qtbot, kiosk)
    scan(kiosk, b"LH00000001")
    qtbot.waitUntil(lambda: kiosk.session.data.scanned_code == "LH00000001", timeout=5000)
    identify(qtbot, kiosk, AN, AN_ID)
    click(qtbot, window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.APPOINTMENT, timeout=lookup_bound_ms())
    question = text_of(window, "appointment_question")
    assert f"Bạn có lịch hẹn {now:%H:%M}, Khám Tai Mũi Họng" in question
    assert "xác nhận?" in question
    click(qtbot, window, "appointment_yes")
    wait_step(qtbot, kiosk, Step.CHOOSE_PRIORITY)
    click(qtbot, window, "priority_none")
    wait_step(qtbot, kiosk, Step.CONFIRM)
    click(qtbot, window, "confirm_button")
    wait_step(qtbot, kiosk, Step.TICKET)
    ticket = kiosk.session.data.ticket
    assert ticket.clinic_id == "tmh" and ticket.room == "P.210"  # the HIS's room
    assert "P.210" in text_of(window, "ticket_clinic")
    assert f"{now:%H:%M}" in text_of(window, "ticket_details")
    # the appointment holder goes before the walk-in who was waiting
    assert ticket.tier == 0 and ticket.people_ahead == 0
    assert kiosk.services.queue.get(walk_in.id).people_ahead == 1
    assert kiosk.services.queue.get(ticket.id).room == "P.210"  # kept for a reprint
    [visit] = his_sim.visits.values()
    assert visit["registration"]["appointment_id"] == "A00001"
    assert visit["registration"]["clinic_id"] == "tmh"


def test_no_appointment_found_goes_on_as_usual_with_a_clear_message(kiosk, his_sim, qtbot):
    identify(qtbot, kiosk, AN, AN_ID)
    click(qtbot, kiosk.window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC, timeout=lookup_bound_ms())
    assert kiosk.session.data.message.code == "appointment_none"
    assert "Không tìm thấy lịch hẹn hôm nay" in text_of(kiosk.window, "clinic_message")
    number = finish_journey_from_clinic(qtbot, kiosk, "noi")
    ticket = kiosk.session.data.ticket
    assert number and ticket.tier == 1 and ticket.appointment_at is None
    [visit] = his_sim.visits.values()
    assert ticket.room == visit["room"] and visit["registration"]["appointment_id"] is None


def finish_journey_from_clinic(qtbot, kiosk: KioskApp, clinic: str) -> str:  # type: ignore[no-untyped-def]
    window = kiosk.window
    click(qtbot, window, f"clinic_{clinic}")
    wait_step(qtbot, kiosk, Step.CHOOSE_PRIORITY)
    click(qtbot, window, "priority_none")
    wait_step(qtbot, kiosk, Step.CONFIRM)
    click(qtbot, window, "confirm_button")
    wait_step(qtbot, kiosk, Step.TICKET)
    return text_of(window, "ticket_number")


def test_his_down_normal_path_within_the_bound_and_the_registration_waits(kiosk, his_sim, qtbot):
    his_sim.add_appointment("LH00000002", datetime.now(VN), "noi", citizen_id=AN_ID)
    his_sim.set_down(True)  # the port is really closed
    identify(qtbot, kiosk, AN, AN_ID)
    click(qtbot, kiosk.window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC, timeout=lookup_bound_ms())
    assert kiosk.session.data.message.code == "appointment_unchecked"
    assert "Chưa kiểm tra được lịch hẹn" in text_of(kiosk.window, "clinic_message")
    number = finish_journey_from_clinic(qtbot, kiosk, "noi")
    ticket = kiosk.session.data.ticket
    assert number == ticket.number and ticket.staff_note.endswith(NOT_IN_HIS)
    assert kiosk.services.his.outbox.state_of(ticket.id)["state"] == "pending"
    assert kiosk.services.his.status().pending == 1
    assert not his_sim.visits


def test_his_slow_the_kiosk_does_not_wait_for_it(demo_config, his_sim, qtbot, caplog):
    # INFO as in the full suite (an earlier test leaves it on): the record of the failed lookup
    # then holds its error. That error once held urllib3's pool and its kept-alive socket,
    # open after the kiosk closed (the leak check below caught it in the full suite only).
    caplog.set_level(logging.INFO, logger="kiosk.his")
    kiosk = his_kiosk(demo_config, his_sim, qtbot, "his", lookup_s=SLOW_LOOKUP_S)
    try:
        slow_journey(kiosk, his_sim, qtbot)
    finally:
        kiosk.close()
    assert any(r.getMessage().startswith("appointment lookup failed") for r in caplog.records)


def slow_journey(kiosk: KioskApp, his_sim: HisSimulator, qtbot) -> None:  # type: ignore[no-untyped-def]
    his_sim.add_appointment("LH00000003", datetime.now(VN), "noi", citizen_id=AN_ID)
    identify(qtbot, kiosk, AN, AN_ID)
    his_sim.set_fault("slow")  # answers after 2.5 s; the kiosk waits 1 s
    click(qtbot, kiosk.window, "insurance_continue")
    # within its own bound (1 s + grace), well before the HIS answers (2.5 s)
    wait_step(
        qtbot,
        kiosk,
        Step.CHOOSE_CLINIC,
        timeout=int((SLOW_LOOKUP_S + LOOKUP_GRACE_S) * 1000) + 1000,
    )
    # the booking exists: "could not check" proves the kiosk went on before the answer
    assert kiosk.session.data.message.code == "appointment_unchecked"
    assert kiosk.session.data.appointment is None
    his_sim.set_fault(None)
    assert finish_journey_from_clinic(qtbot, kiosk, "noi")


def test_transfer_slip_is_on_the_registration_and_the_estimate_uses_the_referred_route(
    kiosk, his_sim, qtbot
):
    window = kiosk.window
    start_journey(qtbot, kiosk)
    today = datetime.now(VN).strftime("%Y%m%d")
    scan(kiosk, f"GCT|CT0815|31012|{today}".encode())
    qtbot.waitUntil(lambda: kiosk.session.data.slip is not None, timeout=5000)
    assert "CT0815" in text_of(window, "identify_message")
    identify(qtbot, kiosk, HOA, HOA_ID)
    e = kiosk.session.data.eligibility
    assert e.verified and e.correct_route is True and e.action is InsuranceAction.INSURED
    assert e.coverage_percent and e.coverage_percent > 0
    assert "CT0815" in e.staff_note
    # the price screen's co-payment estimate uses the referred (correct-route) share
    assert kiosk.window.prices.coverage_percent == e.coverage_percent  # type: ignore[union-attr]
    click(qtbot, window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC, timeout=lookup_bound_ms())
    assert finish_journey_from_clinic(qtbot, kiosk, "noi")
    qtbot.waitUntil(lambda: len(his_sim.visits) == 1, timeout=5000)
    [visit] = his_sim.visits.values()
    reg = visit["registration"]
    assert reg["slip"]["code"] == "CT0815" and reg["slip"]["kind"] == "transfer"
    assert reg["xml1"]["GIAY_CHUYEN_TUYEN"] == "CT0815"
    assert reg["xml1"]["MA_NOI_DI"] == "31012" and reg["xml1"]["MA_DOITUONG_KCB"] == "1.3"


def test_without_the_slip_the_same_patient_is_self_referred(kiosk, his_sim, qtbot):
    identify(qtbot, kiosk, HOA, HOA_ID)
    e = kiosk.session.data.eligibility
    assert e.correct_route is False and kiosk.session.data.slip is None
    assert e.coverage_percent == 0 and e.action is InsuranceAction.SELF_PAY
    assert kiosk.window.prices.coverage_percent == 0  # type: ignore[union-attr]
