"""XML1 fields, slips, the route they give, appointment windows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from his_testing import insured, patient

from kiosk.config import KioskConfig
from kiosk.his.appointments import parse_slip, route_with_slip, window_of
from kiosk.his.record import XML1_FIELDS, build_registration, ethnicity_code
from kiosk.insurance.benefits import coverage_for
from kiosk.insurance.config import InsuranceConfig


def test_xml1_fields_in_the_standard_formats() -> None:
    config = KioskConfig()
    reg = build_registration(
        config=config,
        identity=patient(),
        eligibility=insured(),
        clinic_id="noi",
        priority=None,
        arrived_at=datetime(2026, 12, 1, 7, 5),
        reason="đau ngực",
    ).with_ticket("t-1", "N001", datetime(2026, 12, 1, 7, 6))
    x = reg.xml1
    assert set(x) == set(XML1_FIELDS)
    assert x["NGAY_SINH"] == "199001020000"
    assert x["GIOI_TINH"] == "1"
    assert x["MA_DANTOC"] == "01" and x["MA_QUOCTICH"] == "000"
    assert x["MA_THE_BHYT"] == "DN4010123456789" and x["MA_DKBD"] == "01001"
    assert (x["GT_THE_TU"], x["GT_THE_DEN"]) == ("20260101", "20261231")
    assert x["NGAY_VAO"] == "202612010706"  # the ticket's time
    assert x["NAM_NAM_LIEN_TUC"] == "20280301"
    assert x["MA_DOITUONG_KCB"] == "1.1" and x["MA_LOAI_KCB"] == "01"
    assert x["MA_CSKCB"] == "01001" and x["LY_DO_VV"] == "đau ngực"


def test_self_paying_patient_has_no_card_fields_and_year_only_birth() -> None:
    from dataclasses import replace

    ident = replace(patient(), birth_date=None, birth_year=1950, gender=None)
    reg = build_registration(
        config=KioskConfig(),
        identity=ident,
        eligibility=None,
        clinic_id="noi",
        priority=None,
        arrived_at=datetime.now(),
    )
    assert reg.xml1["NGAY_SINH"] == "195000000000"
    assert reg.xml1["GIOI_TINH"] == "3"
    assert reg.xml1["MA_THE_BHYT"] == "" and reg.xml1["MA_DOITUONG_KCB"] == ""


def test_ethnicity_codes_fold_accents_and_unknown_stays_empty() -> None:
    assert ethnicity_code("Kinh") == "01"
    assert ethnicity_code("Khơ-me") == "05" == ethnicity_code("khmer")
    assert ethnicity_code("H'Mông") == "08"
    assert ethnicity_code("Martian") == ""


def test_transfer_slip_makes_the_visit_correct_route_and_is_on_the_registration() -> None:
    config = KioskConfig()
    slip = parse_slip("GCT|CT-2026/0815|79001|20261120|20261231|I10", config)
    assert slip is not None and slip.kind == "transfer" and slip.facility == "79001"
    assert slip.diagnosis == "I10" and slip.valid_until == date(2026, 12, 31)
    elig = insured(correct_route=False)
    rates = InsuranceConfig()
    assert coverage_for(elig, on=date(2026, 12, 1), config=rates) == 0  # self-referral here
    routed = route_with_slip(elig, slip, config, date(2026, 12, 1))
    assert routed.correct_route is True and "CT-2026/0815" in routed.staff_note
    assert coverage_for(routed, on=date(2026, 12, 1), config=rates) == 80
    reg = build_registration(
        config=config,
        identity=patient(),
        eligibility=routed,
        clinic_id="noi",
        priority=None,
        arrived_at=datetime.now(),
        slip=slip,
    )
    assert reg.xml1["GIAY_CHUYEN_TUYEN"] == "CT-2026/0815"
    assert reg.xml1["MA_NOI_DI"] == "79001" and reg.xml1["MA_DOITUONG_KCB"] == "1.3"


def test_expired_or_own_transfer_slip_changes_nothing() -> None:
    config = KioskConfig()
    elig = insured(correct_route=False)
    old = parse_slip("GCT|CT0001|79001|20251120|20251231", config)
    assert route_with_slip(elig, old, config, date(2026, 12, 1)) is elig
    own = parse_slip("GCT|CT0002|01001|20261120", config)  # issued by this hospital
    assert route_with_slip(elig, own, config, date(2026, 12, 1)) is elig


def test_reexam_slip_of_this_hospital_and_compact_form() -> None:
    config = KioskConfig()
    slip = parse_slip("HK010012026112500012345", config)
    assert slip is not None and slip.kind == "reexam" and slip.code == "00012345"
    assert route_with_slip(insured(False), slip, config, date(2026, 12, 1)).correct_route


def test_a_hospital_adds_its_own_slip_pattern_and_garbage_is_no_slip() -> None:
    config = KioskConfig.model_validate(
        {
            "his": {
                "slips": [
                    {
                        "name": "bv-x",
                        "kind": "transfer",
                        "pattern": r"^BVX:(?P<code>\d{6}):(?P<facility>\d{5})$",
                    }
                ]
            }
        }
    )
    assert parse_slip("BVX:123456:48001", config).facility == "48001"  # type: ignore[union-attr]
    assert parse_slip("GCT|CT0001|79001|20261120", config) is None  # defaults replaced
    assert parse_slip("\x00" * 600, config) is None
    assert parse_slip("", config) is None


def test_appointment_windows() -> None:
    from kiosk.his.config import AppointmentRules

    rules = AppointmentRules(early_min=60, late_min=30)
    start = datetime(2026, 12, 1, 9, 30)
    assert window_of(start, start - timedelta(minutes=61), rules) == "early"
    assert window_of(start, start - timedelta(minutes=60), rules) == "in_window"
    assert window_of(start, start + timedelta(minutes=30), rules) == "in_window"
    assert window_of(start, start + timedelta(minutes=31), rules) == "late"


def test_openapi_schema_matches_the_code() -> None:
    from pathlib import Path

    import pytest

    yaml = pytest.importorskip("yaml")
    spec = yaml.safe_load((Path(__file__).parents[3] / "docs" / "his-api.yaml").read_text())
    assert {"/v1/health", "/v1/visits", "/v1/appointments", "/v1/visits/{ma_lk}/fees"} <= set(
        spec["paths"]
    )
    assert list(spec["components"]["schemas"]["Xml1"]["properties"]) == list(XML1_FIELDS)


def test_a_self_referred_outpatient_is_1_14_and_the_registered_one_1_1() -> None:
    config = KioskConfig()
    for correct, code in ((False, "1.14"), (True, "1.1")):
        reg = build_registration(
            config=config,
            identity=patient(),
            eligibility=insured(correct_route=correct),
            clinic_id="noi",
            priority=None,
            arrived_at=datetime.now(),
        )
        assert reg.xml1["MA_DOITUONG_KCB"] == code
