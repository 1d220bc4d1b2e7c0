"""The journey in Debian's chromium: a kiosk ticket, staff signs in and calls it, the board
shows it within 1 s and requests the announcement, the phone page says where to go."""

from __future__ import annotations

import time
from typing import Any

import pytest
from web_testing import PASSWORD, LiveServer, issue

pytestmark = pytest.mark.browser


def sign_in(page: Any, url: str, user: str = "counter") -> None:
    page.goto(f"{url}/counter")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#call")


def test_call_reaches_board_and_phone(app: Any, browser: Any) -> None:
    service = app.state.service
    ticket = issue(service)
    with LiveServer(app) as srv:
        ctx = browser.new_context()
        board = ctx.new_page()
        audio: list[str] = []
        board.on("request", lambda r: audio.append(r.url) if "/audio/" in r.url else None)
        board.goto(f"{srv.url}/board")
        board.wait_for_selector("#waiting li")
        phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        phone.goto(f"{srv.url}/t/{app.state.qapi.token(ticket)}")
        phone.wait_for_function("document.getElementById('num').textContent === 'N001'")
        assert "Còn 0 người" in phone.inner_text("#state")

        staff = browser.new_context().new_page()
        sign_in(staff, srv.url)
        staff.fill("#counter", "3")
        staff.uncheck("input[value='noi.ut']") if staff.is_checked(
            "input[value='noi.ut']"
        ) else None
        staff.check("input[value='noi']")
        clicked = time.monotonic()
        staff.click("#call")
        board.wait_for_selector(".call.latest .number:text('N001')", timeout=1000)
        shown_after = time.monotonic() - clicked
        assert "Quầy 3" in board.inner_text(".call.latest")
        assert shown_after < 1.0 + 0.5  # the click's own round trip is inside this
        board.wait_for_function("window.boardAnnounced.length === 1", timeout=2000)
        ann = board.evaluate("window.boardAnnounced[0]")
        assert ann["number"] == "N001" and ann["counter"] == "3"
        board.wait_for_function("document.querySelector('#conn').hidden", timeout=1000)
        deadline = time.monotonic() + 3
        while not audio and time.monotonic() < deadline:
            board.wait_for_timeout(50)
        assert audio and audio[0].endswith(".wav")
        phone.wait_for_selector("#phone.s-called", timeout=2000)
        assert "quầy số 3" in phone.inner_text("#state")
        assert staff.inner_text("#number") == "N001"

        # recall: the board announces again
        staff.click("#recall")
        board.wait_for_function("window.boardAnnounced.length === 2", timeout=2000)

        # the registration lookup by typed number is audited
        staff.fill("#scan", "n001")
        staff.press("#scan", "Enter")
        staff.wait_for_selector("#reg:not([hidden])")
        assert "N001" in staff.inner_text("#reg")
        log = app.state.auth.audit_log()
        assert {"counter"} == {e["actor"] for e in log if e["action"] == "registration_viewed"}
        ctx.close()


def test_board_shows_reconnecting_and_keeps_state(app: Any, browser: Any, tmp_path: Any) -> None:
    service = app.state.service
    issue(service)
    page = browser.new_page()
    srv = LiveServer(app)
    with srv:
        app.state.qapi.call_next(["noi"], "2")
        page.goto(f"{srv.url}/board")
        page.wait_for_selector(".call.latest .number:text('N001')")
    # server gone: the last state stays, the banner says reconnecting
    page.wait_for_selector("#conn:not([hidden])", timeout=5000)
    assert "N001" in page.inner_text("#calls")
    page.close()
