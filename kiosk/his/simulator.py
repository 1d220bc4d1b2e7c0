"""A HIS simulator: a real HTTP server with the FHIR endpoints and the kiosk REST API.

- REST (docs/his-api.yaml, HMAC-checked): `GET /v1/health`, `POST /v1/visits`
  (Idempotency-Key), `GET /v1/appointments?day=&code=|citizen_id=`, `GET /v1/visits/{ma_lk}/fees`;
- FHIR under `/fhir`: `GET /metadata`, `POST /` (transaction Bundle; conditional create on the
  Encounter's registration identifier), `GET /Appointment`, `GET /ChargeItem?context=`;
- people, appointments and fees in memory (`add_appointment`, `set_fees`);
- faults at run time (`set_fault(name)` or `POST /_sim/fault {"fault": "http500"}`):
  `down` closes the listening port for real (`set_down`), `slow` delays answers, `http500`,
  `duplicate` (the visit is registered, then the connection drops before the answer: the
  kiosk must deliver again and the HIS must not register twice), `reorder` (the answer of an
  earlier request comes back); `GET /_sim/state` counts visits and deliveries.

Runs in a thread: for tests, the demo and `kiosk sim his`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.his.signing import verify

log = logging.getLogger(__name__)
VN = timezone(timedelta(hours=7))
FAULTS = {
    "down": "the port is closed (connection refused)",
    "slow": "answers after slow_s seconds",
    "http500": "HTTP 500 on every call",
    "duplicate": "registers the visit, then drops the connection before answering",
    "reorder": "answers a registration with an earlier request's answer",
}
SID_REG = "urn:hospital-kiosk:registration"


class HisSimulator:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        secret: str = "sim-secret",
        slow_s: float = 3.0,
        rooms: dict[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.secret = secret.encode()
        self.slow_s = slow_s
        self.rooms = rooms or {}
        self.lock = threading.Lock()
        self.fault: str | None = None
        self.visits: dict[str, dict[str, Any]] = {}  # key -> answer (and the registration)
        self.deliveries: dict[str, int] = {}  # key -> requests received
        self.appointments: list[dict[str, Any]] = []
        self.fees: dict[str, list[dict[str, Any]]] = {}
        self.numbers: dict[str, int] = {}
        self.last_answer: dict[str, Any] | None = None
        self._conns: set[Any] = set()  # open client connections (closed when "down")
        self._stopping = threading.Event()  # wakes slow answers when the simulator stops
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self._stopping.clear()
        handler = type("Handler", (_Handler,), {"sim": self})
        self._server = ThreadingHTTPServer((self.host, self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="his-sim"
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # a slow answer in progress gives up now (its socket is released)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.lock:  # kept-alive connections too: a HIS that is down answers nothing
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(2)

    def set_down(self, down: bool) -> None:
        """Really closes (or reopens, on the same port) the listening socket."""
        if down and self._server is not None:
            self.stop()
        elif not down and self._server is None:
            for _ in range(50):
                try:
                    self.start()
                    return
                except OSError:
                    time.sleep(0.1)
            raise OSError(f"cannot reopen port {self.port}")

    def set_fault(self, name: str | None) -> None:
        if name not in (None, "", "none") and name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
        if name == "down":
            self.set_down(True)
            return
        self.fault = None if name in (None, "", "none") else name

    # -- data ---------------------------------------------------------------------------------

    def add_appointment(
        self,
        code: str,
        start: datetime,
        clinic_id: str,
        clinic_name: str = "",
        citizen_id: str = "",
        kind: str = "booking",
    ) -> str:
        appt_id = f"A{len(self.appointments) + 1:05d}"
        self.appointments.append(
            {
                "id": appt_id,
                "code": code,
                "start": start.astimezone(VN).isoformat(),
                "clinic_id": clinic_id,
                "clinic_name": clinic_name,
                "citizen_id": citizen_id,
                "kind": kind,
                "status": "booked",
            }
        )
        return appt_id

    def set_fees(self, ma_lk: str, items: list[dict[str, Any]]) -> None:
        self.fees[ma_lk] = items

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "visits": len(self.visits),
                "deliveries": sum(self.deliveries.values()),
                "max_deliveries_per_key": max(self.deliveries.values(), default=0),
                "fault": self.fault,
            }

    # -- the HIS's logic ------------------------------------------------------------------------

    def register(self, key: str, reg: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Registers once per key; returns (answer, was_new)."""
        with self.lock:
            self.deliveries[key] = self.deliveries.get(key, 0) + 1
            if key in self.visits:
                return self.visits[key], False
            clinic = str(reg.get("clinic_id", ""))
            n = self.numbers[clinic] = self.numbers.get(clinic, 0) + 1
            answer = {
                "key": key,
                "ma_lk": f"LK{datetime.now(VN):%Y%m%d}{len(self.visits) + 1:06d}",
                "number": f"{clinic[:1].upper()}{n:03d}",
                "room": self.rooms.get(clinic, f"P.{100 + (abs(hash(clinic)) % 50)}"),
                "registration": reg,
            }
            self.visits[key] = answer
            return answer, True

    def find_appointments(
        self, day: str, code: str | None, citizen_id: str | None
    ) -> list[dict[str, Any]]:
        out = []
        for a in self.appointments:
            if not a["start"].startswith(day):
                continue
            if code and a["code"] != code:
                continue
            if citizen_id and a["citizen_id"] != citizen_id:
                continue
            if not code and not citizen_id:
                continue
            out.append({k: v for k, v in a.items() if k != "citizen_id"})
        return out


