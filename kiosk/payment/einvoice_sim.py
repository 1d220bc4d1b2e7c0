"""A simulated e-invoice provider (real HTTP) for testers and tests.

The kiosk (or the HIS) asks the provider to issue the electronic invoice of a paid bill and gets
it back with the tax authority's code and the lookup code; a patient looks it up later on the
provider's page with that code.

- `POST /api/invoices {"bill_number", "amount", "paid_at", "lines": [{"name", "total",
  "fund_pays", "patient_pays"}]}` (header `X-Api-Key`): issues the invoice once per bill
  (idempotent: the same bill answers the same invoice) and answers it as JSON;
- `GET /api/invoices/{lookup_code}` (header `X-Api-Key`): the invoice of a lookup code;
- `GET /tra-cuu?code=...`: the patient's lookup page (HTML), the URL in the printed QR;
- `POST /_sim/mode {"mode": "ok" | "slow" | "garbage" | "error" | "not_ready", "delay_s": 0}`:
  faults: answer after `delay_s`, answer a body that is not an invoice, 500, or 202 (issuing
  still under way);
- `GET /_sim/health`: counts.

Invoice numbers count up per series; the lookup code is 10 letters/digits without 0/O/1/I.
"""

from __future__ import annotations

import html
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

from kiosk.payment.httpsim import LocalHttpSim, SimServer

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class EInvoiceSimulator(LocalHttpSim):
    thread_name = "einvoice-sim"

    def __init__(
        self,
        api_key: str = "demo-einvoice-key",
        host: str = "127.0.0.1",
        port: int = 0,
        seller: dict[str, str] | None = None,
    ) -> None:
        self.api_key = api_key
        self.seller = seller or {
            "name": "BỆNH VIỆN DEMO",
            "tax_code": "0100000000-001",
            "address": "1 Đường Demo, Phường Demo, Hà Nội",
        }
        self.series = "1C26TBV"  # ký hiệu: 1 = VAT invoice, C = with the tax authority's code
        self.mode = "ok"
        self.delay_s = 0.0
        self.issued: dict[str, dict[str, Any]] = {}  # bill number -> invoice
        self.requests = 0
        self._lock = threading.Lock()
        self._listen(host, port, _Handler)

    def set_mode(self, mode: str, delay_s: float = 0.0) -> None:
        self.mode, self.delay_s = mode, delay_s

    def issue(self, request: dict[str, Any]) -> dict[str, Any]:
        bill = str(request["bill_number"])
        amount = int(request["amount"])
        with self._lock:
            existing = self.issued.get(bill)
            if existing is not None:
                return existing
            number = len(self.issued) + 1
            code = "".join(secrets.choice(_ALPHABET) for _ in range(10))
            lines = [
                {
                    "name": str(item.get("name", ""))[:200],
                    "total": int(item.get("total", 0)),
                    "fund_pays": int(item.get("fund_pays", 0)),
                    "patient_pays": int(item.get("patient_pays", 0)),
                }
                for item in request.get("lines", [])
                if isinstance(item, dict)
            ] or [{"name": "Viện phí", "total": amount, "fund_pays": 0, "patient_pays": amount}]
            invoice = {
                "bill_number": bill,
                "kind": "invoice",
                "title": "HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
                "template": "1",
                "series": self.series,
                "number": f"{number:08d}",
                "issued_at": datetime.now(TZ).isoformat(timespec="seconds"),
                "seller": dict(self.seller),
                "buyer": {"name": str(request.get("buyer_name", "")) or "Người bệnh"},
                "lines": lines,
                "amount": amount,
                "vat": "KCT",  # medical services: not subject to VAT
                "tax_authority_code": "M1-26-" + secrets.token_hex(5).upper(),
                "lookup_code": code,
                "lookup_url": f"{self.url}/tra-cuu?code={code}",
                "signed_by": self.seller["name"],
            }
            self.issued[bill] = invoice
            return invoice

    def by_code(self, code: str) -> dict[str, Any] | None:
        with self._lock:
            return next((i for i in self.issued.values() if i["lookup_code"] == code), None)


class _Handler(BaseHTTPRequestHandler):
    server: SimServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("einvoice sim: " + format, *args)

    def _send(self, status: int, raw: bytes, kind: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:  # the kiosk gave up waiting (slow mode) and closed: nothing to tell
            log.debug("einvoice sim: client gone before the answer")

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode())

    def _faulty(self) -> bool:
        """Applies the simulator's fault mode to an API answer; True when it answered."""
        sim = self.server.sim
        with sim._lock:
            sim.requests += 1
        if sim.delay_s:
            time.sleep(sim.delay_s)
        if sim.mode == "garbage":
            self._send(200, b'{"invoice": [1, 2, "\xff')
            return True
        if sim.mode == "error":
            self._json(500, {"error": "internal error"})
            return True
        if sim.mode == "not_ready":
            self._json(202, {"status": "issuing"})
            return True
        return False

    def _authorised(self) -> bool:
        if self.headers.get("X-Api-Key") != self.server.sim.api_key:
            self._json(401, {"error": "bad api key"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        sim = self.server.sim
        parts = urlsplit(self.path)
        if parts.path == "/_sim/health":
            self._json(200, {"issued": len(sim.issued), "requests": sim.requests})
        elif parts.path == "/tra-cuu":
            code = parse_qs(parts.query).get("code", [""])[0]
            invoice = sim.by_code(code)
            if invoice is None:
                self._send(404, "<p>Không tìm thấy hóa đơn</p>".encode(), "text/html")
                return
            body = (
                f"<h1>{html.escape(invoice['title'])}</h1>"
                f"<p>Ký hiệu {html.escape(invoice['series'])} số {invoice['number']}</p>"
                f"<p>Mã của cơ quan thuế: {html.escape(invoice['tax_authority_code'])}</p>"
                f"<p>Tổng tiền: {invoice['amount']:,} đ</p>"
            )
            self._send(200, body.encode(), "text/html; charset=utf-8")
        elif parts.path.startswith("/api/invoices/"):
            if not self._authorised() or self._faulty():
                return
            invoice = sim.by_code(parts.path.rsplit("/", 1)[-1])
            if invoice is None:
                self._json(404, {"error": "no such invoice"})
            else:
                self._json(200, invoice)
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        sim = self.server.sim
        path = urlsplit(self.path).path
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            self._json(400, {"error": "a JSON object is expected"})
            return
        if path == "/_sim/mode":
            sim.set_mode(str(body.get("mode", "ok")), float(body.get("delay_s", 0)))
            self._json(200, {"mode": sim.mode, "delay_s": sim.delay_s})
        elif path == "/api/invoices":
            if not self._authorised() or self._faulty():
                return
            try:
                invoice = sim.issue(body)
            except (KeyError, TypeError, ValueError):
                self._json(400, {"error": "bill_number and amount are required"})
                return
            self._json(200, invoice)
        else:
            self._json(404, {"error": "not found"})
