"""The visit and its ticket: the clinic and priority chosen, the ticket issued (or refused
with the queue's own words) and printed, reprinted after a printer problem."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.messages import TICKET_FAILED, ticket_refused
from kiosk.queue.model import QueueError  # not .service: no SQLAlchemy before the first paint
from kiosk.session.answers import run_busy, while_current
from kiosk.session.data import PatientData
from kiosk.session.steps import Step
from kiosk.text import Text

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)


def choose_clinic(session: Session, clinic_id: str) -> None:
    if session.step is not Step.CHOOSE_CLINIC:
        return
    session.config.clinic(clinic_id)  # KeyError for an unknown clinic: a programming error
    session.touch()
    data = session.data
    appointment = data.appointment
    if appointment is not None and appointment.clinic_id != clinic_id:
        data.appointment, data.appointment_first = None, False
    data.clinic_id = clinic_id
    data.message = None
    if not data.priority_chosen and data.proposed_priorities:
        data.priority = data.proposed_priorities[0]
    session._go(Step.CHOOSE_PRIORITY)


def choose_priority(session: Session, priority: str | None) -> None:
    if session.step is not Step.CHOOSE_PRIORITY:
        return
    session.touch()
    session.data.priority = priority
    session.data.priority_chosen = True
    session._go(Step.CONFIRM)


def confirm(session: Session) -> None:
    if session.step is not Step.CONFIRM:
        return
    session.touch()
    data = session.data
    services = session.services
    run_busy(
        session,
        Step.ISSUING,
        lambda: services.issue_ticket(data),
        lambda ticket: _ticket_issued(session, ticket),
        lambda exc: _ticket_failed(session, exc),
        on_late=_issued_too_late,
    )


def reprint(session: Session) -> None:
    ticket = session.data.ticket
    if session.step is not Step.TICKET or ticket is None or printed(session.data):
        return
    session.touch()
    services = session.services
    _print(session, lambda language: services.reprint_ticket(ticket, language), busy=Step.ISSUING)


def printed(data: PatientData) -> bool:
    return bool(data.print_outcome is not None and getattr(data.print_outcome, "ok", False))


def _issued_too_late(ticket: Any) -> None:
    # Only possible when the step outlived busy_limit_s: the number stays in the queue.
    log.warning("ticket %s was issued after its session ended", getattr(ticket, "number", "?"))


def _ticket_issued(session: Session, ticket: Any) -> None:
    session.data.ticket = ticket
    services = session.services
    _print(session, lambda language: services.print_ticket(ticket, language))


def _print(session: Session, job: Callable[[str], Any], *, busy: Step | None = None) -> None:
    """Prints for this patient (a reprint enters the `busy` step first). Not `run_busy`: a
    print that raised is logged even when late, then shown as no outcome."""
    shown = while_current(session, lambda outcome: _ticket_printed(session, outcome))

    def raised(exc: BaseException) -> None:
        log.error("printing raised %s", type(exc).__name__)  # the print service should not
        shown(None)

    if busy is not None:
        session._go(busy)
    language = session.data.language
    session.run(lambda: job(language), shown, raised)


def _ticket_printed(session: Session, outcome: Any) -> None:
    session.data.print_outcome = outcome
    session._go(Step.TICKET)


def _ticket_failed(session: Session, exc: BaseException) -> None:
    if isinstance(exc, QueueError):
        # A refusal with its own words (e.g. the clinic is closed now): choose again.
        log.info("ticket refused: %s", type(exc).__name__)
        session.data.message = ticket_refused(Text(exc.message_vi, exc.message_en))
        session._go(Step.CHOOSE_CLINIC)
        return
    log.error("ticket could not be issued: %s", type(exc).__name__, exc_info=exc)
    session.data.message = TICKET_FAILED
    session._go(Step.CONFIRM)
