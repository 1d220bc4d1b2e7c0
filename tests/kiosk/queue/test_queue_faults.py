"""Fault suite for the queue database: a real PostgreSQL stopped, frozen with SIGSTOP and
restarted, and eight processes migrating a fresh database at once. Each test asserts what the
caller (the kiosk screen, the CLI) got, how long it took, and what was stored.

Every test here has its own server (a frozen or stopped server must not disturb other tests).
"""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_testing import make_config
from sqlalchemy import select

from kiosk.config import KioskConfig
from kiosk.queue import db
from kiosk.queue.lazy import QueueHandle
from kiosk.queue.service import QueueService, QueueUnavailable, TicketRequest
from tests.support.pgserver import PostgresUnavailable, TempPostgres, find_bindir

pytestmark = [pytest.mark.faults, pytest.mark.postgres]
CTX: Any = mp.get_context("fork" if sys.version_info < (3, 12) else "forkserver")
CITIZEN = "079123456789"
BOUND_S = 10.0  # the patient is told within this


@pytest.fixture
def pg() -> Iterator[TempPostgres]:
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


def _config(tmp_path: Path, dsn: str) -> KioskConfig:
    return make_config(tmp_path / "data", dsn, storage={"dsn": dsn, "hash_key": "shared"})


def _states(dsn: str) -> list[tuple[str, str | None]]:
    engine = db.make_engine(dsn)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(db.tickets.c.state, db.tickets.c.void_reason)).all()
        return [(r[0], r[1]) for r in rows]
    finally:
        engine.dispose()


def test_database_stopped_cli_one_line_and_kiosk_starts_then_recovers(
    pg: TempPostgres, tmp_path: Path
) -> None:
    dsn = pg.create_database()
    config = _config(tmp_path, dsn)
    QueueService.from_config(config).close()  # schema in place
    pg.stop_server()
    # the CLI: one clear line, non-zero, no traceback
    toml = tmp_path / "kiosk.toml"
    toml.write_text(f'[storage]\ndsn = "{dsn}"\nhash_key = "shared"\n')
    started = time.monotonic()
    res = subprocess.run(
        [sys.executable, "-m", "kiosk", "ticket", "issue", "--line", "noi", "--config", str(toml),
         "--data-dir", str(tmp_path / "cli")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    cli_s = time.monotonic() - started
    assert res.returncode == 3, res.stderr
    assert res.stderr.count("\n") == 1 and "queue database unreachable" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert cli_s < BOUND_S
    # the kiosk: starts, says "out of service" at once, recovers by itself
    seen: list[str] = []
    handle = QueueHandle.start(config, first_retry_s=0.2, max_retry_s=0.5, probe_s=0.2)
    handle.on_change(seen.append)
    try:
        time.sleep(0.5)
        assert handle.state == "down"
        started = time.monotonic()
        with pytest.raises(QueueUnavailable) as info:
            handle.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
        assert time.monotonic() - started < 0.5  # no wait: known to be down
        assert "reception" in info.value.message("en") and "quầy" in info.value.message("vi")
        assert not handle.health().ok
        pg.start_again()
        assert handle.wait_until_up(30)
        ticket = handle.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
        assert ticket.number == "N001" and "up" in seen
    finally:
        handle.close()
    assert _states(dsn) == [("waiting", None)]


def test_frozen_server_bounded_and_no_ghost_ticket(pg: TempPostgres, tmp_path: Path) -> None:
    dsn = pg.create_database()
    config = _config(tmp_path, dsn)
    service = QueueService.from_config(config)
    try:
        service.issue(TicketRequest("noi", False))  # a pooled connection, as in use
        pids = pg.freeze()
        try:
            started = time.monotonic()
            with pytest.raises(QueueUnavailable):
                service.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
            frozen_s = time.monotonic() - started
        finally:
            pg.thaw(pids)
        assert frozen_s <= BOUND_S
        time.sleep(1.0)  # the thawed server runs whatever it had received
        # nothing of the lost attempt can be called: void or never stored
        states = _states(dsn)
        assert sorted(s for s, _ in states).count("waiting") == 1, states  # the first ticket
        first = service.call_next("noi")
        assert first is not None and first.number == "N001"
        assert service.call_next("noi") is None  # no ghost number behind it
        # the patient tries again: one live ticket
        again = service.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
        assert again.state == "waiting" and not again.reprint
        assert service.call_next("noi") is not None
    finally:
        service.close()


def test_frozen_server_at_start_is_bounded(pg: TempPostgres, tmp_path: Path) -> None:
    dsn = pg.create_database()
    config = _config(tmp_path, dsn)
    QueueService.from_config(config).close()
    pids = pg.freeze()
    try:
        started = time.monotonic()
        with pytest.raises(Exception) as info:
            QueueService.from_config(config)
        assert time.monotonic() - started <= BOUND_S
        assert "timeout" in str(info.value).lower() or "closed" in str(info.value).lower()
    finally:
        pg.thaw(pids)


def test_restart_first_patient_is_served(pg: TempPostgres, tmp_path: Path) -> None:
    dsn = pg.create_database()
    service = QueueService.from_config(_config(tmp_path, dsn))
    try:
        service.issue(TicketRequest("noi", False))
        service.get(service.issue(TicketRequest("nhi", False)).id)  # two pooled connections
        pg.restart()
        # the lookup of an identified patient used to fail on the dead pooled connection
        ticket = service.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
        assert ticket.number == "N002" and not ticket.reprint
        assert service.issue(TicketRequest("noi", False, citizen_id=CITIZEN)).reprint
    finally:
        service.close()


def test_answer_lost_in_a_crash_restart_gives_the_same_ticket_back(
    pg: TempPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    dsn = pg.create_database()
    service = QueueService.from_config(_config(tmp_path, dsn))
    real = service.numbering.take
    attempts = []

    def commit_then_crash(*args: Any, **kwargs: Any) -> Any:
        attempts.append(1)
        result = real(*args, **kwargs)
        if len(attempts) == 1:
            pg.stop_server("immediate")  # a crash right after the commit
            pg.start_again()
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return result

    monkeypatch.setattr(service.numbering, "take", commit_then_crash)
    try:
        ticket = service.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
        assert ticket.number == "N001" and not ticket.reprint and len(attempts) == 1
        assert _states(dsn) == [("waiting", None)]
    finally:
        service.close()


def _migrate(dsn: str, barrier: Any, out: Any) -> None:
    engine = db.make_engine(dsn)
    barrier.wait()
    try:
        out.put(("ok", db.migrate(engine)))
    except Exception as exc:
        out.put(("error", repr(exc)))
    finally:
        engine.dispose()


def test_eight_kiosks_migrate_a_fresh_database_at_once(pg: TempPostgres) -> None:
    for _trial in range(5):
        dsn = pg.create_database()
        barrier, out = CTX.Barrier(8), CTX.Queue()
        procs = [CTX.Process(target=_migrate, args=(dsn, barrier, out)) for _ in range(8)]
        for p in procs:
            p.start()
        got = [out.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert got == [("ok", db.SCHEMA_VERSION)] * 8
