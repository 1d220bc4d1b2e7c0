"""Every GUI test fails if it leaves something running or open behind it (after napari's
dangling_qthreads / dangling_qtimers / dangling_qthread_pool fixtures): a QThread or Python
thread still running, an active QTimer, a worker-pool job still running, an open SQLite
connection or a new file descriptor. Qt warnings fail tests too (qt_log_level_fail in
pyproject)."""

from __future__ import annotations

import gc
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QThread, QThreadPool, QTimer

import ui.workers

SETTLE_S = 3.0
QT_POOLED = "Thread (pooled)"  # the OS name of a QThreadPool thread  # how long teardown waits for threads and jobs that are finishing


def _fds() -> dict[int, str]:
    out = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            out[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # the fd listing itself, closed meanwhile
            continue
    return out


def _os_threads() -> list[str]:
    """The names of this process's OS threads (Qt names its pooled threads "Thread (pooled)")."""
    names = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except OSError:  # the thread ended meanwhile
            continue
    return sorted(names)


def _flush() -> None:
    app = QCoreApplication.instance()
    if app is None:
        return
    for _ in range(3):
        app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    gc.collect()


def _wait(done: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + SETTLE_S
    while not done():
        if time.monotonic() > deadline:
            return False
        _flush()
        time.sleep(0.02)
    return True


def _open(conn: sqlite3.Connection) -> bool:
    try:
        conn.in_transaction  # noqa: B018 - raises ProgrammingError once closed
    except sqlite3.ProgrammingError:
        return False
    return True


class _Connection(sqlite3.Connection):
    """A connection that can be referenced weakly (the built-in type cannot)."""


class _Tracker:
    """Records the QTimers, QThreads and SQLite connections created during one test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.timers: list[Any] = []
        self.qthreads: list[Any] = []
        self.connections: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
        tracker = self

        real_timer_init = QTimer.__init__
        real_thread_init = QThread.__init__
        real_connect = sqlite3.connect

        def timer_init(self: QTimer, *args: Any, **kwargs: Any) -> None:
            real_timer_init(self, *args, **kwargs)
            tracker.timers.append(weakref.ref(self))

        def thread_init(self: QThread, *args: Any, **kwargs: Any) -> None:
            real_thread_init(self, *args, **kwargs)
            tracker.qthreads.append(weakref.ref(self))

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            kwargs.setdefault("factory", _Connection)
            conn = real_connect(*args, **kwargs)
            tracker.connections.add(conn)
            return conn

        monkeypatch.setattr(QTimer, "__init__", timer_init)
        monkeypatch.setattr(QThread, "__init__", thread_init)
        monkeypatch.setattr(sqlite3, "connect", connect)

    def active_timers(self) -> list[str]:
        out = []
        for ref in self.timers:
            timer = ref()
            if timer is not None and shiboken6.isValid(timer) and timer.isActive():
                parent = timer.parent()
                owner = type(parent).__name__ if parent is not None else "no parent"
                out.append(f"QTimer(interval={timer.interval()} ms, parent={owner})")
        return out

    def running_qthreads(self) -> list[str]:
        out = []
        for ref in self.qthreads:
            thread = ref()
            if thread is not None and shiboken6.isValid(thread) and thread.isRunning():
                out.append(f"QThread {thread.objectName() or type(thread).__name__}")
        return out

    def open_connections(self) -> list[str]:
        return [f"sqlite3 connection {id(c):#x}" for c in list(self.connections) if _open(c)]


def _python_threads() -> set[threading.Thread]:
    # Threads Qt started call into Python as _DummyThread entries that are never removed.
    return {
        t
        for t in threading.enumerate()
        if t.is_alive() and not isinstance(t, threading._DummyThread)  # type: ignore[attr-defined]
    }


def _running_jobs() -> int:
    jobs = QThreadPool.globalInstance().activeThreadCount()
    for workers in list(ui.workers.LIVE):
        if shiboken6.isValid(workers):
            jobs += workers.running()
    return jobs


@pytest.fixture(autouse=True)
def no_leaks(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Fails the test if it leaks a thread, a timer, a pool job, a connection or an fd."""
    _flush()
    threads_before = _python_threads()
    fds_before = _fds()
    pooled_before = _os_threads().count(QT_POOLED)
    workers_before = set(ui.workers.LIVE)
    tracker = _Tracker(monkeypatch)
    yield
    if request.node.get_closest_marker("leaks_ok"):
        return
    # pytest-qt has closed and deleteLater()'d the test's widgets; let Qt delete them.
    _wait(lambda: _running_jobs() == 0)
    _wait(lambda: not (_python_threads() - threads_before))
    _wait(lambda: not tracker.running_qthreads() and not tracker.active_timers())
    _wait(lambda: not tracker.open_connections())
    _wait(lambda: not set(_fds()) - set(fds_before))
    new_fds = {fd: target for fd, target in _fds().items() if fd not in fds_before}
    # Qt keeps a private GUI thread pool (multi-threaded image scaling and conversion) whose
    # idle threads live 30 s, each with its event dispatcher's eventfd; it cannot be joined from
    # Python. So an eventfd per extra pooled OS thread is excused, but only when none of our own
    # runners created in this test still has pools (whose idle threads would look the same).
    extra_pooled = _os_threads().count(QT_POOLED) - pooled_before
    open_pools = [
        w
        for w in ui.workers.LIVE
        if w not in workers_before and shiboken6.isValid(w) and w.has_pools()
    ]
    excused = 0 if open_pools else extra_pooled
    for fd in sorted(new_fds, reverse=True):
        if excused <= 0:
            break
        if new_fds[fd] == "anon_inode:[eventfd]":
            del new_fds[fd]
            excused -= 1
    if extra_pooled <= 0:
        open_pools = []  # its pools hold no thread any more: nothing is left running
    leaks = [
        *(
            f"Workers {w.objectName() or id(w)} not shut down (its pools still own threads)"
            for w in open_pools
        ),
        *(f"thread {t.name}" for t in _python_threads() - threads_before),
        *tracker.running_qthreads(),
        *tracker.active_timers(),
        *(["pool job(s) still running"] if _running_jobs() else []),
        *tracker.open_connections(),
        *(f"fd {fd} -> {target}" for fd, target in new_fds.items()),
    ]
    if leaks:
        leaks.append(f"(OS threads now: {', '.join(_os_threads())})")
        pytest.fail("the test left behind:\n  " + "\n  ".join(leaks), pytrace=False)
