"""The personal-data notice step (kiosk.privacy): its two answers, what each allows, and the
answer's record (a statistic that never blocks the patient)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.session.data import PatientData
from kiosk.session.identify import code_scanned, own_card_present
from kiosk.session.steps import Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)


def may_identify(data: PatientData) -> bool:
    """The patient agreed to the notice (or saw it, where no consent is asked): the kiosk
    may read their card and ask the gateway."""
    return data.consent in ("accepted", "acknowledged")


def accept_privacy(session: Session, notice_version: str) -> None:
    if session.step is not Step.CONSENT:
        return
    session.touch()
    data = session.data
    mode = session.config.privacy.notice_mode
    data.consent = "accepted" if mode == "consent" else "acknowledged"
    _record_consent(session, notice_version, mode, data.consent)
    pending, data.pending_scan = data.pending_scan, None
    if own_card_present(session):
        session._go(Step.CARD_KEY)  # placed on the reader while the notice showed
    else:
        session._go(Step.IDENTIFY)
    if pending is not None:
        code_scanned(session, pending)  # shown while the notice showed: used now


def refuse_privacy(session: Session, notice_version: str) -> None:
    if session.step is not Step.CONSENT:
        return
    session.touch()
    data = session.data
    mode = session.config.privacy.notice_mode
    data.consent = "refused" if mode == "consent" else "plain"
    data.access_key = None
    data.pending_scan = None  # a code shown meanwhile is dropped unread
    _record_consent(session, notice_version, mode, data.consent)
    data.message = None
    session._go(Step.CHOOSE_CLINIC)


def _record_consent(session: Session, version: str, mode: str, answer: str) -> None:
    def failed(exc: BaseException) -> None:  # the answer is a statistic: never blocks
        log.warning("notice answer not recorded: %s", type(exc).__name__)

    services = session.services
    session.run(lambda: services.record_consent(version, mode, answer), lambda _: None, failed)
