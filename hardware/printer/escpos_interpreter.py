"""An ESC/POS interpreter: turns the bytes a receipt printer would receive into paper (PNG).

It understands what the kiosk (through python-escpos) sends and the usual neighbours:

- ESC @ (init), ESC a (align), ESC ! / GS ! (character size), ESC E / ESC G (bold),
  ESC 2 / ESC 3 (line spacing), LF, ESC d (feed lines), ESC J (feed dots), printable text
  (code page 437 for bytes >= 0x80, drawn with the shipped Noto Sans at 24 dots);
- raster images GS v 0 (with double width/height), column images ESC * (8- and 24-dot),
  graphics GS ( L / GS 8 L (store fn 112, print fn 50);
- QR codes GS ( k (model, module size, error correction, store, print), drawn with segno;
- cuts GS V and ESC i / ESC m: each cut ends a page;
- real-time status requests DLE EOT n (recorded; a caller may answer them through
  `on_status_request`) and the in-sequence GS r n (recorded; answered through
  `on_transmit_status`, which a printer does only after everything before it was printed);
- single-argument settings that do not change the paper (ESC - M t R SP V {, GS B H f h w,
  ESC c 5, ESC p) are consumed; anything else is recorded in `unknown` and skipped one byte at a
  time, as a printer would.

Feeding is incremental (`feed()` may get a command in pieces), so the same interpreter serves
the simulated printer and fake printers listening on TCP in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

ESC, GS, DLE, FS = 0x1B, 0x1D, 0x10, 0x1C
LF, CR, HT, FF = 0x0A, 0x0D, 0x09, 0x0C
FONT_PATH = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "NotoSans-Regular.ttf"
FONT_BOLD_PATH = FONT_PATH.with_name("NotoSans-Bold.ttf")
DEFAULT_LINE_SPACING = 30  # dots, as ESC 2 on an 80 mm printer
_ONE_ARG_ESC = set(b"-MtRSV{c r")  # ESC x n (ESC c 5 n handled below)
_ONE_ARG_GS = set(b"BHfhwb")
_TWO_ARG_GS = set(b"LWP")
_QR_EC = {48: "L", 49: "M", 50: "Q", 51: "H"}


class _Incomplete(Exception):
    """The buffer ends inside a command: wait for more bytes."""


@lru_cache(maxsize=16)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_BOLD_PATH if bold else FONT_PATH
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default()


@dataclass
class Interpretation:
    pages: list[Image.Image] = field(default_factory=list)  # one per cut (and a last uncut one)
    cuts: int = 0
    texts: list[str] = field(default_factory=list)  # text lines printed
    qr_payloads: list[str] = field(default_factory=list)
    images: int = 0  # raster/column/graphics images printed
    status_requests: list[int] = field(default_factory=list)  # DLE EOT n
    transmit_requests: list[int] = field(default_factory=list)  # GS r n (in sequence)
    unknown: list[str] = field(default_factory=list)  # hex of skipped bytes

    def page_image(self) -> Image.Image:
        """All pages stacked (with a dashed cut mark between them), for one PNG."""
        if not self.pages:
            return Image.new("L", (1, 1), 255)
        width = max(p.width for p in self.pages)
        gap = 12
        height = sum(p.height for p in self.pages) + gap * (len(self.pages) - 1)
        out = Image.new("L", (width, height), 255)
        y = 0
        draw = ImageDraw.Draw(out)
        for i, page in enumerate(self.pages):
            out.paste(page, (0, y))
            y += page.height
            if i < len(self.pages) - 1:
                for x in range(0, width, 16):
                    draw.line([(x, y + gap // 2), (x + 7, y + gap // 2)], fill=160)
                y += gap
        return out


class EscPosInterpreter:
    def __init__(
        self,
        width_px: int = 576,
        on_status_request: Callable[[int], object] | None = None,
        on_transmit_status: Callable[[int], object] | None = None,
    ) -> None:
        self.width = width_px
        self.on_status_request = on_status_request
        self.on_transmit_status = on_transmit_status
        self.result = Interpretation()
        self._buf = b""
        self._reset_modes()
        self._new_page()

    # -- state ------------------------------------------------------------------------------

    def _reset_modes(self) -> None:
        self.align = 0
        self.bold = False
        self.size_w = 1
        self.size_h = 1
        self.line_spacing = DEFAULT_LINE_SPACING
        self.qr_model = 2
        self.qr_size = 3
        self.qr_ec = "L"
        self.qr_data = b""
        self.graphics: Image.Image | None = None

    def _new_page(self) -> None:
        self.canvas = Image.new("L", (self.width, 256), 255)
        self.y = 0
        self.line_text = ""
        self.line_band: Image.Image | None = None  # ESC * column band on the current line
        self.dirty = False

    def _ensure(self, height: int) -> None:
        if self.y + height <= self.canvas.height:
            return
        new_h = max(self.canvas.height * 2, self.y + height + 64)
        bigger = Image.new("L", (self.width, new_h), 255)
        bigger.paste(self.canvas, (0, 0))
        self.canvas = bigger

    def _place(self, img: Image.Image) -> None:
        """Puts a block at the cursor with the current alignment and moves down."""
        img = img.convert("L")
        if img.width > self.width:
            img = img.crop((0, 0, self.width, img.height))
        x = 0
        if self.align == 1:
            x = (self.width - img.width) // 2
        elif self.align == 2:
            x = self.width - img.width
        self._ensure(img.height)
        self.canvas.paste(img, (x, self.y))
        self.y += img.height
        self.dirty = True

    def _advance(self, dots: int) -> None:
        self._ensure(dots)
        self.y += dots
        self.dirty = True

    def _flush_line(self, newline: bool) -> None:
        if self.line_band is not None:
            band = self.line_band
            self.line_band = None
            self._place(band)
            return
        if self.line_text:
            text = self.line_text
            self.line_text = ""
            self.result.texts.append(text)
            size = 24
            font = _font(size * self.size_h, self.bold)
            bbox = font.getbbox(text + "Ág")
            h = max(self.line_spacing * self.size_h, int(bbox[3]) + 4)
            w = min(self.width, int(font.getlength(text) * self.size_w / self.size_h) + 1)
            glyphs = Image.new("L", (max(1, int(font.getlength(text)) + 1), h), 255)
            ImageDraw.Draw(glyphs).text((0, 0), text, font=font, fill=0)
            if self.size_w != self.size_h:
                glyphs = glyphs.resize((max(1, w), h))
            self._place(glyphs)
            return
        if newline:
            self._advance(self.line_spacing)

    def _cut(self) -> None:
        self._flush_line(newline=False)
        height = max(1, self.y)
        self.result.pages.append(self.canvas.crop((0, 0, self.width, height)))
        self.result.cuts += 1
        self._new_page()

    def finish(self) -> Interpretation:
        """Ends the input: an uncut page with content becomes the last page."""
        self._flush_line(newline=False)
        if self.dirty and self.y > 0:
            self.result.pages.append(self.canvas.crop((0, 0, self.width, self.y)))
            self._new_page()
        return self.result

    # -- parsing ----------------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        self._buf += data
        i = 0
        buf = self._buf
        while i < len(buf):
            try:
                i = self._one(buf, i)
            except _Incomplete:
                break
        self._buf = buf[i:]

    @staticmethod
    def _need(buf: bytes, end: int) -> None:
        if len(buf) < end:
            raise _Incomplete

    def _one(self, buf: bytes, i: int) -> int:
        b = buf[i]
        if b == ESC:
            return self._esc(buf, i)
        if b == GS:
            return self._gs(buf, i)
        if b == DLE:
            self._need(buf, i + 3)
            if buf[i + 1] == 0x04:  # DLE EOT n
                n = buf[i + 2]
                self.result.status_requests.append(n)
                if self.on_status_request is not None:
                    self.on_status_request(n)
                return i + 3
            if buf[i + 1] == 0x05:  # DLE ENQ n
                return i + 3
            self.result.unknown.append(buf[i : i + 1].hex())
            return i + 1
        if b == FS:  # FS . / FS & (kanji modes): consume two bytes
            self._need(buf, i + 2)
            return i + 2
        if b == LF:
            self._flush_line(newline=True)
            return i + 1
        if b in (CR, 0x00):
            return i + 1
        if b == FF:
            self._flush_line(newline=True)
            return i + 1
        if b == HT:
            self.line_text += "    "
            return i + 1
        if b < 0x20:
            self.result.unknown.append(buf[i : i + 1].hex())
            return i + 1
        j = i
        while j < len(buf) and buf[j] >= 0x20 and buf[j] != 0x7F:
            j += 1
        self.line_text += buf[i:j].decode("cp437", errors="replace")
        return max(j, i + 1)

    def _esc(self, buf: bytes, i: int) -> int:
        self._need(buf, i + 2)
        c = buf[i + 1]
        if c == ord("@"):
            self._flush_line(newline=False)
            self._reset_modes()
            return i + 2
        if c == ord("2"):
            self.line_spacing = DEFAULT_LINE_SPACING
            return i + 2
        if c == ord("3"):
            self._need(buf, i + 3)
            self.line_spacing = buf[i + 2]
            return i + 3
        if c == ord("a"):
            self._need(buf, i + 3)
            self.align = buf[i + 2] % 48 if buf[i + 2] >= 48 else buf[i + 2]
            self.align = min(self.align, 2)
            return i + 3
        if c in (ord("E"), ord("G")):
            self._need(buf, i + 3)
            self.bold = bool(buf[i + 2] & 1)
            return i + 3
        if c == ord("!"):
            self._need(buf, i + 3)
            n = buf[i + 2]
            self.bold = bool(n & 0x08)
            self.size_h = 2 if n & 0x10 else 1
            self.size_w = 2 if n & 0x20 else 1
            return i + 3
        if c == ord("d"):
            self._need(buf, i + 3)
            self._flush_line(newline=True)
            self._advance(self.line_spacing * max(0, buf[i + 2] - 1))
            return i + 3
        if c == ord("J"):
            self._need(buf, i + 3)
            self._flush_line(newline=False)
            self._advance(buf[i + 2])
            return i + 3
        if c in (ord("i"), ord("m")):
            self._cut()
            return i + 2
        if c == ord("p"):  # cash drawer pulse: m t1 t2
            self._need(buf, i + 5)
            return i + 5
        if c == ord("c"):  # ESC c 3/4/5 n
            self._need(buf, i + 4)
            return i + 4
        if c == ord("*"):
            return self._esc_star(buf, i)
        if c in _ONE_ARG_ESC:
            self._need(buf, i + 3)
            return i + 3
        self.result.unknown.append(buf[i : i + 2].hex())
        return i + 1

    def _esc_star(self, buf: bytes, i: int) -> int:
        self._need(buf, i + 5)
        m, n = buf[i + 2], buf[i + 3] | (buf[i + 4] << 8)
        rows = 24 if m in (32, 33) else 8
        bpc = rows // 8
        end = i + 5 + n * bpc
        self._need(buf, end)
        data = buf[i + 5 : end]
        img = Image.new("L", (n, rows), 255)
        px = img.load()
        assert px is not None
        for x in range(n):
            for k in range(bpc):
                byte = data[x * bpc + k]
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        px[x, k * 8 + bit] = 0
        if m in (0, 32):  # single (half) horizontal density
            img = img.resize((n * 2, rows))
        if rows == 8:
            img = img.resize((img.width, 24))  # 8-dot bands print 3 dots tall per dot
        self.result.images += 1
        if self.line_band is None:
            self.line_band = img
        else:  # several ESC * on one line: side by side
            band = Image.new(
                "L", (self.line_band.width + img.width, rows if rows == 24 else 24), 255
            )
            band.paste(self.line_band, (0, 0))
            band.paste(img, (self.line_band.width, 0))
            self.line_band = band
        return end

    def _gs(self, buf: bytes, i: int) -> int:
        self._need(buf, i + 2)
        c = buf[i + 1]
        if c == ord("v"):  # GS v 0 m xL xH yL yH d1...dk
            self._need(buf, i + 8)
            m = buf[i + 3]
            xb = buf[i + 4] | (buf[i + 5] << 8)
            h = buf[i + 6] | (buf[i + 7] << 8)
            end = i + 8 + xb * h
            self._need(buf, end)
            self._flush_line(newline=False)
            img = _raster(buf[i + 8 : end], xb, h)
            if m & 1:
                img = img.resize((img.width * 2, img.height))
            if m & 2:
                img = img.resize((img.width, img.height * 2))
            self.result.images += 1
            self._place(img)
            return end
        if c == ord("V"):  # GS V m [n]
            self._need(buf, i + 3)
            m = buf[i + 2]
            if m in (65, 66, 97, 98, 103, 104):
                self._need(buf, i + 4)
                self._advance(buf[i + 3])
                self._cut()
                return i + 4
            self._cut()
            return i + 3
        if c == ord("!"):
            self._need(buf, i + 3)
            n = buf[i + 2]
            self.size_w = ((n >> 4) & 0x07) + 1
            self.size_h = (n & 0x07) + 1
            return i + 3
        if c == ord("(") or c == ord("8"):
            return self._gs_function(buf, i)
        if c == ord("k"):  # barcode: GS k m ... (skip)
            self._need(buf, i + 3)
            m = buf[i + 2]
            if m <= 6:
                j = i + 3
                while True:
                    self._need(buf, j + 1)
                    if buf[j] == 0:
                        return j + 1
                    j += 1
            self._need(buf, i + 4)
            return i + 4 + buf[i + 3]
        if c == ord("r"):  # GS r n: answered after everything before it was printed
            self._need(buf, i + 3)
            n = buf[i + 2]
            self._flush_line(newline=False)
            self.result.transmit_requests.append(n)
            if self.on_transmit_status is not None:
                self.on_transmit_status(n)
            return i + 3
        if c == ord("I"):
            self._need(buf, i + 3)
            return i + 3
        if c in _ONE_ARG_GS:
            self._need(buf, i + 3)
            return i + 3
        if c in _TWO_ARG_GS:
            self._need(buf, i + 4)
            return i + 4
        self.result.unknown.append(buf[i : i + 2].hex())
        return i + 1

    def _gs_function(self, buf: bytes, i: int) -> int:
        """GS ( X pL pH … and GS 8 L p1 p2 p3 p4 …."""
        if buf[i + 1] == ord("8"):
            self._need(buf, i + 7)
            kind = buf[i + 2]
            length = int.from_bytes(buf[i + 3 : i + 7], "little")
            start = i + 7
        else:
            self._need(buf, i + 5)
            kind = buf[i + 2]
            length = buf[i + 3] | (buf[i + 4] << 8)
            start = i + 5
        end = start + length
        self._need(buf, end)
        body = buf[start:end]
        if kind == ord("k") and len(body) >= 2 and body[0] == 49:  # QR code
            self._qr(body[1], body[2:])
        elif kind == ord("L") and len(body) >= 2:
            self._graphics(body[1], body[2:])
        return end

    def _qr(self, fn: int, args: bytes) -> None:
        if fn == 65 and args:
            self.qr_model = args[0] - 48 if args[0] >= 48 else args[0]
        elif fn == 67 and args:
            self.qr_size = max(1, min(16, args[0]))
        elif fn == 69 and args:
            self.qr_ec = _QR_EC.get(args[0], "L")
        elif fn == 80 and args:
            self.qr_data = args[1:]
        elif fn == 81:
            if not self.qr_data:
                return
            self._flush_line(newline=False)
            payload = self.qr_data.decode("utf-8", errors="replace")
            qr = segno.make_qr(self.qr_data, error=self.qr_ec, boost_error=False)
            img = qr_matrix_image(qr.matrix, self.qr_size)
            self.result.qr_payloads.append(payload)
            self._advance(self.qr_size * 2)  # quiet zone the printer leaves
            self._place(img)
            self._advance(self.qr_size * 2)

    def _graphics(self, fn: int, args: bytes) -> None:
        if fn == 112 and len(args) >= 8:  # store: a bx by c xL xH yL yH d
            bx, by = args[1], args[2]
            w = args[4] | (args[5] << 8)
            h = args[6] | (args[7] << 8)
            img = _raster(args[8:], (w + 7) // 8, h).crop((0, 0, w, h))
            if bx == 2:
                img = img.resize((w * 2, h))
            if by == 2:
                img = img.resize((img.width, h * 2))
            self.graphics = img
        elif fn == 50 and self.graphics is not None:  # print the stored graphics
            self._flush_line(newline=False)
            self.result.images += 1
            self._place(self.graphics)


def _raster(data: bytes, width_bytes: int, height: int) -> Image.Image:
    """Row-major 1-bit data, MSB first, 1 = black -> an L image (0 = black)."""
    img = Image.frombytes("1", (width_bytes * 8, height), bytes(data[: width_bytes * height]))
    # PIL's "1" mode: bit 1 = white; ESC/POS: bit 1 = black
    return Image.eval(img.convert("L"), lambda v: 255 - v)


def qr_matrix_image(matrix: object, module_px: int, border: int = 0) -> Image.Image:
    """A segno matrix (rows of 0/1) as an L image, `module_px` dots per module."""
    rows = [list(r) for r in matrix]  # type: ignore[attr-defined]
    n = len(rows)
    small = Image.new("L", (n + 2 * border, n + 2 * border), 255)
    small.putdata(
        [
            0
            if (0 <= y - border < n and 0 <= x - border < n and rows[y - border][x - border])
            else 255
            for y in range(n + 2 * border)
            for x in range(n + 2 * border)
        ]
    )
    side = (n + 2 * border) * module_px
    return small.resize((side, side), Image.Resampling.NEAREST)


def interpret(data: bytes, width_px: int = 576) -> Interpretation:
    interp = EscPosInterpreter(width_px)
    interp.feed(data)
    return interp.finish()
