"""Today's appointment found at the HIS: "Bạn có lịch hẹn 09:30, Khám Tim mạch — xác nhận?"

Yes: the ticket goes to that clinic (before the walk-ins when the patient is within the
booking's window). No: the normal path, choosing a clinic as a walk-in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk.session import Session
from ui.screens.base import Screen
from ui.widgets.common import FitScroll, button, card, field_grid, label


class AppointmentScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(
            session, "appointment", (80, 24, 80, 16), 16, message_role="notice", parent=parent
        )
        outer = self.outer
        frame, box = card()
        self.question = label("", "subtitle", name="appointment_question")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(self.question)
        grid, self.captions, self.values = field_grid(("time", "clinic", "order"), "appointment")
        box.addLayout(grid)
        outer.addWidget(FitScroll(frame), 1)  # scrolls only on a short screen (1366x768)
        self.no_button = button("", "secondary", name="appointment_no")
        self.no_button.clicked.connect(session.decline_appointment)
        self.yes_button = button("", "primary", name="appointment_yes")
        self.yes_button.clicked.connect(session.confirm_appointment)
        # stacked, full width: fits a portrait screen and large text too
        outer.addWidget(self.yes_button)
        outer.addWidget(self.no_button)

    def refresh(self, session: Session) -> None:
        check = session.data.appointment_check
        self.title.setText(self.tr("Your appointment today"))
        self.yes_button.setText(self.tr("Yes, confirm"))
        self.no_button.setText(self.tr("Another clinic"))
        self.captions["time"].setText(self.tr("Time"))
        self.captions["clinic"].setText(self.tr("Clinic"))
        self.captions["order"].setText(self.tr("Your turn"))
        self.show_message(session.data.message, session.language)
        appointment = getattr(check, "appointment", None)
        if check is None or appointment is None:
            for widget in (self.question, *self.values.values()):
                widget.clear()
            return
        self.question.setText(check.message(session.language))
        self.values["time"].setText(appointment.start.strftime("%H:%M"))
        try:
            clinic = session.config.clinic(appointment.clinic_id)
        except KeyError:
            self.values["clinic"].setText(appointment.clinic_name or appointment.clinic_id)
        else:
            room = self.tr("Room {room}").format(room=clinic.room) if clinic.room else ""
            self.values["clinic"].setText(f"{clinic.name(session.language)} — {room}".strip(" —"))
        if check.priority:
            order = self.tr("Called before patients without an appointment")
        else:
            order = self.tr(
                "You are early: you are called in turn with patients without an appointment"
            )
        self.values["order"].setText(order)
