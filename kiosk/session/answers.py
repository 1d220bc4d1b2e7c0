"""The answers of blocking work started for one patient, delivered only while the session is
still theirs.

Reading the chip, the insurance check, the appointment lookup, issuing and printing the ticket
all run on the session's `Runner` and answer later. Meanwhile the patient may have left, timed
out or started again (a new `Session.generation`): such a late answer must be dropped, or one
patient's result would land in the next patient's session. Written by hand because every part
of the flow needs this same guard, and a callback that forgot it would leak.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from kiosk.session.steps import Step

if TYPE_CHECKING:
    from kiosk.session.flow import Session

T = TypeVar("T")


def while_current(
    session: Session,
    deliver: Callable[[T], None],
    *,
    on_late: Callable[[T], None] | None = None,
    still: Callable[[], bool] | None = None,
) -> Callable[[T], None]:
    """`deliver`, called only while the session has the generation it has now (and `still()`
    holds, for a part with its own way of giving up); a late answer goes to `on_late`, if
    given, and is otherwise dropped."""
    generation = session.generation

    def answer(value: T) -> None:
        if generation == session.generation and (still is None or still()):
            deliver(value)
        elif on_late is not None:
            on_late(value)

    return answer


def run_busy(
    session: Session,
    step: Step,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    *,
    on_late: Callable[[T], None] | None = None,
    still: Callable[[], bool] | None = None,
) -> None:
    """Steps into the busy `step` and runs `work` on the session's runner: its result goes to
    `done`, its exception to `failed`, both only while current (see `while_current`). A late
    result goes to `on_late`; a late failure is dropped unlogged (its text may hold the
    patient's values, no longer masked in the log once they left)."""
    done = while_current(session, done, on_late=on_late, still=still)
    failed = while_current(session, failed, still=still)
    session._go(step)
    session.run(work, done, failed)
