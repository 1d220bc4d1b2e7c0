"""The patient session: a plain-Python state machine (no Qt, no threads of its own).

start -> personal-data notice (consent) -> identify (card, QR or keypad) -> confirm identity ->
insurance result -> clinic -> priority -> confirm -> ticket -> start. A patient who does not
agree to the notice goes from it straight to the clinic: a plain ticket, no chip read, no
gateway check, no registration record (kiosk.privacy, deploy/README-IT.md "Personal data"). Back and cancel everywhere; an idle countdown that wipes
every patient datum on timeout.

Blocking work (reading the chip, asking the gateway, issuing and printing the ticket) is handed
to a `Runner`, which runs it elsewhere and calls back on the caller's thread. Every result
carries the session generation it was started for: a result that arrives after the patient
left (cancel, timeout) is dropped, so it cannot leak into the next patient's session.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from hardware.cardreader.base import (
    AccessDenied,
    AccessKey,
    CardData,
    CardError,
    KeyRequired,
    ReaderUnavailable,
)
from kiosk.chip import identity_from_card, refusal_message
from kiosk.config import KioskConfig
from kiosk.identity.citizen_id import CitizenIdError, parse_citizen_id
from kiosk.insurance.decision import not_verified
from kiosk.logging_setup import forget_sensitive, register_sensitive
from kiosk.messages import (
    APPOINTMENT_RECEIVED,
    CAN_LENGTH,
    ID_BAD_BIRTH_YEAR,
    ID_BAD_PROVINCE,
    ID_MISMATCH,
    INVALID_ID,
    TICKET_FAILED,
    Message,
    card_message,
    scan_problem,
    ticket_refused,
)
from kiosk.models import Eligibility, Identity, IdentitySource, InsuranceAction
from kiosk.queue.model import QueueError  # not .service: no SQLAlchemy before the first paint
from kiosk.text import Text

log = logging.getLogger(__name__)

T = TypeVar("T")


class Runner(Protocol):
    """Runs `work` off the caller's thread; calls `done(result)` or `failed(exc)` back on it."""

    def __call__(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> None: ...


def run_inline(
    work: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None]
) -> None:
    """A Runner for plain-Python tests and scripts: runs the work at once."""
    try:
        result = work()
    except Exception as exc:  # every failure is reported, never raised into the flow
        failed(exc)
    else:
        done(result)


class Step(StrEnum):
    START = "start"
    CONSENT = "consent"  # the personal-data notice, before any card is read
    IDENTIFY = "identify"
    CARD_KEY = "card_key"  # a chip card is on the reader and its access key is needed
    READING_CARD = "reading_card"
    CONFIRM_IDENTITY = "confirm_identity"
    CHECKING_INSURANCE = "checking_insurance"
    INSURANCE_RESULT = "insurance_result"
    CHECKING_APPOINTMENT = "checking_appointment"  # today's appointments at the HIS
    APPOINTMENT = "appointment"  # "You have an appointment at 09:30, … — confirm?"
    CHOOSE_CLINIC = "choose_clinic"
    CHOOSE_PRIORITY = "choose_priority"
    CONFIRM = "confirm"
    ISSUING = "issuing"
    TICKET = "ticket"
    PRICES = "prices"
    PAYMENT = "payment"


BUSY_STEPS = {Step.READING_CARD, Step.CHECKING_INSURANCE, Step.CHECKING_APPOINTMENT, Step.ISSUING}
LOOKUP_GRACE_S = 1.0  # beyond his.appointments.lookup_timeout_s the lookup is given up

# Where "back" goes from each step (busy steps have no back: they end by themselves).
BACK: dict[Step, Step] = {
    Step.CONSENT: Step.START,
    Step.IDENTIFY: Step.START,
    Step.CARD_KEY: Step.IDENTIFY,
    Step.CONFIRM_IDENTITY: Step.IDENTIFY,
    Step.INSURANCE_RESULT: Step.CONFIRM_IDENTITY,
    Step.APPOINTMENT: Step.INSURANCE_RESULT,
    Step.CHOOSE_CLINIC: Step.INSURANCE_RESULT,
    Step.CHOOSE_PRIORITY: Step.CHOOSE_CLINIC,
    Step.CONFIRM: Step.CHOOSE_PRIORITY,
}

ID_RE = re.compile(r"^\d{12}$")
CAN_RE = re.compile(r"^\d{6}$")  # the chip's access number: the ID's last 6 digits (PACE)


@dataclass
class PatientData:
    """Everything the kiosk knows about the current patient. Replaced whole on wipe."""

    language: str
    identity: Identity | None = None
    access_key: AccessKey | None = None
    typed_id: str | None = None  # all 12 digits typed to open the chip: checked against it
    eligibility: Eligibility | None = None
    clinic_id: str | None = None
    priority: str | None = None
    proposed_priorities: list[str] = field(default_factory=list)
    ticket: Any = None  # kiosk.queue.service.Ticket
    print_outcome: Any = None  # kiosk.queue.printing.PrintOutcome
    message: Message | None = None  # the last problem to show on the current screen
    scanned_code: str | None = None  # an appointment code shown to the camera
    card_this_session: bool = False  # a card was placed during this session (not left behind)
    priority_chosen: bool = False  # the patient answered the priority question themselves
    appointment_check: Any = None  # kiosk.his.appointments.AppointmentCheck of the lookup
    appointment: Any = None  # kiosk.his.base.Appointment the patient confirmed
    appointment_first: bool = False  # confirmed within its window: served before walk-ins
    slip: Any = None  # kiosk.his.record.Slip: a transfer or re-exam slip scanned
    consent: str | None = None  # the notice's answer: accepted/acknowledged/refused/plain
    rules_applied: list[Text] = field(default_factory=list)  # the dated rules behind the share
    pending_scan: Any = None  # a code shown before the notice's answer: used only on "agree"


class Services(Protocol):
    """What the session needs from the composition root."""

    config: KioskConfig

    def read_card(self, key: AccessKey | None) -> CardData: ...
    def card_present(self) -> bool: ...
    def check_insurance(self, identity: Identity) -> Eligibility: ...
    def proposed_priorities(self, identity: Identity | None) -> list[str]: ...
    def issue_ticket(self, data: PatientData) -> Any: ...
    def print_ticket(self, ticket: Any, language: str) -> Any: ...
    def reprint_ticket(self, ticket: Any, language: str) -> Any: ...
    def appointments_enabled(self) -> bool: ...
    def find_appointment(self, code: str | None, citizen_id: str | None) -> Any: ...
    def apply_slip(self, eligibility: Eligibility, slip: Any) -> Eligibility: ...
    def record_consent(self, notice_version: str, mode: str, answer: str) -> None: ...


class Session:
    """One kiosk's patient flow. Call every method on one thread (the GUI thread)."""

    def __init__(
        self,
        services: Services,
        runner: Runner = run_inline,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import time

        self.services = services
        self.config = services.config
        self.run = runner
        self.clock = clock or time.monotonic
        self.listeners: list[Callable[[Session], None]] = []
        self._generation = 0
        self._lookup = 0  # counts appointment lookups: a late or abandoned answer is dropped
        self._step = Step.START
        self._prices_return = Step.START
        self._payment_return = Step.START
        self.payment_reference = ""
        self._data = PatientData(language=self.config.default_language)
        self.last_activity = self.clock()
        self.extensions = 0
        self.countdown_started: float | None = None
        self.reader_ok = True  # False while the card reader is unavailable
        self.busy_since = self.last_activity
        self.start_dirty = False  # the start screen was changed (language, display modes)

    # -- what views read (read-only: only the session's own methods change them) -----------

    @property
    def step(self) -> Step:
        return self._step

    @property
    def data(self) -> PatientData:
        """The current patient's data; replaced whole when the session is wiped."""
        return self._data

    @property
    def generation(self) -> int:
        """Counts wipes and forgotten identities: results started earlier are dropped."""
        return self._generation

    # -- observers -------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[Session], None]) -> None:
        self.listeners.append(listener)

    def _go(self, step: Step) -> None:
        log.info("session step %s -> %s", self._step.value, step.value)
        self._step = step
        if step in BUSY_STEPS:
            self.busy_since = self.clock()
        self._changed()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            try:
                listener(self)
            except Exception:  # one broken view must not stop the others (e.g. from wiping)
                log.exception("session listener failed")

    # -- generic navigation ----------------------------------------------------------------

    @property
    def language(self) -> str:
        return self._data.language

    def set_language(self, language: str) -> None:
        if language in self.config.languages:
            self._data.language = language
            self.mark_start_changed()
            self._changed()

    def mark_start_changed(self) -> None:
        """The start screen's choices (language, large text, contrast) were changed: they are
        reset for the next patient once nobody has touched the kiosk for the idle time."""
        self.start_dirty = True
        self.touch()

    def begin(self, language: str | None = None) -> None:
        """From the start screen: the patient chose a language and starts."""
        if language:
            self._data.language = language
        self.touch()
        self._data.message = None
        self._go(Step.IDENTIFY if self.identifying else Step.CONSENT)

    def back(self) -> None:
        self.touch()
        if self._step is Step.PRICES:
            self._go(self._prices_return)
            return
        if self._step is Step.PAYMENT:
            self._go(self._payment_return)
            return
        target = BACK.get(self._step)
        if self._step is Step.CHOOSE_PRIORITY and self._data.appointment is not None:
            target = Step.APPOINTMENT
            self._data.appointment, self._data.appointment_first = None, False
        elif self._step is Step.CHOOSE_CLINIC and not self.identifying:
            target = Step.CONSENT  # a plain ticket: back to the notice, answer it again
            self._data.consent = None
        if target is None:
            return
        self._data.message = None
        if target is Step.START:
            self.wipe()
            return
        if target is Step.IDENTIFY:
            self._forget_identity()
        self._go(target)

    def cancel(self) -> None:
        """The patient leaves: wipe everything and return to start."""
        self.wipe()

    def wipe(self) -> None:
        """Drops every patient datum; results of work still running will be ignored."""
        language = self.config.default_language
        self._unregister()
        self._generation += 1
        self._data = PatientData(language=language)
        self.extensions = 0
        self.countdown_started = None
        self.last_activity = self.clock()
        self._prices_return = Step.START
        self._payment_return = Step.START
        self.payment_reference = ""
        self.start_dirty = False
        self._go(Step.START)

    def open_payment(self, reference: str = "") -> None:
        """Pay a bill (payment.enabled): from the start screen with a code typed there, or
        from the ticket screen with the ticket's number (`payment_reference`)."""
        self.touch()
        if not self.config.payment.enabled or self._step in BUSY_STEPS:
            return
        if self._step is not Step.PAYMENT:
            self._payment_return = self._step
        self.payment_reference = reference
        self._go(Step.PAYMENT)

    def open_prices(self) -> None:
        self.touch()
        if self._step in BUSY_STEPS or self._step is Step.PRICES:
            return
        self._prices_return = self._step
        self._go(Step.PRICES)

    def _set_identity(self, identity: Identity | None) -> None:
        """Keeps the identity for this session; its values are masked in every log line."""
        self._unregister()
        self._data.identity = identity
        if identity is not None:
            register_sensitive(*_sensitive_values(identity))

    def _unregister(self) -> None:
        if self._data.identity is not None:
            forget_sensitive(*_sensitive_values(self._data.identity))

    def _forget_identity(self) -> None:
        self._unregister()
        self._generation += 1
        language, consent = self._data.language, self._data.consent
        self._data = PatientData(language=language, consent=consent)

    # -- personal-data notice --------------------------------------------------------------

    @property
    def identifying(self) -> bool:
        """The patient agreed to the notice (or saw it, where no consent is asked): the kiosk
        may read their card and ask the gateway."""
        return self._data.consent in ("accepted", "acknowledged")

    def accept_privacy(self, notice_version: str) -> None:
        """The patient agreed (consent mode) or read on (notice mode)."""
        if self._step is not Step.CONSENT:
            return
        self.touch()
        mode = self.config.privacy.notice_mode
        self._data.consent = "accepted" if mode == "consent" else "acknowledged"
        self._record_consent(notice_version, mode, self._data.consent)
        pending, self._data.pending_scan = self._data.pending_scan, None
        if self._own_card_present():
            self._go(Step.CARD_KEY)  # placed on the reader while the notice showed
        else:
            self._go(Step.IDENTIFY)
        if pending is not None:
            self.code_scanned(pending)  # shown while the notice showed: used now

    def refuse_privacy(self, notice_version: str) -> None:
        """No card, no gateway: a plain queue number (the desk registers the patient)."""
        if self._step is not Step.CONSENT:
            return
        self.touch()
        mode = self.config.privacy.notice_mode
        self._data.consent = "refused" if mode == "consent" else "plain"
        self._data.access_key = None
        self._data.pending_scan = None  # a code shown meanwhile is dropped unread
        self._record_consent(notice_version, mode, self._data.consent)
        self._data.message = None
        self._go(Step.CHOOSE_CLINIC)

    def _record_consent(self, version: str, mode: str, answer: str) -> None:
        def failed(exc: BaseException) -> None:  # the answer is a statistic: never blocks
            log.warning("notice answer not recorded: %s", type(exc).__name__)

        self.run(
            lambda: self.services.record_consent(version, mode, answer), lambda _: None, failed
        )

    # -- idle ------------------------------------------------------------------------------

    def touch(self) -> None:
        self.last_activity = self.clock()
        if self.countdown_started is not None:
            self.countdown_started = None
            self._changed()

    def idle_seconds_left(self) -> float | None:
        """Seconds left on the visible countdown, or None while it is not showing."""
        if self.countdown_started is None:
            return None
        return max(0.0, self.config.idle.countdown_s - (self.clock() - self.countdown_started))

    def can_extend(self) -> bool:
        return self.extensions < self.config.idle.max_extensions

    def more_time(self) -> None:
        if self.can_extend():
            self.extensions += 1
        self.touch()

    def tick(self) -> None:
        """Called about once a second: shows the countdown, then wipes on timeout."""
        now = self.clock()
        if self._step is Step.START:
            if self.start_dirty and now - self.last_activity >= self.config.idle.timeout_s:
                log.info("start screen idle: language and display modes reset")
                self.wipe()
            return
        if self._step is Step.CHECKING_APPOINTMENT and (
            now - self.busy_since >= self.config.his.appointments.lookup_timeout_s + LOOKUP_GRACE_S
        ):
            log.warning("appointment lookup did not answer in time: walk-in path")
            self._appointment_failed(self._generation, self._lookup, TimeoutError())
            return
        if self._step in BUSY_STEPS:
            limit = self.config.idle.busy_limit_s
            if now - self.busy_since >= limit:
                # A device or server that never answers must not hold the kiosk, and the
                # patient's data, forever.
                log.warning("step %s took longer than %s s: session ended", self._step.value, limit)
                self.wipe()
            else:
                self.last_activity = now  # the kiosk is working, not the patient idling
            return
        if self.countdown_started is None:
            timeout = self.config.idle.timeout_s
            if self._step is Step.PAYMENT:  # the patient is in their banking app meanwhile
                timeout = max(timeout, self.config.payment.pay_timeout_s + 30)
            if now - self.last_activity >= timeout:
                self.countdown_started = now
                self._changed()
            return
        if now - self.countdown_started >= self.config.idle.countdown_s:
            log.info("session idle timeout: patient data wiped")
            self.wipe()
        else:
            self._changed()

    # -- identify ----------------------------------------------------------------------------

    def card_inserted(self) -> None:
        """A card arrived on the reader (event already marshalled to this thread)."""
        if self._step is Step.CONSENT or (self._step is Step.START and not self.identifying):
            self.touch()  # nothing is read before the patient answers the notice
            self._data.card_this_session = True
            self._go(Step.CONSENT)
            return
        if self._step in (Step.START, Step.IDENTIFY):
            self.touch()
            self._data.message = None
            self._data.card_this_session = True
            if self._data.access_key is not None:
                self._read_card()
            else:
                self._go(Step.CARD_KEY)

    def card_removed(self) -> None:
        self._data.card_this_session = False
        if self._step is Step.PRICES and self._prices_return is Step.CARD_KEY:
            self._prices_return = Step.IDENTIFY
        if self._step is Step.CARD_KEY:
            self.touch()
            self._data.access_key = None
            self._data.typed_id = None
            self._go(Step.IDENTIFY)

    def _own_card_present(self) -> bool:
        """A card this patient placed is on the reader (not one the previous patient left)."""
        return self._data.card_this_session and self.services.card_present()

    def reader_unavailable(self) -> None:
        """The card reader went away (unplugged, pcscd down): QR and keypad still work."""
        self.reader_ok = False
        if self._step in (Step.CARD_KEY, Step.READING_CARD):
            self._generation += 1  # a read in flight can only fail now; its result is dropped
            self._data.access_key = None
            self._data.card_this_session = False
            self._data.message = card_message(ReaderUnavailable())
            self._go(Step.IDENTIFY)
        else:
            self._changed()

    def reader_available(self) -> None:
        self.reader_ok = True
        if self._data.message is not None and self._data.message.code == "reader_unavailable":
            self._data.message = None
        self._changed()

    def submit_id(self, text: str) -> None:
        """The patient typed on the keypad: the 12-digit ID, or at the chip's key request the
        ID's last 6 digits (the card access number, CAN) or all 12."""
        self.touch()
        digits = text.strip()
        for_chip = self._step is Step.CARD_KEY or (
            self._step is Step.IDENTIFY and self._own_card_present()
        )
        if for_chip and CAN_RE.match(digits):
            self._data.message = None
            self._data.typed_id = None
            self._data.access_key = AccessKey(can=digits)
            self._read_card()
            return
        problem = _citizen_id_problem(digits)
        if problem is INVALID_ID and for_chip:
            problem = CAN_LENGTH
        if problem is not None:
            self._data.message = problem
            self._changed()
            return
        self._data.message = None
        if for_chip:
            self._data.typed_id = digits  # the chip's ID must be this one
            self._data.access_key = AccessKey(can=digits[-6:])
            self._read_card()
            return
        if self._step is Step.IDENTIFY:
            parsed = parse_citizen_id(digits)  # valid: checked above
            keyed = Identity(
                source=IdentitySource.KEYPAD,
                citizen_id=digits,
                birth_year=parsed.birth_year,
                gender=parsed.gender,
            )
            self._set_identity(keyed)
            self._go(Step.CONFIRM_IDENTITY)

    def code_scanned(self, result: Any) -> None:
        """A QR/scanner result (kiosk.identity.classify.ScanResult), on this thread."""
        if self._step not in (Step.START, Step.CONSENT, Step.IDENTIFY, Step.CARD_KEY):
            return
        self.touch()
        if not self.identifying:  # shown before the answer: held, used only if they agree
            self._data.pending_scan = result
            self._go(Step.CONSENT) if self._step is not Step.CONSENT else self._changed()
            return
        kind = getattr(result, "kind", "unknown")
        if kind == "cccd":
            self._data.access_key = result.access_key
            if self._step is Step.CARD_KEY or self._own_card_present():
                self._read_card()
                return
            self._set_identity(result.identity)
            self._data.message = None
            self._go(Step.CONFIRM_IDENTITY)
        elif kind == "bhyt":
            # A BHYT card identifies the patient on its own; a chip waiting for its key is
            # simply not used then.
            self._data.access_key = None
            self._set_identity(result.identity)
            self._data.message = None
            self._go(Step.CONFIRM_IDENTITY)
        elif kind == "appointment" and self._step is not Step.CARD_KEY:
            self._data.scanned_code = result.appointment_code
            self._data.message = APPOINTMENT_RECEIVED
            self._go(Step.IDENTIFY) if self._step is Step.START else self._changed()
        elif self._step is Step.CARD_KEY and kind == "appointment":
            self._data.scanned_code = result.appointment_code
            self._data.message = card_message(KeyRequired())
            self._changed()
        else:
            self._data.message = scan_problem(result.error or kind, result.words)
            self._go(Step.IDENTIFY) if self._step is Step.START else self._changed()

    def _read_card(self) -> None:
        if not self.identifying:
            return
        key = self._data.access_key
        generation = self._generation
        self._go(Step.READING_CARD)
        self.run(
            lambda: self.services.read_card(key),
            lambda card: self._card_read(generation, card),
            lambda exc: self._card_failed(generation, exc),
        )

    def _card_read(self, generation: int, card: CardData) -> None:
        if generation != self._generation:
            return
        identity, mismatch = identity_from_card(card)
        typed, self._data.typed_id = self._data.typed_id, None
        if typed is not None and typed != card.citizen_id:
            # The last 6 digits opened the chip but the first 6 are another person's number.
            log.warning("the 12 digits typed are not the chip's ID")
            self._data.message = card_message(AccessDenied())
            self._data.access_key = None
            self._go(Step.CARD_KEY if self.services.card_present() else Step.IDENTIFY)
            return
        if mismatch:
            log.warning("chip data inconsistent with the ID digits: %s", mismatch)
            self._data.message = ID_MISMATCH
            self._data.access_key = None
            self._go(Step.IDENTIFY)
            return
        refusal = refusal_message(card)
        if refusal is not None:  # the verification policy sends this chip to the desk
            log.warning("chip identity not accepted: %s (%s)", card.refusal, card.refusal_detail)
            self.data.message = refusal
            self.data.access_key = None
            self._go(Step.IDENTIFY)
            return
        self._set_identity(identity)
        self._data.message = None
        self._go(Step.CONFIRM_IDENTITY)

    def _card_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        log.warning("card read failed: %s", type(exc).__name__)
        if not isinstance(exc, CardError):
            log.error("unexpected card read failure", exc_info=exc)
        self._data.message = card_message(exc)
        if isinstance(exc, AccessDenied | KeyRequired):
            self._data.access_key = None
            self._go(Step.CARD_KEY if self.services.card_present() else Step.IDENTIFY)
        else:
            self._go(Step.IDENTIFY)

    # -- insurance -------------------------------------------------------------------------

    def confirm_identity(self) -> None:
        if (
            self._step is not Step.CONFIRM_IDENTITY
            or self._data.identity is None
            or not self.identifying
        ):
            return
        self.touch()
        identity = self._data.identity
        generation = self._generation
        self._data.proposed_priorities = self.services.proposed_priorities(identity)
        self._go(Step.CHECKING_INSURANCE)
        self.run(
            lambda: self.services.check_insurance(identity),
            lambda elig: self._insurance_checked(generation, elig),
            lambda exc: self._insurance_failed(generation, exc),
        )

    def _insurance_checked(self, generation: int, eligibility: Eligibility) -> None:
        if generation != self._generation:
            return
        if self._data.slip is not None:  # a referral scanned before the check: its route
            eligibility = self.services.apply_slip(eligibility, self._data.slip)
        self._data.eligibility = eligibility
        self._go(Step.INSURANCE_RESULT)
        self._explain_rules(generation, eligibility)

    def _explain_rules(self, generation: int, eligibility: Eligibility) -> None:
        """The plain sentences of the rules behind the share (kiosk/rules), read off this thread."""
        config = self.config

        def known(texts: list[Text]) -> None:
            if generation == self._generation and texts:
                self._data.rules_applied = texts
                self._changed()

        self.run(
            lambda: _rule_texts(eligibility, config),
            known,
            lambda exc: log.warning("rules not explained: %s", type(exc).__name__),
        )

    def _insurance_failed(self, generation: int, exc: BaseException) -> None:
        # The checker never raises by contract; if it does anyway, degrade honestly.
        if generation != self._generation:
            return  # the patient left: their values are no longer masked in the log
        log.error("insurance checker raised %s", type(exc).__name__)
        self._insurance_checked(generation, not_verified(self.config.insurance.unverified_action))

    def continue_after_insurance(self) -> None:
        if self._step is not Step.INSURANCE_RESULT:
            return
        self.touch()
        if self._data.appointment_check is not None:  # looked up already (came back here)
            self._after_lookup()
        elif self.services.appointments_enabled():
            self._check_appointment()
        else:
            self._go(Step.CHOOSE_CLINIC)

    # -- appointments and slips --------------------------------------------------------------

    def _check_appointment(self) -> None:
        """Today's appointments at the HIS, by the booking code scanned or else the ID."""
        code = self._data.scanned_code
        identity = self._data.identity
        citizen_id = None if code or identity is None else identity.citizen_id
        self._lookup += 1
        token, generation = self._lookup, self._generation
        self._go(Step.CHECKING_APPOINTMENT)
        self.run(
            lambda: self.services.find_appointment(code, citizen_id),
            lambda check: self._appointment_checked(generation, token, check),
            lambda exc: self._appointment_failed(generation, token, exc),
        )

    def _appointment_checked(self, generation: int, token: int, check: Any) -> None:
        if (generation, token) != (self._generation, self._lookup):
            return
        if self._step is not Step.CHECKING_APPOINTMENT:
            return
        self._data.appointment_check = check
        self._after_lookup()

    def _appointment_failed(self, generation: int, token: int, exc: BaseException) -> None:
        if (generation, token) != (self._generation, self._lookup):
            return
        if self._step is not Step.CHECKING_APPOINTMENT:
            return
        self._lookup += 1  # a late answer of this lookup is dropped
        log.warning("appointment lookup failed: %s", type(exc).__name__)
        from kiosk.his.appointments import unavailable

        self._data.appointment_check = unavailable()
        self._after_lookup()

    def _after_lookup(self) -> None:
        check = self._data.appointment_check
        if check.found and check.appointment is not None and check.window != "late":
            self._data.message = None
            self._go(Step.APPOINTMENT)
            return
        kind = "unchecked" if check.his_unavailable else ("late" if check.found else "none")
        self._data.message = Message(f"appointment_{kind}", check.message_vi, check.message_en)
        self._go(Step.CHOOSE_CLINIC)

    def confirm_appointment(self) -> None:
        """ "Yes, that is my appointment": the ticket goes to its clinic under its rule."""
        check = self._data.appointment_check
        if self._step is not Step.APPOINTMENT or check is None or check.appointment is None:
            return
        self.touch()
        self._data.appointment = check.appointment
        self._data.appointment_first = bool(check.priority)
        self._data.clinic_id = check.appointment.clinic_id
        self._data.message = None
        if not self._data.priority_chosen and self._data.proposed_priorities:
            self._data.priority = self._data.proposed_priorities[0]
        self._go(Step.CHOOSE_PRIORITY)

    def decline_appointment(self) -> None:
        """ "No, another clinic": the normal path, as a walk-in."""
        if self._step is not Step.APPOINTMENT:
            return
        self.touch()
        self._data.appointment, self._data.appointment_first = None, False
        self._data.message = None
        self._go(Step.CHOOSE_CLINIC)

    def slip_scanned(self, slip: Any) -> None:
        """A transfer or re-exam slip (kiosk.his.record.Slip) was scanned: it goes on the
        registration, and its route on the insurance result (now or once it is checked)."""
        if self._step in BUSY_STEPS or self._step in (Step.TICKET, Step.PRICES, Step.PAYMENT):
            return
        if self._step is Step.CARD_KEY:
            return  # the chip waits for its key: one thing at a time
        from kiosk.his.appointments import slip_words

        self.touch()
        self._data.slip = slip
        if self._data.eligibility is not None:
            self._data.eligibility = self.services.apply_slip(self._data.eligibility, slip)
        vi, en = slip_words(slip, self.config)
        self._data.message = Message("slip", vi, en)
        self._go(Step.IDENTIFY) if self._step is Step.START else self._changed()

    # -- clinic, priority, confirm ----------------------------------------------------------

    def choose_clinic(self, clinic_id: str) -> None:
        if self._step is not Step.CHOOSE_CLINIC:
            return
        self.config.clinic(clinic_id)  # KeyError for an unknown clinic: a programming error
        self.touch()
        appointment = self._data.appointment
        if appointment is not None and appointment.clinic_id != clinic_id:
            self._data.appointment, self._data.appointment_first = None, False
        self._data.clinic_id = clinic_id
        self._data.message = None
        if not self._data.priority_chosen and self._data.proposed_priorities:
            self._data.priority = self._data.proposed_priorities[0]
        self._go(Step.CHOOSE_PRIORITY)

    def choose_priority(self, priority: str | None) -> None:
        if self._step is not Step.CHOOSE_PRIORITY:
            return
        self.touch()
        self._data.priority = priority
        self._data.priority_chosen = True
        self._go(Step.CONFIRM)

    @property
    def insured(self) -> bool:
        e = self._data.eligibility
        return bool(e and e.action is InsuranceAction.INSURED)

    def confirm(self) -> None:
        if self._step is not Step.CONFIRM:
            return
        self.touch()
        generation = self._generation
        data = self._data
        self._go(Step.ISSUING)
        self.run(
            lambda: self.services.issue_ticket(data),
            lambda ticket: self._ticket_issued(generation, ticket),
            lambda exc: self._ticket_failed(generation, exc),
        )

    def _ticket_issued(self, generation: int, ticket: Any) -> None:
        if generation != self._generation:
            # Only possible when the step outlived busy_limit_s: the number stays in the queue.
            log.warning(
                "ticket %s was issued after its session ended", getattr(ticket, "number", "?")
            )
            return
        self._data.ticket = ticket
        self._print(generation, lambda language: self.services.print_ticket(ticket, language))

    def _print(self, generation: int, job: Callable[[str], Any]) -> None:
        language = self._data.language
        self.run(
            lambda: job(language),
            lambda outcome: self._ticket_printed(generation, outcome),
            lambda exc: self._print_raised(generation, exc),
        )

    def _print_raised(self, generation: int, exc: BaseException) -> None:
        log.error("printing raised %s", type(exc).__name__)  # the print service should not
        self._ticket_printed(generation, None)

    def reprint(self) -> None:
        """The patient asks to print their ticket again (after a printer problem)."""
        ticket = self._data.ticket
        if self._step is not Step.TICKET or ticket is None or self.printed:
            return
        self.touch()
        generation = self._generation
        self._go(Step.ISSUING)
        self._print(generation, lambda language: self.services.reprint_ticket(ticket, language))

    def _ticket_printed(self, generation: int, outcome: Any) -> None:
        if generation != self._generation:
            return
        self._data.print_outcome = outcome
        self._go(Step.TICKET)

    def _ticket_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(exc, QueueError):
            # A refusal with its own words (e.g. the clinic is closed now): choose again.
            log.info("ticket refused: %s", type(exc).__name__)
            self._data.message = ticket_refused(Text(exc.message_vi, exc.message_en))
            self._go(Step.CHOOSE_CLINIC)
            return
        log.error("ticket could not be issued: %s", type(exc).__name__, exc_info=exc)
        self._data.message = TICKET_FAILED
        self._go(Step.CONFIRM)

    @property
    def printed(self) -> bool:
        return bool(
            self._data.print_outcome is not None and getattr(self._data.print_outcome, "ok", False)
        )

    def finish(self) -> None:
        """The patient took their ticket: done."""
        self.wipe()


def _rule_texts(eligibility: Eligibility, config: KioskConfig) -> list[Text]:
    from kiosk.insurance.benefits import rules_applied

    applied = rules_applied(eligibility, on=date.today(), config=config.insurance)
    return [Text(rule.text_vi, rule.text_en) for rule in applied]


def _sensitive_values(identity: Identity) -> list[object]:
    return [identity.citizen_id, identity.full_name, identity.birth_date, identity.bhyt_card]


def _citizen_id_problem(digits: str) -> Message | None:
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
