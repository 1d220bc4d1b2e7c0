"""The tester's simulator panel: a second window in demo mode that plays the devices.

Insert or remove a demo person's card, show a QR payload to the simulated camera, switch the
printer to paper-out or offline, choose what the insurance stand-in answers.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.bootstrap import Services
from kiosk.demo import demo_codes
from kiosk.session import Session
from ui.workers import Workers

log = logging.getLogger(__name__)
W = TypeVar("W", bound=QWidget)


class SimulatorPanel(QWidget):
    def __init__(
        self,
        services: Services,
        session: Session,
        workers: Workers | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workers = workers if workers is not None else Workers(parent=self)
        self.services = services
        self.session = session
        self.setWindowTitle("Kiosk simulator (testers)")
        self.setObjectName("simulator_panel")
        # The panel is for testers: compact, not kiosk-sized.
        layout = QVBoxLayout(self)

        reader = services.card_reader
        people = getattr(reader, "people", {})
        card_box = QGroupBox("Card reader")
        card_layout = QVBoxLayout(card_box)
        self.person = _narrow(_named(QComboBox(), "sim_person"))
        for key, person in people.items():
            self.person.addItem(f"{person['name']} ({key})", key)
        self.insert = _named(QPushButton("Insert card"), "sim_insert")
        self.remove = _named(QPushButton("Remove card"), "sim_remove")
        self.insert.clicked.connect(self._insert)
        self.remove.clicked.connect(self._remove)
        card_layout.addWidget(self.person)
        card_layout.addLayout(_row(self.insert, self.remove))
        card_box.setEnabled(hasattr(reader, "insert"))
        layout.addWidget(card_box)

        qr_box = QGroupBox("Camera / scanner")
        qr_layout = QVBoxLayout(qr_box)
        self.codes = demo_codes(people)
        self.code = _narrow(_named(QComboBox(), "sim_code"))
        for code in self.codes:
            self.code.addItem(code.label)
        self.show_code = _named(QPushButton("Show to camera"), "sim_show")
        self.hide_code = _named(QPushButton("Take away"), "sim_hide")
        self.show_code.clicked.connect(self._show_code)
        self.hide_code.clicked.connect(self._hide_code)
        qr_layout.addWidget(self.code)
        qr_layout.addLayout(_row(self.show_code, self.hide_code))
        qr_box.setEnabled(hasattr(services.camera, "show"))
        layout.addWidget(qr_box)

        printer_box = QGroupBox("Printer")
        printer_layout = QVBoxLayout(printer_box)
        self.paper_out = _named(QCheckBox("Paper out"), "sim_paper_out")
        self.offline = _named(QCheckBox("Offline"), "sim_offline")
        printer = services.printer
        self.paper_out.toggled.connect(lambda on: printer.set_paper_out(on))  # type: ignore[union-attr]
        self.offline.toggled.connect(lambda on: printer.set_offline(on))  # type: ignore[union-attr]
        self.near_end = _named(QCheckBox("Paper near end"), "sim_near_end")
        self.cover_open = _named(QCheckBox("Cover open"), "sim_cover_open")
        self.near_end.toggled.connect(lambda on: printer.set_near_end(on))  # type: ignore[union-attr]
        self.cover_open.toggled.connect(lambda on: printer.set_cover_open(on))  # type: ignore[union-attr]
        for box in (self.paper_out, self.near_end, self.cover_open, self.offline):
            printer_layout.addWidget(box)
        printer_box.setEnabled(hasattr(printer, "set_paper_out"))
        layout.addWidget(printer_box)

        insurance_box = QGroupBox("Insurance answer")
        insurance_layout = QVBoxLayout(insurance_box)
        self.outcome = _narrow(_named(QComboBox(), "sim_insurance"))
        insurance: Any = services.insurance
        if not hasattr(insurance, "outcomes") and services.config.insurance.backend == "gateway":
            # A gateway simulator: faults are switched over its control endpoint (HTTP).
            from kiosk.insurance.simulator import SimulatorControl

            insurance = SimulatorControl(services.config.insurance.base_url)
        outcomes = insurance.outcomes() if hasattr(insurance, "outcomes") else []
        for outcome_id, text in outcomes:
            self.outcome.addItem(text, outcome_id)

        def choose(_: int) -> None:
            choice = self.outcome.currentData()
            # set_outcome may be an HTTP call: never on the GUI thread.
            self.workers.submit(lambda: insurance.set_outcome(choice), _ignore, pool="background")

        self.outcome.currentIndexChanged.connect(choose)
        insurance_layout.addWidget(self.outcome)
        insurance_box.setEnabled(bool(outcomes))
        layout.addWidget(insurance_box)

        self.state = _named(QLabel(""), "sim_state")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        layout.addStretch(1)
        session.subscribe(lambda s: self.state.setText(f"step: {s.step.value}"))
        # Set last: a style sheet set before the children are added is re-applied to each one.
        self.setStyleSheet(
            "QWidget { font-size: 15px; } QPushButton { min-height: 32px; padding: 4px 12px; font-size: 15px; border-width: 1px; }"
        )
        self.setFixedWidth(PANEL_WIDTH)

    def _insert(self) -> None:
        reader = self.services.card_reader
        reader.insert(self.person.currentData())  # type: ignore[union-attr]

    def _remove(self) -> None:
        self.services.card_reader.remove()  # type: ignore[union-attr]

    def _show_code(self) -> None:
        code = self.codes[self.code.currentIndex()]
        self.services.camera.show(code.payload)  # type: ignore[union-attr]

    def _hide_code(self) -> None:
        self.services.camera.clear()  # type: ignore[union-attr]


PANEL_WIDTH = 340  # px: beside a 1600 px kiosk window on a 1920 px screen, with a gap
GAP = 8


def place_beside(available: QRect, window: QSize, panel_height: int) -> tuple[QRect, QRect]:
    """Where the kiosk window and the tester's panel go on a screen: the panel at the right
    edge, the window left of it (narrowed if needed), both whole on the screen."""
    width = min(window.width(), available.width() - PANEL_WIDTH - GAP)
    height = min(window.height(), available.height())
    kiosk = QRect(available.left(), available.top(), width, height)
    panel = QRect(
        available.right() - PANEL_WIDTH + 1,
        available.top(),
        PANEL_WIDTH,
        min(panel_height, available.height()),
    )
    return kiosk, panel


def _narrow(combo: QComboBox) -> QComboBox:
    """A combo box as wide as the panel, not as its longest item (demo codes are long)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(16)
    return combo


def _named(widget: W, name: str) -> W:
    widget.setObjectName(name)
    return widget


def _row(*widgets: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout()
    for widget in widgets:
        layout.addWidget(widget)
    return layout


def _ignore(_result: object) -> None:
    """The simulator's answer to a new outcome: nothing to show."""
