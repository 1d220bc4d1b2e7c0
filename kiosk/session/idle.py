"""The idle watch: every touch restarts it; after the idle time a visible countdown (which the
patient may extend), then every patient datum is wiped. Busy steps that never end are given
up, and an appointment lookup that does not answer falls back to the walk-in path."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.session.steps import BUSY_STEPS, LOOKUP_GRACE_S, Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session

log = logging.getLogger(__name__)


def touch(session: Session) -> None:
    session.last_activity = session.clock()
    if session.countdown_started is not None:
        session.countdown_started = None
        session._changed()


def idle_seconds_left(session: Session) -> float | None:
    if session.countdown_started is None:
        return None
    elapsed = session.clock() - session.countdown_started
    return max(0.0, session.config.idle.countdown_s - elapsed)


def can_extend(session: Session) -> bool:
    return session.extensions < session.config.idle.max_extensions


def more_time(session: Session) -> None:
    if can_extend(session):
        session.extensions += 1
    session.touch()


def tick(session: Session) -> None:
    now = session.clock()
    config = session.config
    step = session.step
    if step is Step.START:
        if session.start_dirty and now - session.last_activity >= config.idle.timeout_s:
            log.info("start screen idle: language and display modes reset")
            session.wipe()
        return
    if step is Step.CHECKING_APPOINTMENT and (
        now - session.busy_since >= config.his.appointments.lookup_timeout_s + LOOKUP_GRACE_S
    ):
        log.warning("appointment lookup did not answer in time: walk-in path")
        session._appointments.timed_out()
        return
    if step in BUSY_STEPS:
        limit = config.idle.busy_limit_s
        if now - session.busy_since >= limit:
            # A device or server that never answers must not hold the kiosk, and the
            # patient's data, forever.
            log.warning("step %s took longer than %s s: session ended", step.value, limit)
            session.wipe()
        else:
            session.last_activity = now  # the kiosk is working, not the patient idling
        return
    if session.countdown_started is None:
        timeout = config.idle.timeout_s
        if step is Step.PAYMENT:  # the patient is in their banking app meanwhile
            timeout = max(timeout, config.payment.pay_timeout_s + 30)
        if now - session.last_activity >= timeout:
            session.countdown_started = now
            session._changed()
        return
    if now - session.countdown_started >= config.idle.countdown_s:
        log.info("session idle timeout: patient data wiped")
        session.wipe()
    else:
        session._changed()
