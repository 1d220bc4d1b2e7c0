"""Admin view: the recent log lines (already masked: no patient identifiers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from ui.screens.admin.common import AdminView
from ui.workers import Workers


class LogView(AdminView):
    def __init__(
        self,
        services: Any,
        workers: Workers,
        log_lines: Callable[[], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, workers, "log", parent)
        self.log_lines = log_lines
        self.refresh_button = self.button("", "secondary", "admin_log_refresh", self.refresh)
        self.box.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.text = QPlainTextEdit()
        self.text.setObjectName("admin_log_text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # The application style sheet sets one font family for every widget: override it here.
        self.text.setStyleSheet(
            "QPlainTextEdit { font-family: 'DejaVu Sans Mono', monospace; font-size: 18px; }"
        )
        self.box.addWidget(self.text, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Recent log"))
        self.refresh_button.setText(self.tr("Refresh"))

    def shown(self) -> None:
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.run(self.log_lines, self._done)

    def _done(self, lines: list[str] | Exception) -> None:
        if isinstance(lines, Exception):
            self.text.setPlainText(str(lines))
            return
        self.text.setPlainText("\n".join(lines))
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())
