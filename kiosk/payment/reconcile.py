"""Reconciliation: ask the bank's status API about every bill still open, and apply what it
says (the same idempotent path as a notification). Run at kiosk start, by `kiosk payment
reconcile`, and by the counter; a payment whose notification was lost (kiosk restarted, server
down) is found this way.

The status API: `GET {status_url}?bill=NUMBER` with `X-Api-Key: <webhook secret>` answers
`{"transactions": [{"transaction_id", "amount", "paid_at", "bill_number"}]}` (the bank
simulator implements it; a real bank's API is adapted here).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import requests

from kiosk.payment.service import Applied, PaymentService

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    checked: int = 0
    applied: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def reconcile(service: PaymentService, session: requests.Session | None = None) -> ReconcileReport:
    config = service.config
    report = ReconcileReport()
    if not config.status_url:
        report.errors.append("no payment.status_url configured")
        return report
    http = session or requests.Session()
    for bill in service.open_bills():
        report.checked += 1
        try:
            answer = http.get(
                config.status_url,
                params={"bill": bill.bill_number},
                headers={"X-Api-Key": config.webhook_secret.get_secret_value()},
                timeout=config.request_timeout_s,
                allow_redirects=False,
            )
            answer.raise_for_status()
            items = answer.json().get("transactions", [])
            if not isinstance(items, list):
                raise ValueError("transactions is not a list")
        except (requests.RequestException, ValueError, AttributeError) as exc:
            report.errors.append(f"{bill.bill_number}: {type(exc).__name__}")
            log.warning("reconcile: bill %s: %s", bill.bill_number, type(exc).__name__)
            continue
        for item in items:
            try:
                amount = item["amount"]
                if not isinstance(amount, int) or isinstance(amount, bool):
                    raise TypeError("amount is not a whole number")
                applied, _ = service.apply_transaction(
                    str(item["transaction_id"]),
                    bill.bill_number,
                    amount,
                    str(item.get("paid_at", "")),
                    source="reconcile",
                )
            except (KeyError, TypeError, ValueError) as exc:
                report.errors.append(f"{bill.bill_number}: bad item ({type(exc).__name__})")
                continue
            if applied is Applied.APPLIED:
                report.applied += 1
            elif applied is Applied.DUPLICATE:
                report.duplicates += 1
    return report
