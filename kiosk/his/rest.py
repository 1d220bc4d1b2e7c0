"""`his.backend = "rest"`: the kiosk's own JSON API (docs/his-api.yaml), HMAC-signed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from hardware.status import DeviceStatus
from kiosk.his.base import Appointment, Fee, Fees, HisRejected, HisUnavailable
from kiosk.his.http import HttpClient
from kiosk.his.outbox import Delivery
from kiosk.his.record import Registration
from kiosk.his.signing import sign


class RestHis:
    name = "rest"

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.http = HttpClient(settings.url, settings.timeout_s)
        self._secret = settings.secret.get_secret_value().encode("utf-8")

    def _call(
        self,
        method: str,
        path: str,
        payload: Any = None,
        timeout_s: float | None = None,
        extra: dict[str, str] | None = None,
    ) -> Any:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        headers = sign(self.settings.client_id, self._secret, method, path, body)
        headers["Content-Type"] = "application/json"
        headers.update(extra or {})
        return self.http.call(method, path, body=body or None, headers=headers, timeout_s=timeout_s)

    def register(self, reg: Registration, timeout_s: float | None = None) -> Delivery:
        answer = self._call(
            "POST", "/v1/visits", reg.as_dict(), timeout_s, {"Idempotency-Key": reg.key}
        )
        if not isinstance(answer, dict) or not str(answer.get("ma_lk") or ""):
            raise HisUnavailable("answer without ma_lk")
        if answer.get("key") not in (None, reg.key):
            raise HisUnavailable("answer for another registration")  # reordered answers
        return Delivery(
            ma_lk=str(answer["ma_lk"]),
            number=str(answer.get("number") or ""),
            room=str(answer.get("room") or ""),
        )

    def appointments(
        self,
        *,
        code: str | None = None,
        citizen_id: str | None = None,
        day: str,
        timeout_s: float | None = None,
    ) -> list[Appointment]:
        query = {"day": day}
        if code:
            query["code"] = code
        if citizen_id:
            query["citizen_id"] = citizen_id
        answer = self._call(
            "GET", "/v1/appointments?" + urlencode(sorted(query.items())), timeout_s=timeout_s
        )
        items = answer.get("appointments") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise HisUnavailable("appointments: unexpected answer")
        out = []
        for item in items:
            try:
                out.append(
                    Appointment(
                        id=str(item["id"]),
                        code=str(item.get("code", "")),
                        start=datetime.fromisoformat(item["start"]),
                        clinic_id=str(item["clinic_id"]),
                        clinic_name=str(item.get("clinic_name", "")),
                        kind=str(item.get("kind", "booking")),
                        status=str(item.get("status", "booked")),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue  # one bad item must not hide the others
        return out

    def fees(self, visit_id: str) -> Fees:
        answer = self._call("GET", f"/v1/visits/{visit_id}/fees")
        try:
            return Fees(
                visit_id,
                [
                    Fee(
                        str(i["code"]),
                        str(i["name"]),
                        int(i["amount"]),
                        int(i.get("fund_pays", 0)),
                        bool(i.get("paid", False)),
                    )
                    for i in answer["items"]
                ],
            )
        except (KeyError, TypeError, ValueError):
            raise HisUnavailable("fees: unexpected answer") from None

    def health(self) -> DeviceStatus:
        import time

        started = time.monotonic()
        try:
            self._call("GET", "/v1/health", timeout_s=min(self.settings.timeout_s, 3.0))
        except HisRejected as exc:
            return DeviceStatus(
                False,
                f"REST HIS at {self.http.base} refuses the kiosk ({exc})",
                fix="check his.client_id and his.secret against the HIS",
            )
        except HisUnavailable as exc:
            return DeviceStatus(
                False,
                f"REST HIS at {self.http.base} not answering ({exc})",
                fix="check his.url, the HIS server and the network; "
                "registrations wait in the outbox meanwhile",
            )
        ms = (time.monotonic() - started) * 1000
        return DeviceStatus(True, f"REST HIS at {self.http.base} answers in {ms:.0f} ms")

    def close(self) -> None:
        self.http.close()
