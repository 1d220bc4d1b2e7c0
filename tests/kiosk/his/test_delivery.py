"""Hand-off through the real HIS simulator: exactly once as the HIS sees it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from his_testing import FakeClock, insured, patient

from kiosk.config import KioskConfig
from kiosk.his.record import build_registration
from kiosk.his.service import NOT_IN_HIS, HisService
from kiosk.his.simulator import HisSimulator
from kiosk.his.worker import drain_once
from kiosk.queue.service import QueueService, TicketRequest


def _setup(config: KioskConfig, clock: FakeClock) -> tuple[QueueService, HisService]:
    queue = QueueService.from_config(config)
    return queue, HisService(config, queue.engine, clock=clock)


def _issue(queue: QueueService, his: HisService, config: KioskConfig, cid: str) -> Any:
    from dataclasses import replace

    ident = replace(patient(), citizen_id=cid)
    reg = build_registration(
        config=config,
        identity=ident,
        eligibility=insured(),
        clinic_id="noi",
        priority=None,
        arrived_at=datetime.now(),
    )
    req = TicketRequest(clinic_id="noi", insured=True, citizen_id=cid, staff_note="BHYT")
    return his.issue(queue, req, reg)


@pytest.mark.parametrize("backend", ["rest", "fhir"])
def test_delivered_at_issue_when_the_his_answers(
    backend: str,
    his_config: Callable[..., KioskConfig],
    his_sim: HisSimulator,
    clock: FakeClock,
) -> None:
    config = his_config(backend)
    queue, his = _setup(config, clock)
    issued = _issue(queue, his, config, "001090000001")
    assert issued.delivered and issued.delivery.ma_lk.startswith("LK")
    assert NOT_IN_HIS not in issued.ticket.staff_note
    assert his.status().as_dict() | {"oldest_pending_age_s": None} == {
        "pending": 0,
        "delivered": 1,
        "dead": 0,
        "oldest_pending_age_s": None,
        "last_error": "",
    }
    visit = next(iter(his_sim.visits.values()))
    if backend == "rest":  # the HIS received the XML1 fields
        assert visit["registration"]["xml1"]["SO_CCCD"] == "001090000001"
    else:
        kinds = [e["resource"]["resourceType"] for e in visit["registration"]["bundle"]["entry"]]
        assert "Patient" in kinds and "Encounter" in kinds
    # same patient again: the same ticket, no second registration
    again = _issue(queue, his, config, "001090000001")
    assert again.ticket.id == issued.ticket.id
    assert his_sim.state()["visits"] == 1
    his.close()
    queue.close()


@pytest.mark.parametrize("backend", ["rest", "fhir"])
def test_his_numbering_prints_the_his_number_and_room(
    backend: str, his_config: Callable[..., KioskConfig], clock: FakeClock
) -> None:
    config = his_config(backend, numbering="his")
    queue, his = _setup(config, clock)
    issued = _issue(queue, his, config, "001090000002")
    assert issued.ticket.number == "N001" and issued.kiosk_number.startswith("N")
    assert "Phòng P.101" in issued.ticket.staff_note
    assert f"Số kiosk {issued.kiosk_number}" in issued.ticket.staff_note
    his.close()
    queue.close()


@pytest.mark.faults
def test_outage_of_minutes_then_every_registration_once(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator, clock: FakeClock
) -> None:
    """The HIS port is closed for 10 simulated minutes: tickets are issued at once with the
    staff note, rows back off; when the port opens every registration reaches the HIS once."""
    config = his_config("rest", max_attempts=50)
    queue, his = _setup(config, clock)
    his_sim.set_down(True)
    tickets = []
    for i in range(6):
        started = time.monotonic()
        issued = _issue(queue, his, config, f"0010900001{i:02d}")
        assert time.monotonic() - started < 3  # the patient is not held by the outage
        assert not issued.delivered and issued.ticket.staff_note.endswith(NOT_IN_HIS)
        tickets.append(issued.ticket)
    for _ in range(60):  # ten minutes in 10 s steps
        clock.advance(10)
        drain_once(his.his, his.outbox)
    st = his.status()
    assert st.pending == 6 and st.delivered == 0 and st.oldest_pending_age_s >= 600
    assert "ConnectionError" in st.last_error
    assert not his.health().ok
    his_sim.set_down(False)
    clock.advance(his.settings.outbox.backoff_max_s * 1.3)  # at most one backoff later
    while drain_once(his.his, his.outbox):
        pass
    st = his.status()
    assert (st.pending, st.delivered, st.dead) == (0, 6, 0)
    assert his_sim.state()["visits"] == 6
    assert set(his_sim.visits) == {t.id for t in tickets}
    his.close()
    queue.close()


@pytest.mark.faults
@pytest.mark.parametrize("backend", ["rest", "fhir"])
def test_lost_answer_is_delivered_again_and_registered_once(
    backend: str,
    his_config: Callable[..., KioskConfig],
    his_sim: HisSimulator,
    clock: FakeClock,
) -> None:
    config = his_config(backend)
    queue, his = _setup(config, clock)
    his_sim.set_fault("duplicate")
    issued = _issue(queue, his, config, "001090000003")
    assert not issued.delivered  # the connection dropped after the HIS registered it
    his_sim.set_fault(None)
    clock.advance(10)
    assert drain_once(his.his, his.outbox) == 1
    state = his_sim.state()
    assert state["visits"] == 1 and state["deliveries"] == 2
    row = his.outbox.state_of(issued.ticket.id)
    assert row is not None and row["ma_lk"] == his_sim.visits[issued.ticket.id]["ma_lk"]
    his.close()
    queue.close()


@pytest.mark.faults
def test_reordered_answer_is_not_taken_for_ours(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator, clock: FakeClock
) -> None:
    config = his_config("rest")
    queue, his = _setup(config, clock)
    first = _issue(queue, his, config, "001090000004")
    assert first.delivered
    his_sim.set_fault("reorder")  # the next answer is the first registration's
    second = _issue(queue, his, config, "001090000005")
    assert not second.delivered
    assert his.outbox.state_of(second.ticket.id)["state"] == "pending"  # type: ignore[index]
    his_sim.set_fault(None)
    clock.advance(10)
    drain_once(his.his, his.outbox)
    got = his.outbox.state_of(second.ticket.id)
    assert got is not None and got["ma_lk"] == his_sim.visits[second.ticket.id]["ma_lk"]
    assert got["ma_lk"] != his_sim.visits[first.ticket.id]["ma_lk"]
    his.close()
    queue.close()


@pytest.mark.faults
def test_http_500_until_dead_letter_then_retry(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator, clock: FakeClock
) -> None:
    config = his_config("rest", max_attempts=3)
    queue, his = _setup(config, clock)
    his_sim.set_fault("http500")
    issued = _issue(queue, his, config, "001090000006")  # attempt 1
    for _ in range(5):
        clock.advance(120)
        drain_once(his.his, his.outbox)
    st = his.status()
    assert (st.pending, st.dead) == (0, 1) and st.last_error == "HTTP 500"
    health = his.health()
    assert not health.ok and "kiosk his retry" in health.fix
    his_sim.set_fault(None)
    assert his.retry() == 1
    drain_once(his.his, his.outbox)
    assert his.outbox.state_of(issued.ticket.id)["state"] == "delivered"  # type: ignore[index]
    assert his_sim.state()["visits"] == 1
    his.close()
    queue.close()


@pytest.mark.faults
def test_slow_his_holds_the_patient_at_most_the_issue_timeout(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator, clock: FakeClock
) -> None:
    config = his_config("rest")
    queue, his = _setup(config, clock)
    his_sim.set_fault("slow")  # 2 s answers, issue_timeout_s = 1
    started = time.monotonic()
    issued = _issue(queue, his, config, "001090000007")
    assert time.monotonic() - started < 1.9
    assert not issued.delivered and issued.ticket.staff_note.endswith(NOT_IN_HIS)
    his.close()
    queue.close()


def test_worker_thread_delivers_in_the_background(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator
) -> None:
    config = his_config("rest")
    queue = QueueService.from_config(config)
    his = HisService(config, queue.engine)  # real clock
    his_sim.set_down(True)
    _issue(queue, his, config, "001090000008")
    his.start()
    assert his.worker.running
    his_sim.set_down(False)
    deadline = time.monotonic() + 15
    while his.status().delivered < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert his.status().delivered == 1  # the worker probes the HIS and drains the backlog
    his.close()
    assert not his.worker.running
    queue.close()


def test_none_backend_keeps_todays_behaviour(tmp_path: Any) -> None:
    config = KioskConfig.model_validate({"data_dir": str(tmp_path)})
    queue = QueueService.from_config(config)
    his = HisService(config, queue.engine)
    issued = _issue(queue, his, config, "001090000009")
    assert not issued.delivered and NOT_IN_HIS not in issued.ticket.staff_note
    assert his.status().pending == 0 and his.health().ok
    queue.close()


def test_doctor_reports_the_outbox(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator, clock: FakeClock
) -> None:
    from kiosk.admin.doctor import check_his

    config = his_config("rest")
    queue, his = _setup(config, clock)
    assert check_his(his).ok
    his_sim.set_down(True)
    _issue(queue, his, config, "001090000010")
    clock.advance(700)
    result = check_his(his)
    assert (
        not result.ok and "1 pending" in result.summary and "oldest pending 700 s" in result.summary
    )
    assert result.details["pending"] == "1"
    assert check_his(None).ok  # no HIS service: not configured
    his.close()
    queue.close()


@pytest.mark.parametrize("backend", ["rest", "fhir"])
def test_appointment_lookup_by_code_and_by_id(
    backend: str, his_config: Callable[..., KioskConfig], his_sim: HisSimulator
) -> None:
    from datetime import timedelta

    from kiosk.his.appointments import find_appointment
    from kiosk.his.base import build_his
    from kiosk.his.simulator import VN

    config = his_config(backend)
    now = datetime.now(VN).replace(microsecond=0)
    his_sim.add_appointment(
        "LH00000001", now + timedelta(minutes=20), "noi", "Khám Nội", citizen_id="001090123456"
    )
    his_sim.add_appointment("LH00000002", now - timedelta(minutes=45), "mat", "Khám Mắt")
    his = build_his(config)
    got = find_appointment(his, config, now=now, code="LH00000001")
    assert got.found and got.window == "in_window" and got.priority
    assert got.appointment is not None and got.appointment.clinic_id == "noi"
    assert (
        got.message("vi") == f"Bạn có lịch hẹn {(now + timedelta(minutes=20)):%H:%M}, "
        "Khám Nội — xác nhận?"
    )
    by_id = find_appointment(his, config, now=now, citizen_id="001090123456")
    assert by_id.appointment is not None and by_id.appointment.code == "LH00000001"
    late = find_appointment(his, config, now=now, code="LH00000002")  # 45 min late > 30
    assert late.found and late.window == "late" and not late.priority
    none = find_appointment(his, config, now=now, code="LH99999999")
    assert not none.found and "Không tìm thấy" in none.message_vi
    his_sim.set_down(True)
    down = find_appointment(his, config, now=now, code="LH00000001")
    assert down.his_unavailable and not down.found
    his.close()


@pytest.mark.parametrize("backend", ["rest", "fhir"])
def test_fees_of_a_delivered_visit(
    backend: str,
    his_config: Callable[..., KioskConfig],
    his_sim: HisSimulator,
    clock: FakeClock,
) -> None:
    config = his_config(backend)
    queue, his = _setup(config, clock)
    issued = _issue(queue, his, config, "001090000011")
    ma_lk = issued.delivery.ma_lk
    his_sim.set_fees(
        ma_lk,
        [
            {"code": "KB01", "name": "Khám bệnh", "amount": 12_000, "fund_pays": 30_500},
            {"code": "XN02", "name": "Công thức máu", "amount": 9_000, "paid": True},
        ],
    )
    fees = his.his.fees(ma_lk)
    assert [f.code for f in fees.items] == ["KB01", "XN02"]
    assert fees.due == 12_000 and fees.items[1].paid
    his.close()
    queue.close()
