"""The printed ticket as a 1-bit-friendly image, in the session's language.

Vietnamese is rendered with the shipped Noto Sans (assets/fonts), never through a printer code
page. The QR with the ticket id is not part of this image by default: the printer prints it
below the image (`TicketPrinter.print_ticket(image, qr_payload=ticket.id)`, natively with GS ( k
or as a raster, see `devices.printer.qr_mode`). For the screen (e.g. when printing failed) use
`render_ticket(..., with_qr=True)` or `qr_image(ticket.id)`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from PIL import Image, ImageDraw, ImageFont

from hardware.printer.escpos_interpreter import qr_matrix_image
from kiosk.queue.lines import line_by_id
from kiosk.queue.priority import CONFIRM_EN, CONFIRM_VI, all_priorities

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT_REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
FONT_BOLD = FONT_DIR / "NotoSans-Bold.ttf"

_TEXT = {
    "vi": {
        "your_number": "SỐ THỨ TỰ CỦA BẠN",
        "room": "Phòng",
        "appointment": "Có lịch hẹn lúc {time}",
        "line": "Hàng chờ",
        "priority": "Ưu tiên",
        "confirm": CONFIRM_VI,
        "ins_verified": "BHYT: đã kiểm tra thẻ",
        "ins_unverified": "BHYT: chưa kiểm tra được thẻ",
        "self_pay": "Khám dịch vụ (không dùng BHYT)",
        "ahead": "Số người chờ trước bạn: {n}",
        "wait": "Thời gian chờ dự kiến: khoảng {m} phút",
        "wait_unknown": "Thời gian chờ: đang cập nhật",
        "next": "Bạn là người tiếp theo",
        "issued": "Lấy số lúc {time} ngày {date}",
        "reprint": "IN LẠI",
        "instructions": "Vui lòng chờ gọi số trên màn hình tại khu vực phòng khám. "
        "Mang theo CCCD và thẻ BHYT (nếu có). Phiếu chỉ có giá trị trong ngày.",
        "qr": "Mã phiếu (quét tại quầy):",
    },
    "en": {
        "your_number": "YOUR NUMBER",
        "room": "Room",
        "appointment": "Appointment at {time}",
        "line": "Line",
        "priority": "Priority",
        "confirm": CONFIRM_EN,
        "ins_verified": "Health insurance (BHYT): card checked",
        "ins_unverified": "Health insurance (BHYT): card not checked",
        "self_pay": "Self-paying visit (no insurance)",
        "ahead": "People ahead of you: {n}",
        "wait": "Estimated wait: about {m} min",
        "wait_unknown": "Estimated wait: being updated",
        "next": "You are next",
        "issued": "Issued at {time} on {date}",
        "reprint": "REPRINT",
        "instructions": "Please wait until your number is shown on the screen near the clinic. "
        "Bring your citizen ID card and insurance card (if any). Valid today only.",
        "qr": "Ticket code (scan at the counter):",
    },
}


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        words = para.split()
        cur = ""
        for word in words:
            trial = f"{cur} {word}".strip()
            if draw.textlength(trial, font=fnt) <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        lines.append(cur)
    return lines


def qr_image(payload: str, module_px: int = 8, border: int = 2) -> Image.Image:
    """The ticket's QR as a 1-bit image (for the screen or to draw into the ticket)."""
    qr = segno.make_qr(payload, error="m", boost_error=False)
    return qr_matrix_image(qr.matrix, module_px, border).convert("1")


