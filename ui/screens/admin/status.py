"""Admin view: device status (the doctor's checks, failures first)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.admin.doctor import CheckResult, run_checks
from ui.screens.admin.common import AdminView, CheckRow, admin_label
from ui.workers import Workers


class StatusView(AdminView):
    def __init__(self, services: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(services, workers, "status", parent)
        self.results: list[CheckResult] = []
        top = QHBoxLayout()
        self.summary = admin_label("", "body", "admin_status_summary")
        self.refresh_button = self.button("", "secondary", "admin_status_refresh", self.refresh)
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        self.box.addLayout(top)
        self.rows = QWidget()
        self.rows_layout = QVBoxLayout(self.rows)
        self.rows_layout.setContentsMargins(0, 0, 12, 0)
        self.rows_layout.setSpacing(10)
        self.rows_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.rows)
        self.box.addWidget(scroll, 1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Device status"))
        self.refresh_button.setText(self.tr("Refresh"))

    def shown(self) -> None:
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.summary.setText(self.tr("Checking devices…"))
        services = self.services
        self.run(lambda: run_checks(services), self._done)

    def _done(self, results: list[CheckResult] | Exception) -> None:
        self.refresh_button.setEnabled(True)
        if isinstance(results, Exception):
            self.summary.setText(self.tr("The checks failed: {0}").format(results))
            return
        self.results = results
        while self.rows_layout.count() > 1:
            item = self.rows_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        # Failures first: IT must see what is wrong without scrolling.
        ordered = [r for r in results if not r.ok] + [r for r in results if r.ok]
        for index, result in enumerate(ordered):
            self.rows_layout.insertWidget(index, CheckRow(result))
        failed = [r.name for r in results if not r.ok]
        if failed:
            self.summary.setText(
                self.tr("{0} check(s) failed: {1}.").format(len(failed), ", ".join(failed))
            )
        else:
            self.summary.setText(self.tr("All checks passed."))
