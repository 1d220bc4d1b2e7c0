"""How the session hands blocking work elsewhere: the `Runner` protocol, and `run_inline`
for plain-Python tests and scripts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

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
