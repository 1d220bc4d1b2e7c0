"""A bank simulator for testers and tests: real HTTP, real signed notifications.

- `POST /_sim/pay {"bill_number", "amount", "delay_s": 0, "duplicates": 0,
  "bad_signature": false, "describe_only": false}`: the "patient pays": the transaction is
  booked in the simulator's ledger, and after `delay_s` a signed notification is POSTed to the
  webhook URL (`duplicates` more copies of it; `bad_signature` signs with a wrong key;
  `describe_only` leaves out bill_number and puts it in the transfer description, as many
  banks do);
- `POST /_sim/refund {"bill_number", "amount"}`: a refund (negative transaction);
- `POST /_sim/webhook {"down": true}`: stop sending notifications (the ledger still books);
- `GET /api/transactions?bill=N` (header X-Api-Key): the status API used by reconciliation;
- `GET /_sim/health`: counts.

Runs in a thread (tests, demo) or as `kiosk sim bank --webhook URL`.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import requests

from kiosk.payment.httpsim import LocalHttpSim, SimServer
from kiosk.payment.notify import signed_headers

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class BankSimulator(LocalHttpSim):
    thread_name = "bank-sim"

    def __init__(
        self,
        webhook_url: str,
        secret: str,
        account: str,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.webhook_url = webhook_url
        self.secret = secret
        self.account = account
        self.ledger: list[dict[str, Any]] = []
        self.sent = 0
        self.send_failures = 0
        self.webhook_down = False
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []
        self._listen(host, port, _Handler)

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        super().stop()

    # -- the bank ------------------------------------------------------------------------------

    def pay(
        self,
        bill_number: str,
        amount: int,
        delay_s: float = 0.0,
        duplicates: int = 0,
        bad_signature: bool = False,
        describe_only: bool = False,
    ) -> dict[str, Any]:
        txn = {
            "transaction_id": "FT" + secrets.token_hex(8).upper(),
            "amount": int(amount),
            "paid_at": datetime.now(TZ).isoformat(timespec="seconds"),
            "account": self.account,
            "bill_number": bill_number,
            "description": f"CK {bill_number} thanh toan vien phi",
        }
        with self._lock:
            self.ledger.append(txn)
        body = dict(txn)
        if describe_only:
            del body["bill_number"]
        for _ in range(1 + max(0, duplicates)):
            self._later(delay_s, body, bad_signature)
        return txn

    def _later(self, delay_s: float, body: dict[str, Any], bad_signature: bool) -> None:
        timer = threading.Timer(delay_s, self._notify, args=(body, bad_signature))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _notify(self, body: dict[str, Any], bad_signature: bool) -> None:
        if self.webhook_down:
            return
        raw = json.dumps(body).encode()
        key = "not-the-secret" if bad_signature else self.secret
        try:
            answer = requests.post(
                self.webhook_url, data=raw, headers=signed_headers(key, raw), timeout=5
            )
            with self._lock:
                self.sent += 1
                if answer.status_code >= 300:
                    self.send_failures += 1
        except requests.RequestException:
            with self._lock:
                self.send_failures += 1

    def transactions(self, bill_number: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(t) for t in self.ledger if t["bill_number"] == bill_number]

    def wait_sent(self, count: int, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.sent >= count:
                return True
            time.sleep(0.02)
        return self.sent >= count


class _Handler(BaseHTTPRequestHandler):
    server: SimServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("bank sim: " + format, *args)

    def _json(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        sim = self.server.sim
        parts = urlsplit(self.path)
        if parts.path == "/_sim/health":
            self._json(200, {"ledger": len(sim.ledger), "sent": sim.sent})
        elif parts.path == "/api/transactions":
            if self.headers.get("X-Api-Key") != sim.secret:
                self._json(401, {"error": "bad api key"})
                return
            bill = parse_qs(parts.query).get("bill", [""])[0]
            self._json(200, {"transactions": sim.transactions(bill)})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        sim = self.server.sim
        path = urlsplit(self.path).path
        body = self._body()
        if path == "/_sim/pay":
            try:
                txn = sim.pay(
                    str(body["bill_number"]),
                    int(body["amount"]),
                    float(body.get("delay_s", 0)),
                    int(body.get("duplicates", 0)),
                    bool(body.get("bad_signature", False)),
                    bool(body.get("describe_only", False)),
                )
            except (KeyError, TypeError, ValueError):
                self._json(400, {"error": "bill_number and amount are required"})
                return
            self._json(200, txn)
        elif path == "/_sim/refund":
            try:
                txn = sim.pay(str(body["bill_number"]), -abs(int(body["amount"])))
            except (KeyError, TypeError, ValueError):
                self._json(400, {"error": "bill_number and amount are required"})
                return
            self._json(200, txn)
        elif path == "/_sim/webhook":
            sim.webhook_down = bool(body.get("down", False))
            self._json(200, {"down": sim.webhook_down})
        else:
            self._json(404, {"error": "not found"})
