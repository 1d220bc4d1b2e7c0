"""The patient session: a plain-Python state machine (no Qt, no threads of its own).

start -> personal-data notice (consent) -> identify (card, QR or keypad) -> confirm identity ->
insurance result -> clinic -> priority -> confirm -> ticket -> start. A patient who does not
agree to the notice goes from it straight to the clinic: a plain ticket, no chip read, no
gateway check, no registration record (kiosk.privacy, deploy/README-IT.md "Personal data").
Back and cancel everywhere; an idle countdown that wipes every patient datum on timeout.

Blocking work (reading the chip, asking the gateway, issuing and printing the ticket) is handed
to a `Runner`, which runs it elsewhere and calls back on the caller's thread. Every result
carries the session generation it was started for: a result that arrives after the patient
left (cancel, timeout) is dropped, so it cannot leak into the next patient's session.

The modules: steps (the steps and "back"), runner, answers (that guard, shared by the parts),
data (the patient's data, the services needed), flow (the `Session`), and one per part of the
flow: consent, identify, insurance, appointment, ticket, idle, side_trips (prices and payment).
"""

from kiosk.session.data import PatientData, Services
from kiosk.session.flow import Session
from kiosk.session.identify import CAN_RE, ID_RE
from kiosk.session.runner import Runner, run_inline
from kiosk.session.steps import BACK, BUSY_STEPS, LOOKUP_GRACE_S, Step

__all__ = [
    "BACK",
    "BUSY_STEPS",
    "CAN_RE",
    "ID_RE",
    "LOOKUP_GRACE_S",
    "PatientData",
    "Runner",
    "Services",
    "Session",
    "Step",
    "run_inline",
]
