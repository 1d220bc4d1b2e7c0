"""People ahead and the estimated wait, as a range.

People ahead = waiting tickets before mine on the line I wait on (queue order: tier, then
position; tier 0 = appointment holders within their window, served before walk-ins), plus the
clinic's waiting priority tickets (counters serve them first).

The wait is estimated from how long counters really take per patient, not from the interval
between calls (which counts idle time as service: a quiet hour made "6 people ahead" read as
two hours). A service time is `done_at - called_at` of one ticket at one counter, so the time a
counter sat with nobody to call is never counted; breaks (over MAX_SERVICE_MIN) are dropped.
With S the median of the recent service times of the line's counters (p25/p75 for the range)
and n the counters open for the line (the `queue_desks` marked open that serve it; else those
that called on it within ACTIVE_WINDOW_MIN of its latest call; else the clinic's `counters`):

    wait ≈ (ahead - free + 0.5) × S / n   (free: open counters without a patient; each busy
                                          one is, on average, half-way through)
and 0 when fewer people are ahead than counters are free.

Before any service was measured today, S is the clinic's `service_time_min`.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from kiosk.queue.db import desks, tickets
from kiosk.queue.lines import clinic_lines
from kiosk.queue.model import iso, parse_ts
from kiosk.queue.store import QueueStore

MAX_SERVICE_MIN = 45.0  # longer "services" are breaks or a forgotten patient
ACTIVE_WINDOW_MIN = 20.0
CACHE_S = 5.0


@dataclass(frozen=True)
class Rate:
    service_min: float  # median minutes per patient at one counter
    low_min: float  # p25
    high_min: float  # p75
    counters: int  # open counters serving the line
    busy: int  # of them, with a patient now
    measured: bool  # from today's services (False: the configured service time)


@dataclass(frozen=True)
class Estimate:
    ahead: int
    minutes: int | None
    range_min: tuple[int, int] | None


class WaitEstimator:
    def __init__(self, store: QueueStore, cache_s: float = CACHE_S) -> None:
        self.store = store
        self.cache_s = cache_s
        self._cache: dict[tuple[str, str], tuple[float, Rate | None]] = {}

    def invalidate(self) -> None:
        """A call changed the service times (the next estimate reads them again)."""
        self._cache.clear()

    # -- people ahead -----------------------------------------------------------------------

    def estimate(self, conn: Connection, row: Any) -> Estimate:
        """For a stored ticket row (mapping)."""
        if row["state"] != "waiting":
            return Estimate(0, 0, (0, 0))
        queue_line = row["queue_line"] or row["line_id"]
        position = row["position"] if row["position"] is not None else row["seq"] * 1000
        tier = row.get("tier")
        tier = 1 if tier is None else int(tier)
        day = row["day"]
        mine = (
            select(func.count())
            .select_from(tickets)
            .where(
                tickets.c.queue_line == queue_line,
                tickets.c.day == day,
                tickets.c.state == "waiting",
                # calls go by (tier, position): appointment holders before walk-ins
                or_(
                    tickets.c.tier < tier,
                    and_(tickets.c.tier == tier, tickets.c.position < position),
                ),
            )
            .scalar_subquery()
        )
        prio = self.store.priority_line(row["clinic_id"])
        if prio is not None and prio.id != queue_line:
            prio_waiting = (
                select(func.count())
                .select_from(tickets)
                .where(
                    tickets.c.queue_line == prio.id,
                    tickets.c.day == day,
                    tickets.c.state == "waiting",
                )
                .scalar_subquery()
            )
            a, b = conn.execute(select(mine, prio_waiting)).one()
            ahead = int(a) + int(b)
        else:
            ahead = int(conn.execute(select(mine)).scalar_one())
        return self.for_ahead(ahead, queue_line, row["clinic_id"], day, conn)

    def for_ahead(
        self, ahead: int, line_id: str, clinic_id: str, day: str, conn: Connection | None = None
    ) -> Estimate:
        rate = self.rate(line_id, clinic_id, day, conn)
        if rate is None:
            return Estimate(ahead, None, None)
        free = max(0, rate.counters - rate.busy)
        if ahead < free:  # a counter is free for me now
            return Estimate(ahead, 0, (0, 1))
        scale = (ahead - free + 0.5) / rate.counters
        mid = scale * rate.service_min
        low = math.floor(scale * rate.low_min)
        high = max(low + 1, math.ceil(scale * rate.high_min - 1e-9))
        return Estimate(ahead, max(low, min(high, round(mid))), (low, high))

    # -- service rate -----------------------------------------------------------------------

    def rate(
        self, line_id: str, clinic_id: str, day: str, conn: Connection | None = None
    ) -> Rate | None:
        key = (line_id, day)
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.cache_s:
            return cached[1]
        if conn is None:
            with self.store.read.connect() as own:
                value = self._rate(own, line_id, clinic_id, day)
        else:
            value = self._rate(conn, line_id, clinic_id, day)
        self._cache[key] = (time.monotonic(), value)
        return value

    def _serving_lines(self, line_id: str, clinic_id: str) -> list[str]:
        """The lines whose counters serve `line_id` (a priority line is served by the
        clinic's other lines' counters)."""
        prio = self.store.priority_line(clinic_id)
        if prio is not None and prio.id == line_id:
            try:
                clinic = self.store.config.clinic(clinic_id)
            except KeyError:
                return [line_id]
            return [ln.id for ln in clinic_lines(clinic)]
        return [line_id]

    def _rate(self, conn: Connection, line_id: str, clinic_id: str, day: str) -> Rate | None:
        config: Any = self.store.config
        lines = self._serving_lines(line_id, clinic_id)
        recent = getattr(getattr(config, "queue", None), "recent_calls", 10)
        rows = conn.execute(
            select(tickets.c.called_at, tickets.c.done_at, tickets.c.counter_id)
            .where(
                tickets.c.called_by.in_(lines),
                tickets.c.day == day,
                tickets.c.done_at.is_not(None),
                tickets.c.called_at.is_not(None),
            )
            .order_by(tickets.c.done_at.desc())
            .limit(recent * 4)
        ).all()
        durations = [
            d
            for d in ((parse_ts(r[1]) - parse_ts(r[0])).total_seconds() / 60.0 for r in rows)
            if 0 < d <= MAX_SERVICE_MIN
        ][: recent * 2]
        counters = self._open_counters(conn, lines, day)
        try:
            clinic = config.clinic(clinic_id)
        except KeyError:
            clinic = None
        if counters == 0:
            counters = clinic.counters if clinic is not None else 1
        busy = int(
            conn.execute(
                select(func.count())
                .select_from(tickets)
                .where(
                    tickets.c.called_by.in_(lines),
                    tickets.c.day == day,
                    tickets.c.state == "called",
                )
            ).scalar_one()
        )
        busy = min(busy, counters)
        if len(durations) >= 3:
            q = statistics.quantiles(durations, n=4, method="inclusive")
            return Rate(statistics.median(durations), q[0], q[2], counters, busy, True)
        if clinic is None or clinic.service_time_min is None:
            return None
        base = float(clinic.service_time_min)
        return Rate(base, base * 0.6, base * 1.5, counters, busy, False)

    def _open_counters(self, conn: Connection, lines: list[str], day: str) -> int:
        rows = conn.execute(select(desks.c.lines).where(desks.c.is_open.is_(True))).scalars()
        registered = sum(1 for text in rows if set(text.split(",")) & set(lines))
        if registered:
            return registered
        # counters that called in the ACTIVE_WINDOW_MIN before the line's latest call
        latest = conn.execute(
            select(func.max(tickets.c.called_at)).where(
                tickets.c.called_by.in_(lines), tickets.c.day == day
            )
        ).scalar()
        if latest is None:
            return 0
        since = iso(parse_ts(latest) - timedelta(minutes=ACTIVE_WINDOW_MIN))
        active = conn.execute(
            select(func.count(func.distinct(func.coalesce(tickets.c.counter_id, ""))))
            .select_from(tickets)
            .where(
                tickets.c.called_by.in_(lines),
                tickets.c.day == day,
                tickets.c.called_at >= since,
            )
        ).scalar_one()
        return int(active)
