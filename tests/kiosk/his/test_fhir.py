"""FHIR resources of a registration validate against the R4(B) models of fhir.resources."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from his_testing import insured, patient
from pydantic import ValidationError

from kiosk.config import KioskConfig
from kiosk.his.appointments import parse_slip
from kiosk.his.fhir_build import SID_BHXH, SID_BHYT, SID_CCCD, registration_bundle
from kiosk.his.record import build_registration


def _bundle() -> Bundle:
    config = KioskConfig()
    slip = parse_slip("GCT|CT0815|79001|20261120", config)
    reg = build_registration(
        config=config,
        identity=patient(),
        eligibility=insured(),
        clinic_id="noi",
        priority=None,
        arrived_at=datetime.now(),
        slip=slip,
        appointment_id="A00001",
    )
    return registration_bundle(reg.with_ticket("key-1", "N001", datetime(2026, 12, 1, 7, 6)))


def test_every_resource_round_trips_through_the_r4_models() -> None:
    raw = json.loads(_bundle().model_dump_json(exclude_none=True))
    kinds = []
    for entry in raw["entry"]:
        res = entry["resource"]
        kinds.append(res["resourceType"])
        again = get_fhir_model_class(res["resourceType"]).model_validate(res)  # raises when invalid
        assert json.loads(again.model_dump_json(exclude_none=True)) == res
    assert kinds == ["Patient", "Coverage", "CoverageEligibilityResponse", "Encounter"]


def test_patient_identifiers_and_conditional_creates() -> None:
    raw = json.loads(_bundle().model_dump_json(exclude_none=True))
    pat = raw["entry"][0]["resource"]
    systems = {i["system"]: i["value"] for i in pat["identifier"]}
    assert systems == {
        SID_CCCD: "001090123456",
        SID_BHYT: "DN4010123456789",
        SID_BHXH: "0123456789",
    }
    assert pat["birthDate"] == "1990-01-02" and pat["gender"] == "male"
    enc = raw["entry"][-1]
    assert enc["request"]["ifNoneExist"].endswith("|key-1")
    assert enc["resource"]["period"]["start"] == "2026-12-01T07:06:00+07:00"
    assert enc["resource"]["hospitalization"]["origin"]["identifier"]["value"] == "79001"


@pytest.mark.parametrize(
    "bad",
    [
        {"resourceType": "Encounter", "class": {"code": "AMB"}},  # status is required
        {"resourceType": "Patient", "birthDate": "02/01/1990"},  # not a FHIR date
        {"resourceType": "Patient", "foo": 1},  # no such element
    ],
)
def test_the_models_do_reject_an_invalid_resource(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        get_fhir_model_class(str(bad["resourceType"])).model_validate(bad)
