"""The ticket image and PrintService: what the simulated printer really prints, and failures
that never lose the ticket."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops
from queue_testing import make_config

from hardware.printer.simulated import SimulatedPrinter
from kiosk.config import KioskConfig
from kiosk.queue import ticket_render
from kiosk.queue.printing import PrintService
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.ticket_render import font, render_ticket

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "fonts"


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return make_config(tmp_path / "data")


@pytest.fixture
def queue(config: KioskConfig) -> Iterator[QueueService]:
    service = QueueService.from_config(config)
    yield service
    service.close()


def _black_rows(img: Image.Image) -> list[int]:
    gray = img.convert("L")
    w = gray.width
    data = gray.tobytes()
    return [y for y in range(gray.height) if min(data[y * w : (y + 1) * w]) < 128]


def test_ticket_uses_the_shipped_font_and_vietnamese_glyphs_render() -> None:
    assert Path(str(font(30).path)) == ASSETS / "NotoSans-Regular.ttf"
    assert Path(str(font(30, bold=True).path)) == ASSETS / "NotoSans-Bold.ttf"
    notdef = font(40).getmask("\uffff").getbbox()
    for ch in "ẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸđĐơưăâêô":
        for bold in (False, True):
            box = font(40, bold).getmask(ch).getbbox()
            assert box and box != notdef, ch
    # diacritics change the pixels: "Bệnh viện" is not drawn like "Benh vien"
    a = font(40).getmask("Bệnh viện")
    b = font(40).getmask("Benh vien")
    assert a.size != b.size or bytes(a) != bytes(b)


def test_printed_png_is_the_rendered_ticket_with_a_qr_of_the_id(
    config: KioskConfig, queue: QueueService, tmp_path: Path
) -> None:
    printer = SimulatedPrinter(tmp_path / "printed")
    service = PrintService(printer, queue)
    ticket = queue.issue(
        TicketRequest(
            "noi",
            True,
            "pregnant",
            insurance_verified=False,
            staff_note="Không kết nối được cổng BHYT",
            language="vi",
        )
    )
    outcome = service.print_ticket(ticket, config, "vi", timeout_s=10)
    assert outcome.ok and outcome.error_code is None
    [record] = printer.printed
    png = Image.open(record.png)
    assert png.width == 576 and png.height > 800
    assert [r.text for r in zxingcpp.read_barcodes(png)] == [ticket.id]
    # the top of the paper is exactly the rendered ticket (the printer printed our raster)
    rendered = render_ticket(ticket, config, "vi").convert("L")
    top = png.convert("L").crop((0, 0, 576, rendered.height))
    assert ImageChops.difference(top, rendered).getbbox() is None
    # and the ticket is not blank: many separate lines of text
    rows = _black_rows(rendered)
    bands = sum(1 for a, b in zip(rows, rows[1:], strict=False) if b - a > 1)
    assert bands >= 12
    got = queue.get(ticket.id)
    assert (got.print_status, got.print_attempts) == ("printed", 1)


def test_language_and_content_change_the_ticket(config: KioskConfig, queue: QueueService) -> None:
    ticket = queue.issue(TicketRequest("noi", True, insurance_verified=True))
    vi = render_ticket(ticket, config, "vi")
    en = render_ticket(ticket, config, "en")
    assert vi.mode == "1" and vi.width == 576
    assert ImageChops.difference(vi.convert("L"), en.convert("L").resize(vi.size)).getbbox()
    reprint = render_ticket(replace(ticket, reprint=True), config, "vi")
    assert reprint.height > vi.height  # the REPRINT mark
    narrow = render_ticket(ticket, config, "vi", width_px=384)
    assert narrow.width == 384
    on_screen = render_ticket(ticket, config, "en", with_qr=True)
    assert [r.text for r in zxingcpp.read_barcodes(on_screen)] == [ticket.id]


@pytest.mark.parametrize(
    ("fault", "code"),
    [("paper_out", "paper_out"), ("offline", "offline"), ("cover_open", "cover_open")],
)
def test_print_failures_are_recorded_and_the_ticket_survives(
    config: KioskConfig, queue: QueueService, tmp_path: Path, fault: str, code: str
) -> None:
    printer = SimulatedPrinter(tmp_path / "printed")
    getattr(printer, f"set_{fault}")(True)
    service = PrintService(printer, queue)
    ticket = queue.issue(TicketRequest("noi", False, language="en"))
    outcome = service.print_ticket(ticket, config, "en", timeout_s=5)
    assert (outcome.ok, outcome.error_code) == (False, code)
    assert "counter" in outcome.message_en and "quầy" in outcome.message_vi
    got = queue.get(ticket.id)
    assert (got.print_status, got.print_attempts) == ("failed", 1)
    assert got.print_error.startswith(code)
    assert list(printer.printed) == []
    # fixed: the reprint works, marked as such, and the attempts add up
    getattr(printer, f"set_{fault}")(False)
    again = service.reprint(ticket.id, config)
    assert again.ok
    got = queue.get(ticket.id)
    assert (got.print_status, got.print_attempts, got.number) == ("printed", 2, ticket.number)
    [record] = printer.printed
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(record.png))] == [ticket.id]


def test_print_timeout_and_no_printer(
    config: KioskConfig, queue: QueueService, tmp_path: Path
) -> None:
    printer = SimulatedPrinter(tmp_path / "printed", delay_s=1.5)
    service = PrintService(printer, queue)
    ticket = queue.issue(TicketRequest("noi", False))
    outcome = service.print_ticket(ticket, config, "vi", timeout_s=0.3)
    assert outcome.error_code == "timeout"
    got = queue.get(ticket.id)
    assert (got.print_status, got.print_attempts) == ("failed", 1)
    for _ in range(100):  # it comes out late: recorded as printed, still one attempt
        if queue.get(ticket.id).print_status == "printed":
            break
        time.sleep(0.05)
    got = queue.get(ticket.id)
    assert (got.print_status, got.print_attempts, len(printer.printed)) == ("printed", 1, 1)
    none = PrintService(None, queue).print_ticket(ticket, config, "vi")
    assert none.error_code == "offline"
    assert queue.get(ticket.id).print_attempts == 2
    missing = service.reprint("no-such-ticket", config)
    assert not missing.ok


def test_print_ticket_never_raises(
    config: KioskConfig, queue: QueueService, tmp_path: Path
) -> None:
    class Broken(SimulatedPrinter):
        def print_ticket(self, image: Image.Image, qr_payload: str | None = None) -> None:
            raise RuntimeError("driver bug")

    ticket = queue.issue(TicketRequest("noi", False))
    outcome = PrintService(Broken(tmp_path), queue).print_ticket(ticket, config, "vi")
    assert outcome.error_code == "error"
    assert queue.get(ticket.id).print_status == "failed"
    assert ticket_render.FONT_REGULAR.exists()


def test_58mm_paper(tmp_path: Path) -> None:
    config = make_config(tmp_path / "data", devices={"printer": {"paper_width_px": 384}})
    queue = QueueService.from_config(config)
    try:
        printer = SimulatedPrinter(tmp_path / "printed", width_px=384)
        ticket = queue.issue(TicketRequest("tmh", True, insurance_verified=True))
        assert PrintService(printer, queue).print_ticket(ticket, config, "vi").ok
        png = Image.open(printer.printed[0].png)
        assert png.width == 384
        assert [r.text for r in zxingcpp.read_barcodes(png)] == [ticket.id]
    finally:
        queue.close()
