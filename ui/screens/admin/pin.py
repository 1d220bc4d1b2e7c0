"""The admin PIN page: the masked digit pad, wrong-PIN count and lockout, Cancel.

The PIN hash is checked on the admin pool (it takes a noticeable fraction of a second by design).

Signals:
    unlocked: the right PIN was typed.
    cancelled: the technician pressed Cancel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.admin.pin import PinGuard, PinResult
from ui.screens.admin.common import AdminPart, DigitPad, admin_label
from ui.screens.base import PortraitFlip
from ui.theme import set_role
from ui.widgets.common import sized
from ui.workers import Workers


class PinPage(AdminPart):
    unlocked = Signal()
    cancelled = Signal()

    def __init__(
        self, services: Any, workers: Workers, guard: PinGuard, parent: QWidget | None = None
    ) -> None:
        super().__init__(services, workers, parent)
        self.guard = guard
        self.checking = False
        # Side by side (text | keypad) so that it fits a 1600x900 window in large text too.
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setProperty("role", "card")
        sized(card, max_width=1240)
        box = QHBoxLayout(card)
        box.setContentsMargins(40, 32, 40, 32)
        box.setSpacing(40)
        text = QVBoxLayout()
        text.setSpacing(18)
        self.title = admin_label("", "title", "admin_pin_title")
        self.status = admin_label("", "body", "admin_pin_status")
        self.pad = DigitPad(masked=True, max_digits=12)
        sized(self.pad, min_width=420)
        self.pad.submitted.connect(self.submit)
        self.cancel = self.button("", "secondary", "admin_pin_cancel", self.cancelled.emit)
        text.addWidget(self.title)
        text.addWidget(self.status)
        text.addStretch(1)
        text.addWidget(self.cancel)
        box.addLayout(text, 1)
        box.addWidget(self.pad, 1)
        self.flip = PortraitFlip(self, box)  # portrait: the pad under the text
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 8)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self.refresh_lock)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Admin mode"))
        self.cancel.setText(self.tr("Cancel"))
        self.pad.retranslate()
        self.refresh_lock()

    def reset(self) -> None:
        """Clears the typed digits; the lockout countdown runs while the page is up."""
        self.pad.clear()
        if self.window().isVisible():
            self.lock_timer.start()

    def stop(self) -> None:
        self.lock_timer.stop()

    @Slot()
    def refresh_lock(self) -> None:
        if not self.guard.enabled:
            self.status.setText(
                self.tr("Admin mode is disabled: no PIN is configured (kiosk admin hash-pin).")
            )
            self.pad.set_enabled(False)
            return
        remaining = self.guard.retry_after()
        if remaining > 0:
            minutes, seconds = divmod(int(remaining + 0.999), 60)
            self.status.setText(
                self.tr("Too many wrong PINs. Try again in {0}:{1:02d}.").format(minutes, seconds)
            )
            set_role(self.status, "notice")
            self.pad.set_enabled(False)
            return
        if self.checking:
            return
        set_role(self.status, "body")
        self.pad.set_enabled(True)
        left = self.guard.attempts_left()
        if left < self.guard.max_attempts:
            self.status.setText(self.tr("Wrong PIN. {0} attempt(s) left.").format(left))
        else:
            self.status.setText(self.tr("Enter the admin PIN."))

    @Slot(str)
    def submit(self, pin: str) -> None:
        if self.checking:
            return
        self.checking = True
        self.pad.set_enabled(False)
        self.status.setText(self.tr("Checking…"))
        guard = self.guard
        self.run(lambda: guard.check(pin), self._checked)

    def _checked(self, result: PinResult | Exception) -> None:
        self.checking = False
        self.pad.clear()
        if isinstance(result, PinResult) and result.ok:
            self.lock_timer.stop()
            self.unlocked.emit()
            return
        self.refresh_lock()
