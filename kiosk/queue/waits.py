"""People ahead and the estimated wait.

People ahead = waiting tickets of my line with a lower number + the clinic's waiting priority
tickets (counters serve them first). Estimated wait = people ahead × the mean interval between
the last `recent_calls` calls of the line's counter(s) today (gaps over MAX_INTERVAL_MIN are
breaks, not service times), else `service_time_min / counters` from the configuration.
"""

from __future__ import annotations

import math
import time
from typing import Any

from sqlalchemy import Connection, func, select

from kiosk.queue.db import counters, tickets
from kiosk.queue.lines import clinic_lines
from kiosk.queue.model import parse_ts
from kiosk.queue.store import QueueStore

MAX_INTERVAL_MIN = 60.0  # longer gaps between calls (breaks) are not service times
INTERVAL_CACHE_S = 5.0


class WaitEstimator:
    def __init__(self, store: QueueStore) -> None:
        self.store = store
        self._cache: dict[str, tuple[float, float | None]] = {}

    def invalidate(self) -> None:
        """A call changed the service times (the next estimate reads them again)."""
        self._cache.clear()

    def ahead(
        self, conn: Connection, line_id: str, clinic_id: str, day: str, seq: int, state: str
    ) -> tuple[int, int | None]:
        """People ahead and the estimated wait in minutes of ticket `seq` of `line_id`.

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
        prio = self.store.priority_line(clinic_id)
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
        return ahead, self.wait(ahead, line_id, clinic_id, conn)

    def wait(
        self, ahead: int, line_id: str, clinic_id: str, conn: Connection | None = None
    ) -> int | None:
        """The estimated wait; reads the database only when the service time is not cached."""
        per_patient = self.minutes_per_call(conn, line_id, clinic_id)
        if per_patient is None:
            return None
        return int(math.ceil(ahead * per_patient - 1e-9))

    def measured_interval(self, conn: Connection | None, line_id: str) -> float | None:
        """Mean minutes between recent consecutive calls by the counter(s) of `line_id`
        (cached for INTERVAL_CACHE_S; a call from this process refreshes it)."""
        cached = self._cache.get(line_id)
        if cached is not None and time.monotonic() - cached[0] < INTERVAL_CACHE_S:
            return cached[1]
        if conn is None:
            with self.store.read.connect() as own:
                value = self._measure(own, line_id)
        else:
            value = self._measure(conn, line_id)
        self._cache[line_id] = (time.monotonic(), value)
        return value

    def _measure(self, conn: Connection, line_id: str) -> float | None:
        recent = getattr(getattr(self.store.config, "queue", None), "recent_calls", 10)
        rows = conn.execute(
            select(tickets.c.called_at)
            .where(tickets.c.called_by == line_id, tickets.c.called_at.is_not(None))
            .order_by(tickets.c.called_at.desc())
            .limit(recent + 1)
        ).all()
        times = [parse_ts(r[0]) for r in rows]
        gaps = [
            (a - b).total_seconds() / 60.0
            for a, b in zip(times, times[1:], strict=False)
            if a.date() == b.date()
        ]
        gaps = [g for g in gaps if g <= MAX_INTERVAL_MIN]
        return sum(gaps) / len(gaps) if gaps else None

    def minutes_per_call(
        self, conn: Connection | None, line_id: str, clinic_id: str
    ) -> float | None:
        config: Any = self.store.config
        measured = self.measured_interval(conn, line_id)
        if measured is None:
            prio = self.store.priority_line(clinic_id)
            if prio is not None and prio.id == line_id:
                # priority tickets are called by the other lines' counters
                vals = [
                    v
                    for ln in clinic_lines(config.clinic(clinic_id))
                    if ln.kind != "priority"
                    for v in [self.measured_interval(conn, ln.id)]
                    if v is not None
                ]
                measured = min(vals) if vals else None
        if measured is not None:
            return measured
        try:
            clinic = config.clinic(clinic_id)
        except KeyError:
            return None
        if clinic.service_time_min is None:
            return None
        return float(clinic.service_time_min) / clinic.counters
