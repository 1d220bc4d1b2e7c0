"""The scaffold every patient screen repeats: margins, a title, an optional message label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.widgets.common import label

if TYPE_CHECKING:  # the start screen is painted before the session module is imported
    from kiosk.messages import Message
    from kiosk.session import Session


class Screen(QWidget):
    """A screen of the journey: `self.outer` (a column), `self.title`, maybe `self.message`.

    The title is added to the column unless `place_title=False` (the screen places it itself);
    `message_role` adds the hidden message label under it (else the screen places it). `refresh(session)` is called by the
    window whenever the session changes while the screen is shown.
    """

    def __init__(
        self,
        session: Session | None,
        name: str,
        margins: tuple[int, int, int, int] = (80, 32, 80, 24),
        spacing: int = 20,
        message_role: str | None = None,
        place_title: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if session is not None:
            self.session = session
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(*margins)
        self.outer.setSpacing(spacing)
        self.title = label("", "title", name=f"{name}_title")
        if place_title:
            self.outer.addWidget(self.title)
        self.message: QLabel = label("", message_role or "notice", name=f"{name}_message")
        self.message.setParent(self)
        self.message.hide()
        if message_role is not None:
            self.outer.addWidget(self.message)

    def show_message(self, message: Message | None, language: str) -> None:
        """Shows the session's message under the title, or hides the label."""
        self.message.setText(message.text(language) if message is not None else "")
        self.message.setVisible(message is not None)

    def refresh(self, session: Session) -> None:
        """Sets every text from the session (override)."""


class PortraitFlip(QObject):
    """Stacks side-by-side layouts into one column while `host` is taller than it is wide.

    A portrait kiosk screen (1080x1920) has no room for two columns of large keys and tiles;
    each registered QBoxLayout turns LeftToRight in landscape, TopToBottom in portrait.
    """

    def __init__(self, host: QWidget, *layouts: QBoxLayout) -> None:
        super().__init__(host)
        self.host = host
        self.layouts = list(layouts)
        host.installEventFilter(self)

    @property
    def portrait(self) -> bool:
        return self.host.height() > self.host.width()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.host and event.type() == QEvent.Type.Resize:
            direction = (
                QBoxLayout.Direction.TopToBottom
                if self.portrait
                else QBoxLayout.Direction.LeftToRight
            )
            for layout in self.layouts:
                if layout.direction() != direction:
                    layout.setDirection(direction)
        return False
