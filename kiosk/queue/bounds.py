"""A client-side bound on every PostgreSQL call.

The server-side timeouts (`statement_timeout`, `lock_timeout`) are enforced by the server, so a
server that stopped running (SIGSTOP, a hung VM) or a network that swallows packets never ends
the call: the kernel still accepts the query, and libpq waits forever. Keepalives only help an
idle connection. So a watchdog thread shuts down the socket of any statement that runs past its
bound; the blocked `recv` returns, psycopg raises OperationalError, SQLAlchemy discards the
connection (it is invalidated as a disconnect) and the caller gets an error within the bound.

Written here because neither psycopg 3 (blocking mode) nor SQLAlchemy offer a client-side
query timeout; the alternative (psycopg's async API under asyncio timeouts) would turn the whole
queue module async.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)


class Watchdog:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[int, tuple[float, int]] = {}  # token -> (deadline, socket fd)
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, fd: int, seconds: float) -> int:
        token = next(self._ids)
        with self._cond:
            self._due[token] = (time.monotonic() + seconds, fd)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
        return token

    def disarm(self, token: int) -> None:
        with self._cond:
            self._due.pop(token, None)

    def _run(self) -> None:
        while True:
            with self._cond:
                now = time.monotonic()
                expired = [(t, fd) for t, (due, fd) in self._due.items() if due <= now]
                for token, _ in expired:
                    del self._due[token]
                if not expired:
                    nearest = min((due for due, _ in self._due.values()), default=now + 60)
                    self._cond.wait(timeout=max(0.01, nearest - now))
                    continue
            for _, fd in expired:
                self.fired += 1
                log.warning("database call over its bound: closing the connection")
                try:
                    sock = socket.socket(fileno=fd)
                except OSError:
                    continue
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                finally:
                    sock.detach()  # the fd stays libpq's


WATCHDOG = Watchdog()
_local = threading.local()


@contextlib.contextmanager
def deadline(until: float | None) -> Iterator[None]:
    """Statements run by this thread inside the block end by `until` (time.monotonic())."""
    previous = getattr(_local, "until", None)
    _local.until = until
    try:
        yield
    finally:
        _local.until = previous


def _bound(seconds: float) -> float:
    until = getattr(_local, "until", None)
    if until is None:
        return seconds
    return max(0.05, min(seconds, until - time.monotonic()))


def bound_statements(engine: Engine, seconds: float) -> None:
    """Arms the watchdog around every statement of `engine` (PostgreSQL)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(
        conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any
    ) -> None:
        try:
            fd = conn.connection.dbapi_connection.pgconn.socket
        except Exception:
            return
        conn.info["watchdog"] = WATCHDOG.arm(fd, _bound(seconds))

    @event.listens_for(engine, "after_cursor_execute")
    def _after(
        conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any
    ) -> None:
        token = conn.info.pop("watchdog", None)
        if token is not None:
            WATCHDOG.disarm(token)

    @event.listens_for(engine, "commit")
    def _commit(conn: Any) -> None:
        try:
            fd = conn.connection.dbapi_connection.pgconn.socket
        except Exception:
            return
        conn.info["watchdog_commit"] = WATCHDOG.arm(fd, _bound(seconds))

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_conn: Any, record: Any) -> None:
        # the commit's bound ends when its connection goes back to the pool
        token = record.info.pop("watchdog_commit", None) if record is not None else None
        if token is not None:
            WATCHDOG.disarm(token)

    @event.listens_for(engine, "handle_error")
    def _error(ctx: Any) -> None:
        conn = ctx.connection
        if conn is None:
            return
        token = conn.info.pop("watchdog", None)
        if token is not None:
            WATCHDOG.disarm(token)
