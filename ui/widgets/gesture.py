"""The hidden admin entry: N taps in one corner of the kiosk window within T seconds.

`CornerTapDetector` is an application-wide event filter (it sees presses on every child
widget of the window) that never consumes an event: the taps still reach whatever is under
the finger. A touch and the mouse press Qt synthesises from it count once.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Signal
from PySide6.QtGui import QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QApplication, QWidget

CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")
_DEBOUNCE_S = 0.06  # a touch and its synthesised mouse press are one tap


class CornerTapDetector(QObject):
    """Emits `triggered` after `taps` presses in `corner` of `window` within `window_s`."""

    triggered = Signal()

    def __init__(
        self,
        window: QWidget,
        corner: str = "top_left",
        taps: int = 5,
        window_s: float = 3.0,
        size_px: int = 120,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if corner not in CORNERS:
            raise ValueError(f"corner must be one of {', '.join(CORNERS)}")
        self.window = window
        self.corner = corner
        self.taps = max(1, taps)
        self.window_s = window_s
        self.size_px = size_px
        self.enabled = True
        self._clock = clock
        self._times: deque[float] = deque(maxlen=self.taps)
        self._last = -1.0
        self._installed_on: QObject | None = None

    @classmethod
    def from_config(
        cls, window: QWidget, admin: object, parent: QObject | None = None
    ) -> CornerTapDetector:
        return cls(
            window,
            getattr(admin, "gesture_corner", "top_left"),
            getattr(admin, "gesture_taps", 5),
            getattr(admin, "gesture_window_s", 3.0),
            getattr(admin, "gesture_corner_px", 120),
            parent=parent,
        )

    def install(self, target: QObject | None = None) -> None:
        """Starts watching (the whole application by default)."""
        target = target or QApplication.instance()
        if target is not None:
            target.installEventFilter(self)
            self._installed_on = target

    def uninstall(self) -> None:
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    def reset(self) -> None:
        self._times.clear()

    def in_corner(self, global_pos: QPoint) -> bool:
        local = self.window.mapFromGlobal(global_pos)
        w, h, s = self.window.width(), self.window.height(), self.size_px
        if not (0 <= local.x() < w and 0 <= local.y() < h):
            return False
        left = local.x() < s
        right = local.x() >= w - s
        top = local.y() < s
        bottom = local.y() >= h - s
        return {
            "top_left": top and left,
            "top_right": top and right,
            "bottom_left": bottom and left,
            "bottom_right": bottom and right,
        }[self.corner]

    def tap(self, global_pos: QPoint) -> bool:
        """Counts one press at a global position; True if it completed the gesture."""
        now = self._clock()
        if now - self._last < _DEBOUNCE_S:
            return False
        self._last = now
        if not self.in_corner(global_pos):
            self._times.clear()  # a tap elsewhere breaks the series
            return False
        self._times.append(now)
        if len(self._times) == self.taps and now - self._times[0] <= self.window_s:
            self._times.clear()
            self.triggered.emit()
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.enabled or not self.window.isVisible():
            return False
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            return False
        if not (isinstance(watched, QWidget) and watched.window() is self.window):
            return False
        pos: QPointF | None = None
        if isinstance(event, QMouseEvent):
            pos = event.globalPosition()
        elif isinstance(event, QTouchEvent) and event.points():
            pos = event.points()[0].globalPosition()
        if pos is not None:
            self.tap(pos.toPoint())
        return False
