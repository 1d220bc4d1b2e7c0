"""Queue tickets: the facade the kiosk, the CLI and the counters use.

One code path for SQLite (one kiosk, the default: `<data dir>/queue.sqlite3`) and PostgreSQL
(several kiosks sharing `storage.dsn`). The parts:

- `numbering`: atomic numbers per (line, local day), one statement on PostgreSQL;
- `waits`: people ahead and the estimated wait;
- `calls`: the counter side (call next, priority first);
- `reports`: per-line status and the database's health;
- `keys`: the keyed hash that recognises a patient (same patient, same clinic, same day →
  the same ticket, `reprint=True`); the hash is cleared from past days' tickets when the
  service starts. No name or ID is ever stored or logged.

`QueueService` wires them to one engine and keeps the API its callers use.
"""

from __future__ import annotations

import logging
import secrets
import time as _time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, update
from sqlalchemy.exc import IntegrityError, OperationalError

from hardware.status import DeviceStatus
from kiosk.queue import bounds, db, keys, registrations, reports
from kiosk.queue.calls import CallError, CallRecord, Counter, CounterCalls
from kiosk.queue.db import tickets
from kiosk.queue.keys import HASH_KEY_FILE, load_or_create_key
from kiosk.queue.lines import line_for
from kiosk.queue.lookup import TicketReader
from kiosk.queue.model import (
    TZ,
    ClinicClosed,
    LineStatus,
    QueueError,
    QueueUnavailable,
    Registration,
    Ticket,
    TicketRequest,
    iso,
    local_day,
    now_local,
)
from kiosk.queue.numbering import Numbering, Taken, check_open
from kiosk.queue.priority import all_priorities
from kiosk.queue.store import QueueStore
from kiosk.queue.voids import Voids
from kiosk.queue.waits import Estimate, WaitEstimator

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

__all__ = [
    "CallError",
    "CallRecord",
    "Counter",
    "DB_FILE",
    "HASH_KEY_FILE",
    "TZ",
    "ClinicClosed",
    "LineStatus",
    "QueueError",
    "QueueService",
    "QueueUnavailable",
    "Registration",
    "Ticket",
    "TicketRequest",
    "load_or_create_key",
    "local_day",
]

log = logging.getLogger(__name__)

DB_FILE = "queue.sqlite3"
PURGE_EVERY_S = 300.0


