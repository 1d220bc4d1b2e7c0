"""Identify: place the chip card, show a QR, or type the ID; and the chip-key request."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session import Session, Step
from ui.screens.base import PortraitFlip, Screen
from ui.theme import set_role
from ui.widgets.common import NumericKeypad, Pictogram, card, label, row, sized


class IdentifyScreen(Screen):
    """Both IDENTIFY and CARD_KEY: the same three ways in, different words."""

    def __init__(
        self, session: Session, camera_view: QWidget | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, "identify", (40, 16, 40, 12), 14, "notice", parent=parent)
        outer = self.outer

        columns = QHBoxLayout()
        columns.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(24)
        card_frame, card_box = card()
        self.card_heading = label("", "subtitle")
        self.card_text = label("", "body")
        self.icons = [
            Pictogram("card-reader", 72),
            Pictogram("qr-camera", 72),
            Pictogram("keypad", 72),
        ]
        card_box.addLayout(row(self.icons[0], self.card_heading, spacing=16))
        card_box.addWidget(self.card_text)
        card_box.addStretch(1)
        left.addWidget(card_frame, 2)

        qr_frame, qr_box = card()
        self.qr_heading = label("", "subtitle")
        self.qr_text = label("", "body")
        qr_box.addLayout(row(self.icons[1], self.qr_heading, spacing=16))
        qr_box.addWidget(self.qr_text)
        self.camera_view = camera_view
        if camera_view is not None:
            sized(camera_view, min_height=200)
            qr_box.addWidget(camera_view, 1)
        left.addWidget(qr_frame, 3)
        columns.addLayout(left, 5)

        key_frame, key_box = card()
        self.keypad_heading = label("", "subtitle")
        key_box.addLayout(row(self.icons[2], self.keypad_heading, spacing=16))
        self.keypad = NumericKeypad(12)
        self.keypad.submitted.connect(self._submitted)
        self.keypad.changed.connect(lambda _: session.touch())
        key_box.addWidget(self.keypad, 1)
        columns.addWidget(key_frame, 5)  # as wide as the left: its heading stays on one line
        outer.addLayout(columns, 1)
        self.flip = PortraitFlip(self, columns)  # portrait: camera and card above the keypad

    def _submitted(self, digits: str) -> None:
        self.session.submit_id(digits)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if self.camera_view is not None and hasattr(self.camera_view, "start"):
            self.camera_view.start()
        super().showEvent(event)  # type: ignore[arg-type]

    def hideEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        if self.camera_view is not None and hasattr(self.camera_view, "stop"):
            self.camera_view.stop()
        self.keypad.clear()
        super().hideEvent(event)  # type: ignore[arg-type]

    def refresh(self, session: Session) -> None:
        self.keypad.retranslate()
        for icon in self.icons:
            icon.refresh()
        needs_key = session.step is Step.CARD_KEY
        if needs_key:
            self.title.setText(self.tr("We found your card. One more step to open its chip"))
            self.card_heading.setText(self.tr("Keep the card on the reader"))
            self.card_text.setText(
                self.tr(
                    "The chip is protected. Show the QR code on the card to the camera, or type "
                    "the last 6 digits of your ID number."
                )
                if self.camera_view is not None
                else self.tr(
                    "The chip is protected. Type the last 6 digits of your ID number on the keypad."
                )
            )
        else:
            self.title.setText(self.tr("How would you like to identify yourself?"))
            self.card_heading.setText(self.tr("1. Place your chip ID card on the reader"))
            self.card_text.setText(
                self.tr("The reader is below the screen. Leave the card there until we finish.")
            )
        if not session.reader_ok:
            self.card_text.setText(
                self.tr(
                    "The card reader is not working right now. Please use the QR code or the keypad."
                )
            )
        set_role(self.card_text, "body" if session.reader_ok else "notice")
        self.qr_heading.setText(self.tr("2. Show the QR code to the camera"))
        self.qr_text.setText(
            self.tr("The QR code on your ID card")
            if needs_key
            else self.tr("On your ID card, health insurance card or VssID app")
        )
        # the chip opens with the ID's last 6 digits (its access number); all 12 work too
        self.keypad.set_lengths((6, 12) if needs_key else (12,))
        self.keypad_heading.setText(
            self.tr("3. Or type the last 6 digits of your ID number")
            if needs_key
            else self.tr("3. Or type your 12-digit ID number")
        )
        self.show_message(session.data.message, session.language)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft)


class BusyScreen(Screen):
    """While the kiosk works: reading the card, checking insurance, issuing the number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(None, "busy", (120, 40, 120, 40), 20, place_title=False, parent=parent)
        layout = self.outer
        layout.addStretch(1)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label("", "body")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addStretch(1)

    def refresh(self, session: Session) -> None:
        if session.step is Step.READING_CARD:
            self.title.setText(self.tr("Reading your card…"))
            self.text.setText(self.tr("Please keep the card on the reader."))
        elif session.step is Step.CHECKING_INSURANCE:
            self.title.setText(self.tr("Checking your health insurance…"))
            self.text.setText(self.tr("This usually takes a few seconds."))
        elif session.step is Step.CHECKING_APPOINTMENT:
            self.title.setText(self.tr("Looking for your appointment today…"))
            self.text.setText(self.tr("This usually takes a few seconds."))
        else:
            self.title.setText(self.tr("Preparing your number…"))
            self.text.setText(self.tr("Your ticket will come out below the screen."))
