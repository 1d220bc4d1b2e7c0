"""What the rest of the kiosk uses of the HIS: issue a ticket with its registration in the
outbox, the numbering mode, appointments, slips and the hand-off state.

`HisService.issue` is the one place where a ticket and its registration meet. The outbox row
is written inside the ticket's transaction through `QueueService.issue(..., within_txn=…)`;
a QueueService without that parameter (before the queue split landed) gets the row in a
second transaction right after the ticket (the only non-atomic path, logged once).
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hardware.status import DeviceStatus
from kiosk.his.base import HisAdapter, build_his
from kiosk.his.outbox import Delivery, Outbox, OutboxStatus
from kiosk.his.record import Registration
from kiosk.his.worker import DeliveryWorker, deliver_row

log = logging.getLogger(__name__)
NOT_IN_HIS = "Chưa có trong HIS"


@dataclass(frozen=True)
class Issued:
    """The ticket to print and what the HIS made of it."""

    ticket: Any  # kiosk.queue.service.Ticket (number replaced by the HIS's in "his" mode)
    delivered: bool
    delivery: Delivery | None
    kiosk_number: str  # the kiosk's own number (also when the HIS numbered)


class HisService:
    def __init__(
        self, config: Any, engine: Any, his: HisAdapter | None = None, clock: Any = None
    ) -> None:
        self.config = config
        self.settings = config.his
        self.his = his or build_his(config)
        self.enabled = self.settings.backend != "none"
        self.outbox = Outbox(engine, self.settings.outbox, clock)
        self.worker = DeliveryWorker(self.his, self.outbox, self.settings.outbox)

    def start(self) -> None:
        if self.enabled:
            self.worker.start()

    def close(self) -> None:
        self.worker.stop()
        self.his.close()

    # -- issuing ------------------------------------------------------------------------------

    def issue(
        self, queue: Any, request: Any, reg: Registration, now: datetime | None = None
    ) -> Issued:
        if not self.enabled:
            ticket = queue.issue(request, now=now)
            return Issued(ticket, False, None, ticket.number)

        def write(conn: Any, ticket: Any) -> None:
            self.outbox.enqueue(
                conn,
                reg.with_ticket(ticket.id, ticket.number, ticket.issued_at),
                ticket.day.isoformat(),
            )

        if "within_txn" in inspect.signature(queue.issue).parameters:
            ticket = queue.issue(request, now=now, within_txn=write)
            if ticket.reprint:  # the same patient's earlier ticket: its row exists already
                pass
        else:  # before the queue split: a second transaction (not atomic; see the docstring)
            ticket = queue.issue(request, now=now)
            with queue.engine.begin() as conn:
                write(conn, ticket)
        return self._hand_off(ticket, queue)

    def issue_for_session(self, queue: Any, request: Any, data: Any) -> Issued:
        """The session's ticket (kiosk.session.PatientData) with its registration.

        Reads `data.slip` (a Slip from `parse_slip`) and `data.appointment` (an Appointment
        the patient confirmed) when the session has them."""
        from kiosk.his.record import build_registration
        from kiosk.queue.model import now_local

        appointment = getattr(data, "appointment", None)
        reg = build_registration(
            config=self.config,
            identity=data.identity,
            eligibility=data.eligibility,
            clinic_id=request.clinic_id,
            priority=request.priority,
            arrived_at=now_local(None),
            slip=getattr(data, "slip", None),
            appointment_id=appointment.id if appointment is not None else None,
        )
        return self.issue(queue, request, reg)

    def _hand_off(self, ticket: Any, queue: Any = None) -> Issued:
        """One bounded try while the patient waits; the worker does the rest."""
        kiosk_number = ticket.number
        rows = self.outbox.claim_due(limit=1, key=ticket.id)
        delivered = False
        if rows:
            delivered = deliver_row(self.his, self.outbox, rows[0], self.settings.issue_timeout_s)
        else:  # the delivery worker claimed it first: its outcome, within the same bound
            self._await_worker(ticket.id)
        state = self.outbox.state_of(ticket.id) or {}
        if state.get("state") == "delivered":
            delivered = True
        delivery = (
            Delivery(state["ma_lk"], state["his_number"], state["his_room"]) if delivered else None
        )
        if not delivered:
            self.worker.wake()
            note = " · ".join(p for p in (ticket.staff_note, NOT_IN_HIS) if p)
            return Issued(replace(ticket, staff_note=note), False, None, kiosk_number)
        assert delivery is not None
        if self.settings.numbering == "his" and delivery.number:
            extra = f"Phòng {delivery.room}" if delivery.room else ""
            note = " · ".join(
                p for p in (ticket.staff_note, extra, f"Số kiosk {kiosk_number}") if p
            )
            room = delivery.room or getattr(ticket, "room", "")
            ticket = replace(ticket, number=delivery.number, staff_note=note, room=room)
            if delivery.room and queue is not None and hasattr(queue, "set_room"):
                try:  # a reprint and the counter page show the HIS's room too
                    queue.set_room(ticket.id, delivery.room)
                except Exception as exc:  # the ticket is issued: the printed room is right
                    log.warning("HIS room not stored on the ticket: %s", type(exc).__name__)
        return Issued(ticket, True, delivery, kiosk_number)

    def _await_worker(self, key: str) -> None:
        deadline = time.monotonic() + self.settings.issue_timeout_s
        while time.monotonic() < deadline:
            state = self.outbox.state_of(key) or {}
            if state.get("state") in ("delivered", "dead") or state.get("attempts", 0) > 0:
                return  # delivered, or the worker's try failed: the patient does not wait
            time.sleep(0.05)

    # -- appointments (blocking: call on a worker) ---------------------------------------------

    def lookup_appointment(
        self, *, code: str | None = None, citizen_id: str | None = None, now: datetime | None = None
    ) -> Any:
        """Today's appointment for a booking code or a citizen ID -> AppointmentCheck, with
        the clinic mapped to this kiosk's clinics (`clinic_for`): a booking for a clinic the
        kiosk does not serve is "found, but take a number as usual"."""
        from dataclasses import replace as dc_replace

        from kiosk.his.appointments import find_appointment
        from kiosk.queue.model import now_local

        check = find_appointment(self.his, self.config, now=now_local(now), code=code,
                                 citizen_id=citizen_id)  # fmt: skip
        appt = check.appointment
        if appt is None or check.window == "late":
            return check
        clinic = self.clinic_for(appt)
        if clinic is None:
            log.info("appointment for a clinic this kiosk does not serve")
            return dc_replace(
                check,
                window="late",
                priority=False,
                message_vi=f"Lịch hẹn {appt.start:%H:%M} của bạn không khám tại khu này. "
                "Bạn lấy số như bình thường hoặc hỏi quầy tiếp đón.",
                message_en=f"Your {appt.start:%H:%M} appointment is not for a clinic here. "
                "Please take a number as usual or ask at the reception desk.",
            )
        return dc_replace(check, appointment=dc_replace(appt, clinic_id=clinic))

    def clinic_for(self, appointment: Any) -> str | None:
        """This kiosk's clinic id for the HIS's clinic of a booking: the id itself, or the
        clinic whose `his.departments` code (MA_KHOA) it is; None when the kiosk has none."""
        known = {c.id for c in self.config.clinics}
        if appointment.clinic_id in known:
            return str(appointment.clinic_id)
        for clinic_id, department in self.settings.departments.items():
            if department == appointment.clinic_id and clinic_id in known:
                return str(clinic_id)
        return None

    # -- what IT and staff see ----------------------------------------------------------------

    def status(self) -> OutboxStatus:
        return self.outbox.status()

    def retry(self) -> int:
        n = self.outbox.retry_dead()
        self.worker.wake()
        return n

    def health(self) -> DeviceStatus:
        """For `kiosk doctor`, admin mode and the counter page."""
        if not self.enabled:
            return DeviceStatus(True, "HIS: standalone (his.backend = none)")
        st = self.status()
        age = st.oldest_pending_age_s
        summary = (
            f"HIS {self.his.name}: {st.pending} pending, {st.delivered} delivered, {st.dead} dead"
            + (f", oldest pending {age:.0f} s" if age is not None else "")
        )
        link = self.his.health()
        ok = link.ok and st.dead == 0 and (age is None or age < 600)
        fix = ""
        if st.dead:
            fix = "dead letters: see `kiosk his status`, fix the cause, then `kiosk his retry`"
        elif not link.ok:
            fix = link.fix
        elif age is not None and age >= 600:
            fix = "registrations wait for more than 10 minutes: is the delivery worker running?"
        return DeviceStatus(
            ok,
            summary + ("" if link.ok else f"; {link.summary}"),
            fix,
            {k: str(v) for k, v in st.as_dict().items()},
        )
