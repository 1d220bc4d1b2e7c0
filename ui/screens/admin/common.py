"""Building blocks of the admin views: labels, buttons that count as activity, the digit pad,
one doctor check row, and the view base class."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.doctor import CheckResult
from ui.widgets.common import label
from ui.workers import Workers

log = logging.getLogger(__name__)


def admin_label(text: str = "", role: str = "body", name: str = "", wrap: bool = True) -> QLabel:
    """The screens' `label`, with the object name third (as the admin views pass it)."""
    return label(text, role, wrap=wrap, name=name)


def scrolled(widget: QWidget) -> QScrollArea:
    """The widget in a frameless vertical scroll area: never taller than the window allows."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class AdminPart(QWidget):
    """A part of admin mode: its buttons count as activity (the idle close restarts).

    Signals:
        touched: the technician tapped one of its buttons.
    """

    touched = Signal()

    def __init__(self, services: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.workers = workers

    def button(self, text: str, role: str, name: str, slot: Callable[[], None]) -> QPushButton:
        btn = QPushButton(text)
        btn.setObjectName(name)
        btn.setProperty("role", role)
        btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        def clicked() -> None:
            self.touched.emit()
            slot()

        btn.clicked.connect(clicked)
        return btn

    def run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """`work` on the admin pool; `done(result or exception)` on the GUI thread."""

        def failed(exc: BaseException) -> None:
            log.warning("admin task failed: %s", type(exc).__name__, exc_info=exc)
            done(exc)

        self.workers.submit(work, done, failed, pool="admin")

    def retranslate(self) -> None:
        """Sets every text in the current language."""

    def shown(self) -> None:
        """The view came on screen."""


class AdminView(AdminPart):
    """One admin view: a title, then its content in `self.box`."""

    def __init__(
        self, services: Any, workers: Workers, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, workers, parent)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(16)
        self.title = admin_label("", "title", f"admin_{name}_title")
        self.box.addWidget(self.title)


class DigitPad(QWidget):
    """Digits, Delete and OK; a display that masks the digits (PIN) or groups them (ID/CAN).

    Signals: submitted(str) on OK.
    """

    submitted = Signal(str)

    def __init__(self, masked: bool, max_digits: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.masked = masked
        self.max_digits = max_digits
        self.digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.display = admin_label("", "display", "pad_display", wrap=False)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
        ):
            btn = QPushButton(key if key.isdigit() else "")
            btn.setObjectName(f"pad_{key}")
            # "Delete" is a word, not a digit: the smaller button font keeps it whole in large text.
            btn.setProperty("role", {"ok": "primary", "del": "secondary"}.get(key, "key"))
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.setProperty("narrow", True)  # little padding: "Đồng ý" fits in large text
            # never narrower than "Đồng ý" in large text: the pad grows instead
            btn.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(btn, index // 3, index % 3)
            self.keys[key] = btn
        layout.addLayout(grid)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.keys["del"].setText(self.tr("Delete"))
        self.keys["ok"].setText(self.tr("OK"))

    @Slot(str)
    def press(self, key: str) -> None:
        if key == "del":
            self.digits = self.digits[:-1]
        elif key == "ok":
            if self.digits:
                self.submitted.emit(self.digits)
            return
        elif len(self.digits) < self.max_digits:
            self.digits += key
        self._update()

    def clear(self) -> None:
        self.digits = ""
        self._update()

    def set_enabled(self, on: bool) -> None:
        for btn in self.keys.values():
            btn.setEnabled(on)

    def _update(self) -> None:
        if self.masked:
            self.display.setText(" ".join("●" for _ in self.digits) or "—")
        else:
            self.display.setText(
                " ".join(self.digits[i : i + 3] for i in range(0, len(self.digits), 3)) or "—"
            )


class CheckRow(QFrame):
    """One doctor check: name, OK/FAIL badge, summary, and for failures the reason and fix."""

    def __init__(self, result: CheckResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setProperty("role", "card")
        self.setObjectName(f"check_{result.name}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(20)
        self.badge = admin_label(
            self.tr("OK") if result.ok else self.tr("FAIL"),
            "badge" if result.ok else "badge-warn",
            f"badge_{result.name}",
            wrap=False,
        )
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(admin_label(result.name, "subtitle", wrap=False))
        self.summary = admin_label(result.summary, "body", f"summary_{result.name}")
        text.addWidget(self.summary)
        if not result.ok:
            if result.reason and result.reason != result.summary:
                text.addWidget(admin_label(self.tr("Reason: {0}").format(result.reason), "muted"))
            if result.fix:
                text.addWidget(
                    admin_label(
                        self.tr("Fix: {0}").format(result.fix), "muted", f"fix_{result.name}"
                    )
                )
        layout.addLayout(text, 1)
