"""The GUI's one worker runner: blocking work off the GUI thread, its answer back on it.

`Workers.submit(work, done, failed, pool=..., generation=...)` runs `work()` on a named
QThreadPool and calls `done(result)` or `failed(exception)` on the GUI thread (a queued signal
of a QObject that lives there). Each job is tagged with the session generation it was started
for; a job submitted with `generation=` is dropped, not delivered, when the patient changed in
the meantime (the callback never sees the next patient).

Named pools keep unrelated work from starving each other: a gateway that hangs fills only the
"gateway" pool, never "tickets"; catalog searches have their own single long-lived thread (its
per-thread SQLite connection lives as long as the window); admin tools and background imports
have theirs.

The session's `Runner` protocol (kiosk/session.py) is served by `session_runner()`, which picks
the pool from the step the session has just entered (the session enters READING_CARD,
CHECKING_INSURANCE or ISSUING before it hands the work over), so kiosk/ needs no Qt and no pool
names.

Written by hand: QThreadPool does the threading; what is left (one relay signal, a generation
tag, a count of running jobs for tests and shutdown) is too small for a library.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")

# pool name -> (max threads, thread expiry in ms; -1 = the thread lives as long as the pool)
POOLS: dict[str, tuple[int, int]] = {
    "card": (1, 30_000),  # one reader, one read at a time
    "gateway": (2, 30_000),  # BHXH insurance checks: may hang up to their timeout
    "tickets": (2, 30_000),  # issuing and printing the queue number
    "his": (2, 30_000),  # today's appointments at the HIS (bounded by its lookup timeout)
    "catalog": (1, -1),  # price searches, in order, on one thread with one SQLite connection
    "admin": (3, 30_000),  # IT tools: PIN hash, doctor, test print, file search, import
    "background": (1, 30_000),  # start-up imports and other work nobody waits for
}
# the session step entered right before the work is handed over -> its pool
SESSION_POOLS = {
    "reading_card": "card",
    "checking_insurance": "gateway",
    "checking_appointment": "his",
    "issuing": "tickets",
    "ticket": "tickets",  # "print again"
}


LIVE: weakref.WeakSet[Workers] = weakref.WeakSet()  # every runner alive (the GUI-test leak check)


@dataclass(frozen=True)
class Outcome:
    """What a job delivers to the GUI thread."""

    job_id: int
    pool: str
    generation: int | None
    value: Any
    failed: bool


class _Relay(QObject):
    delivered = Signal(object)


def _job(
    job_id: int, pool: str, generation: int | None, work: Callable[[], Any], relay: _Relay
) -> Callable[[], None]:
    """The callable a pool thread runs. A plain callable, not a QRunnable subclass: PySide6
    6.11 keeps about 1 % of Python QRunnable subclasses alive after their C++ side is deleted
    (measured by the soak: 0.18 objects per journey); a callable leaves none."""
    holder = [work]

    def run() -> None:  # a pool thread
        try:
            value, failed = holder.pop()(), False  # the closure (patient data) is dropped here
        except BaseException as exc:  # reported to the GUI thread, never lost  # noqa: BLE001
            value, failed = exc, True
        relay.delivered.emit(Outcome(job_id, pool, generation, value, failed))

    return run


class Workers(QObject):
    """Named thread pools with results delivered on the GUI thread.

    Signals:
        idle: the last running job has been delivered (or dropped).
    """

    idle = Signal()

    def __init__(
        self, generation: Callable[[], int] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._generation = generation
        self._pools: dict[str, QThreadPool] = {}
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]]
        self._callbacks = {}
        self._next_id = 0
        self._relay = _Relay(self)
        self._relay.delivered.connect(self._deliver)
        self.dropped = 0  # answers that arrived for a patient who had left
        self._step: Callable[[], str] | None = None
        LIVE.add(self)

    # -- submitting ------------------------------------------------------------------------

    def pool(self, name: str) -> QThreadPool:
        pool = self._pools.get(name)
        if pool is None:
            threads, expiry = POOLS[name]
            pool = QThreadPool(self)
            pool.setObjectName(f"workers.{name}")
            pool.setMaxThreadCount(threads)
            pool.setExpiryTimeout(expiry)
            self._pools[name] = pool
        return pool

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        pool: str = "background",
        generation: int | None = None,
    ) -> int:
        """Runs `work` on `pool`; `done`/`failed` run on the GUI thread unless the session
        generation moved on since `generation` (then nothing runs). Returns the job id."""
        self._next_id += 1
        job_id = self._next_id
        self._callbacks[job_id] = (done, failed or _log_failure)
        self.pool(pool).start(_job(job_id, pool, generation, work, self._relay))
        return job_id

    def session_runner(self) -> Callable[..., None]:
        """The session's Runner: each job goes to the pool of the step it was started in."""

        def run(
            work: Callable[[], T],
            done: Callable[[T], None],
            failed: Callable[[BaseException], None],
        ) -> None:
            step = self._step() if self._step is not None else ""
            self.submit(work, done, failed, pool=SESSION_POOLS.get(step, "tickets"))

        return run

    def follow(self, generation: Callable[[], int], step: Callable[[], str]) -> None:
        """Tells the runner the session's generation (stale answers are dropped) and step
        (session_runner() picks the pool from it). Called once the session exists."""
        self._generation, self._step = generation, step

    # -- delivering ------------------------------------------------------------------------

    @Slot(object)
    def _deliver(self, outcome: Outcome) -> None:
        entry = self._callbacks.pop(outcome.job_id, None)
        if entry is None:  # answered after shutdown() forgot its callbacks: nobody waits
            return
        done, failed = entry
        stale = (
            outcome.generation is not None
            and self._generation is not None
            and outcome.generation != self._generation()
        )
        try:
            if stale:
                self.dropped += 1
                log.info("a %s job answered after its session ended: dropped", outcome.pool)
            elif outcome.failed:
                failed(outcome.value)
            else:
                done(outcome.value)
        except Exception:
            log.exception("worker callback failed")
        if not self._callbacks:
            self.idle.emit()

    # -- state, waiting, shutdown ----------------------------------------------------------

    @property
    def active(self) -> int:
        """Jobs submitted and not yet delivered."""
        return len(self._callbacks)

    def has_pools(self) -> bool:
        """Whether a pool (and so possibly an idle pool thread) exists: false after shutdown."""
        return bool(self._pools)

    def running(self) -> int:
        """Jobs running on a pool thread right now (the GUI-test leak check reads this)."""
        return sum(p.activeThreadCount() for p in self._pools.values())

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Waits until every pool is done (its answers are then queued for the GUI thread)."""
        return all(p.waitForDone(timeout_ms) for p in self._pools.values())

    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Waits for running jobs, then ends every pool thread (their thread-local resources
        with them)."""
        for pool in self._pools.values():
            pool.clear()  # queued, not yet started: never started
        for pool in self._pools.values():
            pool.waitForDone(timeout_ms)
            shiboken6.delete(pool)  # joins its idle threads now, not at their expiry
        self._pools.clear()
        self._callbacks.clear()


def _log_failure(exc: BaseException) -> None:
    log.error("background job failed: %s", type(exc).__name__, exc_info=exc)
