"""The hospital side of the queue domain: registration records, lookups by number and token,
counters, fairness, recall / no-show / transfer / done, the call log, voids, the in-transaction
hook and PostgreSQL notifications. SQLite and a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Column, MetaData, String, Table, select

from kiosk.config import KioskConfig
from kiosk.queue import events
from kiosk.queue.service import (
    TZ,
    CallError,
    QueueService,
    Registration,
    TicketRequest,
)

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=TZ)
REG = Registration(
    name="Nguyễn Văn An",
    birth_date="1950-03-04",
    gender="male",
    citizen_id="001050012345",
    insurance_outcome="BHYT hợp lệ, 80 %",
    staff_note="Mã hẹn H123",
    booking_code="H123",
    priority="age_75_plus",
    priority_to_confirm=False,
)
outbox_meta = MetaData()
outbox = Table("test_outbox", outbox_meta, Column("ticket_id", String(36), primary_key=True))


def test_registration_kept_with_the_ticket_and_purged(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory(queue={"registration_retention_h": 2}))
    try:
        t = service.issue(TicketRequest("noi", True, registration=REG), now=T0)
        assert service.registration(t.id, now=T0) == REG
        assert service.registration(t.id, now=T0 + timedelta(hours=3)) is None  # past retention
        plain = service.issue(TicketRequest("noi", False), now=T0)
        assert service.registration(plain.id, now=T0) is None
        assert service.purge_registrations(now=T0 + timedelta(hours=1)) == 0
        assert service.purge_registrations(now=T0 + timedelta(hours=2, seconds=1)) == 1
        assert service.registration(t.id, now=T0) is None  # deleted
        assert service.get(t.id).number == "N001"  # the ticket stays, its record is gone
    finally:
        service.close()


def test_registration_purged_at_the_end_of_the_day_by_default(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        t = service.issue(TicketRequest("noi", True, registration=REG), now=T0)
        midnight = datetime(2026, 11, 25, 0, 0, tzinfo=TZ)
        assert service.purge_registrations(now=midnight - timedelta(seconds=1)) == 0
        assert service.registration(t.id, now=midnight - timedelta(seconds=1)) == REG
        assert service.purge_registrations(now=midnight) == 1
        assert service.registration(t.id, now=T0) is None
    finally:
        service.close()


def test_within_txn_writes_with_the_ticket_or_not_at_all(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    outbox_meta.create_all(service.engine)
    seen = []

    def write(conn, ticket):  # type: ignore[no-untyped-def]
        seen.append(ticket.number)
        conn.execute(outbox.insert().values(ticket_id=ticket.id))

    def fail(conn, ticket):  # type: ignore[no-untyped-def]
        conn.execute(outbox.insert().values(ticket_id=ticket.id))
        raise RuntimeError("outbox full")

    try:
        t = service.issue(TicketRequest("noi", False, registration=REG), within_txn=write)
        assert seen == ["N001"]
        with pytest.raises(RuntimeError):
            service.issue(TicketRequest("noi", False, registration=REG), within_txn=fail)
        with service.engine.connect() as conn:
            assert list(conn.execute(select(outbox.c.ticket_id)).scalars()) == [t.id]
        nxt = service.issue(TicketRequest("noi", False))
        assert nxt.number == "N002"  # the failed one took no number
    finally:
        service.close()


def test_lookup_by_printed_number_id_and_token(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        tickets = [service.issue(TicketRequest("nhi", False)) for _ in range(3)]
        t = tickets[1]
        assert service.find("E002").id == t.id
        assert service.find(" e002 ").id == t.id
        assert service.find(t.id).number == "E002"
        with pytest.raises(KeyError):
            service.find("E002", day=T0.date())  # another day
        with pytest.raises(KeyError):
            service.find("E999")
        assert len(t.token) >= 22 and t.token != t.id
        assert len({x.token for x in tickets}) == 3
        assert service.by_token(t.token).id == t.id
        with pytest.raises(KeyError):
            service.by_token("")
        with pytest.raises(KeyError):
            service.by_token(t.token[:-1] + ("A" if t.token[-1] != "A" else "B"))
    finally:
        service.close()


def test_fairness_one_normal_after_n_priority(config_factory: Callable[..., KioskConfig]) -> None:
    service = QueueService.from_config(config_factory(queue={"priority_run": 2}))
    try:
        for _ in range(2):
            service.issue(TicketRequest("noi", False), now=T0)
        for _ in range(4):
            service.issue(TicketRequest("noi", False, priority="pregnant"), now=T0)
        order = []
        for i in range(6):
            t = service.call_next("noi", now=T0 + timedelta(minutes=i), counter="1")
            assert t is not None
            order.append(t.number)
        assert order == ["N-ƯT001", "N-ƯT002", "N001", "N-ƯT003", "N-ƯT004", "N002"]
    finally:
        service.close()


def test_strict_priority_by_default(config_factory: Callable[..., KioskConfig]) -> None:
    service = QueueService.from_config(config_factory())
    try:
        service.issue(TicketRequest("noi", False), now=T0)
        for _ in range(3):
            service.issue(TicketRequest("noi", False, priority="pregnant"), now=T0)
        order = [service.call_next("noi", now=T0, counter="1") for _ in range(4)]
        assert [t.number for t in order if t] == ["N-ƯT001", "N-ƯT002", "N-ƯT003", "N001"]
    finally:
        service.close()


def test_counters_recall_skip_transfer_done_and_the_call_log(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        service.set_counter("3", "Quầy 3", ["noi"])
        service.set_counter("4", "Quầy 4", ["nhi"])
        assert [(c.id, c.lines, c.is_open) for c in service.counters()] == [
            ("3", ("noi",), True),
            ("4", ("nhi",), True),
        ]
        a, b, c, d, e = [service.issue(TicketRequest("noi", False), now=T0) for _ in range(5)]
        first = service.call_next(counter="3", now=T0)  # the counter's own lines
        assert first is not None and first.id == a.id and first.counter_id == "3"
        again = service.recall(a.id, now=T0 + timedelta(minutes=1))
        assert again.recalls == 1 and again.state == "called"
        log = service.recent_calls(day=T0.date())
        assert [(r.number, r.counter_name, r.recall, r.priority) for r in log] == [
            ("N001", "Quầy 3", 1, False),
            ("N001", "Quầy 3", 0, False),
        ]
        # no-show: back in the queue behind 3 waiting tickets (b, c, d), once
        assert service.skip(a.id).state == "waiting"
        assert service.get(a.id).people_ahead == 3
        calls = [service.call_next(counter="3", now=T0) for _ in range(4)]
        assert [t.id for t in calls if t] == [b.id, c.id, d.id, a.id]
        assert service.skip(a.id).state == "no_show"  # the second time it ends
        with pytest.raises(CallError):
            service.recall(a.id)
        # transfer e to the paediatrics line, counter 4 only
        moved = service.transfer(e.id, line_id="nhi", counter="4")
        assert (moved.state, moved.queue_line, moved.number) == ("waiting", "nhi", "N005")
        assert service.call_next(counter="3", now=T0) is None
        got = service.call_next(counter="4", now=T0)
        assert got is not None and got.id == e.id
        done = service.done(e.id)
        assert done.state == "done"
        with pytest.raises(CallError):
            service.done(e.id)
        with pytest.raises(ValueError):
            service.transfer(e.id, line_id="nope")
    finally:
        service.close()


def test_a_void_ticket_is_never_called(config_factory: Callable[..., KioskConfig]) -> None:
    service = QueueService.from_config(config_factory())
    try:
        a = service.issue(TicketRequest("noi", False, citizen_id="001090000001"))
        b = service.issue(TicketRequest("noi", False))
        assert service.void(a.id) is True
        assert service.get(a.id).state == "void"
        assert service.get(b.id).people_ahead == 0
        called = service.call_next("noi")
        assert called is not None and called.id == b.id
        assert service.void(b.id) is False  # called already: not voided
        assert service.call_next("noi") is None
        # the patient of the voided ticket may take a new one
        again = service.issue(TicketRequest("noi", False, citizen_id="001090000001"))
        assert again.id != a.id and not again.reprint
    finally:
        service.close()


def test_issue_past_its_deadline_is_voided(config_factory: Callable[..., KioskConfig]) -> None:
    import time

    from kiosk.queue.service import QueueUnavailable

    service = QueueService.from_config(config_factory())
    try:
        with pytest.raises(QueueUnavailable):
            service.issue(TicketRequest("noi", False), deadline=time.monotonic() - 0.1)
        deadline = time.monotonic() + 5
        while service._pending_voids and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not service._pending_voids
        assert service.call_next("noi") is None  # the late ticket is void
        [status] = service.status("noi")
        assert (status.issued, status.waiting) == (1, 0)
    finally:
        service.close()


@pytest.mark.postgres
def test_postgres_notifies_issue_and_call(
    config_factory: Callable[..., KioskConfig], backend: str
) -> None:
    if backend != "postgres":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    config = config_factory()
    service = QueueService.from_config(config)
    got: list[dict[str, object]] = []
    ready = threading.Event()

    def listen() -> None:
        stream = events.subscribe(config.storage.dsn.get_secret_value(), timeout_s=5)
        ready.set()
        for event in stream:
            got.append(event)
            if len(got) == 2:
                return

    thread = threading.Thread(target=listen)
    thread.start()
    try:
        ready.wait(5)
        import time

        time.sleep(0.3)  # LISTEN issued
        t = service.issue(TicketRequest("noi", False))
        service.call_next("noi", counter="2")
        thread.join(10)
        assert [(e["kind"], e["number"]) for e in got] == [("issued", "N001"), ("called", "N001")]
        assert got[0]["ticket_id"] == t.id and got[1]["counter_id"] == "2"
        assert all("name" not in e and "citizen_id" not in e for e in got)
    finally:
        service.close()