class _Canvas:
    def __init__(self, width: int) -> None:
        self.width = width
        self.margin = max(8, width // 36)
        self.inner = width - 2 * self.margin
        self.img = Image.new("L", (width, 3000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.y = self.margin

    def text(
        self, text: str, size: int, bold: bool = False, center: bool = True, gap: int = 6
    ) -> None:
        fnt = font(size, bold)
        for line in _wrap(self.draw, text, fnt, self.inner):
            w = self.draw.textlength(line, font=fnt)
            x = int((self.width - w) / 2) if center else self.margin
            asc, desc = fnt.getmetrics()
            self.draw.text((x, self.y), line, font=fnt, fill=0)
            self.y += asc + desc + gap // 2
        self.y += gap

    def fitted(self, text: str, max_size: int, bold: bool = True) -> None:
        """One line, as large as fits the width (the ticket number)."""
        size = max_size
        while size > 20 and font(size, bold).getlength(text) > self.inner:
            size -= 4
        fnt = font(size, bold)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=fnt)
        x = (self.width - (right - left)) // 2 - left
        self.draw.text((x, self.y - top), text, font=fnt, fill=0)
        self.y += int(bottom - top) + 16

    def rule(self, thick: int = 3) -> None:
        self.draw.rectangle(
            [self.margin, self.y, self.width - self.margin, self.y + thick - 1], fill=0
        )
        self.y += thick + 12

    def box_text(self, text: str, size: int) -> None:
        """White on black (reprint mark)."""
        fnt = font(size, True)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=fnt)
        w, h = int(right - left) + 24, int(bottom - top) + 14
        x = (self.width - w) // 2
        self.draw.rectangle([x, self.y, x + w, self.y + h], fill=0)
        self.draw.text((x + 12 - left, self.y + 7 - top), text, font=fnt, fill=255)
        self.y += h + 10

    def paste(self, im: Image.Image) -> None:
        x = (self.width - im.width) // 2
        self.img.paste(im.convert("L"), (x, self.y))
        self.y += im.height + 8

    def done(self) -> Image.Image:
        out = self.img.crop((0, 0, self.width, self.y + self.margin))
        return out.point(lambda v: 255 if v >= 128 else 0, mode="1")


def ticket_room(ticket: Any, config: KioskConfig) -> str:
    """The room to print: the ticket's own (the HIS's answer, or the clinic's room stored at
    issue), else the clinic's configured room."""
    room = str(getattr(ticket, "room", "") or "")
    if room:
        return room
    try:
        return config.clinic(ticket.clinic_id).room
    except KeyError:
        return ""


def qr_payload(ticket: Any, config: KioskConfig) -> str:
    """What the ticket's QR carries: the phone status page (BASE/t/<token>, an unguessable
    token, no personal data) when `queue.status_page_base` is set, else the ticket id. The
    counter page opens a ticket from either."""
    base = config.queue.status_page_base.rstrip("/")
    token = getattr(ticket, "token", "")
    return f"{base}/t/{token}" if base and token else str(ticket.id)


def render_ticket(
    ticket: Any, config: KioskConfig, language: str, width_px: int = 576, with_qr: bool = False
) -> Image.Image:
    """The ticket image (mode "1", `width_px` wide, height as needed)."""
    t = _TEXT.get(language, _TEXT["en"])
    scale = width_px / 576
    c = _Canvas(width_px)

    def s(px: int) -> int:
        return max(12, round(px * scale))

    c.text(config.hospital.name(language), s(30), bold=True)
    c.rule()
    if ticket.reprint:
        c.box_text(t["reprint"], s(26))
    c.text(t["your_number"], s(26))
    c.fitted(ticket.number, s(170))
    try:
        c.text(config.clinic(ticket.clinic_id).name(language), s(40), bold=True)
    except KeyError:
        c.text(ticket.clinic_id, s(40), bold=True)
    room = ticket_room(ticket, config)
    if room:
        c.fitted(f"{t['room']} {room}", s(64))  # large: where the patient has to go
    appointment = getattr(ticket, "appointment_at", None)
    if appointment is not None:
        c.text(t["appointment"].format(time=appointment.strftime("%H:%M")), s(28), bold=True)
    c.rule(2)
    try:
        line = line_by_id(config, ticket.line_id)
        c.text(f"{t['line']}: {line.kind_name(language)}", s(26))
    except KeyError:
        pass
    if ticket.priority:
        prio = next((p for p in all_priorities(config) if p.id == ticket.priority), None)
        name = prio.name(language) if prio else ticket.priority
        c.text(f"{t['priority']}: {name}", s(28), bold=True)
        if prio is None or prio.needs_confirmation:
            c.text(f"({t['confirm']})", s(24))
    if ticket.insured:
        c.text(
            t["ins_verified"] if ticket.insurance_verified else t["ins_unverified"],
            s(26),
            bold=True,
        )
    else:
        c.text(t["self_pay"], s(26))
    if ticket.staff_note and not ticket.insurance_verified:
        c.text(ticket.staff_note, s(22))  # for the counter staff
    c.rule(2)
    if ticket.people_ahead == 0:
        c.text(t["next"], s(28), bold=True)
    else:
        c.text(t["ahead"].format(n=ticket.people_ahead), s(28), bold=True)
        if ticket.estimated_wait_min is None:
            c.text(t["wait_unknown"], s(24))
        else:
            c.text(t["wait"].format(m=ticket.estimated_wait_min), s(26))
    issued = ticket.issued_at
    c.text(
        t["issued"].format(time=issued.strftime("%H:%M"), date=issued.strftime("%d/%m/%Y")), s(24)
    )
    c.rule(2)
    c.text(t["instructions"], s(22), center=False)
    if with_qr:
        c.text(t["qr"], s(22))
        c.paste(qr_image(qr_payload(ticket, config), module_px=max(4, round(7 * scale))))
    else:
        c.text(t["qr"], s(22))
    return c.done()
