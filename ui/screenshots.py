"""Renders every screen of the journey at one screen size and checks that it fits.

`kiosk screens --size WxH ...` calls `render_all`: the real window, built with the simulated
devices, forced to exactly WxH, is stepped through the journey the way the GUI tests drive it;
each screen is saved as a PNG of exactly WxH and checked by `check_fit`:

- every visible interactive widget (button, line edit, ...) whose rectangle, mapped to the
  window, lies partly outside it ("offscreen"), and
- every visible label or button whose text needs more room than its contents rectangle
  ("clipped"; word-wrapped to its width when the label wraps).

Written by hand: no library inspects a Qt widget tree for this.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, QRect, Qt
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

from kiosk.config import KioskConfig
from kiosk.session import Step

if TYPE_CHECKING:
    from ui.app import KioskApp

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
    return findings


# -- driving the journey ---------------------------------------------------------------------


def pump(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


@dataclass
class Options:
    width: int
    height: int
    large_text: bool = False
    high_contrast: bool = False
    language: str = "vi"


def _journey(kiosk: KioskApp, shoot: Callable[[str], None]) -> None:
    s = kiosk.session
    devices = kiosk.services
    # the simulated devices (their test controls are not in the device interfaces)
    reader: Any = devices.card_reader
    printer: Any = devices.printer
    camera: Any = devices.camera

    def wait(step: Step, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while s.step is not step:
            if time.monotonic() > end:
                raise RuntimeError(f"stuck at {s.step}, waiting for {step}")
            pump(30)
        pump(150)

    wait(Step.START)
    shoot("01-start")
    s.begin()
    wait(Step.CONSENT)
    shoot("01b-consent")
    kiosk.window.consent.accept.click()
    wait(Step.IDENTIFY)
    if camera is not None:
        camera.clear()
    pump(300)
    shoot("02-identify")
    s.submit_id("999999999999")  # 12 digits that cannot be an ID: the keypad stays whole
    pump(150)
    shoot("02b-identify-id-error")
    reader.insert("an-adult")
    wait(Step.CARD_KEY)
    shoot("03-card-key")
    s.submit_id("001090999999")  # a valid ID, but not this card's: an error message
    end = time.monotonic() + 10
    while s.data.message is None and time.monotonic() < end:
        pump(50)
    pump(150)
    shoot("03b-card-key-error")
    s.submit_id("001090123456")
    wait(Step.CONFIRM_IDENTITY)
    shoot("04-confirm-identity")
    s.confirm_identity()
    wait(Step.INSURANCE_RESULT)
    shoot("05-insurance")
    s.continue_after_insurance()
    wait(Step.APPOINTMENT)  # the HIS simulator has a booking for this patient
    shoot("05b-appointment")
    s.decline_appointment()
    wait(Step.CHOOSE_CLINIC)
    shoot("06-clinic")
    s.choose_clinic("noi")
    wait(Step.CHOOSE_PRIORITY)
    shoot("07-priority")
    s.choose_priority(s.data.priority)
    wait(Step.CONFIRM)
    shoot("08-confirm")
    s.confirm()
    wait(Step.TICKET)
    shoot("09-ticket")
    s.finish()
    reader.remove()
    wait(Step.START)

    printer.set_paper_out(True)
    s.begin()
    wait(Step.CONSENT)
    kiosk.window.consent.accept.click()
    wait(Step.IDENTIFY)
    reader.insert("hoa-adult")
    wait(Step.CARD_KEY)
    s.submit_id("031195006789")
    wait(Step.CONFIRM_IDENTITY)
    s.confirm_identity()
    wait(Step.INSURANCE_RESULT)
    s.continue_after_insurance()
    wait(Step.CHOOSE_CLINIC)  # no booking: "no appointment found" above the clinics
    shoot("10a-clinic-no-appointment")
    s.choose_clinic("noi")
    wait(Step.CHOOSE_PRIORITY)
    s.choose_priority(s.data.priority)
    wait(Step.CONFIRM)
    s.confirm()
    wait(Step.TICKET)
    shoot("10-ticket-not-printed")
    s.finish()
    printer.set_paper_out(False)
    reader.remove()
    wait(Step.START)

    s.begin()
    wait(Step.CONSENT)
    s.countdown_started = s.clock()
    kiosk.window.refresh()
    pump(150)
    shoot("11-idle-countdown")
    s.cancel()
    wait(Step.START)

    end = time.monotonic() + 60
    while sum(devices.catalog.counts().values()) == 0 and time.monotonic() < end:
        pump(200)
    s.open_prices()
    wait(Step.PRICES)
    prices: Any = kiosk.window.prices
    if prices is not None:
        for ch in "sieu am":
            prices.keyboard.keys["space" if ch == " " else ch].click()
            pump(40)
        pump(1200)
        shoot("12-prices")
        if prices.results.count():
            prices._open_item(prices.results.item(0))
            pump(400)
            shoot("13-price-detail")
        prices.reset()
    s.back()
    wait(Step.START)


def render_all(
    config: KioskConfig, options: Options, out: Path | None
) -> tuple[list[Finding], list[Path]]:
    """Renders every screen at the size in `options`; returns the findings and the PNGs."""
    from datetime import datetime

    from kiosk.his.config import HisConfig
    from kiosk.his.simulator import VN, HisSimulator
    from ui.app import build_app

    findings: list[Finding] = []
    written: list[Path] = []
    # a local HIS simulator with one booking, so the appointment screen is rendered too
    his = HisSimulator(secret="screens")
    his.add_appointment("LH00000001", datetime.now(VN), "noi", "Khám Nội", "001090123456")
    his.start()
    with tempfile.TemporaryDirectory() as tmp:
        config = config.model_copy(deep=True)
        config.accessibility.speech = False
        config.his = HisConfig(backend="rest", url=his.url, secret="screens")
        try:
            kiosk = build_app(config, show_panel=False)
        except BaseException:
            his.stop()
            raise
        try:
            window = kiosk.window
            window.setFixedSize(options.width, options.height)
            if options.large_text or options.high_contrast:
                kiosk.set_theme(
                    kiosk.theme.with_large_text(options.large_text).with_high_contrast(
                        options.high_contrast
                    )
                )
            if options.language != "vi":
                kiosk.session.set_language(options.language)
            window.show()
            pump(300)
            target = out or Path(tmp)
            target.mkdir(parents=True, exist_ok=True)

            def shoot(name: str) -> None:
                pump(100)
                image = window.grab().toImage()
                if (image.width(), image.height()) != (options.width, options.height):
                    findings.append(
                        Finding(
                            name,
                            "size",
                            _name(window),
                            "",
                            f"window is {image.width()}x{image.height()}",
                        )
                    )
                path = target / f"{name}.png"
                image.save(str(path))
                if out is not None:
                    written.append(path)
                findings.extend(check_fit(window, name))

            _journey(kiosk, shoot)
        finally:
            kiosk.close()
            his.stop()
    return findings, written


def as_dicts(findings: list[Finding]) -> list[dict[str, str]]:
    return [asdict(f) for f in findings]
