"""Screenshots of the counter page, the board (landscape, portrait) and the phone page in
Debian's chromium: `PYTHONPATH=. python tests/web/screenshots.py` -> docs/screenshots/web-*.png"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from playwright.sync_api import sync_playwright  # noqa: E402
from web_testing import PASSWORD, LiveServer, issue, make_app  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    app = make_app(Path(tempfile.mkdtemp()) / "data", hospital_name="Bệnh viện Đa khoa Minh Tâm")
    svc, q = app.state.service, app.state.qapi
    from kiosk.queue.model import Registration, TicketRequest

    reg = Registration(  # invented test person
        name="Trần Thị Mẫu",
        birth_date="1958-03-14",
        gender="nữ",
        citizen_id="001158000000",
        insurance_outcome="Thẻ hợp lệ, mức hưởng 80 %",
        staff_note="Tái khám",
        booking_code="HK-2026-0042",
        priority="elderly_75",
        priority_to_confirm=True,
    )
    booked = svc.issue(TicketRequest(clinic_id="noi", insured=True, registration=reg))
    tickets = (
        [booked] + [issue(svc, "noi") for _ in range(5)] + [issue(svc, "nhi") for _ in range(4)]
    )
    prio = issue(svc, "noi", priority="pregnant")
    for t in [issue(svc, "tmh") for _ in range(3)]:
        del t
    q.call_next(["noi"], "1")  # the priority ticket first
    q.call_next(["nhi"], "5")
    q.call_next(["noi"], "2")
    q.call_next(["tmh"], "7")
    q.call_next(["noi"], "3")
    mine = tickets[-1]
    with LiveServer(app) as srv, sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, w, h in (("landscape", 1920, 1080), ("portrait", 1080, 1920)):
            page = b.new_page(viewport={"width": w, "height": h})
            page.goto(f"{srv.url}/board")
            page.wait_for_selector(".call.latest")
            page.screenshot(path=OUT / f"web-board-{name}.png")
            page.close()
        page = b.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{srv.url}/counter")
        page.fill("input[name=username]", "counter")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.fill("#counter", "4")
        page.click("#call")
        page.wait_for_function("document.getElementById('number').textContent !== '—'")
        page.fill("#scan", booked.number)
        page.press("#scan", "Enter")
        page.wait_for_selector("#reg:not([hidden])")
        page.screenshot(path=OUT / "web-counter.png", full_page=True)
        page.close()
        for label, t in (("waiting", mine), ("called", prio)):
            page = b.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
            page.goto(f"{srv.url}/t/{q.token(t)}")
            page.wait_for_function("document.getElementById('num').textContent !== '…'")
            page.screenshot(path=OUT / f"web-phone-{label}.png")
            page.close()
        b.close()
    print("written to", OUT)


if __name__ == "__main__":
    main()
