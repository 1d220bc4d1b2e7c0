"""The decision table: every maKetQua, the validity window, the route, the level, 003/004."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiosk.insurance import decision
from kiosk.insurance.base import (
    CheckOutcome,
    GatewayAuthError,
    GatewayError,
    GatewayMalformed,
    GatewayRejected,
    GatewayTimeout,
)
from kiosk.insurance.config import InsuranceConfig, RouteRates
from kiosk.insurance.people import GHI_CHU
from kiosk.models import Identity, IdentitySource, InsuranceAction

TODAY = date(2026, 11, 23)
HERE = "01001"
REFERENCE_CODES = [
    "000",
    "001",
    "002",
    "003",
    "004",
    "010",
    "050",
    "051",
    "052",
    "053",
    "054",
    "055",
    "060",
    "061",
    "070",
    "100",
    "101",
    "110",
    "120",
    "121",
    "122",
    "123",
    "124",
    "130",
    "205",
    "401",
    "500",
]

AN = Identity(
    source=IdentitySource.CHIP,
    citizen_id="001090123456",
    full_name="Nguyễn Văn An",
    birth_date=date(1990, 1, 1),
)


def answer(**fields: Any) -> dict[str, Any]:
    base = {
        "maKetQua": "000",
        "maThe": "DN4010190123456",
        "hoTen": "Nguyễn Văn An",
        "ngaySinh": "01/01/1990",
        "maDKBD": "01001",
        "gtTheTu": "01/01/2026",
        "gtTheDen": "31/12/2026",
        "ngayDu5Nam": "01/01/2020",
    }
    base.update(fields)
    return base


def decide(raw: dict[str, Any], config: InsuranceConfig | None = None, **kw: Any) -> Any:
    return decision.decide(
        raw, today=kw.pop("today", TODAY), hospital_code=HERE, config=config or InsuranceConfig()
    )


def test_every_reference_code_is_in_the_table() -> None:
    assert sorted(decision.CODES) == sorted(REFERENCE_CODES)
    assert sorted(GHI_CHU) == sorted(REFERENCE_CODES)


@pytest.mark.parametrize("code", REFERENCE_CODES)
def test_each_code_has_plain_messages_an_action_and_a_staff_note(code: str) -> None:
    info = decision.CODES[code]
    assert info.meaning
    assert info.message_vi and info.message_en and info.staff_note
    assert isinstance(info.action, InsuranceAction)
    for jargon in ("maKetQua", "BHXH gateway", "API", "HTTP", "token"):
        assert jargon not in info.message_en
    if info.kind == "patient":
        assert code in info.staff_note  # counter staff can look the code up


PATIENT_EXPECTATIONS = {
    "001": InsuranceAction.DESK,
    "002": InsuranceAction.DESK,
    "010": InsuranceAction.SELF_PAY,
    "050": InsuranceAction.DESK,
    "051": InsuranceAction.DESK,
    "052": InsuranceAction.DESK,
    "053": InsuranceAction.DESK,
    "060": InsuranceAction.DESK,
    "061": InsuranceAction.DESK,
    "070": InsuranceAction.DESK,
    "110": InsuranceAction.DESK,
    "120": InsuranceAction.SELF_PAY,
    "121": InsuranceAction.DESK,
    "122": InsuranceAction.DESK,
    "123": InsuranceAction.DESK,
    "124": InsuranceAction.SELF_PAY,
    "130": InsuranceAction.DESK,
}


@pytest.mark.parametrize(("code", "action"), sorted(PATIENT_EXPECTATIONS.items()))
def test_patient_codes_decide_verified(code: str, action: InsuranceAction) -> None:
    e = decide(answer(maKetQua=code))
    assert (e.code, e.action, e.verified) == (code, action, True)
    assert e.message_vi == decision.CODES[code].message_vi
    assert e.coverage_percent is None


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("054", GatewayRejected),
        ("055", GatewayRejected),
        ("100", GatewayRejected),
        ("101", GatewayRejected),
        ("205", GatewayRejected),
        ("500", GatewayRejected),
        ("401", GatewayAuthError),
        ("999", GatewayRejected),  # unknown code
    ],
)
def test_codes_that_say_nothing_about_the_patient_raise(code: str, error: type) -> None:
    with pytest.raises(error):
        decide(answer(maKetQua=code))


@pytest.mark.parametrize("value", [None, "", "abc", "0000", True, 1.5, ["000"]])
def test_malformed_codes_raise(value: Any) -> None:
    with pytest.raises(GatewayMalformed):
        decide(answer(maKetQua=value))


@pytest.mark.parametrize(("value", "code"), [("0", "000"), (0, "000"), (10, "010"), ("51", "051")])
def test_codes_are_normalised(value: Any, code: str) -> None:
    assert decision.code_of({"maKetQua": value}) == code


@pytest.mark.parametrize(
    ("case", "fields", "action", "coverage", "route", "in_note"),
    [
        ("correct route level 4", {}, "insured", 80, True, "đúng tuyến"),
        ("level 3", {"maThe": "HT3010148004321"}, "insured", 95, True, "mức 3 (95%)"),
        ("level 1 child", {"maThe": "TE1010121001234"}, "insured", 100, True, "mức 1 (100%)"),
        ("facility with dash", {"maDKBD": "01 - 001"}, "insured", 80, True, "đúng tuyến"),
        ("self-referral", {"maDKBD": "31012"}, "self_pay", 0, False, "trái tuyến (ĐKBĐ 31012)"),
        ("no facility", {"maDKBD": None}, "insured", None, None, "chưa rõ nơi ĐKBĐ"),
        ("expired by date", {"gtTheDen": "22/11/2026"}, "self_pay", 80, True, "hết hạn"),
        ("last valid day", {"gtTheDen": "23/11/2026"}, "insured", 80, True, "HSD 23/11/2026"),
        ("not valid yet", {"gtTheTu": "24/11/2026"}, "desk", None, True, "chưa đến hạn"),
        ("first valid day", {"gtTheTu": "23/11/2026"}, "insured", 80, True, "đúng tuyến"),
        ("level unknown", {"maThe": "0190123456"}, "insured", None, True, "chưa rõ mức hưởng"),
        ("5 years reached", {}, "insured", 80, True, "đủ 5 năm liên tục từ 01/01/2020"),
    ],
)
def test_valid_card_decision(
    case: str,
    fields: dict[str, Any],
    action: str,
    coverage: int | None,
    route: bool | None,
    in_note: str,
) -> None:
    e = decide(answer(**fields))
    assert e.verified and e.code == "000", case
    assert e.action == action, case
    if action != "self_pay" or coverage == 0:
        assert e.coverage_percent == coverage, case
    assert e.correct_route is route, case
    assert in_note in e.staff_note, case
    assert "0190123456" not in e.staff_note  # card numbers are masked on the ticket


@pytest.mark.parametrize(
    "fields",
    [
        {"gtTheTu": None, "gtTheDen": None},  # issue 13: no validity window is not "valid 80 %"
        {"gtTheDen": "2025-12-31"},
        {"gtTheDen": 20251231},
        {"gtTheTu": "1/1/26x"},
        {"maThe": {"x": 1}},  # once printed on the ticket as "BHYT hợp lệ {'x': 1}"
        {"hoTen": 12},
        {"dsLichSuKCB2018": "none"},
    ],
)
def test_missing_or_unparseable_required_fields_are_malformed(fields: dict[str, Any]) -> None:
    with pytest.raises(GatewayMalformed):
        decide(answer(**fields))


def test_only_a_result_code_is_malformed() -> None:
    with pytest.raises(GatewayMalformed):
        decide({"maKetQua": "000"})


def test_valid_card_fields_and_messages() -> None:
    e = decide(answer())
    assert e.card_number == "DN4010190123456"
    assert (e.valid_from, e.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert e.registered_facility == "01001"
    assert e.benefit_level == 4
    assert e.five_year_date == date(2020, 1, 1)
    assert "31/12/2026" in e.message_vi and "80%" in e.message_vi
    assert "31/12/2026" in e.message_en and "80 %" in e.message_en
    assert e.message("en") == e.message_en


def test_five_year_date_in_the_future_is_not_noted() -> None:
    e = decide(answer(ngayDu5Nam="01/01/2027"))
    assert "5 năm" not in e.staff_note
    assert e.five_year_date == date(2027, 1, 1)


def test_accepted_facilities_count_as_correct_route() -> None:
    config = InsuranceConfig(route=RouteRates(accepted_facilities=["01-043"]))
    e = decide(answer(maDKBD="01043"), config)
    assert (e.correct_route, e.coverage_percent, e.action) == (True, 80, InsuranceAction.INSURED)


def test_self_referral_at_a_basic_level_hospital_is_covered() -> None:
    config = InsuranceConfig(route=RouteRates(self_referral_outpatient_percent=100))
    e = decide(answer(maDKBD="31012"), config)
    assert (e.correct_route, e.coverage_percent, e.action) == (False, 80, InsuranceAction.INSURED)
    assert "31012" in e.message_en


def test_facility_codes() -> None:
    assert decision.facility_code("01 - 043") == "01043"
    assert decision.facility_code("01043") == "01043"
    assert decision.facility_code("1043") is None
    assert decision.facility_code(None) is None


def test_not_verified_is_honest() -> None:
    e = decision.not_verified()
    assert e.verified is False and e.action is InsuranceAction.DESK
    assert (
        e.message_en
        == "We could not check your insurance right now; the reception desk will check."
    )
    assert e.staff_note == "BHYT chưa xác minh — quầy tiếp đón kiểm tra"
    assert decision.not_verified("self_pay").action is InsuranceAction.SELF_PAY


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (AN, {"maThe": "001090123456", "hoTen": "Nguyễn Văn An", "ngaySinh": "01/01/1990"}),
        (
            Identity(
                source=IdentitySource.BHYT_QR,
                citizen_id="001090123456",
                bhyt_card="dn4010190123456",
                full_name="  Nguyễn   Văn An ",
                birth_year=1990,
            ),
            {"maThe": "DN4010190123456", "hoTen": "Nguyễn Văn An", "ngaySinh": "1990"},
        ),
    ],
)
def test_request_fields(identity: Identity, expected: dict[str, str]) -> None:
    assert decision.request_fields(identity) == expected


@pytest.mark.parametrize(
    "identity",
    [
        Identity(source=IdentitySource.KEYPAD, full_name="A", birth_year=1990),
        Identity(source=IdentitySource.KEYPAD, citizen_id="001090123456", birth_year=1990),
        Identity(source=IdentitySource.KEYPAD, citizen_id="001090123456", full_name="A"),
    ],
)
def test_missing_data_is_classified(identity: Identity) -> None:
    with pytest.raises(GatewayError) as info:
        decision.request_fields(identity)
    assert info.value.outcome is CheckOutcome.MISSING_DATA


def _run(answers: dict[str, Any]) -> tuple[decision.Decided, list[str]]:
    asked: list[str] = []

    def ask(fields: dict[str, str]) -> dict[str, Any]:
        asked.append(fields["maThe"])
        value = answers[fields["maThe"]]
        if isinstance(value, Exception):
            raise value
        return value

    decided = decision.run_check(ask, AN, today=TODAY, hospital_code=HERE, config=InsuranceConfig())
    return decided, asked


NEW = "HT3010190123456"
OLD_003 = answer(
    maKetQua="003",
    gtTheDen="31/12/2025",
    maTheMoi=NEW,
    gtTheTuMoi="01/01/2026",
    gtTheDenMoi="31/12/2027",
    maDKBDMoi="01001",
)


def test_003_rechecks_with_the_new_card() -> None:
    decided, asked = _run({"001090123456": OLD_003, NEW: answer(maThe=NEW, gtTheDen="31/12/2027")})
    assert asked == ["001090123456", NEW]
    e = decided.eligibility
    assert (e.code, e.card_number, e.coverage_percent, e.action) == ("000", NEW, 95, "insured")
    assert decided.first_raw is OLD_003
    assert "003" in e.staff_note and "new card" in e.message_en


def test_003_when_the_recheck_fails_decides_from_the_new_card_fields() -> None:
    decided, asked = _run({"001090123456": OLD_003, NEW: GatewayTimeout("slow")})
    assert asked == ["001090123456", NEW]
    e = decided.eligibility
    assert (e.code, e.card_number, e.valid_to, e.coverage_percent) == (
        "000",
        NEW,
        date(2027, 12, 31),
        95,
    )


def test_003_without_a_new_card_number_sends_to_the_desk() -> None:
    decided, asked = _run({"001090123456": answer(maKetQua="003")})
    assert asked == ["001090123456"]
    assert (decided.eligibility.code, decided.eligibility.action) == ("003", "desk")


def test_004_rechecks_and_falls_back_to_the_old_card() -> None:
    first = answer(maKetQua="004", maTheMoi=NEW)
    decided, asked = _run({"001090123456": first, NEW: answer(maThe=NEW)})
    assert asked == ["001090123456", NEW]
    assert decided.eligibility.card_number == NEW
    decided, _ = _run({"001090123456": first, NEW: GatewayRejected("500")})
    e = decided.eligibility
    assert (e.code, e.card_number, e.coverage_percent) == ("000", "DN4010190123456", 80)
    assert "004" in e.staff_note


def test_new_card_that_answers_new_card_again_is_not_followed_twice() -> None:
    decided, asked = _run({"001090123456": OLD_003, NEW: answer(maKetQua="004", maTheMoi="X")})
    assert asked == ["001090123456", NEW]
    assert decided.eligibility.card_number == NEW


def test_a_citizen_id_is_never_reported_as_the_card_number() -> None:
    e = decision.decide(
        {"maKetQua": "060"},
        today=TODAY,
        hospital_code=HERE,
        config=InsuranceConfig(),
        asked_card="001090123456",
    )
    assert e.card_number is None
    e = decision.decide(
        {"maKetQua": "060"},
        today=TODAY,
        hospital_code=HERE,
        config=InsuranceConfig(),
        asked_card="DN4010190123456",
    )
    assert e.card_number == "DN4010190123456"


def test_visit_history_reads_the_2025_list_next_to_the_2018_one() -> None:
    visit = {"maCSKCB": "01001", "ngayVao": "202601020800"}
    newer = {"maCSKCB": "01002", "ngayVao": "202602030900"}
    raw = answer(dsLichSuKCB2018=[visit], dsLichSuKCB2025=[visit, newer])
    history = decision.visit_history(raw)
    assert [v["maCSKCB"] for v in history] == ["01001", "01002"]
    assert [v["_from"] for v in history] == ["dsLichSuKCB2018", "dsLichSuKCB2025"]
    assert decision.visit_history(answer(dsLichSuKCB2018=None)) == []
    assert decide(raw).verified  # lists of visits are a well-formed answer
