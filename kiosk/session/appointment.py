"""Appointments and slips: today's appointment looked up at the HIS (by the booking code
scanned, or else the ID), confirmed or declined by the patient, and a transfer or re-exam slip
scanned on the way (its route goes on the insurance result)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kiosk.messages import Message
from kiosk.session.answers import run_busy
from kiosk.session.steps import BUSY_STEPS, Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)


class Appointments:
    """The session's appointment lookup; counts lookups, so that a late or abandoned answer
    is dropped."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._lookup = 0

    def check(self) -> None:
        """Today's appointments at the HIS, by the booking code scanned or else the ID."""
        session = self._session
        code = session.data.scanned_code
        identity = session.data.identity
        citizen_id = None if code or identity is None else identity.citizen_id
        self._lookup += 1
        lookup = self._lookup
        services = session.services
        run_busy(
            session,
            Step.CHECKING_APPOINTMENT,
            lambda: services.find_appointment(code, citizen_id),
            self._checked,
            self._failed,
            still=lambda: self._awaited(lookup),
        )

    def timed_out(self) -> None:
        """The HIS did not answer in time: the walk-in path, as if the lookup had failed."""
        if self._awaited(self._lookup):
            self._failed(TimeoutError())

    def _awaited(self, lookup: int) -> bool:
        """`lookup` is the latest one (not given up) and the session still waits for it."""
        return lookup == self._lookup and self._session.step is Step.CHECKING_APPOINTMENT

    def _checked(self, check: Any) -> None:
        self._session.data.appointment_check = check
        self.after_lookup()

    def _failed(self, exc: BaseException) -> None:
        self._lookup += 1  # a late answer of this lookup is dropped
        log.warning("appointment lookup failed: %s", type(exc).__name__)
        from kiosk.his.appointments import unavailable

        self._session.data.appointment_check = unavailable()
        self.after_lookup()

    def after_lookup(self) -> None:
        session = self._session
        data = session.data
        check = data.appointment_check
        if check.found and check.appointment is not None and check.window != "late":
            data.message = None
            session._go(Step.APPOINTMENT)
            return
        kind = "unchecked" if check.his_unavailable else ("late" if check.found else "none")
        data.message = Message(f"appointment_{kind}", check.message_vi, check.message_en)
        session._go(Step.CHOOSE_CLINIC)


def confirm_appointment(session: Session) -> None:
    check = session.data.appointment_check
    if session.step is not Step.APPOINTMENT or check is None or check.appointment is None:
        return
    session.touch()
    data = session.data
    data.appointment = check.appointment
    data.appointment_first = bool(check.priority)
    data.clinic_id = check.appointment.clinic_id
    data.message = None
    if not data.priority_chosen and data.proposed_priorities:
        data.priority = data.proposed_priorities[0]
    session._go(Step.CHOOSE_PRIORITY)


def decline_appointment(session: Session) -> None:
    if session.step is not Step.APPOINTMENT:
        return
    session.touch()
    data = session.data
    data.appointment, data.appointment_first = None, False
    data.message = None
    session._go(Step.CHOOSE_CLINIC)


def slip_scanned(session: Session, slip: Any) -> None:
    step = session.step
    if step in BUSY_STEPS or step in (Step.TICKET, Step.PRICES, Step.PAYMENT):
        return
    if step is Step.CARD_KEY:
        return  # the chip waits for its key: one thing at a time
    from kiosk.his.appointments import slip_words

    session.touch()
    data = session.data
    data.slip = slip
    if data.eligibility is not None:
        data.eligibility = session.services.apply_slip(data.eligibility, slip)
    vi, en = slip_words(slip, session.config)
    data.message = Message("slip", vi, en)
    session._go(Step.IDENTIFY) if session.step is Step.START else session._changed()
