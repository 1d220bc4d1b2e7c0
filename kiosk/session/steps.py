"""The session's steps, which of them are busy (the kiosk works, the patient waits), and
where "back" goes from each."""

from __future__ import annotations

from enum import StrEnum


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
