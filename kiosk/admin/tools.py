"""Helpers behind the admin views that need no Qt: the test ticket and catalog file discovery."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
CATALOG_SUFFIXES = (".csv", ".xlsx", ".tsv", ".txt")


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        return ImageFont.load_default()


def render_test_ticket(config: KioskConfig, when: datetime | None = None) -> Image.Image:
    """A test ticket as the printer would print it: Vietnamese text, a scale, the kiosk id."""
    when = when or datetime.now()
    width = int(getattr(config.devices.printer, "paper_width_px", 576))
    lines: list[tuple[str, int, bool]] = [
        (config.hospital.name_vi, 30, True),
        ("PHIẾU IN THỬ — TEST PRINT", 34, True),
        (f"Kiosk: {config.kiosk_id}", 26, False),
        (when.strftime("%d/%m/%Y %H:%M:%S"), 26, False),
        ("Tiếng Việt: ă â ê ô ơ ư đ Ắ Ằ Ẳ Ẵ Ặ ữ ỹ", 26, False),
        ("Xin mời quý khách chờ đến lượt.", 26, False),
    ]
    height = 40 + sum(size + 18 for _, size, _ in lines) + 60
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    y = 20
    for text, size, bold in lines:
        font = _font(size, bold)
        box = draw.textbbox((0, 0), text, font=font)
        x = max(0, (width - (box[2] - box[0])) // 2)
        draw.text((x, y), text, font=font, fill=0)
        y += size + 18
    # A ruler: the printable width end to end, ticks every 48 dots (6 mm at 203 dpi).
    y += 10
    draw.line([(0, y), (width - 1, y)], fill=0, width=3)
    for x in range(0, width, 48):
        draw.line([(x, y), (x, y + 20)], fill=0, width=2)
    draw.line([(width - 1, y), (width - 1, y + 20)], fill=0, width=2)
    return image


def sample_qr_payload(config: KioskConfig, when: datetime | None = None) -> str:
    when = when or datetime.now()
    return f"KIOSK-TEST:{config.kiosk_id}:{when.strftime('%Y%m%dT%H%M%S')}"


def find_catalog_files(
    roots: list[str] | tuple[str, ...], max_depth: int = 4, limit: int = 200
) -> list[Path]:
    """CSV/XLSX files under the given folders (USB sticks mount under /media or /mnt)."""
    found: list[Path] = []
    for root in roots:
        base = Path(root)
        if not base.is_dir():
            continue
        base_depth = len(base.parts)
        for folder, dirs, files in os.walk(base, onerror=lambda _e: None):
            depth = len(Path(folder).parts) - base_depth
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < max_depth else []
            for name in sorted(files):
                if name.lower().endswith(CATALOG_SUFFIXES) and not name.startswith("."):
                    found.append(Path(folder) / name)
                    if len(found) >= limit:
                        return found
    return found
