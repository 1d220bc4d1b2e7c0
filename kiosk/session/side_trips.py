"""Side trips: the price list and bill payment (payment.enabled), opened from the step the
patient is on; "back" returns them there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.session.steps import BUSY_STEPS, Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session


class SideTrips:
    """Where the price and payment screens return to, and the payment's reference."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._prices_return = Step.START
        self._payment_return = Step.START
        self.payment_reference = ""

    def open_payment(self, reference: str) -> None:
        session = self._session
        session.touch()
        if not session.config.payment.enabled or session.step in BUSY_STEPS:
            return
        if session.step is not Step.PAYMENT:
            self._payment_return = session.step
        self.payment_reference = reference
        session._go(Step.PAYMENT)

    def open_prices(self) -> None:
        session = self._session
        session.touch()
        if session.step in BUSY_STEPS or session.step is Step.PRICES:
            return
        self._prices_return = session.step
        session._go(Step.PRICES)

    def return_step(self) -> Step | None:
        """Where "back" goes from a side trip (None: the patient is not on one)."""
        step = self._session.step
        if step is Step.PRICES:
            return self._prices_return
        if step is Step.PAYMENT:
            return self._payment_return
        return None

    def card_removed(self) -> None:
        """The card left the reader: the price list no longer returns to its key request."""
        if self._session.step is Step.PRICES and self._prices_return is Step.CARD_KEY:
            self._prices_return = Step.IDENTIFY

    def reset(self) -> None:
        self._prices_return = Step.START
        self._payment_return = Step.START
        self.payment_reference = ""