class _Handler(BaseHTTPRequestHandler):
    sim: HisSimulator
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.sim.lock:
            self.sim._conns.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.sim.lock:
            self.sim._conns.discard(self.connection)

    def log_message(self, fmt: str, *args: Any) -> None:
        log.debug("his-sim: " + fmt, *args)

    def _send(self, status: int, payload: Any, ctype: str = "application/json") -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _pre(self, body: bytes) -> bool:
        """Faults and (REST) the signature. False: already answered."""
        sim = self.sim
        path = urlsplit(self.path).path
        if path.startswith("/_sim"):
            return True
        if sim.fault == "slow" and sim._stopping.wait(sim.slow_s):
            self.close_connection = True  # stopped meanwhile: no answer, as a dead HIS
            return False
        if sim.fault == "http500":
            self._send(500, {"error": "simulated"})
            return False
        if path.startswith("/v1/") and not verify(
            sim.secret, self.command, self.path, dict(self.headers.items()), body
        ):
            self._send(401, {"error": "bad signature"})
            return False
        return True

    def do_GET(self) -> None:
        sim = self.sim
        body = b""
        if not self._pre(body):
            return
        parts = urlsplit(self.path)
        q = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path == "/_sim/state":
            self._send(200, sim.state())
        elif path in ("/v1/health",):
            self._send(200, {"ok": True})
        elif path == "/fhir/metadata":
            self._send(
                200,
                {
                    "resourceType": "CapabilityStatement",
                    "status": "active",
                    "fhirVersion": "4.0.1",
                    "kind": "instance",
                    "date": "2026-12-01",
                    "format": ["json"],
                },
                "application/fhir+json",
            )
        elif path == "/v1/appointments":
            items = sim.find_appointments(q.get("day", ""), q.get("code"), q.get("citizen_id"))
            self._send(200, {"appointments": items})
        elif path.startswith("/v1/visits/") and path.endswith("/fees"):
            ma_lk = path.split("/")[3]
            if ma_lk not in {v["ma_lk"] for v in sim.visits.values()}:
                self._send(404, {"error": "unknown visit"})
            else:
                self._send(200, {"visit_id": ma_lk, "items": sim.fees.get(ma_lk, [])})
        elif path == "/fhir/Appointment":
            ident = q.get("patient.identifier", "").rpartition("|")[2] or None
            items = sim.find_appointments(q.get("date", ""), q.get("identifier"), ident)
            self._send(200, _appointment_bundle(items), "application/fhir+json")
        elif path == "/fhir/ChargeItem":
            ma_lk = q.get("context", "").rpartition("/")[2]
            self._send(200, _charge_bundle(ma_lk, sim.fees.get(ma_lk, [])), "application/fhir+json")
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        sim = self.sim
        body = self._body()
        if not self._pre(body):
            return
        path = urlsplit(self.path).path
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            self._send(400, {"error": "not JSON"})
            return
        if path == "/_sim/fault":
            try:
                sim.set_fault(data.get("fault"))
            except ValueError as exc:
                self._send(400, {"error": str(exc)})
                return
            self._send(200, {"fault": sim.fault})
            return
        if path == "/v1/visits":
            key = self.headers.get("Idempotency-Key", "")
            if not key or not isinstance(data, dict) or "clinic_id" not in data:
                self._send(422, {"error": "Idempotency-Key and clinic_id required"})
                return
            answer, _new = sim.register(key, data)
            self._answer({k: v for k, v in answer.items() if k != "registration"}, False)
        elif path in ("/fhir", "/fhir/"):
            fkey = _bundle_key(data)
            if fkey is None:
                self._send(400, _outcome("transaction without an Encounter registration id"))
                return
            answer, _new = sim.register(fkey, {"clinic_id": _bundle_clinic(data), "bundle": data})
            self._answer(_transaction_response(answer), True)
        else:
            self._send(404, {"error": "not found"})

    def _answer(self, payload: dict[str, Any], fhir: bool) -> None:
        sim = self.sim
        if sim.fault == "duplicate":
            self._drop()  # registered, answer lost: the kiosk will deliver again
            return
        out = payload
        if sim.fault == "reorder" and sim.last_answer is not None:
            out = sim.last_answer
        sim.last_answer = payload
        self._send(200, out, "application/fhir+json" if fhir else "application/json")


