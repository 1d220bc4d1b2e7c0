"""The bank's payment notification (webhook): signature, freshness and content checks.

Banks and payment providers each sign their webhooks their own way; this module is the one
adapter for the format the kiosk server accepts, documented in deploy/README-IT.md
("Payment"): a JSON body

    {"transaction_id": "...", "amount": 150000, "paid_at": "2026-12-01T10:00:00+07:00",
     "account": "113366668888", "bill_number": "KI261201ABCDEFGH", "description": "..."}

with headers `X-Payment-Timestamp` (Unix seconds) and `X-Payment-Signature:
sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. The bill number may be missing and
found in the transfer description instead (banks pass the transfer content through). A
notification that is unsigned, badly signed, stale, for another account, or not well formed is
refused with a reason (and logged without its content). HMAC from the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.payment.config import PaymentConfig

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "x-payment-signature"
TIMESTAMP_HEADER = "x-payment-timestamp"
MAX_BODY = 16_384


class NotificationRejected(ValueError):
    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Notification:
    txn_id: str
    bill_number: str
    amount: int
    paid_at: str


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    ts = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json",
        "X-Payment-Timestamp": ts,
        "X-Payment-Signature": sign(secret, ts, body),
    }


def parse_notification(
    body: bytes,
    headers: Mapping[str, str],
    config: PaymentConfig,
    now: float | None = None,
) -> Notification:
    lower = {k.lower(): v for k, v in headers.items()}
    if len(body) > MAX_BODY:
        raise NotificationRejected("body too large", 413)
    ts = lower.get(TIMESTAMP_HEADER, "")
    given = lower.get(SIGNATURE_HEADER, "")
    if not ts or not given:
        raise NotificationRejected("unsigned", 401)
    expected = sign(config.webhook_secret.get_secret_value(), ts, body)
    if not hmac.compare_digest(expected, given):
        raise NotificationRejected("bad signature", 401)
    try:
        age = abs((time.time() if now is None else now) - int(ts))
    except ValueError:
        raise NotificationRejected("bad timestamp", 401) from None
    if age > config.webhook_tolerance_s:
        raise NotificationRejected("stale or future timestamp", 401)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotificationRejected("not JSON") from None
    if not isinstance(data, dict):
        raise NotificationRejected("not a JSON object")
    txn, amount, account = data.get("transaction_id"), data.get("amount"), data.get("account")
    if not isinstance(txn, str) or not 0 < len(txn) <= 64:
        raise NotificationRejected("transaction_id missing")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise NotificationRejected("amount is not a whole number of đồng")
    if account != config.account:
        raise NotificationRejected("for another account")
    bill = data.get("bill_number") or find_bill_number(str(data.get("description", "")), config)
    if not isinstance(bill, str) or not bill:
        raise NotificationRejected("no bill number")
    paid_at = data.get("paid_at")
    return Notification(txn, bill, amount, paid_at if isinstance(paid_at, str) else "")


def find_bill_number(description: str, config: PaymentConfig) -> str:
    match = re.search(rf"\b{re.escape(config.bill_prefix)}\d{{6}}[A-Z2-9]{{8}}\b", description)
    return match.group(0) if match else ""


def receive(service: Any, body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
    """What the webhook endpoint answers: verify, apply once, say what happened. A refused
    notification is logged with its reason only (never its content)."""
    try:
        note = parse_notification(body, headers, service.config)
    except NotificationRejected as exc:
        log.warning("payment notification refused: %s", exc)
        return exc.status, {"ok": False, "error": str(exc)}
    applied, bill = service.apply_transaction(
        note.txn_id, note.bill_number, note.amount, note.paid_at
    )
    return 200, {
        "ok": True,
        "result": applied.value,
        "state": bill.state.value if bill else None,
    }
