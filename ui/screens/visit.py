"""Choose the clinic, the priority, confirm; then the ticket."""

from __future__ import annotations

import io
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.session import Session
from ui.screens.base import PortraitFlip, Screen
from ui.theme import set_role
from ui.widgets.common import (
    FitScroll,
    TileGrid,
    action_row,
    button,
    card,
    field_grid,
    label,
    sized,
)


def priority_names(session: Session) -> dict[str, Any]:
    from kiosk.queue.priority import all_priorities

    return {p.id: p for p in all_priorities(session.config)}


class ClinicScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "clinic", (64, 32, 64, 24), 20, "notice", parent=parent)
        outer = self.outer
        self.grid = TileGrid(self)  # two columns; one in portrait
        self.grid.setSpacing(20)
        self.buttons: dict[str, QPushButton] = {}
        for clinic in session.config.clinics:
            btn = button("", "choice", name=f"clinic_{clinic.id}")
            btn.clicked.connect(lambda _=False, c=clinic.id: session.choose_clinic(c))
            self.grid.add(btn)
            self.buttons[clinic.id] = btn
        tiles = QWidget()
        tiles.setLayout(self.grid)
        self.grid.setContentsMargins(0, 0, 0, 0)
        # with a message above (e.g. "no appointment found") a short screen scrolls the tiles
        outer.addWidget(FitScroll(tiles))
        outer.addStretch(1)

    def refresh(self, session: Session) -> None:
        self.title.setText(self.tr("Which clinic do you need?"))
        self.show_message(session.data.message, session.language)
        for clinic in session.config.clinics:
            room = self.tr("Room {room}").format(room=clinic.room) if clinic.room else ""
            self.buttons[clinic.id].setText(f"{clinic.name(session.language)}\n{room}".strip())
        self.grid.reflow()


class PriorityScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "priority", (64, 24, 64, 20), 14, parent=parent)
        outer = self.outer
        self.text = label("", "body")
        outer.addWidget(self.text)
        self.grid = TileGrid(self, span_wide=True)  # two columns; one in portrait
        self.grid.setSpacing(12)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        self.none_button = button("", "primary", name="priority_none")
        self.none_button.clicked.connect(lambda: session.choose_priority(None))
        # With a category already selected (proposed from the birth date, or chosen before),
        # keeping it is the main answer: the big button must not throw it away.
        self.keep_button = button("", "primary", name="priority_keep")
        self.keep_button.clicked.connect(lambda: session.choose_priority(session.data.priority))
        self.keep_button.hide()
        outer.addLayout(action_row(self.none_button, self.keep_button))
        self.buttons: dict[str, QPushButton] = {}

    def refresh(self, session: Session) -> None:
        self.title.setText(self.tr("Do you have priority?"))
        self.text.setText(
            self.tr("By law these patients are served first. Staff will confirm it at the counter.")
        )
        priorities = priority_names(session)
        proposed = set(session.data.proposed_priorities)
        if not self.buttons:
            for pid in priorities:
                btn = button("", "choice", name=f"priority_{pid}")
                btn.setCheckable(True)
                btn.clicked.connect(lambda _=False, p=pid: session.choose_priority(p))
                self.grid.add(btn)
                self.buttons[pid] = btn
        for pid, btn in self.buttons.items():
            p = priorities[pid]
            name = p.name_vi if session.language == "vi" else p.name_en
            if pid in proposed:
                name += "\n" + self.tr("Suggested from your date of birth")
            btn.setText(name)
            btn.setChecked(pid == session.data.priority)
        self.grid.reflow()
        selected = priorities.get(session.data.priority or "")
        self.keep_button.setVisible(selected is not None)
        if selected is not None:
            keep = {
                "age_75_plus": self.tr("Yes, I am 75 or older"),
                "under_6": self.tr("Yes, the child is under 6"),
            }
            self.keep_button.setText(
                keep.get(selected.id)
                or self.tr("Yes: {name}").format(name=selected.name(session.language))
            )
            self.none_button.setText(self.tr("No, I do not have priority"))
            set_role(self.none_button, "secondary")
        else:
            self.none_button.setText(self.tr("No priority: continue"))
            set_role(self.none_button, "primary")


class ConfirmScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "confirm", message_role="notice", parent=parent)
        outer = self.outer
        frame, box = card()
        keys = ("patient", "clinic", "priority", "insurance")
        grid, self.captions, self.values = field_grid(keys, "confirm")
        box.addLayout(grid)
        outer.addWidget(frame)
        outer.addStretch(1)
        self.confirm_button = button("", "primary", name="confirm_button")
        self.confirm_button.clicked.connect(session.confirm)
        outer.addWidget(self.confirm_button)

    def refresh(self, session: Session) -> None:
        data = session.data
        self.title.setText(self.tr("Please check, then take your number"))
        self.confirm_button.setText(self.tr("Get my number"))
        self.captions["patient"].setText(self.tr("Patient"))
        self.captions["clinic"].setText(self.tr("Clinic"))
        self.captions["priority"].setText(self.tr("Priority"))
        self.captions["insurance"].setText(self.tr("Health insurance"))
        identity = data.identity
        self.values["patient"].setText(
            (identity.full_name or identity.masked_id) if identity else ""
        )
        if data.clinic_id:
            clinic = session.config.clinic(data.clinic_id)
            room = self.tr("Room {room}").format(room=clinic.room) if clinic.room else ""
            self.values["clinic"].setText(f"{clinic.name(session.language)} — {room}".strip(" —"))
        if data.priority:
            p = priority_names(session).get(data.priority)
            name = (p.name_vi if session.language == "vi" else p.name_en) if p else data.priority
            self.values["priority"].setText(
                name + " " + self.tr("(to be confirmed at the counter)")
            )
        else:
            self.values["priority"].setText(self.tr("None"))
        e = data.eligibility
        if e is None or not e.verified:
            insurance = self.tr("Not verified: the reception desk will check")
        elif session.insured:
            insurance = (
                self.tr("Insured ({percent} %)").format(percent=e.coverage_percent)
                if e.coverage_percent is not None
                else self.tr("Insured")
            )
        else:
            insurance = self.tr("Self-paying")
        self.values["insurance"].setText(insurance)
        self.show_message(data.message, session.language)


def qr_pixmap(payload: str, size: int) -> QPixmap:
    import segno

    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=10, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue())
    return pixmap.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
    )


class TicketScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "ticket", (80, 24, 80, 24), 14, parent=parent)
        outer = self.outer
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        middle = QHBoxLayout()
        middle.setSpacing(40)
        frame, box = card()
        self.number = label("", "number", wrap=False, name="ticket_number")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.number)
        self.clinic = label("", "subtitle", name="ticket_clinic")
        self.clinic.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.clinic)
        self.ahead = label("", "body", name="ticket_ahead")
        self.ahead.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.ahead)
        self.details = label("", "muted", name="ticket_details")
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.details)
        middle.addWidget(frame, 3)
        self.qr = QLabel()
        self.qr.setObjectName("ticket_qr")
        sized(self.qr, width=300, height=300)
        self.qr.hide()
        middle.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(middle, 1)
        self.flip = PortraitFlip(self, middle)  # portrait: the QR under the number
        self.status = label("", "good", name="ticket_status")
        outer.addWidget(self.status)
        self.print_again = button("", "secondary", name="ticket_print_again")
        self.print_again.clicked.connect(session.reprint)
        self.done = button("", "primary", name="ticket_done")
        self.done.clicked.connect(session.finish)
        outer.addLayout(action_row(self.print_again, self.done))

    def refresh(self, session: Session) -> None:
        ticket = session.data.ticket
        self.done.setText(self.tr("Done"))
        self.print_again.setText(self.tr("Print again"))
        self.print_again.setVisible(ticket is not None and not session.printed)
        if ticket is None:
            for widget in (
                self.title,
                self.number,
                self.clinic,
                self.ahead,
                self.details,
                self.status,
                self.qr,
            ):
                widget.clear()
            self.qr.hide()
            return
        self.title.setText(
            self.tr("You already have a number for this clinic today")
            if ticket.reprint
            else self.tr("Your number")
        )
        self.number.setText(ticket.number)
        clinic = session.config.clinic(ticket.clinic_id)
        room_id = getattr(ticket, "room", "") or clinic.room  # the HIS's room, else the clinic's
        room = self.tr("Room {room}").format(room=room_id) if room_id else ""
        self.clinic.setText(f"{clinic.name(session.language)} — {room}".strip(" —"))
        ahead = self.tr("People ahead of you: {n}").format(n=ticket.people_ahead)
        if ticket.estimated_wait_min and ticket.people_ahead:
            ahead += "  ·  " + self.tr("About {m} minutes").format(m=ticket.estimated_wait_min)
        self.ahead.setText(ahead)
        details = [ticket.issued_at.strftime("%H:%M  %d/%m/%Y")]
        if getattr(ticket, "appointment_at", None) is not None:
            details.append(
                self.tr("Appointment at {time}").format(
                    time=ticket.appointment_at.strftime("%H:%M")
                )
            )
        if ticket.priority:
            p = priority_names(session).get(ticket.priority)
            name = (p.name_vi if session.language == "vi" else p.name_en) if p else ticket.priority
            details.append(name + " " + self.tr("(to be confirmed at the counter)"))
        if not ticket.insurance_verified:
            details.append(self.tr("Not verified: the reception desk will check"))
        elif ticket.insured:
            details.append(self.tr("Insured"))
        else:
            details.append(self.tr("Self-paying"))
        self.details.setText("  ·  ".join(details))
        if session.printed:
            self.status.setText(
                self.tr(
                    "Please take your ticket from the printer below. Wait until your number is called."
                )
            )
            set_role(self.status, "good")
            self.qr.hide()
        else:
            outcome = session.data.print_outcome
            why = outcome.message(session.language) if outcome is not None else ""
            self.status.setText(
                why
                or self.tr(
                    "Please show this screen at the counter, or take a photo of it. Your place in the queue is kept."
                )
            )
            set_role(self.status, "notice")
            self.qr.setPixmap(qr_pixmap(ticket.id, self.qr.width()))
            self.qr.show()
