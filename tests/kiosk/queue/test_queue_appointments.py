"""Appointment holders before walk-ins (tier), the room on the ticket, schema 4."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from kiosk.config import KioskConfig
from kiosk.queue.service import TZ, QueueService, TicketRequest
from kiosk.queue.ticket_render import render_ticket, ticket_room

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=TZ)


def appointment(at: datetime, first: bool = True) -> TicketRequest:
    return TicketRequest("noi", False, appointment_at=at, appointment_first=first)


def test_appointment_holders_go_before_walk_ins_in_check_in_order(
    config_factory: Callable[..., KioskConfig],
) -> None:
    service = QueueService.from_config(config_factory())
    try:
        w1 = service.issue(TicketRequest("noi", False), now=T0)
        w2 = service.issue(TicketRequest("noi", False), now=T0)
        a1 = service.issue(appointment(T0 + timedelta(minutes=20)), now=T0)
        early = service.issue(appointment(T0 + timedelta(hours=3), first=False), now=T0)
        a2 = service.issue(appointment(T0 + timedelta(minutes=10)), now=T0)
        p1 = service.issue(TicketRequest("noi", False, priority="under_6"), now=T0)
        # people ahead follow the call order: priority, then holders, then walk-ins
        assert a1.people_ahead == 0 and a2.people_ahead == 1
        assert a1.tier == 0 and early.tier == 1 and w1.tier == 1
        assert service.get(w1.id).people_ahead == 3  # p1, a1, a2
        assert service.get(early.id).people_ahead == 5  # an early holder waits as a walk-in
        assert service.get(a1.id).appointment_at == T0 + timedelta(minutes=20)
        called = [service.call_next("noi", now=T0 + timedelta(minutes=i)) for i in range(7)]
        assert [t.id if t else None for t in called] == [
            p1.id,
            a1.id,
            a2.id,
            w1.id,
            w2.id,
            early.id,
            None,
        ]
    finally:
        service.close()


def test_a_transfer_goes_before_holders_and_a_requeued_holder_keeps_its_rank(
    config_factory: Callable[..., KioskConfig],
) -> None:
    config = config_factory()
    service = QueueService.from_config(config)
    try:
        a1 = service.issue(appointment(T0), now=T0)
        a2 = service.issue(appointment(T0), now=T0)
        w1 = service.issue(TicketRequest("noi", False), now=T0)
        w2 = service.issue(TicketRequest("noi", False), now=T0)
        first = service.call_next("noi", now=T0)
        assert first is not None and first.id == a1.id
        service.skip(a1.id)  # requeued behind 3 waiting: a2, w1, w2 -> at the end
        service.transfer(w2.id, "noi")
        order = [service.call_next("noi", now=T0 + timedelta(minutes=i)) for i in range(1, 5)]
        assert [t.id if t else None for t in order] == [w2.id, a2.id, w1.id, a1.id]
    finally:
        service.close()


def test_the_room_is_stored_printed_and_replaced_by_the_his(
    config_factory: Callable[..., KioskConfig],
) -> None:
    config = config_factory()
    service = QueueService.from_config(config)
    try:
        ticket = service.issue(TicketRequest("noi", False), now=datetime.now(TZ))
        assert ticket.room == config.clinic("noi").room == service.get(ticket.id).room
        before = render_ticket(ticket, config, "vi")
        service.set_room(ticket.id, "P.305")
        stored = service.get(ticket.id)
        assert stored.room == "P.305" and ticket_room(stored, config) == "P.305"
        assert render_ticket(stored, config, "vi").tobytes() != before.tobytes()
    finally:
        service.close()
