"""The band at the top of every screen: the hospital's name on the left, the clock on the
right. One builder for the kiosk window and the start screen painted before it
(ui.start_preview), so the two look the same."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel

from kiosk.queue.model import TZ  # not .service: no SQLAlchemy before the first paint
from ui.widgets.common import label, sized


def header_bar() -> tuple[QFrame, QLabel, QLabel]:
    """The header frame, its title label and its clock label."""
    header = QFrame()
    header.setProperty("role", "header")
    sized(header, height=68)
    row = QHBoxLayout(header)
    row.setContentsMargins(32, 0, 32, 0)
    title = label("", "header", wrap=False, name="header_title")
    clock = label("", "header", wrap=False, name="header_clock")
    row.addWidget(title)
    row.addStretch(1)
    row.addWidget(clock)
    return header, title, clock


def clock_text() -> str:
    return datetime.now(TZ).strftime("%H:%M  %d/%m/%Y")
