"""What the voice says for a screen: every visible text and choice, in reading order.

The order is the screen's own layout order (title, message, then each column top to bottom),
not the widgets' positions, so two columns are read one after the other. Digit and letter
keys are not read one by one (the keypad's heading says what to type), nor pictograms or the
camera picture; a list says its first few rows. kiosk.pronounce turns abbreviations and
ticket numbers into words later (kiosk.speech).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLayout,
    QListWidget,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

LIST_ROWS = 5  # rows of a result list that are read out
SKIPPED_ROLES = {"key", "display"}  # keypad keys and the digits typed so far


def _skipped(widget: QWidget) -> bool:
    name = type(widget).__name__
    return (
        not widget.isVisibleTo(widget.window())
        or widget.property("role") in SKIPPED_ROLES
        or name in ("NumericKeypad", "OnScreenKeyboard", "Pictogram", "CameraView")
        or widget.property("speech") == "skip"
    )


def utterance(root: QWidget) -> list[str]:
    """The texts of `root` a patient would read or choose, in order, without duplicates."""
    out: list[str] = []
    seen: set[int] = set()

    def add(text: str) -> None:
        text = " ".join(text.split())
        if text and (not out or out[-1] != text):
            out.append(text)

    def visit_widget(widget: QWidget) -> None:
        if id(widget) in seen or _skipped(widget):
            return
        seen.add(id(widget))
        if isinstance(widget, QLabel | QAbstractButton):
            add(widget.text())
            return
        if isinstance(widget, QListWidget):
            for row in range(min(widget.count(), LIST_ROWS)):
                item = widget.item(row)
                if item is not None and not item.isHidden():
                    add(item.text())
            return
        if isinstance(widget, QStackedWidget):
            current = widget.currentWidget()
            if current is not None:
                visit_widget(current)
            return
        if isinstance(widget, QScrollArea):
            inner = widget.widget()
            if inner is not None:
                visit_widget(inner)
            return
        layout = widget.layout()
        if layout is not None:
            visit_layout(layout)
        # children placed without a layout (e.g. a message label set on the screen itself)
        for child in widget.findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        ):
            visit_widget(child)

    def visit_layout(layout: QLayout) -> None:
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is None:
                continue
            child = item.widget()
            inner = item.layout()
            if child is not None:
                visit_widget(child)
            elif inner is not None:
                visit_layout(inner)

    visit_widget(root)
    return out
