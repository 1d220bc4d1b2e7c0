"""Live board/phone updates: one hub per server process, fanned out to SSE subscribers.

What wakes the hub: this server's own calls (at once); on PostgreSQL, LISTEN on the queue's
`queue_events` channel (a thread blocked in psycopg's notifies(), no polling); on SQLite (one
machine), a cheap change-signature query every `sqlite_poll_s` to see kiosks' tickets.
On a wake the hub reads the board state once and hands it to every subscriber, so N boards
cost one query set, not N.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text

from kiosk.queue.db import tickets
from kiosk.queue.service import TZ

log = logging.getLogger(__name__)
CHANNEL = "queue_events"


def notify(engine: Any, payload: dict[str, Any]) -> None:
    """pg_notify for other servers (only when the queue package does not send it itself)."""
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": json.dumps(payload)})
        conn.commit()


class Hub:
    def __init__(self, snapshot: Callable[[], dict[str, Any]]) -> None:
        self._snapshot = snapshot
        self._subs: set[asyncio.Queue[dict[str, Any]]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.state: dict[str, Any] | None = None
        self._dirty = asyncio.Event()
        self._stop = threading.Event()
        self.wakes = 0

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=50)
        self._subs.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any]]) -> None:
        self._subs.discard(q)

    def wake(self) -> None:
        """Thread-safe: something changed, read the state again."""
        loop = self.loop
        if loop is not None and not self._stop.is_set():
            with contextlib.suppress(RuntimeError):  # the server stopped in between
                loop.call_soon_threadsafe(self._dirty.set)

    async def run(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._dirty.set()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            try:
                state = await asyncio.to_thread(self._snapshot)
            except Exception as exc:  # database away: boards keep their last state
                log.warning("board state not read: %s", type(exc).__name__)
                await asyncio.sleep(1.0)
                self._dirty.set()
                continue
            self.state = state
            self.wakes += 1
            for q in list(self._subs):
                if q.full():
                    q.get_nowait()  # a slow board skips a stale state
                q.put_nowait(state)

    def stop(self) -> None:
        self._stop.set()
        self.loop = None

    # -- wake sources ---------------------------------------------------------------------

    def listen_postgres(self, dsn: str) -> threading.Thread:
        def run() -> None:
            import psycopg

            conninfo = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
            while not self._stop.is_set():
                try:
                    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                        conn.execute(f"LISTEN {CHANNEL}")
                        self.wake()  # changes missed while away
                        while not self._stop.is_set():  # timeout: look at _stop
                            for _note in conn.notifies(timeout=1.0):
                                self.wake()
                except Exception as exc:
                    log.warning("LISTEN %s lost (%s); reconnecting", CHANNEL, type(exc).__name__)
                    time.sleep(1.0)

        t = threading.Thread(target=run, name="pg-listen", daemon=True)
        t.start()
        return t

    def poll_sqlite(self, engine: Any, every_s: float) -> threading.Thread:
        def signature() -> tuple[Any, ...]:
            day = datetime.now(TZ).date().isoformat()
            with engine.connect() as conn:
                return tuple(
                    conn.execute(
                        select(
                            func.count(),
                            func.max(tickets.c.issued_at),
                            func.max(tickets.c.called_at),
                            func.max(tickets.c.done_at),
                        ).where(tickets.c.day == day)
                    ).one()
                )

        def run() -> None:
            last: tuple[Any, ...] | None = None
            while not self._stop.wait(every_s):
                try:
                    sig = signature()
                except Exception:
                    continue
                if sig != last:
                    last = sig
                    self.wake()

        t = threading.Thread(target=run, name="sqlite-poll", daemon=True)
        t.start()
        return t
