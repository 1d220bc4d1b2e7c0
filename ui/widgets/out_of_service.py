"""The "out of service" cover: shown while the queue database cannot be reached, so no patient
walks through a journey that cannot end in a ticket. It covers the whole window, says where to
go in both languages, is spoken, and goes away by itself when the database is back (the queue
handle keeps retrying in the background)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.text import Text

MESSAGE = Text(
    vi="Máy tạm ngừng phục vụ. Xin mời bạn đến quầy tiếp đón.",
    en="This kiosk is out of service. Please go to the reception desk.",
)


class OutOfService(QFrame):
    """Signals:
    state_changed(str): the queue's "up"/"down", from any thread (queued to the GUI thread).
    """

    state_changed = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self.setObjectName("out_of_service")
        self.setStyleSheet(
            "#out_of_service { background: rgb(24, 24, 24); }"
            " #out_of_service QLabel { color: white; }"
        )
        box = QVBoxLayout(self)
        box.addStretch(1)
        self.label_vi = QLabel(MESSAGE.vi)
        self.label_en = QLabel(MESSAGE.en)
        for lab, size in ((self.label_vi, 44), (self.label_en, 32)):
            lab.setObjectName("out_of_service_text")
            lab.setWordWrap(True)
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = lab.font()
            font.setPixelSize(size)
            lab.setFont(font)
            box.addWidget(lab)
        box.addStretch(1)
        self.state_changed.connect(self._apply, Qt.ConnectionType.QueuedConnection)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False

    @Slot(str)
    def _apply(self, state: str) -> None:
        down = state != "up"
        if down:
            self.setGeometry(self._host.rect())
            self.raise_()
            self.show()
        else:
            self.hide()
        self.shown_changed(down)

    def shown_changed(self, down: bool) -> None:
        """Overridden by the app to speak; nothing by default."""
