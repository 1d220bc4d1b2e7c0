"""The patient's identity shown back for confirmation, and the insurance result."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.models import Authenticity, Gender, Identity, IdentitySource, InsuranceAction
from kiosk.session import Session
from ui.screens.base import Screen
from ui.theme import set_role
from ui.widgets.common import (
    FitScroll,
    Pictogram,
    action_row,
    button,
    card,
    field_grid,
    label,
    pixmap_from_bytes,
    row,
    sized,
)


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class ConfirmIdentityScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "confirm_identity", (80, 24, 80, 20), 16, parent=parent)
        outer = self.outer
        frame, box = card()
        content = QHBoxLayout()
        content.setSpacing(32)
        self.photo = QLabel()
        self.photo.setObjectName("identity_photo")
        sized(self.photo, width=240, height=320)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        content.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        keys = ("name", "birth", "gender", "id", "card")
        grid, captions, self.values = field_grid(keys, "identity", {"name": "subtitle"})
        self.field_labels = list(captions.values())
        info = QVBoxLayout()
        info.addLayout(grid)
        self.badge = label("", "badge", name="authenticity_badge")
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge)
        badge_row.addStretch(1)
        info.addLayout(badge_row)
        # a typed ID: what it can and cannot do, in plain words
        self.note = label("", "notice", name="identity_note")
        self.note.hide()
        info.addWidget(self.note)
        info.addStretch(1)
        content.addLayout(info, 1)
        box.addLayout(content)
        outer.addWidget(FitScroll(frame))  # as tall as the card; scrolls only if too small
        outer.addStretch(1)
        self.no = button("", "secondary", name="identity_no")
        self.no.clicked.connect(session.back)
        self.yes = button("", "primary", name="identity_yes")
        self.yes.clicked.connect(session.confirm_identity)
        outer.addLayout(action_row(self.no, self.yes))

    def refresh(self, session: Session) -> None:
        identity = session.data.identity
        self.title.setText(self.tr("Is this you?"))
        self.yes.setText(self.tr("Yes, this is me"))
        self.no.setText(self.tr("No, go back"))
        captions = [
            self.tr("Name"),
            self.tr("Date of birth"),
            self.tr("Gender"),
            self.tr("ID number"),
            self.tr("Insurance card"),
        ]
        for caption, text in zip(self.field_labels, captions, strict=True):
            caption.setText(text)
        if identity is None:
            for value in self.values.values():
                value.clear()
            self.photo.clear()
            self.badge.clear()
            self.note.hide()
            return
        typed = identity.source is IdentitySource.KEYPAD
        # Only the number was typed: no name or card to show, so no "(not given)" rows first.
        for key in ("name", "card"):
            shown = not typed
            self.values[key].setVisible(shown)
            self.field_labels[("name", "birth", "gender", "id", "card").index(key)].setVisible(
                shown
            )
        self.note.setVisible(typed)
        if typed:
            self.title.setText(self.tr("Is this your ID number?"))
            self.note.setText(
                self.tr(
                    "You typed your ID number. With the number alone the kiosk cannot check your "
                    "health insurance: the reception desk will check it. To have it checked here, "
                    "place your ID card on the reader or show the QR code on your card."
                )
            )
        self.values["name"].setText(identity.full_name or self.tr("(not given)"))
        birth = fmt_date(identity.birth_date) or (
            str(identity.birth_year) if identity.birth_year else ""
        )
        self.values["birth"].setText(birth or self.tr("(not given)"))
        genders = {Gender.MALE: self.tr("Male"), Gender.FEMALE: self.tr("Female")}
        gender = genders.get(identity.gender) if identity.gender else None
        self.values["gender"].setText(gender or self.tr("(not given)"))
        self.values["id"].setText(identity.masked_id or self.tr("(not given)"))
        self.values["card"].setText(_mask_card(identity.bhyt_card) or self.tr("(not given)"))
        pixmap = pixmap_from_bytes(identity.photo)
        if pixmap is not None:
            self.photo.setPixmap(
                pixmap.scaled(
                    self.photo.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            set_role(self.photo, "")
        else:
            self.photo.clear()
            self.photo.setText(self.tr("No photo"))
            set_role(self.photo, "muted")
        self._set_badge(identity)

    def _set_badge(self, identity: Identity) -> None:
        level = identity.authenticity
        texts = {
            Authenticity.TRUSTED: (
                self.tr("✔ Chip checked: issued by the Vietnamese authority"),
                "badge",
            ),
            Authenticity.CONSISTENT: (
                self.tr("Chip data intact (issuer not checked)"),
                "badge-warn",
            ),
            Authenticity.READ: (self.tr("Read from the chip (not checked)"), "badge-warn"),
        }
        if level in texts:
            text, role = texts[level]
        elif identity.source is IdentitySource.KEYPAD:
            text, role = self.tr("Typed on the keypad"), "badge-warn"
        else:
            text, role = self.tr("Read from the QR code"), "badge-warn"
        self.badge.setText(text)
        set_role(self.badge, role)


def _mask_card(card_number: str | None) -> str:
    if not card_number:
        return ""
    return card_number[:5] + "*" * max(0, len(card_number) - 8) + card_number[-3:]


class InsuranceScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "insurance", place_title=False, parent=parent)
        outer = self.outer
        self.icon = Pictogram("insurance", 72)
        outer.addLayout(row(self.icon, self.title, spacing=20))
        set_role(self.message, "good")
        self.message.show()
        outer.addWidget(self.message)
        frame, box = card()
        keys = ("coverage", "level", "valid", "facility", "route", "five_years")
        grid, self.captions, self.values = field_grid(keys, "insurance", host=self)
        box.addLayout(grid)
        self.next_text = label("", "body", name="insurance_next")
        box.addWidget(self.next_text)
        outer.addWidget(FitScroll(frame))  # scrolls only on a short screen (1366x768)
        # the rules behind the share ("Theo Nghị định 188/2025, …"), known a moment later
        self.rules = label("", "muted", name="insurance_rules")
        self.rules.hide()
        outer.addWidget(self.rules)
        outer.addStretch(1)
        self.continue_button = button("", "primary", name="insurance_continue")
        self.continue_button.clicked.connect(session.continue_after_insurance)
        outer.addWidget(self.continue_button)

    def refresh(self, session: Session) -> None:
        e = session.data.eligibility
        self.continue_button.setText(self.tr("Continue: choose a clinic"))
        rules = [t.get(session.language) for t in session.data.rules_applied]
        self.rules.setText("\n".join(rules))
        self.rules.setVisible(bool(rules))
        if e is None:
            for widget in (self.title, self.message, self.next_text, *self.values.values()):
                widget.clear()
            return
        if not e.verified:
            title, role = self.tr("Insurance not checked yet"), "notice"
        elif e.action is InsuranceAction.INSURED:
            title, role = self.tr("Your health insurance card is valid"), "good"
        elif e.action is InsuranceAction.SELF_PAY:
            title, role = self.tr("You will pay as a self-paying patient"), "notice"
        else:
            title, role = self.tr("Please see the reception desk about your card"), "notice"
        self.title.setText(title)
        verified_insured = e.verified and e.action is InsuranceAction.INSURED
        self.icon.set_icon("check" if verified_insured else "warning")
        identity = session.data.identity
        if not e.verified and identity is not None and identity.source is IdentitySource.KEYPAD:
            title = self.tr("Insurance is checked at the reception desk")
            self.title.setText(title)
            self.message.setText(
                self.tr(
                    "A typed ID number cannot be checked with the insurance fund here. You can "
                    "take a number now; the reception desk will check your health insurance card."
                )
            )
        else:
            self.message.setText(e.message(session.language))
        set_role(self.message, role)
        self.captions["coverage"].setText(self.tr("Insurance pays"))
        self.captions["valid"].setText(self.tr("Card valid"))
        self.captions["facility"].setText(self.tr("Registered clinic"))
        self.captions["route"].setText(self.tr("At this hospital"))
        self.captions["level"].setText(self.tr("Benefit level"))
        self.captions["five_years"].setText(self.tr("5 years in a row from"))
        self.values["level"].setText(str(e.benefit_level) if e.benefit_level else "—")
        self.values["five_years"].setText(fmt_date(e.five_year_date) or "—")
        self.values["coverage"].setText(
            f"{e.coverage_percent} %" if e.coverage_percent is not None else "—"
        )
        if e.valid_from or e.valid_to:
            self.values["valid"].setText(f"{fmt_date(e.valid_from)} – {fmt_date(e.valid_to)}")
        else:
            self.values["valid"].setText("—")
        facilities = getattr(session.services, "facilities", None)
        facility = e.registered_facility
        if facility and facilities is not None:
            facility = facilities.describe(facility)  # its name, not the bare code
        self.values["facility"].setText(facility or "—")
        if e.correct_route is None:
            self.values["route"].setText("—")
        elif e.correct_route and session.data.slip is not None:
            self.values["route"].setText(
                self.tr("With your referral or re-exam slip: correct route")
            )
        elif e.correct_route:
            self.values["route"].setText(self.tr("Registered here: correct route"))
        else:
            self.values["route"].setText(
                self.tr("Registered elsewhere: reduced or no benefit for outpatient visits")
            )
        if e.action is InsuranceAction.DESK:
            self.next_text.setText(
                self.tr("You can still take a number now. Show your ticket at the reception desk.")
            )
        elif e.action is InsuranceAction.SELF_PAY:
            self.next_text.setText(
                self.tr("You can take a number now. Fees are paid at the cashier.")
            )
        else:
            self.next_text.setText(self.tr("Next, choose the clinic you need."))
