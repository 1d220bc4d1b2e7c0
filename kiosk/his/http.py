"""The HTTP parts both HIS backends share: a session, bounded timeouts, error mapping."""

from __future__ import annotations

import time
from typing import Any

import requests

from hardware.status import DeviceStatus
from kiosk.his.base import HisRejected, HisUnavailable

RETRYABLE = {408, 409, 425, 429}


class HttpClient:
    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.base = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> Any:
        t = timeout_s or self.timeout_s
        failure: str | None = None
        try:
            resp = self.session.request(
                method,
                self.base + path,
                data=body,
                headers=headers,
                params=params,
                timeout=(min(t, 3.0), t),
            )
        except requests.RequestException as exc:
            failure = type(exc).__name__
        if failure is not None:
            # Raised outside the except block: no __context__. The requests error holds
            # urllib3's, which holds its connection pool, and with it the pool's kept-alive
            # sockets; whoever keeps our error (a log record: "lookup failed: %s", exc)
            # would keep those sockets open after close() (urllib3 2 closes a pool only
            # when it is garbage).
            raise HisUnavailable(failure)
        if resp.status_code >= 500 or resp.status_code in RETRYABLE:
            raise HisUnavailable(f"HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise HisRejected(f"HTTP {resp.status_code}")
        try:
            return resp.json()
        except ValueError:
            raise HisUnavailable(f"HTTP {resp.status_code}: not JSON") from None

    def probe(self, path: str, what: str) -> DeviceStatus:
        started = time.monotonic()
        try:
            self.call("GET", path, timeout_s=min(self.timeout_s, 3.0))
        except (HisUnavailable, HisRejected) as exc:
            return DeviceStatus(
                False,
                f"{what} at {self.base} not answering ({exc})",
                fix="check his.url, the HIS server and the network; registrations wait "
                "in the outbox meanwhile",
            )
        ms = (time.monotonic() - started) * 1000
        return DeviceStatus(True, f"{what} at {self.base} answers in {ms:.0f} ms")

    def close(self) -> None:
        """Closes the kept-alive connections now: requests' Session.close() only forgets
        urllib3's pools (urllib3 2 closes a pool's sockets when the pool is garbage)."""
        for adapter in self.session.adapters.values():
            pools: Any = getattr(getattr(adapter, "poolmanager", None), "pools", None) or {}
            for key in list(pools.keys()):
                pool = pools.get(key)
                if pool is not None:
                    pool.close()
        self.session.close()
