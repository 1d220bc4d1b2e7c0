"""The counter side: calls (priority first), people ahead and waiting times from real calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kiosk.config import KioskConfig
from kiosk.queue.service import TZ, QueueService, TicketRequest

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=TZ)


def test_call_next_serves_priority_first_and_marks_done(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        n1 = service.issue(TicketRequest("noi", False), now=T0)
        n2 = service.issue(TicketRequest("noi", False), now=T0)
        p1 = service.issue(TicketRequest("noi", False, priority="under_6"), now=T0)
        assert (n1.people_ahead, n2.people_ahead, p1.people_ahead) == (0, 1, 0)
        assert service.get(n1.id).people_ahead == 1  # the priority patient goes first
        called = [service.call_next("noi", now=T0 + timedelta(minutes=i)) for i in range(4)]
        assert [t.number if t else None for t in called] == ["N-ƯT001", "N001", "N002", None]
        assert service.get(p1.id).state == "done"
        assert service.get(n2.id).state == "done"  # the last call ends when nobody is left
        assert service.get(n1.id).people_ahead == 0
        [status] = service.status("noi", day=T0.date())
        assert (status.issued, status.waiting, status.called, status.current_number) == (
            2,
            0,
            2,
            "N002",
        )
    finally:
        service.close()


def test_estimated_wait_uses_service_times_and_open_counters(
    config_factory: Callable[..., KioskConfig],
) -> None:
    clinics = [
        {
            "id": "noi",
            "name_vi": "Khám Nội",
            "name_en": "Internal",
            "prefix": "N",
            "service_time_min": 4,
            "counters": 2,
        },
    ]
    service = QueueService.from_config(config_factory(clinics=clinics))
    try:
        for _ in range(6):
            service.issue(TicketRequest("noi", False), now=T0)
        fresh = service.issue(TicketRequest("noi", False), now=T0)
        # no service measured yet: the configured 4 min per patient over 2 counters, both
        # free (the first two ahead are called at once): (6 - 2 + 0.5) x 4 / 2
        assert (fresh.people_ahead, fresh.estimated_wait_min) == (6, 9)
        assert fresh.wait_range_min is not None
        low, high = fresh.wait_range_min
        assert low < 9 < high
        # one counter: 3 minutes with each patient, then 20 idle minutes before the next
        # call. Idle time is not service time (the interval between calls would say 23 min)
        for k in range(4):
            start = T0 + timedelta(minutes=23 * k)
            ticket = service.call_next("noi", now=start, counter="1")
            assert ticket is not None
            service.done(ticket.id, now=start + timedelta(minutes=3))
        now = T0 + timedelta(minutes=70)
        later = service.issue(TicketRequest("noi", False), now=now)
        assert later.people_ahead == 3  # 7 issued before it, 4 served
        # (3 ahead - 1 free counter + 0.5) x 3 min / 1 counter (the one that called lately)
        assert later.estimated_wait_min == 8
        [status] = service.status("noi", day=T0.date())
        assert status.service_min == 3.0
        # a second counter opens: the same people ahead take half as long
        service.set_counter("1", "Quầy 1", ["noi"])
        service.set_counter("2", "Quầy 2", ["noi"])
        assert service.get(later.id).estimated_wait_min == 2  # (3 - 2 + 0.5) x 3 / 2
        service.set_counter("2", "Quầy 2", ["noi"], is_open=False)
        assert service.get(later.id).estimated_wait_min == 8
        # a lunch break (a "service" of 3 hours) is not a service time
        ticket = service.call_next("noi", now=now, counter="1")
        assert ticket is not None
        service.done(ticket.id, now=now + timedelta(hours=3))
        [status] = service.status("noi", day=T0.date())
        assert status.service_min == 3.0
    finally:
        service.close()


def test_unknown_line_and_empty_estimate(config_factory: Callable[..., KioskConfig]) -> None:
    clinics = [
        {
            "id": "noi",
            "name_vi": "Khám Nội",
            "name_en": "Internal",
            "prefix": "N",
            "service_time_min": None,
        },
    ]
    service = QueueService.from_config(config_factory(clinics=clinics))
    try:
        service.issue(TicketRequest("noi", False), now=T0)
        t = service.issue(TicketRequest("noi", False), now=T0)
        assert (t.people_ahead, t.estimated_wait_min) == (1, None)
        try:
            service.call_next("nope")
        except ValueError as exc:
            assert "nope" in str(exc)
        else:
            raise AssertionError("unknown line accepted")
    finally:
        service.close()


def test_record_print_keeps_status_and_attempts(config_factory: Callable[..., KioskConfig]) -> None:
    service = QueueService.from_config(config_factory())
    try:
        t = service.issue(TicketRequest("noi", False))
        assert (t.print_status, t.print_attempts) == ("pending", 0)
        service.record_print(t.id, False, "paper_out: paper out")
        got = service.get(t.id)
        assert (got.print_status, got.print_attempts, got.print_error) == (
            "failed",
            1,
            "paper_out: paper out",
        )
        service.record_print(t.id, True)
        got = service.get(t.id)
        assert (got.print_status, got.print_attempts, got.print_error) == ("printed", 2, "")
        [status] = service.status("noi")
        assert status.print_failed == 0
    finally:
        service.close()


def test_two_counters_calling_at_once_never_get_the_same_ticket(
    config_factory: Callable[..., KioskConfig],
) -> None:
    import threading

    service = QueueService.from_config(config_factory())
    try:
        issued = {service.issue(TicketRequest("noi", False)).id for _ in range(40)}
        got: list[str] = []
        lock = threading.Lock()

        def counter() -> None:
            while True:
                t = service.call_next("noi")
                if t is None:
                    return
                with lock:
                    got.append(t.id)

        threads = [threading.Thread(target=counter) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert sorted(got) == sorted(issued)  # each ticket called exactly once
    finally:
        service.close()


def test_each_counter_closes_only_its_own_patient(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        ids = [service.issue(TicketRequest("noi", False), now=T0).id for _ in range(3)]
        a = service.call_next("noi", now=T0, counter="1")
        b = service.call_next("noi", now=T0, counter="2")
        assert a is not None and b is not None and (a.id, b.id) == (ids[0], ids[1])
        c = service.call_next("noi", now=T0 + timedelta(minutes=5), counter="1")
        assert c is not None and c.id == ids[2]
        states = [service.get(i).state for i in ids]
        assert states == ["done", "called", "called"]  # counter 2 is still with its patient
    finally:
        service.close()
