"""The counter side: calling the next ticket (the clinic's priority tickets first)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update

from kiosk.queue.db import tickets
from kiosk.queue.model import iso, now_local
from kiosk.queue.store import QueueStore
from kiosk.queue.waits import WaitEstimator


class CounterCalls:
    def __init__(self, store: QueueStore, waits: WaitEstimator) -> None:
        self.store = store
        self.waits = waits

    def call_next(self, line_id: str, now: datetime | None = None, counter: str = "") -> str | None:
        """Calls the next waiting ticket for a counter of `line_id` and returns its id (None:
        nobody waiting). The ticket this counter (`counter` names one of several serving the
        line) called before becomes done."""
        store = self.store
        line = store.line(line_id)
        if line is None:
            raise ValueError(f"unknown line {line_id!r}")
        now = now_local(now)
        day = now.date().isoformat()
        candidates = [line.id]
        prio = store.priority_line(line.clinic_id)
        if prio is not None and prio.id != line.id:
            candidates.insert(0, prio.id)
        with store.engine.begin() as conn:
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
                if store.postgres:
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
                .values(state="done", done_at=iso(now), patient_key=None)
            )
            if chosen is None:
                return None
            self.waits.invalidate()
            conn.execute(
                update(tickets)
                .where(and_(tickets.c.id == chosen, tickets.c.state == "waiting"))
                .values(state="called", called_at=iso(now), called_by=line.id, counter_id=counter)
            )
        return str(chosen)
