"""Admin view: read the card on the reader with its 12-digit ID or 6-digit CAN."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.models import mask_id
from ui.screens.admin.common import AdminView, DigitPad, admin_label
from ui.screens.base import PortraitFlip
from ui.theme import set_role
from ui.widgets.common import sized
from ui.workers import Workers


class CardView(AdminView):
    def __init__(self, services: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(services, workers, "card", parent)
        row = QHBoxLayout()
        row.setSpacing(28)
        self.pad = DigitPad(masked=False, max_digits=12)
        sized(self.pad, min_width=460, max_width=720)
        self.pad.submitted.connect(self.test_card_read)
        text = QVBoxLayout()
        text.setSpacing(14)
        self.help = admin_label("", "body")
        self.state = admin_label("", "muted", "admin_card_state")
        self.result = admin_label("", "body", "admin_card_result")
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop)
        text.addWidget(self.help)
        text.addWidget(self.state)
        text.addWidget(self.result, 1)
        row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        self.box.addLayout(row, 1)
        self.flip = PortraitFlip(self, row)  # a narrow (portrait) view: the pad above the text

    def retranslate(self) -> None:
        self.title.setText(self.tr("Test card read"))
        self.pad.retranslate()
        self.help.setText(
            self.tr(
                "Place a citizen ID card on the reader, type its 12-digit number or the "
                "6-digit CAN, then press OK."
            )
        )

    def clear(self) -> None:
        self.pad.clear()
        self.result.setText("")

    def shown(self) -> None:
        reader = getattr(self.services, "card_reader", None)
        if reader is None:
            self.state.setText(self.tr("No card reader is configured."))
            return
        self.run(lambda: str(reader.status().summary), lambda s: self.state.setText(str(s)))

    @Slot(str)
    def test_card_read(self, digits: str) -> None:
        reader = getattr(self.services, "card_reader", None)
        if reader is None:
            self.result.setText(self.tr("No card reader is configured."))
            return
        if len(digits) not in (6, 12):
            self.result.setText(self.tr("Type the 12-digit ID number or the 6-digit CAN."))
            return
        from hardware.cardreader.base import AccessKey

        key = AccessKey(can=digits[-6:])
        self.pad.clear()
        self.pad.set_enabled(False)
        self.result.setText(self.tr("Reading the card…"))
        self.run(lambda: reader.read(key), self._done)

    def _done(self, result: Any) -> None:
        self.pad.set_enabled(True)
        if isinstance(result, Exception):
            self.result.setText(
                self.tr("Read failed ({0}): {1}").format(type(result).__name__, result)
            )
            set_role(self.result, "notice")
            return
        stats = getattr(result, "stats", {}) or {}
        ms = stats.get("ms") or stats.get("total_ms")
        lines = [
            self.tr("Card read."),
            self.tr("ID: {0}").format(mask_id(getattr(result, "citizen_id", ""))),
            self.tr("Authenticity: {0}").format(getattr(result, "authenticity", "?")),
            self.tr("Access: {0}").format(getattr(result, "access", "") or "-"),
            self.tr("Photo: {0}").format(self.tr("yes") if result.photo else self.tr("no")),
        ]
        if ms:
            lines.append(self.tr("Read time: {0:.0f} ms").format(float(ms)))
        self.result.setText("\n".join(lines))
        set_role(self.result, "good")
