"""The whole hospital side of one patient: the ticket comes from the real kiosk window
(offscreen Qt, simulated card), staff calls it in chromium, the board shows and announces it,
the phone page says where to go, and the counter opens the ticket by its QR."""

from __future__ import annotations

from typing import Any

import pytest
from kiosk_testing import take_ticket_with_card
from test_web_browser import sign_in
from web_testing import LiveServer, make_app

pytestmark = [pytest.mark.gui, pytest.mark.browser]


def test_kiosk_ticket_called_from_the_counter_page(
    demo_config: Any, qtbot: Any, browser: Any
) -> None:
    from ui.app import build_app

    config = demo_config.model_copy(
        update={"catalog": demo_config.catalog.model_copy(update={"demo_catalog": False})}
    )
    kiosk = build_app(config, show_panel=False)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    try:
        number = take_ticket_with_card(qtbot, kiosk, "an-adult", "001090123456")
        ticket = kiosk.session.data.ticket
        assert ticket is not None and ticket.number == number
    finally:
        kiosk.close()
    app = make_app(config.data_path, config=config)
    with LiveServer(app) as srv:
        board = browser.new_page()
        board.goto(f"{srv.url}/board")
        board.wait_for_selector("#waiting li")
        phone = browser.new_page(viewport={"width": 360, "height": 740})
        phone.goto(f"{srv.url}/t/{app.state.qapi.token(app.state.service.get(ticket.id))}")
        phone.wait_for_function(f"document.getElementById('num').textContent === '{number}'")
        staff = browser.new_page()
        sign_in(staff, srv.url)
        staff.fill("#counter", "3")
        for box in staff.query_selector_all("input[name=line]"):
            if box.get_attribute("value") in (ticket.line_id, f"{ticket.clinic_id}.ut"):
                box.check()
            else:
                box.uncheck()
        staff.click("#call")
        board.wait_for_selector(f".call.latest .number:text('{number}')", timeout=1000)
        board.wait_for_function("window.boardAnnounced.length === 1", timeout=2000)
        phone.wait_for_selector("#phone.s-called", timeout=2000)
        assert "quầy số 3" in phone.inner_text("#state")
        staff.fill("#scan", ticket.id)  # what the scanner types from the printed QR
        staff.press("#scan", "Enter")
        staff.wait_for_selector("#reg:not([hidden])")
        reg = staff.inner_text("#reg")
        assert number in reg and "HSD" in reg  # the insurance note the kiosk stored
        # the registration the kiosk stored with the ticket: who it is, for the counter only
        assert "Nguyễn Văn An" in reg and "001090123456" in reg
    app.state.service.close()
