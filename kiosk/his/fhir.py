"""`his.backend = "fhir"`: HL7 FHIR R4 over REST (resources in kiosk.his.fhir_build)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.encounter import Encounter
from pydantic import ValidationError

from hardware.status import DeviceStatus
from kiosk.his.base import Appointment, Fee, Fees, HisUnavailable
from kiosk.his.fhir_build import SID_CCCD, SID_MA_LK, SID_QUEUE, registration_bundle
from kiosk.his.http import HttpClient
from kiosk.his.outbox import Delivery
from kiosk.his.record import Registration

FHIR_JSON = "application/fhir+json"


class FhirHis:
    name = "fhir"

    def __init__(self, settings: Any, config: Any) -> None:
        self.settings = settings
        self.config = config
        self.http = HttpClient(settings.url, settings.timeout_s)
        token = settings.secret.get_secret_value()
        self.headers = {"Content-Type": FHIR_JSON, "Accept": FHIR_JSON}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def register(self, reg: Registration, timeout_s: float | None = None) -> Delivery:
        body = registration_bundle(reg).model_dump_json(exclude_none=True).encode()
        headers = dict(self.headers, Prefer="return=representation")
        answer = self.http.call("POST", "", body=body, headers=headers, timeout_s=timeout_s)
        try:
            bundle = Bundle.model_validate(answer)
        except ValidationError:
            raise HisUnavailable("transaction answer is not a FHIR Bundle") from None
        for entry in bundle.entry or []:
            res = entry.resource
            if isinstance(res, Encounter):
                keys = {i.system: i.value for i in res.identifier or []}
                if keys.get("urn:hospital-kiosk:registration") != reg.key:
                    raise HisUnavailable("answer for another registration")
                room = ""
                if res.location:
                    room = res.location[0].location.display or ""
                return Delivery(
                    ma_lk=keys.get(SID_MA_LK) or str(res.id or ""),
                    number=keys.get(SID_QUEUE) or "",
                    room=room,
                )
        raise HisUnavailable("transaction answer without the Encounter")

    def appointments(
        self,
        *,
        code: str | None = None,
        citizen_id: str | None = None,
        day: str,
        timeout_s: float | None = None,
    ) -> list[Appointment]:
        params = {"date": day}
        if code:
            params["identifier"] = code
        if citizen_id:
            params["patient.identifier"] = f"{SID_CCCD}|{citizen_id}"
        answer = self.http.call(
            "GET", "/Appointment", headers=self.headers, params=params, timeout_s=timeout_s
        )
        try:
            bundle = Bundle.model_validate(answer)
        except ValidationError:
            raise HisUnavailable("appointment search answer is not a Bundle") from None
        out = []
        for entry in bundle.entry or []:
            res = entry.resource
            if not isinstance(res, FhirAppointment) or res.start is None:
                continue
            clinic = res.serviceType[0] if res.serviceType else None
            code_value = next((i.value for i in res.identifier or []), "") or ""
            out.append(
                Appointment(
                    id=str(res.id),
                    code=code_value,
                    start=datetime.fromisoformat(str(res.start))
                    if not isinstance(res.start, datetime)
                    else res.start,
                    clinic_id=(clinic.coding[0].code if clinic and clinic.coding else "") or "",
                    clinic_name=(clinic.text if clinic else "") or "",
                    kind="reexam"
                    if res.appointmentType and res.appointmentType.text == "FOLLOWUP"
                    else "booking",
                    status=str(res.status),
                )
            )
        return out

    def fees(self, visit_id: str) -> Fees:
        # ChargeItem search by the Encounter (context): amount = priceOverride (patient share)
        answer = self.http.call(
            "GET", "/ChargeItem", headers=self.headers, params={"context": f"Encounter/{visit_id}"}
        )
        items = []
        for entry in answer.get("entry", []) if isinstance(answer, dict) else []:
            res = entry.get("resource", {})
            try:
                items.append(
                    Fee(
                        code=res["code"]["coding"][0]["code"],
                        name=res["code"].get("text", ""),
                        amount=int(res["priceOverride"]["value"]),
                        paid=res.get("status") == "billed",
                    )
                )
            except (KeyError, IndexError, TypeError, ValueError):
                continue
        return Fees(visit_id, items)

    def health(self) -> DeviceStatus:
        return self.http.probe("/metadata", "FHIR HIS")

    def close(self) -> None:
        self.http.close()
