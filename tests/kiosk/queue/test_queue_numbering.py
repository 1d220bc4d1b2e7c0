"""Numbering: atomic per (line, local day) on SQLite and a real PostgreSQL, across processes,
through SIGKILL, over midnight; same-patient reprints; migrations."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import stat
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from queue_testing import make_config
from sqlalchemy import select, text

from kiosk.config import KioskConfig
from kiosk.queue import db
from kiosk.queue.bench import check_numbers
from kiosk.queue.service import (
    HASH_KEY_FILE,
    TZ,
    ClinicClosed,
    QueueService,
    TicketRequest,
    local_day,
)

# fork is fastest; Python >= 3.12 warns (an error here) about forking a threaded process
CTX: Any = mp.get_context("fork" if sys.version_info < (3, 12) else "forkserver")
CITIZEN = "001090123456"


def _cfg_args(config: KioskConfig) -> tuple[str, str]:
    return str(config.data_path), config.storage.dsn.get_secret_value()


def _issue_many(
    data_dir: str, dsn: str, count: int, clinic: str, barrier: Any, out: Any, started: Any = None
) -> None:
    service = QueueService.from_config(make_config(Path(data_dir), dsn))
    barrier.wait()
    got = []
    for _ in range(count):
        got.append(service.issue(TicketRequest(clinic, False)).seq)
        if started is not None:
            started.set()
    service.close()
    out.put(got)


def _stuck_in_transaction(data_dir: str, dsn: str, in_tx: Any) -> None:
    service = QueueService.from_config(make_config(Path(data_dir), dsn))

    def hook() -> None:
        in_tx.set()
        time.sleep(120)  # killed here, between taking the number and committing

    service.in_transaction_hook = hook
    service.issue(TicketRequest("noi", False))


def _seqs(service: QueueService, line_id: str = "noi") -> list[int]:
    with service.engine.connect() as conn:
        rows = conn.execute(select(db.tickets.c.seq).where(db.tickets.c.line_id == line_id))
        return sorted(r[0] for r in rows)


def test_numbers_per_line_and_format(config_factory: Callable[..., KioskConfig]) -> None:
    clinics = [
        {
            "id": "noi",
            "name_vi": "Khám Nội",
            "name_en": "Internal",
            "room": "P.101",
            "prefix": "N",
            "separate_insured_line": True,
        },
        {
            "id": "nhi",
            "name_vi": "Khám Nhi",
            "name_en": "Paediatrics",
            "prefix": "E",
            "priority_line": False,
            "number_digits": 2,
        },
    ]
    service = QueueService.from_config(config_factory(clinics=clinics))
    try:
        a = service.issue(TicketRequest("noi", insured=False))
        b = service.issue(TicketRequest("noi", insured=True))
        c = service.issue(TicketRequest("noi", insured=True))
        p = service.issue(TicketRequest("noi", insured=True, priority="age_75_plus"))
        e = [
            service.issue(TicketRequest("nhi", insured=True, priority="pregnant")) for _ in range(3)
        ]
        assert (a.number, a.line_id) == ("N001", "noi")
        assert (b.number, b.line_id, c.number) == ("NB001", "noi.bhyt", "NB002")
        assert (p.number, p.line_id, p.priority) == ("N-ƯT001", "noi.ut", "age_75_plus")
        assert [t.number for t in e] == ["E01", "E02", "E03"]  # no priority line: same line
        assert a.issued_at.utcoffset() == timedelta(hours=7)
        live = service.get(c.id)  # recomputed: the priority patient is now ahead too
        assert (live.number, live.people_ahead, c.people_ahead) == ("NB002", 2, 1)
        with pytest.raises(ValueError):
            service.issue(TicketRequest("nope", False))
        with pytest.raises(ValueError):
            service.issue(TicketRequest("noi", False, priority="vip"))
    finally:
        service.close()


@pytest.mark.parametrize("digits", [1, 2])
def test_a_sequence_past_its_padding_width_is_stored_in_full(
    config_factory: Callable[..., KioskConfig], digits: int
) -> None:
    """The number is formatted twice: in Python (`Line.number`, the issued ticket) and, on
    PostgreSQL, in SQL (`lpad`, the stored row the counters and reprints read). Both must agree
    at and past 10**digits, where `lpad` would silently cut "10" to "1"."""
    clinics = [
        {
            "id": "nhi",
            "name_vi": "Khám Nhi",
            "name_en": "Paediatrics",
            "prefix": "E",
            "priority_line": False,
            "number_digits": digits,
        }
    ]
    service = QueueService.from_config(config_factory(clinics=clinics))
    try:
        edge = 10**digits
        issued = [service.issue(TicketRequest("nhi", False)) for _ in range(edge + 1)]
        expected = [f"E{seq:0{digits}d}" for seq in range(1, edge + 2)]
        assert [t.number for t in issued] == expected
        assert [service.get(t.id).number for t in issued] == expected  # as stored
        assert expected[-3:] == [f"E{edge - 1}", f"E{edge}", f"E{edge + 1}"]
        with service.engine.connect() as conn:
            stored = conn.execute(select(db.tickets.c.number).order_by(db.tickets.c.seq)).scalars()
            assert list(stored) == expected
    finally:
        service.close()


def test_concurrent_processes_no_duplicate_no_gap(
    config_factory: Callable[..., KioskConfig], backend: str
) -> None:
    config = config_factory()
    QueueService.from_config(config).close()  # migrate once
    workers, count = (4, 60) if backend == "sqlite" else (8, 60)
    barrier, out = CTX.Barrier(workers), CTX.Queue()
    procs = [
        CTX.Process(target=_issue_many, args=(*_cfg_args(config), count, "noi", barrier, out))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    got = [out.get(timeout=90) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    returned = sorted(s for g in got for s in g)
    assert returned == list(range(1, workers * count + 1))
    service = QueueService.from_config(config)
    try:
        assert _seqs(service) == returned
        assert check_numbers(service.engine) == {
            "duplicates": 0,
            "gaps": 0,
            "stored": workers * count,
        }
        # each process saw its own numbers increase
        assert all(g == sorted(g) for g in got)
    finally:
        service.close()


def test_sigkill_inside_transaction_loses_nothing(
    config_factory: Callable[..., KioskConfig],
) -> None:
    config = config_factory()
    service = QueueService.from_config(config)
    first = service.issue(TicketRequest("noi", False))
    in_tx = CTX.Event()
    stuck = CTX.Process(target=_stuck_in_transaction, args=(*_cfg_args(config), in_tx))
    stuck.start()
    assert in_tx.wait(30), "the worker never reached its transaction"
    # others queue up behind the lock the stuck worker holds
    barrier, out = CTX.Barrier(3), CTX.Queue()
    others = [
        CTX.Process(target=_issue_many, args=(*_cfg_args(config), 20, "noi", barrier, out))
        for _ in range(3)
    ]
    for p in others:
        p.start()
    time.sleep(0.5)
    assert out.empty()  # nobody got past the held counter
    os.kill(stuck.pid or 0, signal.SIGKILL)
    stuck.join(10)
    assert stuck.exitcode == -signal.SIGKILL
    got = sorted(s for _ in others for s in out.get(timeout=60))
    for p in others:
        p.join(30)
        assert p.exitcode == 0
    try:
        assert first.seq == 1
        assert got == list(range(2, 62))  # the killed worker's number went to someone else
        assert _seqs(service) == list(range(1, 62))
        assert check_numbers(service.engine)["gaps"] == 0
    finally:
        service.close()


def test_random_sigkill_under_load(config_factory: Callable[..., KioskConfig]) -> None:
    config = config_factory()
    QueueService.from_config(config).close()
    rng = random.Random(7)
    for _ in range(3):
        barrier, out, started = CTX.Barrier(3), CTX.Queue(), CTX.Event()
        victim = CTX.Process(
            target=_issue_many,
            args=(*_cfg_args(config), 10_000, "noi", CTX.Barrier(1), out, started),
        )
        procs = [
            CTX.Process(target=_issue_many, args=(*_cfg_args(config), 100, "noi", barrier, out))
            for _ in range(3)
        ]
        victim.start()
        for p in procs:
            p.start()
        assert started.wait(30)
        time.sleep(rng.uniform(0.0, 0.2))
        os.kill(victim.pid or 0, signal.SIGKILL)  # anywhere: in or out of a transaction
        victim.join(10)
        assert victim.exitcode == -signal.SIGKILL
        for _ in procs:
            out.get(timeout=60)
        for p in procs:
            p.join(30)
            assert p.exitcode == 0
    service = QueueService.from_config(config)
    try:
        checked = check_numbers(service.engine)
        assert checked["duplicates"] == 0 and checked["gaps"] == 0
        seqs = _seqs(service)
        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) >= 900
    finally:
        service.close()


def test_day_rolls_over_at_local_midnight(config_factory: Callable[..., KioskConfig]) -> None:
    service = QueueService.from_config(config_factory())
    try:
        before = datetime(2026, 11, 23, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Hanoi
        after = datetime(2026, 11, 23, 17, 0, 0, tzinfo=UTC)  # 00:00:00 on the 24th
        assert local_day(before) == date(2026, 11, 23)
        assert local_day(after) == date(2026, 11, 24)
        a = service.issue(TicketRequest("noi", False), now=before)
        b = service.issue(TicketRequest("noi", False), now=before)
        c = service.issue(TicketRequest("noi", False), now=after)
        d = service.issue(TicketRequest("noi", False), now=after)
        assert [t.number for t in (a, b, c, d)] == ["N001", "N002", "N001", "N002"]
        assert (a.day, c.day) == (date(2026, 11, 23), date(2026, 11, 24))
        assert c.issued_at == after.astimezone(TZ)
        assert c.people_ahead == 0 and d.people_ahead == 1  # yesterday's tickets do not count
        # the same patient may come back the next day: a new ticket, not a reprint
        e = service.issue(TicketRequest("nhi", False, citizen_id=CITIZEN), now=before)
        f = service.issue(TicketRequest("nhi", False, citizen_id=CITIZEN), now=after)
        assert e.id != f.id and not f.reprint
    finally:
        service.close()


def test_same_patient_same_clinic_same_day_gets_a_reprint(
    config_factory: Callable[..., KioskConfig], backend: str
) -> None:
    config = config_factory()
    service = QueueService.from_config(config)
    try:
        first = service.issue(TicketRequest("noi", True, citizen_id=CITIZEN, language="en"))
        other = service.issue(TicketRequest("noi", True, citizen_id="079203000001"))
        again = service.issue(TicketRequest("noi", False, priority="emergency", citizen_id=CITIZEN))
        elsewhere = service.issue(TicketRequest("mat", True, citizen_id=CITIZEN))
        assert not first.reprint and again.reprint
        assert again.id == first.id and again.number == first.number == "N001"
        assert other.number == "N002"
        assert elsewhere.number == "M001" and not elsewhere.reprint
        assert _seqs(service) == [1, 2]  # no number was spent on the reprint
        # only the keyed hash is stored, never the ID
        with service.engine.connect() as conn:
            rows = conn.execute(select(db.tickets)).all()
        cells = [str(v) for row in rows for v in row]
        assert not any(CITIZEN in cell for cell in cells)
        assert service.patient_key(CITIZEN) in cells
        if backend == "sqlite":
            for f in config.data_path.glob("queue.sqlite3*"):
                assert CITIZEN.encode() not in f.read_bytes()
            key_file = config.data_path / HASH_KEY_FILE
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    finally:
        service.close()


def test_hash_key_is_shared_by_processes_and_configurable(tmp_path: Path) -> None:
    a = QueueService.from_config(make_config(tmp_path / "d"))
    b = QueueService.from_config(make_config(tmp_path / "d"))
    c = QueueService.from_config(make_config(tmp_path / "e", storage={"hash_key": "k1"}))
    try:
        assert a.patient_key(CITIZEN) == b.patient_key(CITIZEN)
        assert a.patient_key(CITIZEN) != c.patient_key(CITIZEN)
        assert len(a.patient_key(CITIZEN)) == 64
    finally:
        for s in (a, b, c):
            s.close()


def test_patient_hashes_of_past_days_are_cleared(
    config_factory: Callable[..., KioskConfig],
) -> None:
    config = config_factory()
    service = QueueService.from_config(config)
    old = service.issue(
        TicketRequest("noi", False, citizen_id=CITIZEN), now=datetime(2025, 1, 2, 9, tzinfo=TZ)
    )
    service.close()
    service = QueueService.from_config(config)  # start-up clears them
    try:
        with service.engine.connect() as conn:
            key = conn.execute(
                select(db.tickets.c.patient_key).where(db.tickets.c.id == old.id)
            ).scalar_one()
        assert key is None
    finally:
        service.close()


def test_opening_hours(config_factory: Callable[..., KioskConfig]) -> None:
    clinics = [
        {
            "id": "noi",
            "name_vi": "Khám Nội",
            "name_en": "Internal",
            "prefix": "N",
            "opening_hours": ["07:00-11:30", "13:00-16:30"],
            "open_weekdays": [1, 2, 3, 4, 5],
        },
    ]
    service = QueueService.from_config(config_factory(clinics=clinics))
    try:
        monday = datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
        assert service.issue(TicketRequest("noi", False), now=monday).number == "N001"
        with pytest.raises(ClinicClosed) as closed:
            service.issue(TicketRequest("noi", False), now=monday.replace(hour=12))
        assert "07:00-11:30" in closed.value.message("vi")
        with pytest.raises(ClinicClosed):
            service.issue(TicketRequest("noi", False), now=datetime(2026, 11, 22, 8, tzinfo=TZ))
    finally:
        service.close()


def test_migrations_are_versioned(config_factory: Callable[..., KioskConfig]) -> None:
    config = config_factory()
    url = config.storage.dsn.get_secret_value() or db.sqlite_url(config.data_path / "queue.sqlite3")
    service = QueueService.from_config(config)
    assert service.version == db.SCHEMA_VERSION == 4
    old = service.issue(TicketRequest("noi", False))
    service.close()
    # make it a database written by schema 1 (no counter_id, nothing of schema 3), with a
    # ticket in it
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_queue_tickets_token"))
        conn.execute(text("DROP INDEX ix_queue_tickets_queue"))
        for table in ("queue_registrations", "queue_desks", "queue_calls", "queue_kiosk_keys"):
            conn.execute(text(f"DROP TABLE {table}"))
        for column in ("counter_id", "queue_line", "position", "token", "target_counter"):
            conn.execute(text(f"ALTER TABLE queue_tickets DROP COLUMN {column}"))
        for column in ("recalls", "skips", "void_reason", "tier", "room", "appointment_at"):
            conn.execute(text(f"ALTER TABLE queue_tickets DROP COLUMN {column}"))
        conn.execute(text("UPDATE queue_schema_version SET version = 1"))
    engine.dispose()
    service = QueueService.from_config(config)  # migrates 1 -> 2, keeps the data
    try:
        assert service.version == db.SCHEMA_VERSION and service.health().ok
        assert service.get(old.id).number == "N001"
        assert service.get(old.id).queue_line == "noi"  # schema 3 filled it in
        assert service.get(old.id).tier == 1  # schema 4: a walk-in
        assert service.call_next("noi", counter="2") is not None
        assert service.issue(TicketRequest("noi", False)).number == "N002"
    finally:
        service.close()
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE queue_schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="newer"):
        QueueService.from_config(config)


def test_health_reports_an_unreachable_database(tmp_path: Path) -> None:
    config = make_config(tmp_path / "d")
    service = QueueService.from_config(config)
    service.close()
    service.engine = db.make_engine("postgresql+psycopg://kiosk@127.0.0.1:9/none", 1)
    status = service.health()
    assert not status.ok and "unreachable" in status.summary and "storage.dsn" in status.fix


def test_health_asks_for_a_shared_key_on_postgres(
    config_factory: Callable[..., KioskConfig], backend: str
) -> None:
    plain = QueueService.from_config(config_factory())
    keyed = QueueService.from_config(
        config_factory(
            storage={
                "dsn": config_factory().storage.dsn.get_secret_value(),
                "hash_key": "shared-secret",
            }
        )
    )
    try:
        status = plain.health()
        assert status.ok and status.details["backend"] == (
            "sqlite" if backend == "sqlite" else "postgresql"
        )
        assert ("hash_key" in status.details) == (backend == "postgres")
        assert "hash_key" not in keyed.health().details
    finally:
        plain.close()
        keyed.close()


def _same_patient(data_dir: str, dsn: str, barrier: Any, out: Any) -> None:
    service = QueueService.from_config(
        make_config(Path(data_dir), dsn, storage={"dsn": dsn, "hash_key": "shared"})
    )
    barrier.wait()
    t = service.issue(TicketRequest("noi", False, citizen_id=CITIZEN))
    service.close()
    out.put((t.id, t.reprint))


def test_same_patient_at_several_kiosks_at_once_gets_one_ticket(
    config_factory: Callable[..., KioskConfig],
) -> None:
    config = config_factory()
    QueueService.from_config(config).close()
    barrier, out = CTX.Barrier(4), CTX.Queue()
    procs = [
        CTX.Process(target=_same_patient, args=(*_cfg_args(config), barrier, out)) for _ in range(4)
    ]
    for p in procs:
        p.start()
    got = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert len({ticket_id for ticket_id, _ in got}) == 1
    assert sorted(reprint for _, reprint in got) == [False, True, True, True]
    service = QueueService.from_config(config)
    try:
        assert _seqs(service) == [1]  # the losers' numbers were rolled back with their insert
    finally:
        service.close()


def test_a_lost_answer_is_retried_without_a_second_number(
    config_factory: Callable[..., KioskConfig], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    service = QueueService.from_config(config_factory())
    real = service.numbering.take
    calls = []

    def commit_then_lose_the_answer(*args: Any) -> Any:
        calls.append(1)
        result = real(*args)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return result

    monkeypatch.setattr(service.numbering, "take", commit_then_lose_the_answer)
    try:
        ticket = service.issue(TicketRequest("noi", False))
        assert len(calls) == 2  # retried with the same ticket id, which was already there
        assert ticket.number == "N001" and _seqs(service) == [1]
        assert check_numbers(service.engine)["gaps"] == 0
    finally:
        service.close()