def _bundle_key(bundle: Any) -> str | None:
    for entry in bundle.get("entry", []) if isinstance(bundle, dict) else []:
        res = entry.get("resource", {})
        if res.get("resourceType") == "Encounter":
            for ident in res.get("identifier", []):
                if ident.get("system") == SID_REG:
                    return str(ident.get("value"))
    return None


def _bundle_clinic(bundle: dict[str, Any]) -> str:
    for entry in bundle.get("entry", []):
        res = entry.get("resource", {})
        if res.get("resourceType") == "Encounter":
            return str(res.get("serviceType", {}).get("text", ""))
    return ""


def _outcome(text: str) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": text}],
    }


def _transaction_response(answer: dict[str, Any]) -> dict[str, Any]:
    bundle = answer["registration"]["bundle"]
    enc = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Encounter"
    )
    enc = dict(enc, id=answer["ma_lk"])
    enc["identifier"] = [
        *enc.get("identifier", []),
        {"system": "urn:hospital-kiosk:ma_lk", "value": answer["ma_lk"]},
        {"system": "urn:hospital-kiosk:his-queue-number", "value": answer["number"]},
    ]
    enc["location"] = [{"location": {"display": answer["room"]}}]
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {
                "resource": enc,
                "response": {"status": "201 Created", "location": f"Encounter/{answer['ma_lk']}"},
            }
        ],
    }


def _appointment_bundle(items: list[dict[str, Any]]) -> dict[str, Any]:
    entries = []
    for a in items:
        entries.append(
            {
                "resource": {
                    "resourceType": "Appointment",
                    "id": a["id"],
                    "identifier": [{"system": "urn:his:booking-code", "value": a["code"]}],
                    "status": "booked",
                    "appointmentType": {"text": "FOLLOWUP" if a["kind"] == "reexam" else "ROUTINE"},
                    "serviceType": [
                        {"coding": [{"code": a["clinic_id"]}], "text": a["clinic_name"]}
                    ],
                    "start": a["start"],
                    "participant": [{"status": "accepted", "actor": {"display": "patient"}}],
                }
            }
        )
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}


def _charge_bundle(ma_lk: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    entries = [
        {
            "resource": {
                "resourceType": "ChargeItem",
                "status": "billed" if i.get("paid") else "billable",
                "code": {"coding": [{"code": i["code"]}], "text": i["name"]},
                "subject": {"display": "patient"},
                "context": {"reference": f"Encounter/{ma_lk}"},
                "priceOverride": {"value": i["amount"], "currency": "VND"},
            }
        }
        for i in items
    ]
    return {"resourceType": "Bundle", "type": "searchset", "entry": entries}
