"""FHIR resources of one registration, built and validated with `fhir.resources`.

fhir.resources 8.x, subpackage `R4B` (FHIR 4.3.0): the 6.x line that shipped R4 models needs
pydantic 1 (the kiosk's configuration is pydantic 2), and 8.x's default models are R5. R4B
changed none of Patient, Coverage, CoverageEligibilityResponse, Encounter or Appointment
against R4 4.0.1 (verify per element before relying on a new one), so what we build here is
valid R4 JSON.

VN Core (HL7 Vietnam draft IG, http://fhir.ehealth.gov.vn/core): the BHYT identifier system
`sid/insurance_number` is the IG's NamingSystem; the CCCD and BHXH systems below follow the
IG's `sid/` naming but were not verified against it.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.coverageeligibilityresponse import CoverageEligibilityResponse
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.patient import Patient

from kiosk.his.record import Registration

VN = "http://fhir.ehealth.gov.vn/core"
PROFILE_PATIENT = f"{VN}/StructureDefinition/vn-core-patient"
PROFILE_COVERAGE = f"{VN}/StructureDefinition/vn-core-coverage"
SID_BHYT = f"{VN}/sid/insurance_number"
SID_CCCD = f"{VN}/sid/cccd"  # verify
SID_BHXH = f"{VN}/sid/bhxh"  # verify
SID_REGISTRATION = "urn:hospital-kiosk:registration"  # the idempotency key
SID_MA_LK = "urn:hospital-kiosk:ma_lk"
SID_QUEUE = "urn:hospital-kiosk:his-queue-number"
GENDER = {"1": "male", "2": "female", "3": "unknown"}


def _date(value: str) -> str | None:
    """`yyyymmdd…` -> `yyyy-mm-dd`; year only -> `yyyy`."""
    if len(value) >= 8 and value[4:8] != "0000":
        return f"{value[:4]}-{value[4:6]}-{value[6:8]}"
    return value[:4] if len(value) >= 4 else None


def _datetime(value: str) -> str | None:
    if len(value) < 12:
        return None
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}T{value[8:10]}:{value[10:12]}:00+07:00"


def patient(reg: Registration) -> Patient:
    x = reg.xml1
    ids: list[dict[str, Any]] = []
    if x.get("SO_CCCD"):
        ids.append({"system": SID_CCCD, "value": x["SO_CCCD"]})
    card = x.get("MA_THE_BHYT", "")
    if card:
        ids.append({"system": SID_BHYT, "value": card})
        if len(card) == 15:  # the legacy card number ends with the 10-digit BHXH number
            ids.append({"system": SID_BHXH, "value": card[-10:]})
        elif len(card) == 10:
            ids.append({"system": SID_BHXH, "value": card})
    data: dict[str, Any] = {
        "resourceType": "Patient",
        "meta": {"profile": [PROFILE_PATIENT]},
        "identifier": ids or None,
        "name": [{"text": x["HO_TEN"]}] if x.get("HO_TEN") else None,
        "gender": GENDER.get(x.get("GIOI_TINH", "")),
        "birthDate": _date(x.get("NGAY_SINH", "")),
        "address": [{"text": x["DIA_CHI"]}] if x.get("DIA_CHI") else None,
    }
    return Patient.model_validate({k: v for k, v in data.items() if v is not None})


def coverage(reg: Registration, patient_ref: str) -> Coverage | None:
    x = reg.xml1
    if not x.get("MA_THE_BHYT"):
        return None
    period = {"start": _date(x.get("GT_THE_TU", "")), "end": _date(x.get("GT_THE_DEN", ""))}
    data: dict[str, Any] = {
        "resourceType": "Coverage",
        "meta": {"profile": [PROFILE_COVERAGE]},
        "status": "active",
        "identifier": [{"system": SID_BHYT, "value": x["MA_THE_BHYT"]}],
        "beneficiary": {"reference": patient_ref},
        "payor": [{"display": "Bảo hiểm xã hội Việt Nam"}],
        "period": {k: v for k, v in period.items() if v} or None,
        "class": [{"type": {"text": "MA_DKBD"}, "value": x["MA_DKBD"]}]
        if x.get("MA_DKBD")
        else None,
    }
    return Coverage.model_validate({k: v for k, v in data.items() if v is not None})


def eligibility(
    reg: Registration, patient_ref: str, coverage_ref: str
) -> CoverageEligibilityResponse:
    created = _datetime(reg.xml1.get("NGAY_VAO", "")) or "1970-01-01T00:00:00+07:00"
    return CoverageEligibilityResponse.model_validate(
        {
            "resourceType": "CoverageEligibilityResponse",
            "status": "active",
            "purpose": ["validation"],
            "patient": {"reference": patient_ref},
            "created": created,
            "request": {"display": "BHXH gateway check at the kiosk"},
            "outcome": "complete",
            "insurer": {"display": "Bảo hiểm xã hội Việt Nam"},
            "insurance": [{"coverage": {"reference": coverage_ref}, "inforce": True}],
        }
    )


def encounter(reg: Registration, patient_ref: str) -> Encounter:
    x = reg.xml1
    ids = [{"system": SID_REGISTRATION, "value": reg.key}]
    data: dict[str, Any] = {
        "resourceType": "Encounter",
        "identifier": ids,
        "status": "arrived",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
        },
        "subject": {"reference": patient_ref},
        "period": {"start": _datetime(x.get("NGAY_VAO", ""))},
        "serviceProvider": {"identifier": {"value": x.get("MA_CSKCB", "")}},
        "serviceType": {"coding": [{"code": x.get("MA_KHOA", "")}], "text": reg.clinic_id},
        "reasonCode": [{"text": x["LY_DO_VV"]}] if x.get("LY_DO_VV") else None,
        "appointment": [{"reference": f"Appointment/{reg.appointment_id}"}]
        if reg.appointment_id
        else None,
    }
    if x.get("GIAY_CHUYEN_TUYEN"):
        data["hospitalization"] = {
            "origin": {"identifier": {"value": x.get("MA_NOI_DI", "")}},
            "admitSource": {"text": f"GIAY_CHUYEN_TUYEN {x['GIAY_CHUYEN_TUYEN']}"},
        }
    return Encounter.model_validate({k: v for k, v in data.items() if v is not None})


def registration_bundle(reg: Registration) -> Bundle:
    """A transaction: conditional creates keyed on the CCCD and on the registration key, so
    a second delivery of the same registration creates nothing (FHIR `ifNoneExist`)."""
    pat = patient(reg)
    p_ref = f"urn:uuid:p-{reg.key}"
    c_ref = f"urn:uuid:c-{reg.key}"
    entries: list[dict[str, Any]] = []
    cccd = reg.xml1.get("SO_CCCD")
    entries.append(
        {
            "fullUrl": p_ref,
            "resource": pat.model_dump(mode="json", exclude_none=True),
            "request": {"method": "POST", "url": "Patient"}
            | ({"ifNoneExist": f"identifier={SID_CCCD}|{cccd}"} if cccd else {}),
        }
    )
    cov = coverage(reg, p_ref)
    if cov is not None:
        entries.append(
            {
                "fullUrl": c_ref,
                "resource": cov.model_dump(mode="json", exclude_none=True),
                "request": {"method": "POST", "url": "Coverage"},
            }
        )
        entries.append(
            {
                "resource": eligibility(reg, p_ref, c_ref).model_dump(
                    mode="json", exclude_none=True
                ),
                "request": {"method": "POST", "url": "CoverageEligibilityResponse"},
            }
        )
    entries.append(
        {
            "resource": encounter(reg, p_ref).model_dump(mode="json", exclude_none=True),
            "request": {
                "method": "POST",
                "url": "Encounter",
                "ifNoneExist": f"identifier={SID_REGISTRATION}|{reg.key}",
            },
        }
    )
    return Bundle.model_validate(
        {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    )
