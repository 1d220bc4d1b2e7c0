"""The delivery worker: a plain thread that drains the outbox into the HIS.

Started and stopped by the composition root (kiosk process) or by `kiosk his worker` /
`kiosk serve`. Several workers (kiosks) may share one database: rows are claimed with a lease.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kiosk.his.base import HisAdapter, HisRejected, HisUnavailable
from kiosk.his.outbox import Outbox, OutboxRow

log = logging.getLogger(__name__)


def deliver_row(
    his: HisAdapter, outbox: Outbox, row: OutboxRow, timeout_s: float | None = None
) -> bool:
    """One try; records the outcome. True when delivered. Never raises for HIS trouble."""
    try:
        answer = his.register(row.registration, timeout_s=timeout_s)
    except HisRejected as exc:
        state = outbox.failed(row, f"rejected: {exc}", permanent=True)
        log.warning("HIS refused registration %s… (%s): %s", row.id[:8], exc, state)
        return False
    except HisUnavailable as exc:
        state = outbox.failed(row, str(exc))
        log.info("HIS delivery of %s… failed (%s), now %s", row.id[:8], exc, state)
        return False
    except Exception as exc:  # a bug in a backend must not kill the worker
        log.exception("HIS delivery of %s… raised", row.id[:8])
        outbox.failed(row, type(exc).__name__)
        return False
    return outbox.delivered(row, answer)


def drain_once(
    his: HisAdapter,
    outbox: Outbox,
    stop: threading.Event | None = None,
    failed: list[bool] | None = None,
) -> int:
    """Delivers every due row once (stops early when the HIS fails: the rest waits its
    backoff; `failed[0]` is set). Returns how many were delivered."""
    done = 0
    rows = outbox.claim_due()
    for i, row in enumerate(rows):
        if stop is not None and stop.is_set():
            for rest in rows[i:]:
                outbox.release(rest)
            break
        if deliver_row(his, outbox, row):
            done += 1
        else:  # the HIS is down: give the others back, they wait for their own time
            if failed is not None:
                failed[0] = True
            for rest in rows[i + 1 :]:
                outbox.release(rest)
            break
    return done


class DeliveryWorker:
    def __init__(self, his: HisAdapter, outbox: Outbox, settings: Any) -> None:
        self.his = his
        self.outbox = outbox
        self.settings = settings
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="his-outbox", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A new registration is waiting: look now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        purged_at = 0.0
        down = [False]
        while not self._stop.is_set():
            try:
                while drain_once(self.his, self.outbox, self._stop, down):
                    down[0] = False
                if down[0] and self.his.health().ok:
                    # the HIS is back: deliver the backlog now, not when each backoff ends
                    down[0] = False
                    if self.outbox.due_now():
                        continue
                now = self.outbox.clock()
                if now - purged_at > 3600:
                    purged_at = now
                    self.outbox.purge()
            except Exception:  # database gone for a moment: try again at the next poll
                log.exception("HIS outbox worker pass failed")
            self._wake.wait(self.settings.poll_s)
            self._wake.clear()
