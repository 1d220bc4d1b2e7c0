"""A queue service that the kiosk can start without its database.

`QueueHandle.start(config)` returns at once; a background thread builds the `QueueService`
(connect, migrate) and retries with a capped backoff until it succeeds. Meanwhile, and whenever
the database stops answering later, `state` is "down" and every call raises `QueueUnavailable`
(a `QueueError` with the bilingual "out of service, please go to the reception desk" message)
within the database bounds, never a traceback. Listeners registered with `on_change` hear
"up" / "down" transitions (called on the handle's thread or the caller's: a UI must hop to its
own thread). While down, a probe runs every `probe_s` and brings the state back "up".

The handle has the methods of `QueueService` the kiosk uses (issue, get, record_print,
void, health, status, ...), so `Services.queue` can be a handle.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hardware.status import DeviceStatus
from kiosk.queue.model import QueueUnavailable

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)


def _db_errors() -> tuple[type[BaseException], ...]:
    """What means "the database is down" (SQLAlchemy is imported on the handle's thread, not
    by whoever imports this module: the kiosk's start screen is painted without it)."""
    from sqlalchemy.exc import DBAPIError

    return (DBAPIError, OSError, QueueUnavailable)


class QueueHandle:
    def __init__(
        self,
        config: KioskConfig,
        factory: Callable[[Any], Any] | None = None,
        first_retry_s: float = 1.0,
        max_retry_s: float = 30.0,
        probe_s: float = 5.0,
    ) -> None:
        self.config = config
        self._factory = factory  # None: QueueService.from_config (imported on the thread)
        self._service: Any = None
        self._state = "starting"
        self._error = ""
        self._listeners: list[Callable[[str], None]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._up = threading.Event()
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._probe_s = probe_s
        self._thread: threading.Thread | None = None

    @classmethod
    def start(cls, config: KioskConfig, **kwargs: Any) -> QueueHandle:
        handle = cls(config, **kwargs)
        handle.begin()
        return handle

    def begin(self) -> None:
        """Starts connecting (a handle built with the constructor is "starting" until then)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="queue-connect", daemon=True)
            self._thread.start()

    # -- state ------------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """ "starting", "up" or "down"."""
        return self._state

    @property
    def error(self) -> str:
        """The last error's type name (no detail: DSNs and patient data stay out)."""
        return self._error

    def on_change(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def wait_until_up(self, timeout_s: float) -> bool:
        return self._up.wait(timeout_s)

    def _set(self, state: str, error: str = "") -> None:
        with self._lock:
            changed = state != self._state
            self._state = state
            self._error = error
            if state != "up":
                self._up.clear()
        if changed:
            log.warning("queue database %s%s", state, f" ({error})" if error else "")
            for listener in list(self._listeners):
                try:
                    listener(state)
                except Exception:
                    log.exception("queue state listener failed")
        if state == "up" and self._state == "up":
            self._up.set()  # after the listeners: who waited for "up" sees them told

    def _run(self) -> None:
        db_errors = _db_errors()
        if self._factory is None:
            from kiosk.queue.service import QueueService

            self._factory = QueueService.from_config
        delay = self._first_retry_s
        while not self._stop.is_set():
            if self._service is None:
                try:
                    service = self._factory(self.config)
                except db_errors as exc:
                    self._set("down", type(exc).__name__)
                    self._wake.wait(delay)
                    self._wake.clear()
                    delay = min(self._max_retry_s, delay * 2)
                    continue
                if self._stop.is_set():
                    service.close()
                    return
                self._service = service
                delay = self._first_retry_s
                self._set("up")
                continue
            # it was up, then a call failed: probe until it answers again
            if self._state == "down" and self._service.health().ok:
                self._set("up")
            self._wake.wait(self._probe_s)
            self._wake.clear()

    # -- calls ------------------------------------------------------------------------------

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        service = self._service
        if service is None:
            raise QueueUnavailable(self._error or "starting")
        try:
            result = getattr(service, name)(*args, **kwargs)
        except _db_errors() as exc:
            self._set("down", type(exc).__name__)
            self._wake.set()
            if isinstance(exc, QueueUnavailable):
                raise
            raise QueueUnavailable(type(exc).__name__) from exc
        if self._state != "up":
            self._set("up")
        return result

    def __getattr__(self, name: str) -> Any:
        """QueueService's methods, forwarded (QueueUnavailable while down); its plain
        attributes when it exists."""
        if name.startswith("_"):
            raise AttributeError(name)
        service = self._service
        if service is not None and not callable(getattr(service, name)):
            return getattr(service, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, *args, **kwargs)

        return call

    def health(self) -> DeviceStatus:
        service = self._service
        if service is None:
            return DeviceStatus(
                ok=False,
                summary=f"queue database unreachable since start ({self._error or 'starting'})",
                fix="check storage.dsn, the database server and the network",
                details={"state": self._state},
            )
        status = service.health()
        if "unreachable" in status.summary:
            self._set("down", status.details.get("error", "health"))
        elif self._state != "up":
            self._set("up")
        return status

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._service is not None:
            self._service.close()
