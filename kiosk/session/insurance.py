"""The insurance check: the identity the patient confirmed goes to the gateway, the result
(with a slip's route, if one was scanned) is shown with the dated rules behind the share, then
the appointment lookup or the clinic choice."""

from __future__ import annotations

import functools
import logging
from datetime import date
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.insurance.decision import not_verified
from kiosk.models import Eligibility, InsuranceAction
from kiosk.session.answers import run_busy, while_current
from kiosk.session.data import PatientData
from kiosk.session.steps import Step
from kiosk.text import Text

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)


def is_insured(data: PatientData) -> bool:
    e = data.eligibility
    return bool(e and e.action is InsuranceAction.INSURED)


def confirm_identity(session: Session) -> None:
    if (
        session.step is not Step.CONFIRM_IDENTITY
        or session.data.identity is None
        or not session.identifying
    ):
        return
    session.touch()
    identity = session.data.identity
    services = session.services
    session.data.proposed_priorities = services.proposed_priorities(identity)
    run_busy(
        session,
        Step.CHECKING_INSURANCE,
        lambda: services.check_insurance(identity),
        lambda elig: _insurance_checked(session, elig),
        lambda exc: _insurance_failed(session, exc),
    )


def _insurance_checked(session: Session, eligibility: Eligibility) -> None:
    data = session.data
    if data.slip is not None:  # a referral scanned before the check: its route
        eligibility = session.services.apply_slip(eligibility, data.slip)
    data.eligibility = eligibility
    # The plain sentences of the rules behind the share (kiosk/rules), read off this thread;
    # guarded from here, as the check was (the step's listeners run before the rules start).
    explained = while_current(session, functools.partial(_rules_explained, session))
    session._go(Step.INSURANCE_RESULT)
    config = session.config
    session.run(
        lambda: rule_texts(eligibility, config),
        explained,
        lambda exc: log.warning("rules not explained: %s", type(exc).__name__),
    )


def _rules_explained(session: Session, texts: list[Text]) -> None:
    if texts:
        session.data.rules_applied = texts
        session._changed()


def _insurance_failed(session: Session, exc: BaseException) -> None:
    # The checker never raises by contract; if it does anyway, degrade honestly.
    log.error("insurance checker raised %s", type(exc).__name__)
    unverified = not_verified(session.config.insurance.unverified_action)
    _insurance_checked(session, unverified)


def continue_after_insurance(session: Session) -> None:
    if session.step is not Step.INSURANCE_RESULT:
        return
    session.touch()
    if session.data.appointment_check is not None:  # looked up already (came back here)
        session._appointments.after_lookup()
    elif session.services.appointments_enabled():
        session._appointments.check()
    else:
        session._go(Step.CHOOSE_CLINIC)


def rule_texts(eligibility: Eligibility, config: KioskConfig) -> list[Text]:
    from kiosk.insurance.benefits import rules_applied

    applied = rules_applied(eligibility, on=date.today(), config=config.insurance)
    return [Text(rule.text_vi, rule.text_en) for rule in applied]
