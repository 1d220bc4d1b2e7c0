"""Small building blocks shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
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


def label(text: str = "", role: str = "body", wrap: bool = True, name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    return widget


def button(text: str = "", role: str = "secondary", name: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    if name:
        widget.setObjectName(name)
    return widget


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(28, 24, 28, 24)
    layout.setSpacing(14)
    return frame, layout


def pixmap_from_bytes(data: bytes | None) -> QPixmap | None:
    if not data:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(data) else None


class NumericKeypad(QWidget):
    """An on-screen keypad for the 12-digit ID, with a display that groups the digits.

    `set_lengths((6, 12))` accepts either length (the chip's access number is the ID's last 6
    digits): the display shows 6 places until a 7th digit is typed, then 12.

    Signals:
        submitted(str): the patient pressed OK with the digits typed.
        changed(str): the digits changed.
    """

    submitted = Signal(str)
    changed = Signal(str)

    def __init__(self, max_digits: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lengths: tuple[int, ...] = (max_digits,)
        self.max_digits = max_digits
        self.digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.display = label("", "display", wrap=False, name="keypad_display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # as tall as its text needs (a fixed minimum would clip it in large text)
        self.display.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(10)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(keys):
            role = "primary" if key == "ok" else "key"
            btn = button("", role, name=f"keypad_{key}")
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(btn, index // 3, index % 3)
            self.keys[key] = btn
        for digit in "0123456789":
            self.keys[digit].setText(digit)
        layout.addLayout(grid)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.keys["del"].setText(self.tr("Delete"))
        self.keys["ok"].setText(self.tr("OK"))

    def set_lengths(self, lengths: tuple[int, ...]) -> None:
        """The digit counts OK accepts (ascending); more digits than the last are not taken."""
        if lengths == self.lengths:
            return
        self.lengths = lengths
        self.max_digits = max(lengths)
        self.digits = self.digits[: self.max_digits]
        self._update()

    def clear(self) -> None:
        self.digits = ""
        self._update()

    def _press(self, key: str) -> None:
        if key == "del":
            self.digits = self.digits[:-1]
        elif key == "ok":
            if len(self.digits) in self.lengths:
                self.submitted.emit(self.digits)
            return
        elif len(self.digits) < self.max_digits:
            self.digits += key
        self._update()
        self.changed.emit(self.digits)

    def _update(self) -> None:
        places = next((n for n in self.lengths if n >= len(self.digits)), self.max_digits)
        shown = self.digits + "·" * (places - len(self.digits))
        self.display.setText(" ".join(shown[i : i + 3] for i in range(0, places, 3)))
        self.keys["ok"].setEnabled(len(self.digits) in self.lengths)


def field_grid(
    keys: tuple[str, ...], prefix: str, roles: dict[str, str] | None = None
) -> tuple[QGridLayout, dict[str, QLabel], dict[str, QLabel]]:
    """A two-column grid of captions and values, one row per key.

    Values are named `<prefix>_<key>` (tests and IT find them by name). Returns the layout, the
    caption labels and the value labels, both by key.
    """
    grid = QGridLayout()
    grid.setHorizontalSpacing(28)
    grid.setVerticalSpacing(12)
    captions: dict[str, QLabel] = {}
    values: dict[str, QLabel] = {}
    for index, key in enumerate(keys):
        caption = label("", "muted", wrap=False)
        value = label("", (roles or {}).get(key, "body"), name=f"{prefix}_{key}")
        grid.addWidget(caption, index, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value, index, 1)
        captions[key] = caption
        values[key] = value
    grid.setColumnStretch(1, 1)
    return grid, captions, values


class Pictogram(QLabel):
    """A pictogram from assets/icons, coloured by the current theme (call `refresh` after a
    theme change; the screens do in their own refresh)."""

    def __init__(self, name: str, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.size_px = name, size
        self.setObjectName(f"icon_{name}")
        self.setFixedSize(size, size)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refresh()

    def set_icon(self, name: str) -> None:
        if name != self.name:
            self.name = name
            self.setObjectName(f"icon_{name}")
        self.refresh()

    def refresh(self) -> None:
        from ui.theme import current_theme
        from ui.widgets.icons import icon_pixmap

        self.setPixmap(icon_pixmap(self.name, self.size_px, current_theme().palette.primary))


def action_row(secondary: QPushButton, primary: QPushButton) -> QHBoxLayout:
    """The screen's two answers side by side: the secondary one left, the main one wider."""
    layout = QHBoxLayout()
    layout.setSpacing(24)
    layout.addWidget(secondary, 1)
    layout.addWidget(primary, 2)
    return layout


def row(*widgets: QWidget, spacing: int = 16) -> QHBoxLayout:
    """Widgets side by side, vertically centred; the last one takes the remaining width."""
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    for index, widget in enumerate(widgets):
        last = index == len(widgets) - 1
        layout.addWidget(widget, 1 if last else 0, Qt.AlignmentFlag.AlignVCenter)
    return layout


class FitScroll(QScrollArea):
    """Shows `content` whole when the screen has room, scrolls it vertically when not.

    Its size hint is the content's own, so on a tall screen nothing changes; on a short one
    (1366x768) the layout may shrink it and a scroll bar appears instead of crushed rows.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        content = self.widget()
        hint = content.sizeHint() if content is not None else QSize(0, 0)
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().minimumSizeHint().width(), 120)
