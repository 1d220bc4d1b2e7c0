"""The start screen: greeting, languages by their own names, start, prices, accessibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QWidget

from kiosk.text import Text
from ui.screens.base import PortraitFlip, Screen
from ui.widgets.common import Pictogram, button, card, label, sized
from ui.widgets.settle import SettleGuard

if TYPE_CHECKING:  # painted before the session exists (ui.start_preview): no import at start
    from kiosk.session import Session
    from ui.start_preview import PendingStart

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


PAY_BUTTON = Text(vi="Thanh toán viện phí", en="Pay a bill")


class StartScreen(Screen):
    """Signals:
    large_text_toggled(bool), high_contrast_toggled(bool): accessibility modes.
    """

    large_text_toggled = Signal(bool)
    high_contrast_toggled = Signal(bool)

    def __init__(self, session: Session | PendingStart, parent: QWidget | None = None) -> None:
        """`session`: the patient session, or before it exists the `PendingStart` that keeps
        what is tapped for it."""
        super().__init__(None, "start", (80, 24, 80, 24), 16, place_title=False, parent=parent)
        outer = self.outer
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = label("", "body")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addStretch(1)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addSpacing(4)

        languages = QHBoxLayout()
        languages.setSpacing(24)
        languages.addStretch(1)
        self.language_group = QButtonGroup(self)
        self.language_buttons: dict[str, QWidget] = {}
        for code in session.config.languages:
            btn = button(LANGUAGE_NAMES[code], "language", name=f"lang_{code}")
            btn.setCheckable(True)
            btn.clicked.connect(lambda _=False, c=code: session.set_language(c))
            self.language_group.addButton(btn)
            self.language_buttons[code] = btn
            languages.addWidget(btn)
        languages.addStretch(1)
        outer.addLayout(languages)
        outer.addSpacing(4)

        self.start_button = button("", "primary", name="start_button")
        self.start_button.clicked.connect(lambda: session.begin())
        sized(self.start_button, min_width=640)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        start_row.addStretch(1)
        outer.addLayout(start_row)

        frame, hints = card()
        self.icons = [Pictogram(name, 72) for name in ("card-reader", "qr-camera", "keypad")]
        icon_row = QHBoxLayout()
        icon_row.setSpacing(48)
        icon_row.addStretch(1)
        for icon in self.icons:
            icon_row.addWidget(icon)
        icon_row.addStretch(1)
        hints.addLayout(icon_row)
        self.hint = label("", "body")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hints.addWidget(self.hint)
        hint_row = QHBoxLayout()
        hint_row.addStretch(1)
        hint_row.addWidget(frame, 4)
        hint_row.addStretch(1)
        outer.addLayout(hint_row)
        outer.addStretch(1)

        bottom = QHBoxLayout()
        bottom.setSpacing(20)
        look_up = QHBoxLayout()  # prices and payment | the two display modes
        look_up.setSpacing(20)
        modes = QHBoxLayout()
        modes.setSpacing(20)
        self.prices_button = button("", "secondary", name="prices_button")
        self.prices_button.clicked.connect(session.open_prices)
        self.large_text = button("", "toggle", name="large_text_button")
        self.large_text.setCheckable(True)
        self.large_text.toggled.connect(self.large_text_toggled)
        self.high_contrast = button("", "toggle", name="high_contrast_button")
        self.high_contrast.setCheckable(True)
        self.high_contrast.toggled.connect(self.high_contrast_toggled)
        # a second tap queued behind the repaint must not switch the mode straight back
        self.settle = SettleGuard(self.large_text, self.high_contrast, parent=self)
        look_up.addWidget(self.prices_button)
        # payment.enabled: pay a bill by its code (the payment screen has its own words)
        self.pay_button = button("", "secondary", name="pay_button")
        self.pay_button.clicked.connect(lambda: session.open_payment())
        self.pay_button.setVisible(session.config.payment.enabled)
        look_up.addWidget(self.pay_button)
        look_up.addStretch(1)
        modes.addStretch(1)
        modes.addWidget(self.large_text)
        modes.addWidget(self.high_contrast)
        bottom.addLayout(look_up)
        bottom.addLayout(modes)
        outer.addLayout(bottom)
        self.flip = PortraitFlip(self, bottom)  # portrait: two rows of two

    def refresh(self, session: Session | PendingStart) -> None:
        for icon in self.icons:
            icon.refresh()
        config = session.config
        self.title.setText(config.hospital.name(session.language))
        self.subtitle.setText(
            self.tr("Get a queue number, check your health insurance, look up prices.")
        )
        for code, btn in self.language_buttons.items():
            btn.setProperty("checked", code == session.language)
            btn.setChecked(code == session.language)  # type: ignore[attr-defined]
        self.start_button.setText(self.tr("Touch here to start"))
        self.hint.setText(
            self.tr(
                "You can also just place your chip ID card on the reader, "
                "or show the QR code of your ID card or health insurance card to the camera."
            )
        )
        self.prices_button.setText(self.tr("Look up prices"))
        self.pay_button.setText(PAY_BUTTON.get(session.language))
        self.large_text.setText(self.tr("Larger text"))
        self.high_contrast.setText(self.tr("High contrast"))
