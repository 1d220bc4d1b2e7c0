"""Taps on a display toggle that arrive while its repaint runs are dropped.

A theme change repaints the screen; a patient who sees nothing happen at once taps again, and
that second tap, queued behind the repaint, would undo the first. From the moment one of the
guarded buttons is toggled until `settle_ms` after the toggle's work has returned to the event
loop, presses on those buttons are eaten. A deliberate second tap (to switch back) comes later
than that and works.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractButton

SETTLE_MS = 300
_PRESSES = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
}


class SettleGuard(QObject):
    def __init__(
        self, *buttons: QAbstractButton, settle_ms: int = SETTLE_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.buttons = buttons
        self.settling = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(settle_ms)
        self._timer.timeout.connect(self._settled)
        for btn in buttons:
            btn.installEventFilter(self)
            # connected after the screen's own slots: runs once the repaint work has returned
            btn.toggled.connect(self._toggled)

    def _toggled(self, _on: bool) -> None:
        self.settling = True
        self._timer.start()

    def _settled(self) -> None:
        self.settling = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        return self.settling and watched in self.buttons and event.type() in _PRESSES
