"""The counter side: counters (desks), call next with a fairness rule, recall, no-show,
transfer, done, and the call log the boards read.

Two counters calling at once never get the same ticket: on PostgreSQL the candidate row is
taken with `SELECT … FOR UPDATE SKIP LOCKED` (the other counter skips it and takes the next),
on SQLite every call holds the database write lock (`BEGIN IMMEDIATE` after the flock).
Each committed change sends a `queue_events` notification (PostgreSQL; see events.py).

Fairness (`queue.priority_run`): 0 = the clinic's waiting priority tickets always first
(strict); N = after N priority calls in a row by this counter, one normal ticket if one waits.
On a line, tickets go by (tier, position): tier 0 = appointment holders who checked in within
their window (and tickets transferred to the front), then the walk-ins, each in issue order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from kiosk.queue import events
from kiosk.queue.db import calls, desks, tickets
from kiosk.queue.model import iso, now_local
from kiosk.queue.store import QueueStore
from kiosk.queue.waits import WaitEstimator


@dataclass(frozen=True)
class Counter:
    id: str
    name: str
    lines: tuple[str, ...]
    is_open: bool


@dataclass(frozen=True)
class CallRecord:
    id: int
    ticket_id: str
    number: str
    line_id: str
    counter_id: str
    counter_name: str
    priority: bool
    called_at: datetime
    recall: int  # 0: the first call, n: the n-th recall


class CallError(ValueError):
    """The ticket is not in a state that allows this (e.g. recalling a waiting ticket)."""


class CounterCalls:
    def __init__(self, store: QueueStore, waits: WaitEstimator) -> None:
        self.store = store
        self.waits = waits

    # -- counters ---------------------------------------------------------------------------

    def set_counter(
        self,
        counter_id: str,
        name: str,
        lines: list[str] | tuple[str, ...],
        is_open: bool = True,
        now: datetime | None = None,
    ) -> Counter:
        for line_id in lines:
            if self.store.line(line_id) is None:
                raise ValueError(f"unknown line {line_id!r}")
        values = {
            "name": name[:64],
            "lines": ",".join(lines),
            "is_open": is_open,
            "updated_at": iso(now_local(now)),
        }
        stmt = self.store.insert(desks).values(id=counter_id[:32], **values)
        stmt = stmt.on_conflict_do_update(index_elements=[desks.c.id], set_=values)
        with self.store.writer_lock(), self.store.engine.begin() as conn:
            conn.execute(stmt)
            events.notify(conn, {"kind": "counter", "counter_id": counter_id, "open": is_open})
        self.waits.invalidate()
        return Counter(counter_id, name, tuple(lines), is_open)

    def counters(self) -> list[Counter]:
        with self.store.read.connect() as conn:
            rows = conn.execute(select(desks).order_by(desks.c.id)).all()
        return [
            Counter(r.id, r.name, tuple(x for x in r.lines.split(",") if x), bool(r.is_open))
            for r in rows
        ]

    def counter(self, counter_id: str) -> Counter | None:
        return next((c for c in self.counters() if c.id == counter_id), None)

    # -- calls ------------------------------------------------------------------------------

    def call_next(
        self, line_id: str | None = None, now: datetime | None = None, counter: str = ""
    ) -> str | None:
        """Calls the next waiting ticket for `counter` on `line_id` (None: the lines the
        counter serves, see set_counter) and returns its id (None: nobody waiting). The ticket
        this counter called before becomes done."""
        store = self.store
        lines = self._lines(line_id, counter)
        now = now_local(now)
        day = now.date().isoformat()
        prio_lines: list[str] = []
        for lid in lines:
            line = store.line(lid)
            prio = store.priority_line(line.clinic_id) if line else None
            if prio is not None and prio.id not in lines and prio.id not in prio_lines:
                prio_lines.append(prio.id)
        with store.writer_lock(), store.engine.begin() as conn:
            # first close this counter's previous patient: done before the candidate is
            # locked, so two calls of one counter queue here instead of deadlocking
            conn.execute(
                update(tickets)
                .where(
                    tickets.c.called_by.in_(lines),
                    func.coalesce(tickets.c.counter_id, "") == counter,
                    tickets.c.state == "called",
                )
                # A served patient may take a new number for the same clinic later that day.
                .values(state="done", done_at=iso(now), patient_key=None)
            )
            order = [prio_lines, lines] if prio_lines else [lines]
            if prio_lines and self._normal_turn(conn, counter, day):
                order.reverse()
            chosen = None
            for group in order:
                chosen = self._candidate(conn, group, day, counter)
                if chosen is not None:
                    break
            if chosen is None:
                return None
            ticket_id, number, queue_line, priority = chosen
            called_by = queue_line if queue_line in lines else lines[0]
            conn.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.state == "waiting")
                .values(state="called", called_at=iso(now), called_by=called_by, counter_id=counter)
            )
            self._log(conn, ticket_id, number, queue_line, counter, priority, now, 0, day)
        self.waits.invalidate()
        return str(ticket_id)

    def recall(self, ticket_id: str, now: datetime | None = None) -> int:
        """Announces a called ticket again; returns the recall count."""
        now = now_local(now)
        with self.store.writer_lock(), self.store.engine.begin() as conn:
            row = self._row(conn, ticket_id)
            if row.state != "called":
                raise CallError(f"ticket {row.number} is {row.state}, not called")
            count = int(row.recalls or 0) + 1
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(recalls=count))
            self._log(
                conn,
                ticket_id,
                row.number,
                row.queue_line or row.line_id,
                row.counter_id or "",
                bool(row.priority),
                now,
                count,
                row.day,
            )
        return count

    def skip(self, ticket_id: str, now: datetime | None = None) -> str:
        """A called patient did not come: back in the queue (behind `queue.requeue_behind`
        tickets) up to `queue.requeue_limit` times, then "no_show". Returns the new state."""
        settings = getattr(self.store.config, "queue", None)
        limit = getattr(settings, "requeue_limit", 1)
        behind = getattr(settings, "requeue_behind", 3)
        now = now_local(now)
        with self.store.writer_lock(), self.store.engine.begin() as conn:
            row = self._row(conn, ticket_id)
            if row.state != "called":
                raise CallError(f"ticket {row.number} is {row.state}, not called")
            if int(row.skips or 0) >= limit:
                values: dict[str, Any] = {"state": "no_show", "done_at": iso(now)}
            else:
                queue_line = row.queue_line or row.line_id
                ahead = conn.execute(
                    select(tickets.c.tier, tickets.c.position)
                    .where(
                        tickets.c.queue_line == queue_line,
                        tickets.c.day == row.day,
                        tickets.c.state == "waiting",
                    )
                    .order_by(tickets.c.tier, tickets.c.position)
                    .limit(behind)
                ).all()
                after = [(int(t), int(p)) for t, p in ahead]
                if len(after) == behind and after:  # right behind the `behind`-th ticket
                    tier, position = after[-1][0], after[-1][1] + 1
                else:  # fewer waiting: at the end
                    tier = 1
                    walk_ins = [p for t, p in after if t == 1]
                    position = (max(walk_ins) + 1) if walk_ins else int(row.position or 0)
                values = {
                    "state": "waiting",
                    "tier": tier,
                    "skips": int(row.skips or 0) + 1,
                    "position": position,
                    "called_at": None,
                    "called_by": None,
                    "counter_id": None,
                }
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))
            events.notify(
                conn,
                {"kind": "skipped", "ticket_id": ticket_id, "number": row.number,
                 "state": values["state"]},
            )  # fmt: skip
        return str(values["state"])

    def transfer(
        self,
        ticket_id: str,
        line_id: str | None = None,
        counter: str | None = None,
        now: datetime | None = None,
    ) -> None:
        """Sends a called or waiting ticket to another line and/or one counter; it waits at
        the front there (the patient has waited already) and keeps its printed number."""
        if line_id is not None and self.store.line(line_id) is None:
            raise ValueError(f"unknown line {line_id!r}")
        with self.store.writer_lock(), self.store.engine.begin() as conn:
            row = self._row(conn, ticket_id)
            if row.state not in ("waiting", "called"):
                raise CallError(f"ticket {row.number} is {row.state}")
            target = line_id or row.queue_line or row.line_id
            front = conn.execute(
                select(func.min(tickets.c.position)).where(
                    tickets.c.queue_line == target,
                    tickets.c.day == row.day,
                    tickets.c.state == "waiting",
                )
            ).scalar()
            conn.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id)
                .values(
                    state="waiting",
                    queue_line=target,
                    target_counter=counter,
                    tier=0,  # at the very front, before appointment holders too
                    position=(int(front) - 1) if front is not None else int(row.position or 0),
                    called_at=None,
                    called_by=None,
                    counter_id=None,
                )
            )
            events.notify(
                conn,
                {"kind": "transferred", "ticket_id": ticket_id, "number": row.number,
                 "line_id": target, "counter_id": counter},
            )  # fmt: skip
        self.waits.invalidate()

    def done(self, ticket_id: str, now: datetime | None = None) -> None:
        """Served: the ticket ends (a called ticket also ends when its counter calls next)."""
        now = now_local(now)
        with self.store.writer_lock(), self.store.engine.begin() as conn:
            row = self._row(conn, ticket_id)
            if row.state != "called":
                raise CallError(f"ticket {row.number} is {row.state}, not called")
            conn.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id)
                .values(state="done", done_at=iso(now), patient_key=None)
            )
            events.notify(conn, {"kind": "done", "ticket_id": ticket_id, "number": row.number})
        self.waits.invalidate()

    def recent_calls(
        self, limit: int = 10, day: str | None = None, after_id: int = 0
    ) -> list[CallRecord]:
        """The call log, newest first (`after_id`: only newer entries, for cheap polling)."""
        from kiosk.queue.model import TZ, parse_ts

        day = day or datetime.now(TZ).date().isoformat()
        with self.store.read.connect() as conn:
            rows = conn.execute(
                select(calls)
                .where(calls.c.day == day, calls.c.id > after_id)
                .order_by(calls.c.id.desc())
                .limit(limit)
            ).all()
        return [
            CallRecord(
                r.id,
                r.ticket_id,
                r.number,
                r.line_id,
                r.counter_id,
                r.counter_name,
                bool(r.priority),
                parse_ts(r.called_at),
                r.recall,
            )
            for r in rows
        ]

    # -- helpers ----------------------------------------------------------------------------

    def _lines(self, line_id: str | None, counter: str) -> list[str]:
        if line_id is not None:
            if self.store.line(line_id) is None:
                raise ValueError(f"unknown line {line_id!r}")
            return [line_id]
        desk = self.counter(counter)
        if desk is None or not desk.lines:
            raise ValueError(f"counter {counter!r} serves no line (set_counter first)")
        return list(desk.lines)

    def _candidate(
        self, conn: Connection, lines: list[str], day: str, counter: str
    ) -> tuple[str, str, str, bool] | None:
        q = (
            select(tickets.c.id, tickets.c.number, tickets.c.queue_line, tickets.c.priority)
            .where(
                tickets.c.queue_line.in_(lines),
                tickets.c.day == day,
                tickets.c.state == "waiting",
                or_(tickets.c.target_counter.is_(None), tickets.c.target_counter == counter),
            )
            .order_by(tickets.c.tier, tickets.c.position)
            .limit(1)
        )
        if self.store.postgres:
            q = q.with_for_update(skip_locked=True)
        row = conn.execute(q).first()
        return None if row is None else (row[0], row[1], row[2], row[3] is not None)

    def _normal_turn(self, conn: Connection, counter: str, day: str) -> bool:
        """Fairness: the last `priority_run` calls of this counter were all priority."""
        run = getattr(getattr(self.store.config, "queue", None), "priority_run", 0)
        if run <= 0:
            return False
        last = conn.execute(
            select(calls.c.priority)
            .where(calls.c.counter_id == counter, calls.c.day == day, calls.c.recall == 0)
            .order_by(calls.c.id.desc())
            .limit(run)
        ).scalars()
        flags = list(last)
        return len(flags) == run and all(flags)

    def _row(self, conn: Connection, ticket_id: str) -> Any:
        q = select(tickets).where(tickets.c.id == ticket_id)
        if self.store.postgres:
            q = q.with_for_update()
        row = conn.execute(q).first()
        if row is None:
            raise KeyError(ticket_id)
        return row

    def _log(
        self,
        conn: Connection,
        ticket_id: str,
        number: str,
        line_id: str,
        counter: str,
        priority: bool,
        now: datetime,
        recall: int,
        day: str,
    ) -> None:
        name = conn.execute(select(desks.c.name).where(desks.c.id == counter)).scalar()
        conn.execute(
            calls.insert().values(
                day=day,
                ticket_id=ticket_id,
                number=number,
                line_id=line_id,
                counter_id=counter,
                counter_name=name or counter,
                priority=priority,
                called_at=iso(now),
                recall=recall,
            )
        )
        events.notify(
            conn,
            {
                "kind": "recalled" if recall else "called",
                "ticket_id": ticket_id,
                "number": number,
                "line_id": line_id,
                "counter_id": counter,
                "counter_name": name or counter,
                "priority": priority,
                "recall": recall,
                "day": day,
            },
        )
