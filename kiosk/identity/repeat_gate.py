"""The previous patient's code must never identify the next one.

A BHYT card left in front of the camera, or lying on a presentation scanner's shelf, is decoded
again and again. A code that was seen stays blocked for as long as it keeps arriving: it passes
again only after it has been absent for `absent_s` (taken away, then shown again). The memory
is NOT reset when a session ends: that is exactly when the previous patient's card is still
there. Only digests of the codes are kept (no payload, no name), a bounded number of them.

Written by hand: a few lines over a dict; the camera's own duplicate filter (hardware) only
suppresses bursts of one device, this gate covers every reader and session boundaries.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

MAX_REMEMBERED = 64


class RepeatGate:
    def __init__(self, absent_s: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.absent_s = absent_s
        self._clock = clock
        self._seen: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()
        self.blocked = 0

    def accept(self, code: bytes) -> bool:
        """True when `code` may act now; every report of it renews its "still there" time."""
        key = hashlib.sha256(bytes(code)).digest()
        now = self._clock()
        with self._lock:
            last = self._seen.pop(key, None)
            self._seen[key] = now
            while len(self._seen) > MAX_REMEMBERED:
                self._seen.popitem(last=False)
            if last is not None and now - last < self.absent_s:
                self.blocked += 1
                return False
            return True
