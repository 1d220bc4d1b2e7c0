"""Queue tickets: atomic numbering per (line, local day), reprints, calls and waiting times.

One code path for SQLite (one kiosk, the default: `<data dir>/queue.sqlite3`) and PostgreSQL
(several kiosks sharing `storage.dsn`). A number is taken from the counter row of its
(line, day) with an atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) inside the
same transaction that inserts the ticket: the row lock (PostgreSQL) or the database write lock
(SQLite, `BEGIN IMMEDIATE`) serialises kiosks, and a crash before the commit rolls back both,
so numbers never collide and never skip.

Displayed numbers are `<line prefix><seq zero-padded to number_digits>`: `N012` on the clinic's
line, `NB012` on its insured line, `N-ƯT003` on its priority line (prefixes are configurable).
The day is the date in Asia/Ho_Chi_Minh, so numbering restarts at local midnight.

Patients are recognised only by HMAC-SHA256(key, citizen ID) (`storage.hash_key`, or a key
generated once in `<data dir>/queue-hash.key`, mode 0600); the hash is cleared from past days'
tickets when the service starts. No name or ID is ever stored or logged.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
import time as _time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError

from hardware.status import DeviceStatus
from kiosk.queue import db
from kiosk.queue.db import counters, tickets
from kiosk.queue.lines import Line, clinic_lines, line_by_id, line_for
from kiosk.queue.priority import all_priorities

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)


def _local_tz() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Ho_Chi_Minh")
    except Exception:  # no tz database: Vietnam has had UTC+7 without DST since 1975
        return timezone(timedelta(hours=7), "ICT")


TZ = _local_tz()
HASH_KEY_FILE = "queue-hash.key"
DB_FILE = "queue.sqlite3"
MAX_INTERVAL_MIN = 60.0  # longer gaps between calls (breaks) are not service times
INTERVAL_CACHE_S = 5.0
_DB_ONLY = {"seq", "number", "called_at", "called_by", "counter_id", "done_at", "printed_at"}


class QueueError(Exception):
    """A ticket cannot be issued; message_vi/message_en are for the screen."""

    def __init__(self, message_en: str, message_vi: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_vi = message_vi

    def message(self, language: str) -> str:
        return self.message_vi if language == "vi" else self.message_en


class ClinicClosed(QueueError):
    pass


@dataclass(frozen=True)
class TicketRequest:
    clinic_id: str
    insured: bool
    priority: str | None = None
    citizen_id: str | None = None  # only hashed, never stored
    insurance_verified: bool = False
    staff_note: str = ""
    language: str = "vi"


@dataclass(frozen=True)
class Ticket:
    id: str  # uuid4, also the QR payload
    number: str  # displayed, e.g. "N012", "NB012", "N-ƯT003"
    seq: int
    clinic_id: str
    line_id: str
    day: date  # local (Asia/Ho_Chi_Minh) day of issue
    issued_at: datetime  # aware, Asia/Ho_Chi_Minh
    priority: str | None
    insured: bool
    insurance_verified: bool
    staff_note: str
    people_ahead: int
    estimated_wait_min: int | None
    reprint: bool
    print_status: str  # "pending", "printed" or "failed"
    print_attempts: int = 0
    print_error: str = ""
    language: str = "vi"
    state: str = "waiting"  # "waiting", "called" or "done"
    kiosk_id: str = ""


@dataclass(frozen=True)
class LineStatus:
    line_id: str
    clinic_id: str
    kind: str
    day: date
    issued: int  # numbers given today
    waiting: int
    called: int  # called or done
    current_number: str | None  # the number called last
    service_min: float | None  # measured minutes between calls (None: no data yet)
    print_failed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "line_id": self.line_id,
            "clinic_id": self.clinic_id,
            "kind": self.kind,
            "day": self.day.isoformat(),
            "issued": self.issued,
            "waiting": self.waiting,
            "called": self.called,
            "current_number": self.current_number,
            "service_min": None if self.service_min is None else round(self.service_min, 2),
            "print_failed": self.print_failed,
        }


def local_day(now: datetime) -> date:
    return now.astimezone(TZ).date()


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts).astimezone(TZ)


def load_or_create_key(data_dir: Path) -> bytes:
    """The per-data-dir HMAC key, created once (0600) and shared by processes using the dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / HASH_KEY_FILE
    for _ in range(100):
        try:
            raw = path.read_text(encoding="ascii").strip()
            if raw:
                return bytes.fromhex(raw)
        except FileNotFoundError:
            tmp = data_dir / f".{HASH_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # atomic; fails if another process won
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            continue
        _time.sleep(0.01)
    raise RuntimeError(f"cannot read the hash key {path}")


