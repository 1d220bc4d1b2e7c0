"""ui/workers.py: answers on the GUI thread, stale answers dropped, pools isolated; and the
catalog keeps one connection per live thread however many jobs run (issue 12 §1)."""

from __future__ import annotations

import os
import threading

import pytest

from kiosk.catalog.service import CatalogService
from ui.workers import Workers

pytestmark = pytest.mark.gui


def test_result_and_exception_come_back_on_the_gui_thread(qtbot) -> None:
    workers = Workers()
    seen: list[object] = []
    gui = threading.get_ident()

    def boom() -> None:
        raise ValueError("x")

    workers.submit(lambda: threading.get_ident(), seen.append, pool="background")
    workers.submit(boom, seen.append, lambda e: seen.append((threading.get_ident(), e)))
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[0] != gui  # the work ran elsewhere
    thread, exc = next(s for s in seen if isinstance(s, tuple))
    assert thread == gui and isinstance(exc, ValueError)
    workers.shutdown()


def test_an_answer_for_a_patient_who_left_is_dropped(qtbot) -> None:
    generation = [1]
    workers = Workers()
    workers.follow(lambda: generation[0], lambda: "start")
    release = threading.Event()
    seen: list[object] = []
    workers.submit(lambda: release.wait(5), seen.append, pool="gateway", generation=1)
    generation[0] = 2  # the next patient
    release.set()
    qtbot.waitUntil(lambda: workers.active == 0)
    assert seen == [] and workers.dropped == 1
    workers.shutdown()


def test_a_hung_gateway_never_starves_ticket_issuing(qtbot) -> None:
    workers = Workers()
    release = threading.Event()
    for _ in range(5):  # more hung checks than the gateway pool has threads
        workers.submit(lambda: release.wait(10), lambda _: None, pool="gateway")
    issued: list[str] = []
    workers.submit(lambda: "N001", issued.append, pool="tickets")
    qtbot.waitUntil(lambda: issued == ["N001"], timeout=2000)
    release.set()
    workers.shutdown()


def test_catalog_jobs_on_pool_threads_do_not_pile_up_connections(qtbot, tmp_path) -> None:
    catalog = CatalogService(tmp_path / "catalog.sqlite3")
    workers = Workers()
    fds_before = len(os.listdir("/proc/self/fd"))
    done: list[object] = []
    for _ in range(200):  # each job on a Qt pool thread gets a fresh Python thread state
        workers.submit(lambda: catalog.search("x"), done.append, done.append, pool="catalog")
        workers.submit(lambda: catalog.counts(), done.append, done.append, pool="admin")
    qtbot.waitUntil(lambda: len(done) == 400, timeout=20000)
    # at most one connection (db + wal + shm) per live thread: GUI, catalog, 3 admin threads,
    # plus each Qt thread's wakeup fd; before the fix: one connection per job (> 800 fds)
    assert len(os.listdir("/proc/self/fd")) - fds_before <= 5 * 3 + 4
    workers.shutdown()
    catalog.close()
