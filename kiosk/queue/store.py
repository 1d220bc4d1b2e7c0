"""What the queue's parts share: the engine, the configuration and the SQLite writer lock.

`QueueStore` is handed to numbering, wait estimates, counter calls and reports, so each of them
reads the same database the same way (writers on `engine`, readers on `read`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.queue import db
from kiosk.queue.lines import Line, clinic_lines, line_by_id

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


class QueueStore:
    def __init__(self, engine: Engine, config: KioskConfig) -> None:
        self.config = config
        self._lock_fd: int | None = None
        self._thread_lock = threading.Lock()
        self.engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.insert = postgresql.insert if self.postgres else sqlite.insert
        self.autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read = db.reader(engine)

    def close(self) -> None:
        self._engine.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """An exclusive flock on `<sqlite file>.lock` (SQLite only; a no-op for memory DBs and
        PostgreSQL). Threads of one process serialise on a mutex first (flock is per open
        file). Kiosk processes queue on this kernel lock (woken in turn, released if the
        process dies) instead of SQLite's sleep-and-retry busy handler: same safety, far
        smaller latency spikes under contention."""
        database = self._engine.url.database
        if self.postgres or not database or database == ":memory:":
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

    # -- configuration lookups --------------------------------------------------------------

    def line(self, line_id: str) -> Line | None:
        try:
            return line_by_id(self.config, line_id)
        except KeyError:
            return None

    def priority_line(self, clinic_id: str) -> Line | None:
        try:
            clinic = self.config.clinic(clinic_id)
        except KeyError:
            return None
        return next((ln for ln in clinic_lines(clinic) if ln.kind == "priority"), None)