class QueueService:
    """Blocking; call from a worker thread in the UI. Thread-safe (one engine, pooled)."""

    def __init__(self, engine: Engine, config: KioskConfig, hash_key: bytes) -> None:
        self.store = QueueStore(engine, config)
        self.config = config
        self._key = hash_key
        self.numbering = Numbering(self.store)
        self.waits = WaitEstimator(self.store)
        self.calls = CounterCalls(self.store, self.waits)
        # test seam: called inside the numbering transaction, after the counter was taken
        self.in_transaction_hook: Callable[[], None] | None = None
        self.key_shared = True  # False: a per-data-dir key (fine for one kiosk)
        self.reader = TicketReader(self.store, self.waits)
        self.voids = Voids(self.store, config.storage.statement_timeout_s)
        self._pending_voids = self.voids.pending
        self._connect_s = (
            float(getattr(config.storage, "connect_timeout_s", 0))
            if (engine.dialect.name == "postgresql")
            else 0.0
        )
        self._last_purge = _time.monotonic()
        self.version = db.migrate(engine)
        self._purge_old_keys()
        registrations.purge(self.store)
        keys.record_fingerprint(self.store, getattr(config, "kiosk_id", ""), hash_key)

    @classmethod
    def from_config(cls, config: KioskConfig) -> QueueService:
        storage = config.storage
        dsn = storage.dsn.get_secret_value()
        data_path = Path(config.data_path)
        url = dsn or db.sqlite_url(data_path / DB_FILE)
        engine = db.make_engine(url, storage.busy_timeout_s, storage)
        key_text = storage.hash_key.get_secret_value()
        key = key_text.encode("utf-8") if key_text else load_or_create_key(data_path)
        service = cls(engine, config, key)
        service.key_shared = bool(key_text)
        return service

    @property
    def engine(self) -> Engine:
        return self.store.engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self.store.engine = engine

    def close(self) -> None:
        self.voids.closed.set()
        self.store.close()

    # -- issuing ----------------------------------------------------------------------------

    def patient_key(self, citizen_id: str) -> str:
        return keys.patient_key(self._key, citizen_id)

    def issue(
        self,
        req: TicketRequest,
        now: datetime | None = None,
        *,
        deadline: float | None = None,
        within_txn: Callable[[Connection, Ticket], None] | None = None,
    ) -> Ticket:
        """Issues the next number of the request's line (or gives the patient's ticket of
        today back, `reprint=True`).

        `deadline` (time.monotonic(); default now + storage.issue_deadline_s) bounds the whole
        call: a ticket whose answer did not arrive by then is voided (the counter never calls
        it) and QueueUnavailable is raised. `within_txn(conn, ticket)` runs in the ticket's
        transaction (e.g. to write an outbox row); if it raises, there is no ticket.
        Raises QueueUnavailable when the database is down, ClinicClosed, ValueError."""
        now = now_local(now)
        if deadline is None:
            deadline = _time.monotonic() + self.config.storage.issue_deadline_s
        day = now.date()
        try:
            clinic = self.config.clinic(req.clinic_id)
        except KeyError:
            raise ValueError(f"unknown clinic {req.clinic_id!r}") from None
        if req.priority is not None and req.priority not in {
            p.id for p in all_priorities(self.config)
        }:
            raise ValueError(f"unknown priority {req.priority!r}")
        check_open(clinic, now)
        self.voids.void_pending()
        line = line_for(clinic, req.insured, req.priority)
        key = self.patient_key(req.citizen_id) if req.citizen_id else None
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "line_id": line.id,
            "queue_line": line.id,
            "clinic_id": clinic.id,
            "day": day.isoformat(),
            "issued_at": iso(now),
            "priority": req.priority,
            "insured": req.insured,
            "insurance_verified": req.insurance_verified,
            "staff_note": req.staff_note[:500],
            "language": req.language,
            "kiosk_id": getattr(self.config, "kiosk_id", ""),
            "patient_key": key,
            "token": secrets.token_urlsafe(16),
            "target_counter": None,
            "recalls": 0,
            "skips": 0,
            "state": "waiting",
            "void_reason": None,
            "print_status": "pending",
            "print_attempts": 0,
            "print_error": "",
            "tier": 0 if req.appointment_first else 1,
            "room": clinic.room[:32] or None,
            "appointment_at": iso(req.appointment_at) if req.appointment_at else None,
        }

        def ticket_of(seq: int, est: Estimate, state: str) -> Ticket:
            return Ticket(
                id=values["id"],
                number=line.number(seq),
                seq=seq,
                clinic_id=clinic.id,
                line_id=line.id,
                day=day,
                issued_at=now,
                priority=req.priority,
                insured=req.insured,
                insurance_verified=req.insurance_verified,
                staff_note=values["staff_note"],
                people_ahead=est.ahead,
                estimated_wait_min=est.minutes,
                wait_range_min=est.range_min,
                reprint=False,
                print_status="pending",
                language=req.language,
                kiosk_id=values["kiosk_id"],
                token=values["token"],
                queue_line=line.id,
                state=state,
                room=values["room"] or "",
                appointment_at=req.appointment_at.astimezone(TZ) if req.appointment_at else None,
                tier=values["tier"],
            )

        def within(conn: Connection, seq: int, state: str) -> None:
            if req.registration is not None:
                registrations.insert(conn, self.config, values["id"], req.registration, now)
            if within_txn is not None:
                within_txn(conn, ticket_of(seq, Estimate(0, None, None), state))

        hook = within if (req.registration is not None or within_txn is not None) else None
        deadline_utc = datetime.now(UTC) + timedelta(seconds=max(0.0, deadline - _time.monotonic()))
        taken: Taken | None = None
        attempt = 0
        with bounds.deadline(deadline):
            while taken is None:
                attempt += 1
                try:
                    # the lookup is inside the retry: after a server restart the first use
                    # of a pooled connection fails (AdminShutdown) and is retried on a new one
                    if key is not None:
                        existing = self.reader.find_patient(clinic.id, day, key)
                        if existing is not None:
                            # our own attempt committed and its answer was lost: not a reprint
                            own = existing.id == values["id"]
                            return replace(existing, reprint=False) if own else existing
                    taken = self.numbering.take(
                        line, values, self.in_transaction_hook, deadline_utc, hook
                    )
                except IntegrityError:
                    # our own ticket id: an earlier attempt did commit (its answer was lost)
                    try:
                        return self.get(values["id"])
                    except KeyError:
                        pass
                    if attempt >= 5:  # (the same patient at another kiosk: found above)
                        raise
                except (OperationalError, QueueUnavailable, OSError) as exc:
                    # locked too long (SQLite), connection lost or frozen server (PostgreSQL).
                    # Try again on a fresh connection with the same ticket id: if the lost
                    # attempt committed after all, the retry hits its primary key and returns
                    # that ticket (no second number)
                    left = deadline - _time.monotonic()
                    if attempt >= 5 or left < 0.5 + self._connect_s:
                        self.voids.void_late(values["id"])
                        raise QueueUnavailable(type(exc).__name__) from exc
                    _time.sleep(min(0.05 * attempt, left / 4))
        if taken.state == "void" or _time.monotonic() > deadline:
            # the server ran the step after the deadline, or its answer came too late: the
            # kiosk has told the patient to go to the desk, so nobody must call this number
            self.voids.void_late(values["id"])
            raise QueueUnavailable("late")
        self._events_issued()
        seq, counts = taken.seq, taken.counts
        try:
            if counts is None or values["tier"] == 0:
                # (PostgreSQL's counts assume issue order: not for a ticket before walk-ins)
                row = {**values, "seq": seq, "position": seq * 1000}
                with self.store.read.connect() as conn:
                    est = self.waits.estimate(conn, row)
            else:  # PostgreSQL returned the counts with the number (same statement)
                called_below, prio_issued, prio_called = counts
                ahead = seq - 1 - called_below + (prio_issued - prio_called)
                est = self.waits.for_ahead(ahead, line.id, clinic.id, values["day"])
        except OperationalError:  # issued and committed: an estimate is not worth a refusal
            est = Estimate(0, None, None)
        return ticket_of(seq, est, "waiting")

    def _events_issued(self) -> None:
        """Housekeeping after a committed ticket: registrations past their retention."""
        if _time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = _time.monotonic()
            try:
                registrations.purge(self.store)
            except OperationalError:
                log.warning("registration purge failed; retried later")

    def _purge_old_keys(self) -> None:
        today = datetime.now(TZ).date().isoformat()
        with self.engine.begin() as conn:
            conn.execute(
                update(tickets)
                .where(tickets.c.day < today, tickets.c.patient_key.is_not(None))
                .values(patient_key=None)
            )

    # -- reading ----------------------------------------------------------------------------

    # -- reading ----------------------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        """A ticket by id (raises KeyError)."""
        return self.reader.get(ticket_id)

    def find(self, number_or_id: str, day: date | None = None) -> Ticket:
        """A ticket by its printed number for `day` (default today; "e051" and "E051" alike)
        or by its id (the QR). Raises KeyError."""
        return self.reader.find(number_or_id, day)

    def by_token(self, token: str) -> Ticket:
        """The ticket of a phone status page token (raises KeyError)."""
        return self.reader.by_token(token)

    def set_room(self, ticket_id: str, room: str) -> None:
        """The room the HIS answered for this ticket (numbering "his"); raises KeyError."""
        with self.engine.begin() as conn:
            res = conn.execute(
                update(tickets).where(tickets.c.id == ticket_id).values(room=room[:32] or None)
            )
            if res.rowcount == 0:
                raise KeyError(ticket_id)

    def void(self, ticket_id: str, reason: str = "session_ended") -> bool:
        """Voids a waiting ticket (the kiosk gave up on it: the session ended before the answer
        came); the counter never calls it. False if it was called, done or absent."""
        return self.voids.void(ticket_id, reason)

    # -- printing records ------------------------------------------------------------------

    def record_print(self, ticket_id: str, ok: bool, error: str = "", attempt: bool = True) -> None:
        """Keeps the outcome of a print attempt (`attempt=False`: a late outcome of the last
        attempt, e.g. a ticket that came out after the kiosk had given up waiting)."""
        values: dict[str, Any] = {
            "print_status": "printed" if ok else "failed",
            "print_error": "" if ok else error[:500],
        }
        if attempt:
            values["print_attempts"] = tickets.c.print_attempts + 1
        if ok:
            values["printed_at"] = iso(datetime.now(TZ))
        with self.engine.begin() as conn:
            res = conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))
            if res.rowcount == 0:
                raise KeyError(ticket_id)

    # -- the counter side and reports -------------------------------------------------------

    def call_next(
        self, line_id: str | None = None, now: datetime | None = None, counter: str = ""
    ) -> Ticket | None:
        """Calls the next waiting ticket for `counter` on `line_id` (None: the lines the
        counter serves, see `set_counter`); the clinic's priority tickets first, under the
        fairness rule `queue.priority_run`. The ticket this counter called before becomes
        done. None: nobody waiting."""
        chosen = self.calls.call_next(line_id, now, counter)
        return None if chosen is None else self.get(chosen)

    def recall(self, ticket_id: str, now: datetime | None = None) -> Ticket:
        self.calls.recall(ticket_id, now)
        return self.get(ticket_id)

    def skip(self, ticket_id: str, now: datetime | None = None) -> Ticket:
        """No-show: requeued (`queue.requeue_limit` times) or ended ("no_show")."""
        self.calls.skip(ticket_id, now)
        return self.get(ticket_id)

    def transfer(
        self, ticket_id: str, line_id: str | None = None, counter: str | None = None
    ) -> Ticket:
        self.calls.transfer(ticket_id, line_id, counter)
        return self.get(ticket_id)

    def done(self, ticket_id: str, now: datetime | None = None) -> Ticket:
        self.calls.done(ticket_id, now)
        return self.get(ticket_id)

    def set_counter(
        self, counter_id: str, name: str, lines: list[str], is_open: bool = True
    ) -> Counter:
        return self.calls.set_counter(counter_id, name, lines, is_open)

    def counters(self) -> list[Counter]:
        return self.calls.counters()

    def recent_calls(
        self, limit: int = 10, day: date | None = None, after_id: int = 0
    ) -> list[CallRecord]:
        return self.calls.recent_calls(limit, day.isoformat() if day else None, after_id)

    # -- lookups for the counter page and the phone page ------------------------------------

    def registration(self, ticket_id: str, now: datetime | None = None) -> Registration | None:
        """The registration record, None once past its retention (staff only: the caller
        checks the role and writes the audit log)."""
        return registrations.get(self.store, ticket_id, now)

    def purge_registrations(self, now: datetime | None = None) -> int:
        return registrations.purge(self.store, now)

    def key_check(self) -> DeviceStatus:
        """Doctor: do all kiosks sharing this database use the same hash key?"""
        try:
            return keys.key_check(self.store, getattr(self.config, "kiosk_id", ""), self._key)
        except (OperationalError, OSError) as exc:
            return DeviceStatus(
                ok=False,
                summary="queue hash keys not checked: database unreachable",
                fix="check storage.dsn and the database server",
                details={"error": type(exc).__name__},
            )

    def status(self, line_id: str | None = None, day: date | None = None) -> list[LineStatus]:
        return reports.line_status(self.store, self.waits, line_id, day)

    def health(self) -> DeviceStatus:
        return reports.health(self.store, self.key_shared)
