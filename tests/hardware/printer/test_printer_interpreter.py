"""The ESC/POS interpreter turns python-escpos's real bytes into paper."""

from __future__ import annotations

import zxingcpp
from escpos.printer import Dummy
from PIL import Image, ImageDraw

from hardware.printer.escpos_interpreter import EscPosInterpreter, interpret
from hardware.printer.escpos_job import build_job


def _pattern(width: int = 200, height: int = 48) -> Image.Image:
    img = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, width // 2 - 1, height - 1], fill=0)  # left half black
    draw.rectangle([width - 10, 0, width - 1, 9], fill=0)  # a small square top right
    return img


def _dark(img: Image.Image, box: tuple[int, int, int, int]) -> float:
    region = img.convert("L").crop(box)
    hist = region.histogram()
    return sum(hist[:128]) / max(1, region.width * region.height)


def test_text_raster_qr_and_cut() -> None:
    d = Dummy()
    d.hw("INIT")
    d.textln("Hello printer")
    d.image(_pattern(), impl="bitImageRaster")
    d._raw(b"\x1ba\x01")
    d.qr("ticket-123", native=True, size=6)
    d.cut()
    d.textln("after the cut")
    result = interpret(bytes(d.output))
    assert result.cuts == 1
    assert len(result.pages) == 2  # the cut page and the uncut rest
    assert result.texts == ["Hello printer", "after the cut"]
    assert result.qr_payloads == ["ticket-123"]
    assert result.images == 1 and not result.unknown
    page = result.pages[0]
    assert page.width == 576
    decoded = [r.text for r in zxingcpp.read_barcodes(page)]
    assert decoded == ["ticket-123"]
    # the raster lands below the text line, left half black, right half white
    text_h = 30
    assert _dark(page, (5, text_h + 5, 95, text_h + 40)) > 0.95
    assert _dark(page, (105, text_h + 15, 185, text_h + 40)) < 0.05


def test_column_and_graphics_images_match_raster() -> None:
    pattern = _pattern(160, 48)
    pages = []
    for impl in ("bitImageRaster", "bitImageColumn", "graphics"):
        d = Dummy()
        d.hw("INIT")
        d.image(pattern, impl=impl)
        d.cut()
        result = interpret(bytes(d.output))
        assert result.images >= 1 and not result.unknown, impl
        pages.append(result.pages[0].convert("1"))
    raster = pages[0]
    for other in pages[1:]:
        # same black pixels in the first 48 rows
        a = raster.crop((0, 0, 160, 48)).tobytes()
        b = other.crop((0, 0, 160, 48)).tobytes()
        assert a == b


def test_incremental_feed_equals_whole(tmp_path: object) -> None:
    data = build_job(_pattern(576, 120), "abc-def", 576)
    whole = interpret(data)
    interp = EscPosInterpreter(576)
    for i in range(0, len(data), 7):
        interp.feed(data[i : i + 7])
    pieces = interp.finish()
    assert whole.qr_payloads == pieces.qr_payloads == ["abc-def"]
    assert whole.pages[0].tobytes() == pieces.pages[0].tobytes()


def test_status_requests_are_reported_and_unknown_bytes_skipped() -> None:
    asked: list[int] = []
    interp = EscPosInterpreter(384, on_status_request=asked.append)
    interp.feed(b"\x10\x04\x01\x10\x04\x04\x1b@\x1b\x99AB\n")
    result = interp.finish()
    assert asked == [1, 4] and result.status_requests == [1, 4]
    assert result.unknown == ["1b99"]
    assert result.texts[-1].endswith("AB")


def test_image_qr_mode_is_a_raster() -> None:
    data = build_job(_pattern(576, 60), "img-qr", 576, qr_mode="image")
    result = interpret(data)
    assert result.qr_payloads == []  # not a native QR
    assert result.images >= 2
    assert [r.text for r in zxingcpp.read_barcodes(result.pages[0])] == ["img-qr"]
