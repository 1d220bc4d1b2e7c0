"""What does not fit on a window as it is shown now: `check_fit(window, screen)`.

Findings:
- "offscreen": a visible interactive widget (button, line edit, ...) whose rectangle, mapped
  to the window, lies partly outside it;
- "cut": such a widget inside the window but partly hidden by its parent (a squeezed layout);
- "overlap": two visible interactive widgets of the same parent that cover each other (a
  layout squeezed below its minimum stacks its buttons);
- "clipped": a visible label or button whose text needs more room than its contents rectangle
  (word-wrapped to its width when the label wraps), or a widget that paints its own text
  (the camera preview's caption) and says through `painted_text_problem()` that it cannot fit;
- "scrolls": a scroll area made to show its content whole (`FitScroll` without `long_list`)
  that needs its scroll bar: on a supported size only long lists may scroll.

Written by hand: no library inspects a Qt widget tree for this.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractSlider)
TOLERANCE_PX = 1


@dataclass(frozen=True)
class Finding:
    screen: str
    kind: str  # "offscreen" or "clipped"
    widget: str  # class and objectName
    text: str
    detail: str


def _name(widget: QWidget) -> str:
    name = widget.objectName()
    return f"{type(widget).__name__}#{name}" if name else type(widget).__name__


def _scrolls(widget: QWidget, window: QWidget) -> bool:
    """True when the widget lives inside a scroll area (it may legitimately lie outside)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _text_size(widget: QLabel | QAbstractButton, text: str, width: int) -> tuple[int, int]:
    fm = widget.fontMetrics()
    if isinstance(widget, QLabel) and (
        widget.textFormat() == Qt.TextFormat.RichText
        or (widget.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
    ):
        doc = QTextDocument()
        doc.setDefaultFont(widget.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if widget.wordWrap():
            doc.setTextWidth(width)
        size = doc.size()
        return int(size.width() + 0.999), int(size.height() + 0.999)
    if isinstance(widget, QLabel) and widget.wordWrap():
        rect = fm.boundingRect(
            QRect(0, 0, max(width, 1), 100_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return rect.width(), rect.height()
    rect = fm.boundingRect(QRect(0, 0, 100_000, 100_000), 0, text)
    return rect.width(), rect.height()


def _clipped(widget: QLabel | QAbstractButton) -> str | None:
    text = widget.text()
    if not text.strip():
        return None
    if isinstance(widget, QAbstractButton):
        text = re.sub(r"&(.)", r"\1", text)
    box = widget.contentsRect()
    if isinstance(widget, QPushButton):
        # the style's contents rectangle honours the style sheet's border and padding
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        box = widget.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, widget)
    if isinstance(widget, QLabel):
        margin = widget.margin()
        box = box.adjusted(margin, margin, -margin, -margin)
    available_w = box.width()
    if isinstance(widget, QAbstractButton) and not widget.icon().isNull():
        available_w -= widget.iconSize().width() + 4
    width, height = _text_size(widget, text, available_w)
    if width > available_w + TOLERANCE_PX or height > box.height() + TOLERANCE_PX:
        return f"text {width}x{height} in {available_w}x{box.height()}"
    return None


def check_fit(window: QWidget, screen: str) -> list[Finding]:
    """What does not fit on the window as it is shown now (see the module docstring)."""
    findings: list[Finding] = []
    bounds = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, INTERACTIVE) and not _scrolls(widget, window):
            top_left = widget.mapTo(window, QPoint(0, 0))
            rect = QRect(top_left, widget.size())
            visible = widget.visibleRegion().boundingRect()
            if bounds.contains(rect) and (
                visible.height() < widget.height() - TOLERANCE_PX
                or visible.width() < widget.width() - TOLERANCE_PX
            ):
                findings.append(
                    Finding(
                        screen,
                        "cut",
                        _name(widget),
                        getattr(widget, "text", lambda: "")()[:40],
                        f"only {visible.width()}x{visible.height()} of "
                        f"{rect.width()}x{rect.height()} visible (clipped by its parent)",
                    )
                )
            if not bounds.contains(rect):
                findings.append(
                    Finding(
                        screen,
                        "offscreen",
                        _name(widget),
                        getattr(widget, "text", lambda: "")()[:40],
                        f"at {rect.x()},{rect.y()} {rect.width()}x{rect.height()} "
                        f"in {bounds.width()}x{bounds.height()}",
                    )
                )
        if isinstance(widget, QLabel | QAbstractButton):
            problem = _clipped(widget)
            if problem:
                findings.append(
                    Finding(screen, "clipped", _name(widget), widget.text()[:40], problem)
                )
        painted = getattr(widget, "painted_text_problem", None)
        if callable(painted) and (problem := painted()):
            findings.append(Finding(screen, "clipped", _name(widget), "(painted caption)", problem))
        if (
            isinstance(widget, QAbstractScrollArea)
            and widget.property("must_fit")
            and widget.verticalScrollBar().maximum() > TOLERANCE_PX
        ):
            bar = widget.verticalScrollBar()
            findings.append(
                Finding(
                    screen,
                    "scrolls",
                    _name(widget),
                    "",
                    f"content {bar.maximum() + bar.pageStep()} px in {widget.viewport().height()} px",
                )
            )
    findings.extend(_overlaps(window, screen))
    return findings


def _overlaps(window: QWidget, screen: str) -> list[Finding]:
    by_parent: dict[int, list[QWidget]] = {}
    for widget in window.findChildren(QWidget):
        if (
            isinstance(widget, INTERACTIVE)
            and widget.isVisible()
            and widget.window() is window
            and widget.parentWidget() is not None
        ):
            by_parent.setdefault(id(widget.parentWidget()), []).append(widget)
    findings = []
    for siblings in by_parent.values():
        for index, first in enumerate(siblings):
            for second in siblings[index + 1 :]:
                common = first.geometry().intersected(second.geometry())
                if common.width() > TOLERANCE_PX and common.height() > TOLERANCE_PX:
                    findings.append(
                        Finding(
                            screen,
                            "overlap",
                            _name(first),
                            getattr(first, "text", lambda: "")()[:40],
                            f"covers {common.width()}x{common.height()} of {_name(second)}",
                        )
                    )
    return findings


def as_dicts(findings: list[Finding]) -> list[dict[str, str]]:
    return [asdict(f) for f in findings]
