"""A part of the kiosk built on first use, or when `resolve()` is called, whichever is first.

`build_services(config, deferred=True)` hands these out for the parts the start screen does
not need (printer, catalog, HIS, ...): the window paints first, then `Services.complete()`
builds them on a worker thread. Code that uses one earlier (a patient faster than the
worker) builds it there and then, on the thread that asked; the lock makes that happen once.
A worker thread that asks before the window has opened the `gate` (a start screen that warms
up its catalog) waits for it (at most `GATE_WAIT_S`), so it does not take the interpreter
away from the first paint; the GUI thread never waits.
Hand-written: `lazy-object-proxy` would do, but it is one more dependency for 40 lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_UNSET = object()
GATE_WAIT_S = 10.0


class Deferred:
    def __init__(
        self, build: Callable[[], Any], name: str, gate: threading.Event | None = None
    ) -> None:
        self._build = build
        self._name = name
        self._gate = gate
        self._closed = False
        self._value: Any = _UNSET
        self._lock = threading.Lock()

    def resolve(self) -> Any:
        """The part, built now if it was not yet (blocking)."""
        if self._value is _UNSET:
            gate = self._gate
            if gate is not None and threading.current_thread() is not threading.main_thread():
                gate.wait(GATE_WAIT_S)
            with self._lock:
                if self._value is _UNSET:
                    if self._closed:
                        raise RuntimeError(f"{self._name}: closed before it was built")
                    self._value = self._build()
        return self._value

    def close(self) -> None:
        """Never to be built any more (the kiosk is stopping); closes nothing itself."""
        self._closed = True

    def built(self) -> Any:
        """The part if it has been built, else None (closing never builds one)."""
        return None if self._value is _UNSET else self._value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __repr__(self) -> str:
        state = "pending" if self._value is _UNSET else repr(self._value)
        return f"Deferred({self._name}: {state})"


def resolved(value: Any) -> Any:
    """`value` itself, or the part a `Deferred` stands for."""
    return value.resolve() if isinstance(value, Deferred) else value
