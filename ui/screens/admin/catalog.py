"""Admin view: import a price list (CSV or XLSX) found on a USB stick or mounted folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QListWidget, QListWidgetItem, QWidget

from ui.screens.admin.common import AdminView, admin_label
from ui.screens.base import PortraitFlip
from ui.theme import set_role
from ui.workers import Workers


class CatalogView(AdminView):
    def __init__(self, services: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(services, workers, "catalog", parent)
        self.found: list[Path] = []
        self.help = admin_label("", "body")
        self.box.addWidget(self.help)
        self.files = QListWidget()
        self.files.setObjectName("admin_catalog_files")
        self.box.addWidget(self.files, 1)
        row = QHBoxLayout()
        self.rescan = self.button("", "secondary", "admin_catalog_rescan", self.scan)
        self.kind_group = QButtonGroup(self)
        self.kind_service = self.button("", "toggle", "admin_kind_service", _nothing)
        self.kind_drug = self.button("", "toggle", "admin_kind_drug", _nothing)
        for index, btn in enumerate((self.kind_service, self.kind_drug)):
            btn.setCheckable(True)
            self.kind_group.addButton(btn, index)
        self.kind_service.setChecked(True)
        self.import_button = self.button(
            "", "primary", "admin_catalog_import", self.import_selected
        )
        row.addWidget(self.rescan)
        row.addWidget(self.kind_service)
        row.addWidget(self.kind_drug)
        row.addStretch(1)
        row.addWidget(self.import_button)
        self.box.addLayout(row)
        self.flip = PortraitFlip(self, row)  # a narrow (portrait) view: one button a row
        self.result = admin_label("", "body", "admin_catalog_result")
        self.box.addWidget(self.result)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Catalog import"))
        self.help.setText(
            self.tr("Files found on USB sticks and mounted folders. Choose one and its kind.")
        )
        self.rescan.setText(self.tr("Search again"))
        self.kind_service.setText(self.tr("Services"))
        self.kind_drug.setText(self.tr("Drugs"))
        self.import_button.setText(self.tr("Import"))

    def shown(self) -> None:
        self.scan()

    @Slot()
    def scan(self) -> None:
        roots = list(getattr(self.services.config.admin, "import_roots", ["/media", "/mnt"]))
        self.files.clear()
        self.result.setText(self.tr("Searching {0}…").format(", ".join(roots)))

        def work() -> list[Path]:
            from kiosk.admin.tools import find_catalog_files

            return find_catalog_files(roots)

        self.run(work, self._found)

    def _found(self, files: list[Path] | Exception) -> None:
        if isinstance(files, Exception):
            self.result.setText(str(files))
            return
        self.found = files
        self.files.clear()
        for path in files:
            item = QListWidgetItem(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.files.addItem(item)
        if files:
            self.files.setCurrentRow(0)
            self.result.setText(self.tr("{0} file(s) found.").format(len(files)))
        else:
            self.result.setText(
                self.tr("No CSV or XLSX file found. Insert a USB stick and search again.")
            )

    @Slot()
    def import_selected(self) -> None:
        item = self.files.currentItem()
        if item is None:
            self.result.setText(self.tr("Choose a file first."))
            return
        path = str(item.data(Qt.ItemDataRole.UserRole))
        kind = "drug" if self.kind_drug.isChecked() else "service"
        catalog = self.services.catalog
        self.import_button.setEnabled(False)
        self.result.setText(self.tr("Importing {0}…").format(Path(path).name))
        self.run(lambda: catalog.import_file(path, kind), self._imported)

    def _imported(self, report: Any) -> None:
        self.import_button.setEnabled(True)
        if isinstance(report, Exception):
            self.result.setText(self.tr("Import failed: {0}").format(report))
            set_role(self.result, "notice")
            return
        lines = [
            self.tr("{0} rows: {1} imported, {2} rejected. {3}").format(
                report.rows_in_file,
                report.rows_imported,
                report.rows_rejected,
                self.tr("Now active.") if report.activated else self.tr("NOT activated."),
            )
        ]
        if getattr(report, "fatal", ""):
            lines.append(self.tr("Not imported: {0}").format(report.fatal))
        for issue in list(getattr(report, "rejected", []))[:8]:
            lines.append(
                self.tr("line {0} {1}: {2}").format(issue.line, issue.column, issue.reason)
            )
        self.result.setText("\n".join(lines))
        set_role(self.result, "good" if getattr(report, "ok", False) else "notice")


def _nothing() -> None:
    """A kind toggle: its state is read when Import is pressed."""
