"""With `queue.status_page_base` set, the printed ticket's QR is the phone page's URL (an
unguessable token, no personal data), and the counter page opens the ticket from it."""

from __future__ import annotations

from pathlib import Path

import zxingcpp
from PIL import Image
from web_testing import issue, make_app

from hardware.printer.simulated import SimulatedPrinter
from kiosk.config import KioskConfig
from kiosk.queue.printing import PrintService


def test_the_printed_qr_opens_the_phone_page_and_the_counter(tmp_path: Path) -> None:
    config = KioskConfig.model_validate(
        {"data_dir": str(tmp_path), "queue": {"status_page_base": "https://q.benhvien.vn"}}
    )
    app = make_app(tmp_path, config=config)
    service = app.state.service
    ticket = issue(service)
    printer = SimulatedPrinter(tmp_path / "printed")
    assert PrintService(printer, service).print_ticket(ticket, config, "vi").ok
    [read] = zxingcpp.read_barcodes(Image.open(printer.printed[-1].png))
    assert read.text == f"https://q.benhvien.vn/t/{ticket.token}"
    assert ticket.id not in read.text and len(ticket.token) >= 20
    assert app.state.qapi.find(read.text).id == ticket.id  # the counter's scanner field
    service.close()
