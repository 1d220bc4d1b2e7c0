"""Pictograms from assets/icons, rendered with QtSvg in any colour.

The SVGs draw their main strokes in ``currentColor``; :func:`icon_pixmap` substitutes the colour
asked for (usually a palette colour from ui.theme), so the same file serves the calm and the
high-contrast themes. Rendered pixmaps are cached: screens are rebuilt often and the set is small.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QLabel

ICON_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "icons"

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_sources: dict[str, str] = {}
_pixmaps: dict[tuple[str, int, str, float], QPixmap] = {}


def icon_names() -> list[str]:
    """Every icon shipped in assets/icons, sorted."""
    return sorted(path.stem for path in ICON_DIR.glob("*.svg"))


def icon_path(name: str) -> Path:
    """The SVG file of ``name``; ValueError naming the file if there is no such icon."""
    path = ICON_DIR / f"{name}.svg"
    if not _NAME.fullmatch(name) or not path.is_file():
        raise ValueError(
            f"unknown icon {name!r}: no file {path} (known: {', '.join(icon_names())})"
        )
    return path


def _source(name: str) -> str:
    text = _sources.get(name)
    if text is None:
        text = icon_path(name).read_text(encoding="utf-8")
        _sources[name] = text
    return text


def icon_pixmap(name: str, size: int, color: str) -> QPixmap:
    """``name`` rendered as a ``size`` x ``size`` pixmap, main strokes in ``color``.

    ``color`` is anything QColor understands ("#0B5D57", "white"). Results are cached by
    (name, size, colour) and the screen's device pixel ratio, so the pixmap stays sharp on
    high-density panels.
    """
    if size <= 0:
        raise ValueError(f"icon size must be positive, not {size}")
    qcolor = QColor(color)
    if not qcolor.isValid():
        raise ValueError(f"icon colour {color!r} is not a colour")
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    key = (name, size, color, ratio)
    cached = _pixmaps.get(key)
    if cached is not None:
        return cached

    svg = _source(name).replace("currentColor", qcolor.name(QColor.NameFormat.HexRgb))
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError(f"icon {name!r}: {icon_path(name)} is not a valid SVG")

    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    _pixmaps[key] = pixmap
    return pixmap


def icon_label(name: str, size: int, color: str) -> QLabel:
    """A fixed-size, centred label showing the icon; objectName ``icon_<name>``."""
    widget = QLabel()
    widget.setObjectName(f"icon_{name}")
    widget.setPixmap(icon_pixmap(name, size, color))
    widget.setFixedSize(size, size)
    widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget
