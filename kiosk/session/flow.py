"""The `Session` itself: the patient's state (step, data, generation), its observers, the
generic navigation (begin, back, cancel, wipe), and the public methods the views call, each
handed to the module of its part of the flow (consent, identify, insurance, appointment,
ticket, idle, side_trips).

The underscore methods (`_go`, `_changed`, `_set_identity`, ...) are the package's own: the
part modules move the session with them; views only read it and call the public methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.logging_setup import forget_sensitive, register_sensitive
from kiosk.models import Identity
from kiosk.session import appointment, consent, identify, idle, insurance, ticket
from kiosk.session.data import PatientData, Services
from kiosk.session.runner import Runner, run_inline
from kiosk.session.side_trips import SideTrips
from kiosk.session.steps import BACK, BUSY_STEPS, Step

log = logging.getLogger(__name__)


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
        self._appointments = appointment.Appointments(self)
        self._side_trips = SideTrips(self)
        self._step = Step.START
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

    @property
    def payment_reference(self) -> str:
        """The bill to pay, as given to `open_payment` ("" for one typed on its screen)."""
        return self._side_trips.payment_reference

    @property
    def identifying(self) -> bool:
        """The patient agreed to the notice (or saw it, where no consent is asked): the kiosk
        may read their card and ask the gateway."""
        return consent.may_identify(self._data)

    @property
    def insured(self) -> bool:
        return insurance.is_insured(self._data)

    @property
    def printed(self) -> bool:
        return ticket.printed(self._data)

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
        side_trip_return = self._side_trips.return_step()
        if side_trip_return is not None:
            self._go(side_trip_return)
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

    def finish(self) -> None:
        """The patient took their ticket: done."""
        self.wipe()

    def wipe(self) -> None:
        """Drops every patient datum; results of work still running will be ignored."""
        language = self.config.default_language
        self._unregister()
        self._drop_results()
        self._data = PatientData(language=language)
        self.extensions = 0
        self.countdown_started = None
        self.last_activity = self.clock()
        self._side_trips.reset()
        self.start_dirty = False
        self._go(Step.START)

    # -- the patient's identity, masked in the log while it is theirs -----------------------

    def _set_identity(self, identity: Identity | None) -> None:
        """Keeps the identity for this session; its values are masked in every log line."""
        self._unregister()
        self._data.identity = identity
        if identity is not None:
            register_sensitive(*identify.sensitive_values(identity))

    def _unregister(self) -> None:
        if self._data.identity is not None:
            forget_sensitive(*identify.sensitive_values(self._data.identity))

    def _forget_identity(self) -> None:
        self._unregister()
        self._drop_results()
        language, answer = self._data.language, self._data.consent
        self._data = PatientData(language=language, consent=answer)

    def _drop_results(self) -> None:
        """A new generation: the results of work started before it are dropped."""
        self._generation += 1

    # -- side trips: prices and payment (side_trips.py) ------------------------------------

    def open_payment(self, reference: str = "") -> None:
        """Pay a bill (payment.enabled): from the start screen with a code typed there, or
        from the ticket screen with the ticket's number (`payment_reference`)."""
        self._side_trips.open_payment(reference)

    def open_prices(self) -> None:
        self._side_trips.open_prices()

    # -- the personal-data notice (consent.py) ---------------------------------------------

    def accept_privacy(self, notice_version: str) -> None:
        """The patient agreed (consent mode) or read on (notice mode)."""
        consent.accept_privacy(self, notice_version)

    def refuse_privacy(self, notice_version: str) -> None:
        """No card, no gateway: a plain queue number (the desk registers the patient)."""
        consent.refuse_privacy(self, notice_version)

    # -- idle (idle.py) --------------------------------------------------------------------

    def touch(self) -> None:
        idle.touch(self)

    def idle_seconds_left(self) -> float | None:
        """Seconds left on the visible countdown, or None while it is not showing."""
        return idle.idle_seconds_left(self)

    def can_extend(self) -> bool:
        return idle.can_extend(self)

    def more_time(self) -> None:
        idle.more_time(self)

    def tick(self) -> None:
        """Called about once a second: shows the countdown, then wipes on timeout."""
        idle.tick(self)

    # -- identify (identify.py) ------------------------------------------------------------

    def card_inserted(self) -> None:
        """A card arrived on the reader (event already marshalled to this thread)."""
        identify.card_inserted(self)

    def card_removed(self) -> None:
        identify.card_removed(self)

    def reader_unavailable(self) -> None:
        """The card reader went away (unplugged, pcscd down): QR and keypad still work."""
        identify.reader_unavailable(self)

    def reader_available(self) -> None:
        identify.reader_available(self)

    def submit_id(self, text: str) -> None:
        """The patient typed on the keypad: the 12-digit ID, or at the chip's key request the
        ID's last 6 digits (the card access number, CAN) or all 12."""
        identify.submit_id(self, text)

    def code_scanned(self, result: Any) -> None:
        """A QR/scanner result (kiosk.identity.classify.ScanResult), on this thread."""
        identify.code_scanned(self, result)

    # -- insurance (insurance.py) ----------------------------------------------------------

    def confirm_identity(self) -> None:
        insurance.confirm_identity(self)

    def continue_after_insurance(self) -> None:
        insurance.continue_after_insurance(self)

    # -- appointments and slips (appointment.py) -------------------------------------------

    def confirm_appointment(self) -> None:
        """ "Yes, that is my appointment": the ticket goes to its clinic under its rule."""
        appointment.confirm_appointment(self)

    def decline_appointment(self) -> None:
        """ "No, another clinic": the normal path, as a walk-in."""
        appointment.decline_appointment(self)

    def slip_scanned(self, slip: Any) -> None:
        """A transfer or re-exam slip (kiosk.his.record.Slip) was scanned: it goes on the
        registration, and its route on the insurance result (now or once it is checked)."""
        appointment.slip_scanned(self, slip)

    # -- clinic, priority, confirm, ticket (ticket.py) -------------------------------------

    def choose_clinic(self, clinic_id: str) -> None:
        ticket.choose_clinic(self, clinic_id)

    def choose_priority(self, priority: str | None) -> None:
        ticket.choose_priority(self, priority)

    def confirm(self) -> None:
        ticket.confirm(self)

    def reprint(self) -> None:
        """The patient asks to print their ticket again (after a printer problem)."""
        ticket.reprint(self)
