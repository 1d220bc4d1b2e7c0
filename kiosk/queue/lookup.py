"""Reading tickets: by id (the QR), by printed number for a day, by status token (the phone
page), and a patient's ticket of the day by the keyed hash."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from kiosk.queue.db import tickets
from kiosk.queue.model import TZ, Ticket, parse_ts
from kiosk.queue.store import QueueStore
from kiosk.queue.waits import WaitEstimator


class TicketReader:
    def __init__(self, store: QueueStore, waits: WaitEstimator) -> None:
        self.store = store
        self.waits = waits

    def get(self, ticket_id: str) -> Ticket:
        with self.store.read.connect() as conn:
            row = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
            if row is None:
                raise KeyError(ticket_id)
            return self.ticket(conn, row._mapping, reprint=False)

    def ticket(self, conn: Connection, row: Any, reprint: bool) -> Ticket:
        est = self.waits.estimate(conn, row)
        return Ticket(
            id=row["id"],
            number=row["number"],
            seq=row["seq"],
            clinic_id=row["clinic_id"],
            line_id=row["line_id"],
            day=date.fromisoformat(row["day"]),
            issued_at=parse_ts(row["issued_at"]),
            priority=row["priority"],
            insured=bool(row["insured"]),
            insurance_verified=bool(row["insurance_verified"]),
            staff_note=row["staff_note"] or "",
            people_ahead=est.ahead,
            estimated_wait_min=est.minutes,
            wait_range_min=est.range_min,
            reprint=reprint,
            print_status=row["print_status"],
            print_attempts=row["print_attempts"],
            print_error=row["print_error"] or "",
            language=row["language"],
            state=row["state"],
            kiosk_id=row["kiosk_id"] or "",
            token=row["token"] or "",
            queue_line=row["queue_line"] or row["line_id"],
            counter_id=row["counter_id"] or "",
            recalls=int(row["recalls"] or 0),
            room=row["room"] or "",
            appointment_at=parse_ts(row["appointment_at"]) if row["appointment_at"] else None,
            tier=int(row["tier"] if row["tier"] is not None else 1),
        )

    def find(self, number_or_id: str, day: date | None = None) -> Ticket:
        """A ticket by its printed number for `day` (default today; "e051" and "E051" alike)
        or by its id (the QR). Raises KeyError."""
        text_ = number_or_id.strip()
        day_s = (day or datetime.now(TZ).date()).isoformat()
        with self.store.read.connect() as conn:
            row = conn.execute(
                select(tickets).where(
                    or_(
                        tickets.c.id == text_,
                        and_(
                            tickets.c.day == day_s,
                            func.upper(tickets.c.number) == text_.upper(),
                        ),
                    )
                )
            ).first()
            if row is None:
                raise KeyError(number_or_id)
            return self.ticket(conn, row._mapping, reprint=False)

    def by_token(self, token: str) -> Ticket:
        """The ticket of a phone status page token (raises KeyError)."""
        with self.store.read.connect() as conn:
            row = conn.execute(select(tickets).where(tickets.c.token == token)).first()
            if row is None or not token:
                raise KeyError("token")
            return self.ticket(conn, row._mapping, reprint=False)

    def find_patient(self, clinic_id: str, day: date, key: str) -> Ticket | None:
        with self.store.read.connect() as conn:
            row = conn.execute(
                select(tickets).where(
                    tickets.c.clinic_id == clinic_id,
                    tickets.c.day == day.isoformat(),
                    tickets.c.patient_key == key,
                )
            ).first()
            if row is None:
                return None
            return self.ticket(conn, row._mapping, reprint=True)
