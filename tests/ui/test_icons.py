"""The pictograms in assets/icons: valid SVG 1.1, themeable, rendered by ui.widgets.icons."""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

pytestmark = pytest.mark.gui

ICON_DIR = Path(__file__).resolve().parents[2] / "assets" / "icons"
EXPECTED = {
    "card-reader",
    "qr-camera",
    "keypad",
    "ticket",
    "insurance",
    "prices",
    "speaker",
    "clinic",
    "priority",
    "check",
    "warning",
}
SVG_NS = "{http://www.w3.org/2000/svg}"
# Calm primary, high-contrast yellow, plain white: what the screens will ask for.
COLOURS = ["#0B5D57", "#FFE14D", "#FFFFFF"]
CONTACT_SHEET = Path(tempfile.gettempdir()) / "kiosk-icons-contact-sheet.png"

ALL_SVGS = sorted(ICON_DIR.glob("*.svg"))


def test_the_expected_icons_are_shipped():
    assert {path.stem for path in ALL_SVGS} >= EXPECTED
    assert (ICON_DIR / "README.md").is_file()


@pytest.mark.parametrize("path", ALL_SVGS, ids=lambda p: p.stem)
def test_svg_is_small_self_contained_and_themeable(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text) < 4096, "keep pictograms small and hand-editable"
    root = ET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 128 128"
    assert "currentColor" in text
    tags = {element.tag.removeprefix(SVG_NS) for element in root.iter()}
    assert not tags & {"text", "tspan", "image", "use", "script", "style", "foreignObject"}
    assert "href" not in text and "url(" not in text, "no external or internal references"
    fixed = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}\b", text)}
    assert len(fixed) <= 2, f"at most 3 colours (currentColor + 2), found {fixed}"


@pytest.mark.parametrize("path", ALL_SVGS, ids=lambda p: p.stem)
def test_svg_parses_with_qsvgrenderer(qapp, path: Path):
    from PySide6.QtSvg import QSvgRenderer

    data = path.read_text(encoding="utf-8").replace("currentColor", "#000000")
    renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
    assert renderer.isValid()
    assert renderer.viewBoxF().width() == 128


def colours_in(image: QImage) -> set[int]:
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            argb = image.pixel(x, y)
            if argb >> 24 == 0xFF:
                found.add(argb & 0xFFFFFF)
    return found


@pytest.mark.parametrize("colour", COLOURS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_icon_renders_in_the_requested_colour(qapp, name: str, colour: str):
    from ui.widgets.icons import icon_pixmap

    pixmap = icon_pixmap(name, 128, colour)
    assert not pixmap.isNull()
    assert pixmap.width() == pixmap.height() == round(128 * pixmap.devicePixelRatio())
    image = pixmap.toImage()
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0, "background stays transparent"
    assert QColor(colour).rgb() & 0xFFFFFF in colours_in(image)


def test_pixmaps_are_cached(qapp):
    from ui.widgets.icons import icon_pixmap

    first = icon_pixmap("check", 96, "#0B5D57")
    assert icon_pixmap("check", 96, "#0B5D57").cacheKey() == first.cacheKey()
    assert icon_pixmap("check", 96, "#FFFFFF").cacheKey() != first.cacheKey()
    assert icon_pixmap("check", 64, "#0B5D57").cacheKey() != first.cacheKey()


def test_icon_label(qapp):
    from PySide6.QtWidgets import QLabel

    from ui.widgets.icons import icon_label

    widget = icon_label("speaker", 96, "#0B5D57")
    assert isinstance(widget, QLabel)
    assert widget.objectName() == "icon_speaker"
    assert widget.minimumSize() == widget.maximumSize()
    assert widget.width() == widget.height() == 96
    assert widget.alignment() == Qt.AlignmentFlag.AlignCenter
    assert not widget.pixmap().isNull()


@pytest.mark.parametrize("name", ["no-such-icon", "../theme", "Check", ""])
def test_unknown_icon_raises_value_error_naming_the_file(qapp, name: str):
    from ui.widgets.icons import icon_label, icon_pixmap

    with pytest.raises(ValueError, match=r"\.svg"):
        icon_pixmap(name, 64, "#000000")
    with pytest.raises(ValueError, match=r"\.svg"):
        icon_label(name, 64, "#000000")


def test_bad_colour_or_size_raises(qapp):
    from ui.widgets.icons import icon_pixmap

    with pytest.raises(ValueError, match="colour"):
        icon_pixmap("check", 64, "not-a-colour")
    with pytest.raises(ValueError, match="size"):
        icon_pixmap("check", 0, "#000000")


def test_contact_sheet(qapp):
    """All icons at 128 px on both themes, plus 96 and 48 px, into one PNG to look at."""
    from ui.widgets.icons import icon_names, icon_pixmap

    names = icon_names()
    cell, pad, caption = 128, 24, 22
    rows = [
        ("#F5F8F7", "#0B5D57", 128),  # calm theme
        ("#000000", "#FFE14D", 128),  # high contrast
        ("#FFFFFF", "#102A26", 96),
        ("#0B5D57", "#FFFFFF", 48),  # on a primary button
    ]
    width = pad + len(names) * (cell + pad)
    height = caption + len(rows) * (cell + pad) + pad
    sheet = QImage(width, height, QImage.Format.Format_ARGB32)
    sheet.fill(QColor("#DDE5E3"))
    painter = QPainter(sheet)
    font = QFont()
    font.setPixelSize(13)
    painter.setFont(font)
    for column, name in enumerate(names):
        x = pad + column * (cell + pad)
        painter.setPen(QColor("#102A26"))
        painter.drawText(x, 4, cell, caption, Qt.AlignmentFlag.AlignCenter, name)
        for row, (background, colour, size) in enumerate(rows):
            y = caption + pad // 2 + row * (cell + pad)
            painter.fillRect(x - 8, y - 8, cell + 16, cell + 16, QColor(background))
            offset = (cell - size) // 2
            painter.drawPixmap(x + offset, y + offset, icon_pixmap(name, size, colour))
    painter.end()
    path = Path(os.environ.get("KIOSK_ICON_SHEET", CONTACT_SHEET))
    assert sheet.save(str(path))
    assert path.stat().st_size > 1000
