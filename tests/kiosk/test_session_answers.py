"""Late answers (kiosk.session.answers): work started for one patient that answers after they
left is never delivered to the session. The helper itself, then each part of the flow with
its deliberate difference: a late ticket is logged, a print that raised is logged even late."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from kiosk.session import Session, Step, run_inline
from kiosk.session.answers import run_busy, while_current
from kiosk.text import Text

AN_ID = "001090123456"

Job = tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]


class Held:
    """A runner that holds every job until the test runs it."""

    def __init__(self) -> None:
        self.pending: list[Job] = []

    def __call__(self, work, done, failed) -> None:
        self.pending.append((work, done, failed))

    def next(self) -> Job:
        return self.pending.pop(0)

    def run_next(self) -> None:
        run_inline(*self.next())


@pytest.fixture
def runner() -> Held:
    return Held()


@pytest.fixture
def session(services, runner) -> Session:
    return Session(services, runner)


# -- the helper ----------------------------------------------------------------------------


def test_an_answer_is_delivered_while_current_and_a_late_one_never(session):
    seen: list[object] = []
    late: list[object] = []
    deliver = while_current(session, seen.append, on_late=late.append)
    deliver("now")
    session.cancel()  # a new generation: the patient left
    deliver("too late")
    assert seen == ["now"] and late == ["too late"]


def test_still_gives_up_an_answer_without_a_new_generation(session):
    awaited = [True]
    seen: list[object] = []
    deliver = while_current(session, seen.append, still=lambda: awaited[0])
    awaited[0] = False
    deliver("given up")
    assert seen == []


@pytest.mark.parametrize("outcome", ["result", "failure"])
def test_run_busy_enters_the_step_and_drops_a_late_answer(session, runner, outcome):
    answers: list[object] = []
    late: list[object] = []
    session.begin()
    run_busy(
        session,
        Step.ISSUING,
        lambda: "unused",
        answers.append,
        answers.append,
        on_late=late.append,
    )
    assert session.step is Step.ISSUING and not answers
    _, done, failed = runner.next()
    session.cancel()
    done("answer") if outcome == "result" else failed(RuntimeError("boom"))
    assert answers == [] and session.step is Step.START
    assert late == (["answer"] if outcome == "result" else [])  # a late failure: dropped


def test_run_busy_delivers_a_current_answer(session, runner):
    answers: list[object] = []
    session.begin()
    run_busy(session, Step.ISSUING, lambda: "answer", answers.append, answers.append)
    runner.run_next()
    assert answers == ["answer"]


# -- each part of the flow -----------------------------------------------------------------


def at_confirm_identity(session: Session, runner: Held) -> None:
    session.begin("vi")
    session.accept_privacy("test-notice")
    runner.run_next()  # the answer to the notice, recorded
    session.submit_id(AN_ID)  # typed, no card
    assert session.step is Step.CONFIRM_IDENTITY


def at_confirm(session: Session, runner: Held) -> None:
    at_confirm_identity(session, runner)
    session.confirm_identity()
    runner.run_next()  # the insurance check
    runner.run_next()  # the rules behind the share
    session.continue_after_insurance()
    session.choose_clinic("noi")
    session.choose_priority(None)
    assert session.step is Step.CONFIRM and not runner.pending


def test_a_late_insurance_answer_is_dropped(session, runner):
    at_confirm_identity(session, runner)
    session.confirm_identity()
    assert session.step is Step.CHECKING_INSURANCE
    session.cancel()
    runner.run_next()
    assert session.step is Step.START and session.data.eligibility is None
    assert not runner.pending  # nor are the rules asked for


def test_a_late_insurance_failure_is_dropped_unlogged(session, runner, caplog):
    at_confirm_identity(session, runner)
    session.confirm_identity()
    _, _, failed = runner.next()
    session.cancel()
    with caplog.at_level(logging.INFO):
        failed(RuntimeError("boom"))
    assert session.step is Step.START and session.data.eligibility is None
    assert "insurance checker raised" not in caplog.text


RULE = [Text("Quy tắc", "A rule")]


def test_late_rules_are_dropped(session, runner):
    at_confirm_identity(session, runner)
    session.confirm_identity()
    runner.run_next()  # the insurance check: the rules are asked for
    assert session.step is Step.INSURANCE_RESULT and len(runner.pending) == 1
    _, done, _ = runner.next()
    session.cancel()
    done(RULE)
    assert session.data.rules_applied == []


def test_rules_in_time_are_shown(session, runner):
    at_confirm_identity(session, runner)
    session.confirm_identity()
    runner.run_next()
    _, done, _ = runner.next()
    done(RULE)
    assert session.data.rules_applied == RULE  # the late test above is not vacuous


def test_a_late_ticket_is_logged_and_not_printed(session, runner, services, caplog):
    at_confirm(session, runner)
    session.confirm()
    assert session.step is Step.ISSUING
    session.cancel()
    with caplog.at_level(logging.WARNING):
        runner.run_next()  # the queue issues the number after the patient left
    assert "was issued after its session ended" in caplog.text
    assert session.step is Step.START and session.data.ticket is None
    assert not runner.pending and not services.printer.printed


def test_a_late_ticket_failure_is_dropped(session, runner):
    at_confirm(session, runner)
    session.confirm()
    _, _, failed = runner.next()
    session.cancel()
    failed(RuntimeError("boom"))
    assert session.step is Step.START and session.data.message is None


def test_a_late_print_is_dropped(session, runner):
    at_confirm(session, runner)
    session.confirm()
    runner.run_next()  # the ticket issued: its print is asked for
    assert session.data.ticket is not None and len(runner.pending) == 1
    session.cancel()
    runner.run_next()
    assert session.step is Step.START and session.data.print_outcome is None


def test_a_print_that_raised_is_logged_even_late(session, runner, caplog):
    at_confirm(session, runner)
    session.confirm()
    runner.run_next()
    _, _, failed = runner.next()
    session.cancel()
    with caplog.at_level(logging.ERROR):
        failed(RuntimeError("boom"))
    assert "printing raised RuntimeError" in caplog.text
    assert session.step is Step.START and session.data.print_outcome is None


def test_a_late_card_read_is_dropped(session, runner, services):
    session.begin()
    session.accept_privacy("test-notice")
    runner.run_next()
    services.card_reader.insert("an-adult")
    session.card_inserted()
    session.submit_id(AN_ID)
    assert session.step is Step.READING_CARD
    session.cancel()
    runner.run_next()
    assert session.step is Step.START and session.data.identity is None
