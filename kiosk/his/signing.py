"""HMAC-SHA256 request signatures of the kiosk's REST HIS API (docs/his-api.yaml).

    signature = hex(HMAC-SHA256(secret, METHOD "\n" PATH?QUERY "\n" TIMESTAMP "\n" hex(SHA256(body))))

sent as `X-Kiosk-Client`, `X-Kiosk-Timestamp` (Unix seconds) and `X-Kiosk-Signature`. The HIS
rejects a timestamp more than `MAX_SKEW_S` away from its clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_SKEW_S = 300


def signature(secret: bytes, method: str, path: str, timestamp: str, body: bytes) -> str:
    message = "\n".join([method.upper(), path, timestamp, hashlib.sha256(body).hexdigest()]).encode(
        "utf-8"
    )
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def sign(client: str, secret: bytes, method: str, path: str, body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    return {
        "X-Kiosk-Client": client,
        "X-Kiosk-Timestamp": ts,
        "X-Kiosk-Signature": signature(secret, method, path, ts, body),
    }


def verify(secret: bytes, method: str, path: str, headers: dict[str, str], body: bytes) -> bool:
    ts = headers.get("X-Kiosk-Timestamp", "")
    given = headers.get("X-Kiosk-Signature", "")
    if not ts.isdigit() or abs(time.time() - int(ts)) > MAX_SKEW_S:
        return False
    return hmac.compare_digest(given, signature(secret, method, path, ts, body))
