"""Voiding tickets nobody must call: the kiosk gave up on them (the session ended, or the
answer came after the deadline). A void that cannot reach the database stays pending and is
retried in the background (bounded) and before the next issue."""

from __future__ import annotations

import threading
import time as _time

from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from kiosk.queue import bounds, events
from kiosk.queue.db import tickets
from kiosk.queue.store import QueueStore


class Voids:
    def __init__(self, store: QueueStore, statement_timeout_s: float) -> None:
        self.store = store
        self.statement_timeout_s = statement_timeout_s
        self.pending: dict[str, str] = {}
        self.closed = threading.Event()

    def void(self, ticket_id: str, reason: str = "session_ended") -> bool:
        """Voids a waiting ticket (the kiosk gave up on it: the session ended before the answer
        came). Returns False if it was already called, done or not there. A database that is
        down keeps it pending; it is retried before the next issue."""
        try:
            with self.store.writer_lock(), self.store.engine.begin() as conn:
                res = conn.execute(
                    update(tickets)
                    .where(tickets.c.id == ticket_id, tickets.c.state == "waiting")
                    .values(state="void", void_reason=reason[:32], patient_key=None)
                )
                if res.rowcount:
                    events.notify(conn, {"kind": "void", "ticket_id": ticket_id})
        except (OperationalError, OSError):
            self.pending[ticket_id] = reason
            return False
        self.pending.pop(ticket_id, None)
        return bool(res.rowcount)

    def void_late(self, ticket_id: str) -> None:
        """Voids a ticket whose answer came too late (or never), off the caller's thread: the
        patient is told now; the void is retried (bounded) until the database answers, and
        again before the next issue."""
        self.pending[ticket_id] = "late"

        def run() -> None:
            for delay in (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0):
                if self.closed.wait(delay):
                    return
                bound = _time.monotonic() + self.statement_timeout_s
                with bounds.deadline(bound):
                    if ticket_id not in self.pending:
                        return
                    self.void(ticket_id, "late")
                    if ticket_id not in self.pending:
                        return

        threading.Thread(target=run, name="queue-void", daemon=True).start()

    def void_pending(self) -> None:
        for ticket_id, reason in list(self.pending.items()):
            self.void(ticket_id, reason)