class QueueService:
    """Blocking; call from a worker thread in the UI. Thread-safe (one engine, pooled)."""

    def __init__(self, engine: Engine, config: KioskConfig, hash_key: bytes) -> None:
        self.engine = engine
        self.config = config
        self._key = hash_key
        self._postgres = engine.dialect.name == "postgresql"
        self._insert = postgresql.insert if self._postgres else sqlite.insert
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = db.reader(engine)
        self._interval_cache: dict[str, tuple[float, float | None]] = {}
        self._lock_fd: int | None = None
        self._thread_lock = threading.Lock()
        # test seam: called inside the numbering transaction, after the counter was taken
        self.in_transaction_hook: Callable[[], None] | None = None
        self.key_shared = True  # False: a per-data-dir key (fine for one kiosk)
        self.version = db.migrate(engine)
        self._purge_old_keys()

    @classmethod
    def from_config(cls, config: KioskConfig) -> QueueService:
        storage = config.storage
        dsn = storage.dsn.get_secret_value()
        data_path = Path(config.data_path)
        url = dsn or db.sqlite_url(data_path / DB_FILE)
        engine = db.make_engine(url, storage.busy_timeout_s)
        key_text = storage.hash_key.get_secret_value()
        key = key_text.encode("utf-8") if key_text else load_or_create_key(data_path)
        service = cls(engine, config, key)
        service.key_shared = bool(key_text)
        return service

    def close(self) -> None:
        self.engine.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """An exclusive flock on `<sqlite file>.lock` (SQLite only; a no-op for memory DBs).
        Threads of one process serialise on a mutex first (flock is per open file)."""
        database = self.engine.url.database
        if not database or database == ":memory:":
            yield
            return
        with self._thread_lock:
            if self._lock_fd is None:
                self._lock_fd = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # -- issuing ----------------------------------------------------------------------------

    def patient_key(self, citizen_id: str) -> str:
        return hmac.new(self._key, citizen_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()

    def issue(self, req: TicketRequest, now: datetime | None = None) -> Ticket:
        now = (now or datetime.now(TZ)).astimezone(TZ)
        day = now.date()
        try:
            clinic = self.config.clinic(req.clinic_id)
        except KeyError:
            raise ValueError(f"unknown clinic {req.clinic_id!r}") from None
        if req.priority is not None and req.priority not in {
            p.id for p in all_priorities(self.config)
        }:
            raise ValueError(f"unknown priority {req.priority!r}")
        self._check_open(clinic, now)
        line = line_for(clinic, req.insured, req.priority)
        key = self.patient_key(req.citizen_id) if req.citizen_id else None
        if key is not None:
            existing = self._find_patient(clinic.id, day, key)
            if existing is not None:
                return existing
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "line_id": line.id,
            "clinic_id": clinic.id,
            "day": day.isoformat(),
            "issued_at": _iso(now),
            "priority": req.priority,
            "insured": req.insured,
            "insurance_verified": req.insurance_verified,
            "staff_note": req.staff_note[:500],
            "language": req.language,
            "kiosk_id": self.config.kiosk_id,
            "patient_key": key,
            "state": "waiting",
            "print_status": "pending",
            "print_attempts": 0,
            "print_error": "",
        }
        for attempt in range(5):
            try:
                seq, counts = self._take_number(line, values)
                break
            except IntegrityError:
                # our own ticket id: an earlier attempt did commit (its answer was lost)
                try:
                    return self.get(values["id"])
                except KeyError:
                    pass
                # the same patient at another kiosk at the same moment
                if key is not None:
                    existing = self._find_patient(clinic.id, day, key)
                    if existing is not None:
                        return existing
                if attempt == 4:
                    raise
            except OperationalError:
                # locked too long (SQLite) or connection lost (PostgreSQL). Try again on a
                # fresh connection with the same ticket id: if the lost attempt committed after
                # all, the retry hits its primary key and returns that ticket (no second number)
                if attempt == 4:
                    raise
                _time.sleep(0.05 * (attempt + 1))
        if counts is None:
            with self._read.connect() as conn:
                ahead, wait = self._ahead(conn, line.id, clinic.id, values["day"], seq, "waiting")
        else:  # PostgreSQL returned the counts with the number (same statement)
            called_below, prio_issued, prio_called = counts
            ahead = seq - 1 - called_below + (prio_issued - prio_called)
            wait = self._wait(ahead, line.id, clinic.id)
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
            people_ahead=ahead,
            estimated_wait_min=wait,
            reprint=False,
            print_status="pending",
            language=req.language,
            kiosk_id=values["kiosk_id"],
        )

    def _take_number(
        self, line: Line, values: dict[str, Any]
    ) -> tuple[int, tuple[int, int, int] | None]:
        """Counter upsert and ticket insert, atomically. Returns the sequence number and, on
        PostgreSQL, the counts for people ahead (tickets of the line already called below
        mine; priority tickets of the clinic issued and called), taken in the same statement."""
        if not self._postgres:
            # SQLite: BEGIN IMMEDIATE (see db.make_engine) holds the write lock from the start.
            # Kiosk processes first queue on a kernel file lock (woken in turn, released if the
            # process dies) instead of SQLite's sleep-and-retry busy handler: same safety,
            # far smaller latency spikes under contention.
            with self._writer_lock(), self.engine.begin() as conn:
                seq = self._next_seq(conn, line.id, values["day"])
                if self.in_transaction_hook is not None:
                    self.in_transaction_hook()
                conn.execute(tickets.insert().values(seq=seq, number=line.number(seq), **values))
            return seq, None
        # PostgreSQL: one statement (a data-modifying CTE), its own transaction; the counter
        # row stays locked from the upsert to the commit
        params = {f"v_{k}": v for k, v in values.items()}
        prio = self._priority_line(line.clinic_id)
        params.update(
            p_line=line.id,
            p_prefix=line.prefix,
            p_prio="" if prio is None or prio.id == line.id else prio.id,
        )
        stmt = self._pg_number_stmt(line.digits)
        if self.in_transaction_hook is None:
            with self._autocommit.connect() as conn:
                row = conn.execute(stmt, params).one()
        else:
            with self.engine.begin() as conn:  # the test seam needs a transaction to stop in
                row = conn.execute(stmt, params).one()
                self.in_transaction_hook()
        return int(row[0]), (int(row[1]), int(row[2]), int(row[3]))

    @functools.cache  # noqa: B019 - a handful of statements, one per digit count, kept for the service's life
    def _pg_number_stmt(self, digits: int) -> Any:
        upsert = (
            postgresql.insert(counters)
            .values(line_id=bindparam("p_line"), day=bindparam("v_day"), last_seq=1)
            .on_conflict_do_update(
                index_elements=[counters.c.line_id, counters.c.day],
                set_={"last_seq": counters.c.last_seq + 1},
            )
            .returning(counters.c.last_seq)
            .cte("taken")
        )
        seq_text = cast(upsert.c.last_seq, String)
        number = bindparam("p_prefix", type_=String) + case(
            (upsert.c.last_seq >= 10**digits, seq_text),
            else_=func.lpad(seq_text, digits, "0"),
        )
        cols = [c.name for c in tickets.columns if c.name not in _DB_ONLY]
        t2, t3, c2 = tickets.alias("t2"), tickets.alias("t3"), counters.alias("c2")
        return (
            tickets.insert()
            .from_select(
                [*cols, "seq", "number"],
                select(
                    *[bindparam(f"v_{c}", type_=tickets.c[c].type) for c in cols],
                    upsert.c.last_seq,
                    number,
                ),
            )
            .returning(
                tickets.c.seq,
                select(func.count())
                .select_from(t2)
                .where(
                    t2.c.line_id == bindparam("p_line"),
                    t2.c.day == bindparam("v_day"),
                    t2.c.state != "waiting",
                    t2.c.seq < upsert.c.last_seq,
                )
                .scalar_subquery(),
                select(func.coalesce(func.max(c2.c.last_seq), 0))
                .where(c2.c.line_id == bindparam("p_prio"), c2.c.day == bindparam("v_day"))
                .scalar_subquery(),
                select(func.count())
                .select_from(t3)
                .where(
                    t3.c.line_id == bindparam("p_prio"),
                    t3.c.day == bindparam("v_day"),
                    t3.c.state != "waiting",
                )
                .scalar_subquery(),
            )
        )

    def _next_seq(self, conn: Connection, line_id: str, day: str) -> int:
        insert = self._insert(counters).values(line_id=line_id, day=day, last_seq=1)
        stmt = insert.on_conflict_do_update(
            index_elements=[counters.c.line_id, counters.c.day],
            set_={"last_seq": counters.c.last_seq + 1},
        ).returning(counters.c.last_seq)
        return int(conn.execute(stmt).scalar_one())

    def _check_open(self, clinic: Any, now: datetime) -> None:
        if now.isoweekday() not in clinic.open_weekdays:
            raise ClinicClosed("The clinic is closed today.", "Phòng khám không làm việc hôm nay.")
        if not clinic.opening_hours:
            return
        hm = now.strftime("%H:%M")
        for period in clinic.opening_hours:
            start, end = period.split("-")
            if start <= hm < end:
                return
        hours = ", ".join(clinic.opening_hours)
        raise ClinicClosed(
            f"The clinic issues tickets only {hours}.",
            f"Phòng khám chỉ phát số trong giờ {hours}.",
        )

    def _find_patient(self, clinic_id: str, day: date, key: str) -> Ticket | None:
        with self._read.connect() as conn:
            row = conn.execute(
                select(tickets).where(
                    tickets.c.clinic_id == clinic_id,
                    tickets.c.day == day.isoformat(),
                    tickets.c.patient_key == key,
                )
            ).first()
            if row is None:
                return None
            return self._ticket(conn, row._mapping, reprint=True)

    def _purge_old_keys(self) -> None:
        today = datetime.now(TZ).date().isoformat()
        with self.engine.begin() as conn:
            conn.execute(
                update(tickets)
                .where(tickets.c.day < today, tickets.c.patient_key.is_not(None))
                .values(patient_key=None)
            )

    # -- reading ----------------------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        with self._read.connect() as conn:
            row = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
            if row is None:
                raise KeyError(ticket_id)
            return self._ticket(conn, row._mapping, reprint=False)

    def _ticket(self, conn: Connection, row: Any, reprint: bool) -> Ticket:
        ahead, wait = self._ahead(
            conn, row["line_id"], row["clinic_id"], row["day"], row["seq"], row["state"]
        )
        return Ticket(
            id=row["id"],
            number=row["number"],
            seq=row["seq"],
            clinic_id=row["clinic_id"],
            line_id=row["line_id"],
            day=date.fromisoformat(row["day"]),
            issued_at=_parse(row["issued_at"]),
            priority=row["priority"],
            insured=bool(row["insured"]),
            insurance_verified=bool(row["insurance_verified"]),
            staff_note=row["staff_note"] or "",
            people_ahead=ahead,
            estimated_wait_min=wait,
            reprint=reprint,
            print_status=row["print_status"],
            print_attempts=row["print_attempts"],
            print_error=row["print_error"] or "",
            language=row["language"],
            state=row["state"],
            kiosk_id=row["kiosk_id"] or "",
        )

    def _line(self, line_id: str) -> Line | None:
        try:
            return line_by_id(self.config, line_id)
        except KeyError:
            return None

    def _priority_line(self, clinic_id: str) -> Line | None:
        try:
            clinic = self.config.clinic(clinic_id)
        except KeyError:
            return None
        return next((ln for ln in clinic_lines(clinic) if ln.kind == "priority"), None)

    def _ahead(
        self, conn: Connection, line_id: str, clinic_id: str, day: str, seq: int, state: str
    ) -> tuple[int, int | None]:
        """People ahead (waiting on the line with a lower number, plus the clinic's waiting
        priority tickets, which counters serve first) and the estimated wait in minutes.

        Counted from the other side: numbers below mine minus those already called, so the
        query reads the called tickets (few) rather than the waiting ones."""
        if state != "waiting":
            return 0, 0
        not_waiting = tickets.c.state != "waiting"
        called_below = (
            select(func.count())
            .select_from(tickets)
            .where(
                tickets.c.line_id == line_id, tickets.c.day == day, not_waiting, tickets.c.seq < seq
            )
            .scalar_subquery()
        )
        prio = self._priority_line(clinic_id)
        if prio is not None and prio.id != line_id:
            prio_issued = (
                select(func.coalesce(func.max(counters.c.last_seq), 0))
                .where(counters.c.line_id == prio.id, counters.c.day == day)
                .scalar_subquery()
            )
            prio_called = (
                select(func.count())
                .select_from(tickets)
                .where(tickets.c.line_id == prio.id, tickets.c.day == day, not_waiting)
                .scalar_subquery()
            )
            row = conn.execute(select(called_below, prio_issued, prio_called)).one()
            ahead = (seq - 1 - int(row[0])) + (int(row[1]) - int(row[2]))
        else:
            ahead = seq - 1 - int(conn.execute(select(called_below)).scalar_one())
        per_patient = self._minutes_per_call(conn, line_id, clinic_id)
        if per_patient is None:
            return ahead, None
        return ahead, int(math.ceil(ahead * per_patient - 1e-9))

    def _wait(self, ahead: int, line_id: str, clinic_id: str) -> int | None:
        """The estimated wait; reads the database only when the service time is not cached."""
        per_patient = self._minutes_per_call(None, line_id, clinic_id)
        if per_patient is None:
            return None
        return int(math.ceil(ahead * per_patient - 1e-9))

    def _measured_interval(self, conn: Connection | None, line_id: str) -> float | None:
        """Mean minutes between recent consecutive calls by the counter(s) of `line_id`
        (cached for INTERVAL_CACHE_S; a call from this process refreshes it)."""
        cached = self._interval_cache.get(line_id)
        if cached is not None and _time.monotonic() - cached[0] < INTERVAL_CACHE_S:
            return cached[1]
        if conn is None:
            with self._read.connect() as own:
                value = self._measure_interval(own, line_id)
        else:
            value = self._measure_interval(conn, line_id)
        self._interval_cache[line_id] = (_time.monotonic(), value)
        return value

    def _measure_interval(self, conn: Connection, line_id: str) -> float | None:
        recent = getattr(getattr(self.config, "queue", None), "recent_calls", 10)
        rows = conn.execute(
            select(tickets.c.called_at)
            .where(tickets.c.called_by == line_id, tickets.c.called_at.is_not(None))
            .order_by(tickets.c.called_at.desc())
            .limit(recent + 1)
        ).all()
        times = [_parse(r[0]) for r in rows]
        gaps = [
            (a - b).total_seconds() / 60.0
            for a, b in zip(times, times[1:], strict=False)
            if a.date() == b.date()
        ]
        gaps = [g for g in gaps if g <= MAX_INTERVAL_MIN]
        return sum(gaps) / len(gaps) if gaps else None

    def _minutes_per_call(
        self, conn: Connection | None, line_id: str, clinic_id: str
    ) -> float | None:
        measured = self._measured_interval(conn, line_id)
        if measured is None:
            prio = self._priority_line(clinic_id)
            if prio is not None and prio.id == line_id:
                # priority tickets are called by the other lines' counters
                vals = [
                    v
                    for ln in clinic_lines(self.config.clinic(clinic_id))
                    if ln.kind != "priority"
                    for v in [self._measured_interval(conn, ln.id)]
                    if v is not None
                ]
                measured = min(vals) if vals else None
        if measured is not None:
            return measured
        try:
            clinic = self.config.clinic(clinic_id)
        except KeyError:
            return None
        if clinic.service_time_min is None:
            return None
        return float(clinic.service_time_min) / clinic.counters

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
            values["printed_at"] = _iso(datetime.now(TZ))
        with self.engine.begin() as conn:
            res = conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))
            if res.rowcount == 0:
                raise KeyError(ticket_id)

    # -- the counter side -------------------------------------------------------------------

    def call_next(
        self, line_id: str, now: datetime | None = None, counter: str = ""
    ) -> Ticket | None:
        """Calls the next waiting ticket for a counter of `line_id` (priority tickets of the
        clinic first); the ticket this counter (`counter` names one of several serving the
        line) called before becomes done."""
        line = self._line(line_id)
        if line is None:
            raise ValueError(f"unknown line {line_id!r}")
        now = (now or datetime.now(TZ)).astimezone(TZ)
        day = now.date().isoformat()
        candidates = [line.id]
        prio = self._priority_line(line.clinic_id)
        if prio is not None and prio.id != line.id:
            candidates.insert(0, prio.id)
        with self.engine.begin() as conn:
            chosen = None
            for cand in candidates:
                q = (
                    select(tickets.c.id)
                    .where(
                        tickets.c.line_id == cand,
                        tickets.c.day == day,
                        tickets.c.state == "waiting",
                    )
                    .order_by(tickets.c.seq)
                    .limit(1)
                )
                if self._postgres:
                    q = q.with_for_update(skip_locked=True)
                chosen = conn.execute(q).scalar()
                if chosen is not None:
                    break
            conn.execute(
                update(tickets)
                .where(
                    tickets.c.called_by == line.id,
                    func.coalesce(tickets.c.counter_id, "") == counter,
                    tickets.c.state == "called",
                )
                # A served patient may take a new number for the same clinic later that day.
                .values(state="done", done_at=_iso(now), patient_key=None)
            )
            if chosen is None:
                return None
            self._interval_cache.clear()
            conn.execute(
                update(tickets)
                .where(and_(tickets.c.id == chosen, tickets.c.state == "waiting"))
                .values(state="called", called_at=_iso(now), called_by=line.id, counter_id=counter)
            )
        return self.get(chosen)

    def status(self, line_id: str | None = None, day: date | None = None) -> list[LineStatus]:
        day_s = (day or datetime.now(TZ).date()).isoformat()
        lines = (
            [line_by_id(self.config, line_id)]
            if line_id
            else [ln for c in self.config.clinics for ln in clinic_lines(c)]
        )
        out = []
        with self._read.connect() as conn:
            for ln in lines:
                counts: dict[str, int] = dict(
                    conn.execute(
                        select(tickets.c.state, func.count())
                        .where(tickets.c.line_id == ln.id, tickets.c.day == day_s)
                        .group_by(tickets.c.state)
                    ).all()
                )
                failed = conn.execute(
                    select(func.count())
                    .select_from(tickets)
                    .where(
                        tickets.c.line_id == ln.id,
                        tickets.c.day == day_s,
                        tickets.c.print_status == "failed",
                    )
                ).scalar_one()
                issued = conn.execute(
                    select(counters.c.last_seq).where(
                        counters.c.line_id == ln.id, counters.c.day == day_s
                    )
                ).scalar()
                current = conn.execute(
                    select(tickets.c.number)
                    .where(
                        tickets.c.called_by == ln.id,
                        tickets.c.day == day_s,
                        tickets.c.called_at.is_not(None),
                    )
                    .order_by(tickets.c.called_at.desc())
                    .limit(1)
                ).scalar()
                out.append(
                    LineStatus(
                        line_id=ln.id,
                        clinic_id=ln.clinic_id,
                        kind=ln.kind,
                        day=date.fromisoformat(day_s),
                        issued=int(issued or 0),
                        waiting=int(counts.get("waiting", 0)),
                        called=int(counts.get("called", 0) + counts.get("done", 0)),
                        current_number=current,
                        service_min=self._measured_interval(conn, ln.id),
                        print_failed=int(failed),
                    )
                )
        return out

    def health(self) -> DeviceStatus:
        url = self.engine.url
        where = f"{url.get_backend_name()} {url.host or ''}{'/' if url.host else ''}{url.database or ''}"
        try:
            with db.reader(self.engine).connect() as conn:
                version = db.current_version(conn)
                today = datetime.now(TZ).date().isoformat()
                count = conn.execute(
                    select(func.count()).select_from(tickets).where(tickets.c.day == today)
                ).scalar_one()
        except Exception as exc:  # report, never raise
            return DeviceStatus(
                ok=False,
                summary=f"queue database unreachable ({where.strip()})",
                fix="check storage.dsn, the database server and the network",
                details={"error": type(exc).__name__},
            )
        ok = version == db.SCHEMA_VERSION
        fix = "" if ok else "schema version mismatch: update every kiosk to the same version"
        details = {"backend": url.get_backend_name(), "schema": str(version), "today": str(count)}
        if self._postgres and not self.key_shared:
            # kiosks sharing a database must share the key, or reprints are not recognised
            details["hash_key"] = "per kiosk"
            fix = fix or "set the same storage.hash_key on every kiosk sharing this database"
        return DeviceStatus(
            ok=ok,
            summary=f"queue database {where.strip()}, schema {version}, {count} tickets today",
            fix=fix,
            details=details,
        )
