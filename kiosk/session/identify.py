"""Identifying the patient: a chip card on the reader (and its access key, the CAN or all 12
digits typed), a QR code shown to the camera, or the 12-digit ID typed on the keypad."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    CardData,
    CardError,
    KeyRequired,
    ReaderUnavailable,
)
from kiosk.chip import identity_from_card, refusal_message
from kiosk.identity.citizen_id import CitizenIdError, parse_citizen_id
from kiosk.messages import (
    APPOINTMENT_RECEIVED,
    CAN_LENGTH,
    ID_BAD_BIRTH_YEAR,
    ID_BAD_PROVINCE,
    ID_MISMATCH,
    INVALID_ID,
    Message,
    card_message,
    scan_problem,
)
from kiosk.models import Identity, IdentitySource
from kiosk.session.answers import run_busy
from kiosk.session.steps import Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^\d{12}$")
CAN_RE = re.compile(r"^\d{6}$")  # the chip's access number: the ID's last 6 digits (PACE)


def card_inserted(session: Session) -> None:
    step = session.step
    if step is Step.CONSENT or (step is Step.START and not session.identifying):
        session.touch()  # nothing is read before the patient answers the notice
        session.data.card_this_session = True
        session._go(Step.CONSENT)
        return
    if step in (Step.START, Step.IDENTIFY):
        session.touch()
        data = session.data
        data.message = None
        data.card_this_session = True
        if data.access_key is not None:
            _read_card(session)
        else:
            session._go(Step.CARD_KEY)


def card_removed(session: Session) -> None:
    session.data.card_this_session = False
    session._side_trips.card_removed()
    if session.step is Step.CARD_KEY:
        session.touch()
        data = session.data
        data.access_key = None
        data.typed_id = None
        session._go(Step.IDENTIFY)


def own_card_present(session: Session) -> bool:
    """A card this patient placed is on the reader (not one the previous patient left)."""
    return session.data.card_this_session and session.services.card_present()


def reader_unavailable(session: Session) -> None:
    session.reader_ok = False
    if session.step in (Step.CARD_KEY, Step.READING_CARD):
        session._drop_results()  # a read in flight can only fail now; its result is dropped
        data = session.data
        data.access_key = None
        data.card_this_session = False
        data.message = card_message(ReaderUnavailable())
        session._go(Step.IDENTIFY)
    else:
        session._changed()


def reader_available(session: Session) -> None:
    session.reader_ok = True
    data = session.data
    if data.message is not None and data.message.code == "reader_unavailable":
        data.message = None
    session._changed()


def submit_id(session: Session, text: str) -> None:
    session.touch()
    data = session.data
    digits = text.strip()
    for_chip = session.step is Step.CARD_KEY or (
        session.step is Step.IDENTIFY and own_card_present(session)
    )
    if for_chip and CAN_RE.match(digits):
        data.message = None
        data.typed_id = None
        data.access_key = AccessKey(can=digits)
        _read_card(session)
        return
    problem = citizen_id_problem(digits)
    if problem is INVALID_ID and for_chip:
        problem = CAN_LENGTH
    if problem is not None:
        data.message = problem
        session._changed()
        return
    data.message = None
    if for_chip:
        data.typed_id = digits  # the chip's ID must be this one
        data.access_key = AccessKey(can=digits[-6:])
        _read_card(session)
        return
    if session.step is Step.IDENTIFY:
        session._set_identity(keyed_identity(digits))
        session._go(Step.CONFIRM_IDENTITY)


def code_scanned(session: Session, result: Any) -> None:
    if session.step not in (Step.START, Step.CONSENT, Step.IDENTIFY, Step.CARD_KEY):
        return
    session.touch()
    step, data = session.step, session.data
    if not session.identifying:  # shown before the answer: held, used only if they agree
        data.pending_scan = result
        session._go(Step.CONSENT) if step is not Step.CONSENT else session._changed()
        return
    kind = getattr(result, "kind", "unknown")
    if kind == "cccd":
        data.access_key = result.access_key
        if step is Step.CARD_KEY or own_card_present(session):
            _read_card(session)
            return
        session._set_identity(result.identity)
        data.message = None
        session._go(Step.CONFIRM_IDENTITY)
    elif kind == "bhyt":
        # A BHYT card identifies the patient on its own; a chip waiting for its key is
        # simply not used then.
        data.access_key = None
        session._set_identity(result.identity)
        data.message = None
        session._go(Step.CONFIRM_IDENTITY)
    elif kind == "appointment" and step is not Step.CARD_KEY:
        data.scanned_code = result.appointment_code
        data.message = APPOINTMENT_RECEIVED
        session._go(Step.IDENTIFY) if step is Step.START else session._changed()
    elif step is Step.CARD_KEY and kind == "appointment":
        data.scanned_code = result.appointment_code
        data.message = card_message(KeyRequired())
        session._changed()
    else:
        data.message = scan_problem(result.error or kind, result.words)
        session._go(Step.IDENTIFY) if step is Step.START else session._changed()


def _read_card(session: Session) -> None:
    if not session.identifying:
        return
    key = session.data.access_key
    services = session.services
    run_busy(
        session,
        Step.READING_CARD,
        lambda: services.read_card(key),
        lambda card: _card_read(session, card),
        lambda exc: _card_failed(session, exc),
    )


def _card_read(session: Session, card: CardData) -> None:
    data = session.data
    identity, mismatch = identity_from_card(card)
    typed, data.typed_id = data.typed_id, None
    if typed is not None and typed != card.citizen_id:
        # The last 6 digits opened the chip but the first 6 are another person's number.
        log.warning("the 12 digits typed are not the chip's ID")
        data.message = card_message(AccessDenied())
        data.access_key = None
        session._go(Step.CARD_KEY if session.services.card_present() else Step.IDENTIFY)
        return
    if mismatch:
        log.warning("chip data inconsistent with the ID digits: %s", mismatch)
        data.message = ID_MISMATCH
        data.access_key = None
        session._go(Step.IDENTIFY)
        return
    refusal = refusal_message(card)
    if refusal is not None:  # the verification policy sends this chip to the desk
        log.warning("chip identity not accepted: %s (%s)", card.refusal, card.refusal_detail)
        data.message = refusal
        data.access_key = None
        session._go(Step.IDENTIFY)
        return
    session._set_identity(identity)
    data.message = None
    session._go(Step.CONFIRM_IDENTITY)


def _card_failed(session: Session, exc: BaseException) -> None:
    log.warning("card read failed: %s", type(exc).__name__)
    if not isinstance(exc, CardError):
        log.error("unexpected card read failure", exc_info=exc)
    data = session.data
    data.message = card_message(exc)
    if isinstance(exc, AccessDenied | KeyRequired):
        data.access_key = None
        session._go(Step.CARD_KEY if session.services.card_present() else Step.IDENTIFY)
    else:
        session._go(Step.IDENTIFY)


def keyed_identity(digits: str) -> Identity:
    """The identity a valid typed ID gives: its number, birth year and gender, no name."""
    parsed = parse_citizen_id(digits)
    return Identity(
        source=IdentitySource.KEYPAD,
        citizen_id=digits,
        birth_year=parsed.birth_year,
        gender=parsed.gender,
    )


def citizen_id_problem(digits: str) -> Message | None:
    """What is wrong with a typed ID, in words that say which part (None: it can be an ID)."""
    if not ID_RE.match(digits):
        return INVALID_ID
    try:
        parsed = parse_citizen_id(digits)
    except CitizenIdError:
        # 12 digits (checked above): only the province code or the century digit can be wrong
        return ID_BAD_PROVINCE if not 1 <= int(digits[:3]) <= 96 else ID_BAD_BIRTH_YEAR
    this_year = date.today().year
    if not this_year - 130 <= parsed.birth_year <= this_year:
        return ID_BAD_BIRTH_YEAR
    return None


def sensitive_values(identity: Identity) -> list[object]:
    """The identity's values the log masks while it is the session's."""
    return [identity.citizen_id, identity.full_name, identity.birth_date, identity.bhyt_card]
