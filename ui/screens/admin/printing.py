"""Admin view: a test ticket with Vietnamese text and a ruler across the paper width."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from ui.screens.admin.common import AdminView, admin_label
from ui.theme import set_role
from ui.workers import Workers


class PrintView(AdminView):
    def __init__(self, services: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(services, workers, "print", parent)
        self.help = admin_label("", "body")
        self.print_button = self.button("", "primary", "admin_print_button", self.test_print)
        self.result = admin_label("", "body", "admin_print_result")
        self.box.addWidget(self.help)
        self.box.addWidget(self.print_button)
        self.box.addWidget(self.result)
        self.box.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Test print"))
        self.help.setText(
            self.tr("Prints a test ticket with Vietnamese text and a ruler across the paper width.")
        )
        self.print_button.setText(self.tr("Print a test ticket"))

    @Slot()
    def test_print(self) -> None:
        printer = getattr(self.services, "printer", None)
        if printer is None:
            self.result.setText(self.tr("No printer is configured."))
            return
        config = self.services.config
        self.print_button.setEnabled(False)
        self.result.setText(self.tr("Printing…"))

        def work() -> str:
            from kiosk.admin.tools import render_test_ticket, sample_qr_payload

            printer.print_ticket(render_test_ticket(config), sample_qr_payload(config))
            return str(printer.status().summary)

        self.run(work, self._done)

    def _done(self, result: str | Exception) -> None:
        self.print_button.setEnabled(True)
        if isinstance(result, Exception):
            self.result.setText(
                self.tr("Printing failed: {0}").format(str(result) or type(result).__name__)
            )
            set_role(self.result, "notice")
        else:
            self.result.setText(self.tr("Printed. Printer: {0}").format(result))
            set_role(self.result, "good")
