"""Atomic numbering per (line, local day).

A number is taken from the counter row of its (line, day) with an atomic upsert
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`) inside the same transaction that inserts the
ticket: the row lock (PostgreSQL) or the database write lock (SQLite, `BEGIN IMMEDIATE`)
serialises kiosks, and a crash before the commit rolls back both, so numbers never collide and
never skip.

Displayed numbers are `<line prefix><seq zero-padded to number_digits>` (`Line.number`). On
PostgreSQL the whole step is one statement (a data-modifying CTE) that also formats the number
in SQL and returns the people-ahead counts, so one round trip issues a ticket.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, DateTime, String, and_, bindparam, case, cast, func, select
from sqlalchemy.dialects import postgresql

from kiosk.queue.db import counters, tickets
from kiosk.queue.lines import Line
from kiosk.queue.model import ClinicClosed
from kiosk.queue.store import QueueStore

# columns the numbering statement fills itself, or that a new ticket leaves empty
_DB_ONLY = {
    "seq",
    "number",
    "position",
    "state",
    "void_reason",
    "patient_key",
    "called_at",
    "called_by",
    "counter_id",
    "done_at",
    "printed_at",
}

Counts = tuple[int, int, int]  # called below mine, priority issued, priority called


class Taken(NamedTuple):
    seq: int
    counts: Counts | None  # PostgreSQL: taken in the same statement
    state: str  # "waiting", or "void" when the server ran the step after the deadline


def check_open(clinic: Any, now: datetime) -> None:
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


def next_seq(store: QueueStore, conn: Connection, line_id: str, day: str) -> int:
    insert = store.insert(counters).values(line_id=line_id, day=day, last_seq=1)
    stmt = insert.on_conflict_do_update(
        index_elements=[counters.c.line_id, counters.c.day],
        set_={"last_seq": counters.c.last_seq + 1},
    ).returning(counters.c.last_seq)
    return int(conn.execute(stmt).scalar_one())


class Numbering:
    def __init__(self, store: QueueStore) -> None:
        self.store = store

    def take(
        self,
        line: Line,
        values: dict[str, Any],
        hook: Callable[[], None] | None = None,
        deadline_utc: datetime | None = None,
        within: Callable[[Connection, int, str], None] | None = None,
    ) -> Taken:
        """Counter upsert and ticket insert, atomically, then `within(conn, seq, state)` in
        the same transaction. On PostgreSQL the step is one statement that also returns the
        counts for people ahead and, when the server runs it after `deadline_utc` (it was
        frozen, the kiosk gave up), stores the ticket as void: the counter never calls it.
        It notifies `queue_events` in the same statement (delivered at commit).
        `hook` (a test seam) runs inside the transaction after the number was taken."""
        store = self.store
        if not store.postgres:
            # SQLite: BEGIN IMMEDIATE (see db.make_engine) holds the write lock from the start
            with store.writer_lock(), store.engine.begin() as conn:
                seq = next_seq(store, conn, line.id, values["day"])
                if hook is not None:
                    hook()
                conn.execute(
                    tickets.insert().values(
                        seq=seq, number=line.number(seq), position=seq * 1000, **values
                    )
                )
                if within is not None:
                    within(conn, seq, "waiting")
            return Taken(seq, None, "waiting")
        params = {f"v_{k}": v for k, v in values.items() if k not in ("state", "void_reason")}
        prio = store.priority_line(line.clinic_id)
        params.update(
            p_line=line.id,
            p_prefix=line.prefix,
            p_prio="" if prio is None or prio.id == line.id else prio.id,
            p_deadline=deadline_utc,
        )
        stmt = pg_number_stmt(line.digits)
        if hook is None and within is None:
            # its own transaction; the counter row stays locked from the upsert to the commit
            with store.autocommit.connect() as conn:
                row = conn.execute(stmt, params).one()
        else:
            with store.engine.begin() as conn:
                row = conn.execute(stmt, params).one()
                if hook is not None:
                    hook()
                if within is not None:
                    within(conn, int(row[0]), str(row[4]))
        return Taken(int(row[0]), (int(row[1]), int(row[2]), int(row[3])), str(row[4]))


@functools.cache
def pg_number_stmt(digits: int) -> Any:
    """The PostgreSQL numbering statement for numbers padded to `digits` (one per count)."""
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
    late = and_(
        bindparam("p_deadline", type_=DateTime(timezone=True)).is_not(None),
        func.clock_timestamp() > bindparam("p_deadline", type_=DateTime(timezone=True)),
    )
    cols = [c.name for c in tickets.columns if c.name not in _DB_ONLY]
    t2, t3, c2 = tickets.alias("t2"), tickets.alias("t3"), counters.alias("c2")
    payload = func.json_build_object(
        "kind",
        "issued",
        "ticket_id",
        tickets.c.id,
        "number",
        tickets.c.number,
        "line_id",
        tickets.c.queue_line,
        "day",
        tickets.c.day,
        "state",
        tickets.c.state,
    )
    return (
        tickets.insert()
        .from_select(
            [*cols, "seq", "number", "position", "state", "void_reason", "patient_key"],
            select(
                *[bindparam(f"v_{c}", type_=tickets.c[c].type) for c in cols],
                upsert.c.last_seq,
                number,
                upsert.c.last_seq * 1000,
                case((late, "void"), else_="waiting"),
                case((late, "late"), else_=None),
                case((late, None), else_=bindparam("v_patient_key", type_=String)),
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
            tickets.c.state,
            func.pg_notify("queue_events", cast(payload, String)),
        )
    )
