"""The band at the top of every screen: the hospital's name on the left, the clock on the
right. One builder for the kiosk window and the start screen painted before it
(ui.start_preview), so the two look the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

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


@dataclass(frozen=True)
class Frame:
    """The parts of a kiosk window's frame: its central widget and column, header and page
    stack."""

    central: QWidget
    layout: QVBoxLayout
    header: QFrame
    title: QLabel
    clock: QLabel
    stack: QStackedWidget


def window_frame(window: QMainWindow) -> Frame:
    """The header over a stack of pages, as the central widget of `window`; the same geometry
    for the kiosk window and the start screen painted before it. More rows (the kiosk's
    footer) can be added to `layout`."""
    window.setWindowTitle("Kiosk")
    central = QWidget()
    central.setObjectName("central")
    window.setCentralWidget(central)
    layout = QVBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    header, title, clock = header_bar()
    layout.addWidget(header)
    stack = QStackedWidget()
    layout.addWidget(stack, 1)
    return Frame(central, layout, header, title, clock, stack)


def clock_text() -> str:
    return datetime.now(TZ).strftime("%H:%M  %d/%m/%Y")
