"""The outbox on a real PostgreSQL: kiosks issuing and delivering at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from his_testing import insured, patient

from kiosk.config import KioskConfig
from kiosk.his.record import build_registration
from kiosk.his.service import HisService
from kiosk.his.simulator import HisSimulator
from kiosk.his.worker import drain_once
from kiosk.queue.service import QueueService, TicketRequest

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[object]:
    from tests.support.pgserver import PostgresUnavailable, TempPostgres, find_bindir

    try:
        find_bindir()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    server = TempPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_four_kiosks_issue_while_four_workers_deliver(
    pg: object, tmp_path: Path, his_sim: HisSimulator
) -> None:
    dsn = pg.create_database()  # type: ignore[attr-defined]
    config = KioskConfig.model_validate(
        {
            "data_dir": str(tmp_path),
            "storage": {"dsn": dsn, "hash_key": "k"},
            "his": {
                "backend": "rest",
                "url": his_sim.url,
                "secret": "test-secret",
                "issue_timeout_s": 0.5,
                "outbox": {"backoff_base_s": 0.01, "batch": 5},
            },
        }
    )
    queue = QueueService.from_config(config)
    his = HisService(config, queue.engine)
    his_sim.set_fault("http500")  # every hand-off at issue fails: the workers deliver
    stop = threading.Event()
    errors: list[BaseException] = []

    def kiosk(n: int) -> None:
        try:
            for i in range(15):
                ident = replace(patient(), citizen_id=f"0010{n:02d}{i:06d}")
                reg = build_registration(
                    config=config,
                    identity=ident,
                    eligibility=insured(),
                    clinic_id="noi",
                    priority=None,
                    arrived_at=datetime.now(),
                )
                his.issue(
                    queue,
                    TicketRequest(clinic_id="noi", insured=True, citizen_id=ident.citizen_id),
                    reg,
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    def worker() -> None:
        while not stop.is_set():
            drain_once(his.his, his.outbox)
            his.outbox.due_now()

    kiosks = [threading.Thread(target=kiosk, args=(n,)) for n in range(4)]
    for t in kiosks:
        t.start()
    for t in kiosks:
        t.join(120)
    assert not errors
    assert his.status().pending == 60
    his_sim.set_fault(None)
    workers = [threading.Thread(target=worker) for _ in range(4)]
    for t in workers:
        t.start()
    deadline = time.monotonic() + 60
    while his.status().pending and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in workers:
        t.join(30)
    st = his.status()
    assert (st.pending, st.delivered, st.dead) == (0, 60, 0)
    state = his_sim.state()
    assert state["visits"] == 60
    his.close()
    queue.close()
