"""The session's appointment step without Qt: the lookup is bounded by the session itself (a
HIS that never answers), a late answer is dropped, back from the priority question returns to
the appointment, and a booking in another clinic is dropped when the patient picks another."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from kiosk.bootstrap import Services, build_services
from kiosk.his.appointments import AppointmentCheck
from kiosk.his.base import Appointment
from kiosk.his.simulator import VN
from kiosk.session import LOOKUP_GRACE_S, Session, Step, run_inline

AN_ID = "001090123456"


class Deferred:
    def __init__(self) -> None:
        self.pending: list[tuple[Callable[[], Any], Callable[[Any], None], Any]] = []

    def __call__(self, work, done, failed) -> None:  # type: ignore[no-untyped-def]
        self.pending.append((work, done, failed))

    def run_next(self, result: Any = None) -> None:
        work, done, failed = self.pending.pop(0)
        if result is None:
            run_inline(work, done, failed)
        else:
            done(result)


@pytest.fixture
def services(demo_config, tmp_path) -> Iterator[Services]:
    his = {"backend": "rest", "url": "http://127.0.0.1:9", "secret": "x"}  # nobody listens
    config = demo_config.model_copy(
        update={
            "catalog": demo_config.catalog.model_copy(update={"demo_catalog": False}),
            "his": demo_config.his.model_validate(his),
        }
    )
    built = build_services(config)
    yield built
    built.close()


def at_insurance_result(services: Services, runner: Deferred, clock: list[float]) -> Session:
    session = Session(services, runner, clock=lambda: clock[0])
    session.begin("vi")
    session.accept_privacy("test-notice")  # the personal-data notice
    runner.run_next()  # its answer recorded (a background job)
    session.submit_id(AN_ID)
    session.confirm_identity()
    runner.run_next()  # the insurance check (in process)
    assert session.step is Step.INSURANCE_RESULT
    runner.run_next()  # the rules behind the share (shown on the insurance screen)
    return session


def found(clinic: str = "tmh", priority: bool = True) -> AppointmentCheck:
    appt = Appointment("A1", "LH00000001", datetime.now(VN), clinic, "Khám Tai Mũi Họng")
    return AppointmentCheck(True, appt, "in_window", priority, False, "Bạn có lịch hẹn …", "…")


def test_a_lookup_that_never_answers_ends_within_the_bound_and_its_answer_is_dropped(services):
    clock, runner = [100.0], Deferred()
    session = at_insurance_result(services, runner, clock)
    session.continue_after_insurance()
    assert session.step is Step.CHECKING_APPOINTMENT and len(runner.pending) == 1
    clock[0] += services.config.his.appointments.lookup_timeout_s + LOOKUP_GRACE_S - 0.1
    session.tick()
    assert session.step is Step.CHECKING_APPOINTMENT  # not yet
    clock[0] += 0.2
    session.tick()
    assert session.step is Step.CHOOSE_CLINIC
    assert session.data.message is not None and session.data.message.code == "appointment_unchecked"
    runner.run_next(found())  # the HIS answers after all: too late, dropped
    assert session.step is Step.CHOOSE_CLINIC and session.data.appointment is None


def test_confirm_back_and_another_clinic(services):
    clock, runner = [100.0], Deferred()
    session = at_insurance_result(services, runner, clock)
    session.continue_after_insurance()
    runner.run_next(found())
    assert session.step is Step.APPOINTMENT
    session.confirm_appointment()
    assert session.step is Step.CHOOSE_PRIORITY and session.data.clinic_id == "tmh"
    assert session.data.appointment is not None and session.data.appointment_first
    session.back()
    assert session.step is Step.APPOINTMENT and session.data.appointment is None
    session.confirm_appointment()
    session.choose_priority(None)
    assert session.step is Step.CONFIRM
    session.back()  # to the priority question
    session.back()  # to the appointment question again
    session.decline_appointment()
    assert session.step is Step.CHOOSE_CLINIC
    session.choose_clinic("noi")
    assert session.data.appointment is None and not session.data.appointment_first


def test_a_booking_for_a_clinic_this_kiosk_does_not_serve_is_a_walk_in(services):
    appt = Appointment("A9", "LH1", datetime.now(VN), "K99", "Khám Ung bướu")
    assert services.his is not None and services.his.clinic_for(appt) is None
    mapped = services.his.config.his.model_copy(update={"departments": {"noi": "K01"}})
    services.his.settings = mapped
    assert services.his.clinic_for(Appointment("A2", "LH2", appt.start, "K01")) == "noi"
