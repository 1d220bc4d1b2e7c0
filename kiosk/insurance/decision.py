"""From a gateway answer to an Eligibility: plain-words messages, an action, a staff note.

Shared by the real gateway client and the in-process stand-in, so both decide alike.

- Patient-level codes (000-004, 010, 050-053, 060-070, 110-130) become an Eligibility with
  verified=True; 000 is further checked against today (validity window), this hospital's code
  (route) and the benefit level of the card code.
- Codes that say nothing about the patient (054/055 officer set-up, 100/101/500 server
  errors, 205 format, 401 authentication, anything unknown) raise a GatewayError; the checker
  turns them into the honest not-verified Eligibility.
- 003/004 (a new card was issued): `run_check` asks again once with `maTheMoi`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.insurance import benefits
from kiosk.insurance.base import (
    CheckOutcome,
    GatewayAuthError,
    GatewayError,
    GatewayMalformed,
    GatewayRejected,
)
from kiosk.insurance.config import InsuranceConfig
from kiosk.models import Eligibility, Identity, InsuranceAction, mask_id

log = logging.getLogger(__name__)

UNVERIFIED_VI = (
    "Hiện chưa kiểm tra được thẻ bảo hiểm y tế của bạn; quầy tiếp đón sẽ kiểm tra giúp bạn."
)
UNVERIFIED_EN = "We could not check your insurance right now; the reception desk will check."
UNVERIFIED_STAFF = "BHYT chưa xác minh — quầy tiếp đón kiểm tra"

DESK = InsuranceAction.DESK
SELF_PAY = InsuranceAction.SELF_PAY
INSURED = InsuranceAction.INSURED


@dataclass(frozen=True)
class CodeInfo:
    """What one maKetQua means for the patient, the staff and IT."""

    code: str
    meaning: str  # English, for IT (logs, `kiosk check-insurance`)
    kind: str  # "valid", "new_card", "patient", "failure", "auth"
    action: InsuranceAction = DESK
    message_vi: str = UNVERIFIED_VI
    message_en: str = UNVERIFIED_EN
    staff_note: str = UNVERIFIED_STAFF


_SEE_DESK_VI = "Mời bạn đến quầy tiếp đón."
_SEE_DESK_EN = "Please go to the reception desk."
_SELF_PAY_VI = "Bạn có thể tiếp tục khám theo dịch vụ (tự chi trả)"
_SELF_PAY_EN = "You can continue as a self-paying patient"


def _patient(
    code: str, meaning: str, action: InsuranceAction, vi: str, en: str, staff: str
) -> CodeInfo:
    return CodeInfo(code, meaning, "patient", action, vi, en, f"{staff} ({code})")


CODES: dict[str, CodeInfo] = {
    info.code: info
    for info in (
        CodeInfo("000", "card information correct", "valid", INSURED),
        _patient(
            "001",
            "card managed by the Ministry of Defence social insurance: check identity papers",
            DESK,
            "Thẻ của bạn do Bảo hiểm xã hội Bộ Quốc phòng quản lý. Mời bạn mang giấy tờ tùy thân "
            "đến quầy tiếp đón để được kiểm tra.",
            "Your card is managed by the Ministry of Defence's social insurance. Please take "
            "your identity papers to the reception desk.",
            "Thẻ BHXH Bộ Quốc phòng quản lý — kiểm tra giấy tờ tùy thân",
        ),
        _patient(
            "002",
            "card managed by the Ministry of Public Security social insurance: check papers",
            DESK,
            "Thẻ của bạn do Bảo hiểm xã hội Bộ Công an quản lý. Mời bạn mang giấy tờ tùy thân "
            "đến quầy tiếp đón để được kiểm tra.",
            "Your card is managed by the Ministry of Public Security's social insurance. Please "
            "take your identity papers to the reception desk.",
            "Thẻ BHXH Bộ Công an quản lý — kiểm tra giấy tờ tùy thân",
        ),
        CodeInfo(
            "003",
            "old card expired, a new card has been issued",
            "new_card",
            DESK,
            "Thẻ cũ của bạn đã hết hạn và bạn đã được cấp thẻ mới. Mời bạn mang thẻ mới đến "
            "quầy tiếp đón.",
            "Your old card has expired and a new card has been issued. Please take the new "
            "card to the reception desk.",
            "Thẻ cũ hết hạn, đã cấp thẻ mới (003) — kiểm tra thẻ mới",
        ),
        CodeInfo(
            "004",
            "old card still valid, a new card has been issued",
            "new_card",
            DESK,
            "Bạn đã được cấp thẻ bảo hiểm y tế mới. Mời bạn mang thẻ mới đến quầy tiếp đón.",
            "A new insurance card has been issued to you. Please take it to the reception desk.",
            "Thẻ cũ còn hạn, đã cấp thẻ mới (004) — kiểm tra thẻ mới",
        ),
        _patient(
            "010",
            "card expired",
            SELF_PAY,
            f"Thẻ bảo hiểm y tế của bạn đã hết hạn. {_SELF_PAY_VI}. Bạn có thể gia hạn thẻ tại "
            "cơ quan bảo hiểm xã hội.",
            f"Your health insurance card has expired. {_SELF_PAY_EN}. You can renew the card at "
            "the social insurance office.",
            "Thẻ BHYT hết hạn — khám dịch vụ",
        ),
        _patient(
            "050",
            "no card information",
            DESK,
            f"Không tìm thấy thông tin thẻ bảo hiểm y tế của bạn. {_SEE_DESK_VI}",
            f"We found no health insurance card for you. {_SEE_DESK_EN}",
            "Không có thông tin thẻ",
        ),
        _patient(
            "051",
            "wrong card number",
            DESK,
            f"Số thẻ bảo hiểm y tế không đúng. {_SEE_DESK_VI}",
            f"The insurance card number was not accepted. {_SEE_DESK_EN}",
            "Sai mã thẻ",
        ),
        _patient(
            "052",
            "wrong province code (characters 4-5)",
            DESK,
            f"Số thẻ bảo hiểm y tế không đúng. {_SEE_DESK_VI}",
            f"The insurance card number was not accepted. {_SEE_DESK_EN}",
            "Sai mã tỉnh trên thẻ",
        ),
        _patient(
            "053",
            "wrong benefit code (character 3)",
            DESK,
            f"Số thẻ bảo hiểm y tế không đúng. {_SEE_DESK_VI}",
            f"The insurance card number was not accepted. {_SEE_DESK_EN}",
            "Sai mã quyền lợi trên thẻ",
        ),
        CodeInfo(
            "054",
            "the lookup officer's citizen ID is not registered for this facility "
            "(fix insurance.officer_id)",
            "failure",
        ),
        CodeInfo(
            "055",
            "the lookup officer's name does not match their citizen ID "
            "(fix insurance.officer_name)",
            "failure",
        ),
        _patient(
            "060",
            "wrong full name",
            DESK,
            f"Họ tên không khớp với thông tin thẻ bảo hiểm y tế. {_SEE_DESK_VI}",
            f"Your name does not match the insurance record. {_SEE_DESK_EN}",
            "Sai họ tên",
        ),
        _patient(
            "061",
            "wrong full name (first letter right)",
            DESK,
            f"Họ tên không khớp với thông tin thẻ bảo hiểm y tế. {_SEE_DESK_VI}",
            f"Your name does not match the insurance record. {_SEE_DESK_EN}",
            "Sai họ tên (đúng ký tự đầu)",
        ),
        _patient(
            "070",
            "wrong date of birth",
            DESK,
            f"Ngày sinh không khớp với thông tin thẻ bảo hiểm y tế. {_SEE_DESK_VI}",
            f"Your date of birth does not match the insurance record. {_SEE_DESK_EN}",
            "Sai ngày sinh",
        ),
        CodeInfo("100", "error reading the card register", "failure"),
        CodeInfo("101", "gateway server error", "failure"),
        _patient(
            "110",
            "card withdrawn",
            DESK,
            f"Thẻ bảo hiểm y tế của bạn đã bị thu hồi. {_SEE_DESK_VI}",
            f"Your health insurance card has been withdrawn. {_SEE_DESK_EN}",
            "Thẻ đã bị thu hồi",
        ),
        _patient(
            "120",
            "card reported reduced (no longer participating)",
            SELF_PAY,
            f"Thẻ của bạn đã bị báo giảm (không còn tham gia bảo hiểm y tế). {_SELF_PAY_VI}, "
            "hoặc hỏi quầy tiếp đón.",
            f"Your card has been cancelled: you no longer take part in health insurance. "
            f"{_SELF_PAY_EN}, or ask at the reception desk.",
            "Thẻ báo giảm — khám dịch vụ",
        ),
        _patient(
            "121",
            "reduced: moved to another province",
            DESK,
            "Thẻ của bạn đã bị báo giảm vì bạn chuyển tham gia sang tỉnh khác. Nếu bạn đã có thẻ "
            f"mới, hãy dùng thẻ mới. {_SEE_DESK_VI}",
            "Your card was cancelled because you moved to another province. If you have a new "
            f"card, use it. {_SEE_DESK_EN}",
            "Báo giảm chuyển tỉnh — kiểm tra thẻ mới",
        ),
        _patient(
            "122",
            "reduced: moved within the province",
            DESK,
            "Thẻ của bạn đã bị báo giảm vì bạn chuyển nơi tham gia trong tỉnh. Nếu bạn đã có thẻ "
            f"mới, hãy dùng thẻ mới. {_SEE_DESK_VI}",
            "Your card was cancelled because you moved within the province. If you have a new "
            f"card, use it. {_SEE_DESK_EN}",
            "Báo giảm chuyển nội tỉnh — kiểm tra thẻ mới",
        ),
        _patient(
            "123",
            "reduced: re-joined with the same employer",
            DESK,
            f"Thẻ của bạn đã bị báo giảm rồi tham gia lại tại cùng đơn vị. {_SEE_DESK_VI}",
            f"Your card was cancelled and then renewed through the same employer. {_SEE_DESK_EN}",
            "Báo giảm, tham gia lại cùng đơn vị — kiểm tra thẻ",
        ),
        _patient(
            "124",
            "reduced: stopped participating",
            SELF_PAY,
            f"Thẻ của bạn đã bị báo giảm do dừng tham gia bảo hiểm y tế. {_SELF_PAY_VI}, hoặc "
            "hỏi quầy tiếp đón.",
            f"Your card was cancelled because you stopped taking part in health insurance. "
            f"{_SELF_PAY_EN}, or ask at the reception desk.",
            "Thẻ báo giảm (dừng tham gia) — khám dịch vụ",
        ),
        _patient(
            "130",
            "child without a card presented",
            DESK,
            "Trẻ chưa có thẻ bảo hiểm y tế. Mời bạn mang giấy khai sinh hoặc giấy chứng sinh của "
            "trẻ đến quầy tiếp đón.",
            "The child has no insurance card yet. Please take the child's birth certificate to "
            "the reception desk.",
            "Trẻ em chưa có thẻ — kiểm tra giấy khai sinh",
        ),
        CodeInfo("205", "wrong parameter format (a kiosk bug: report it)", "failure"),
        CodeInfo("401", "authentication failed", "auth"),
        CodeInfo("500", "gateway server error", "failure"),
    )
}


def code_of(raw: Mapping[str, Any]) -> str:
    """The normalised maKetQua of an answer ("0" -> "000"); raises GatewayMalformed."""
    value = raw.get("maKetQua") if isinstance(raw, Mapping) else None
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        raise GatewayMalformed("answer has no maKetQua")
    text = str(value).strip()
    if not text.isdigit() or len(text) > 3:
        raise GatewayMalformed(f"maKetQua {text[:10]!r} is not a code")
    return text.zfill(3)


# Fields that, when present, must be text (or null); a dict or a number is a broken answer.
_TEXT_FIELDS = (
    "maThe", "hoTen", "ngaySinh", "gioiTinh", "diaChi", "maDKBD", "cqBHXH", "gtTheTu",
    "gtTheDen", "maKV", "ngayDu5Nam", "maSoBHXH", "maTheCu", "maTheMoi", "gtTheTuMoi",
    "gtTheDenMoi", "maDKBDMoi", "tenDKBDMoi", "ghiChu",
)  # fmt: skip


def check_shape(raw: Mapping[str, Any], code: str) -> None:
    """Raises GatewayMalformed for a wrong-typed field or, for 000, a missing/unparseable
    validity window: such an answer is never "valid, pays 80 %"."""
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise GatewayMalformed(f"field {name} is a {type(value).__name__}, not text")
    for name in ("dsLichSuKCB2018", "dsLichSuKCB2025", "dsLichSuKT2018"):
        value = raw.get(name)
        if value is not None and not isinstance(value, list):
            raise GatewayMalformed(f"field {name} is a {type(value).__name__}, not a list")
    if code != "000":
        return
    for name in ("gtTheTu", "gtTheDen"):
        if parse_date(raw.get(name)) is None:
            raise GatewayMalformed(f"000 answer: {name} missing or not dd/MM/yyyy")


HISTORY_FIELDS = ("dsLichSuKCB2018", "dsLichSuKCB2025")


def visit_history(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The visits the gateway reported, from the 2018 list and the newer 2025 one, oldest
    first, each tagged with the field it came from (duplicates across the two removed)."""
    seen: set[str] = set()
    visits: list[dict[str, Any]] = []
    for name in HISTORY_FIELDS:
        for item in raw.get(name) or []:
            if not isinstance(item, dict):
                continue
            key = repr(sorted((k, str(v)) for k, v in item.items()))
            if key not in seen:
                seen.add(key)
                visits.append({**item, "_from": name})
    return visits


def classify(raw: Mapping[str, Any]) -> CodeInfo:
    """The CodeInfo of a patient-level answer; raises GatewayError for everything else."""
    code = code_of(raw)
    check_shape(raw, code)
    info = CODES.get(code)
    if info is None:
        raise GatewayRejected(f"unknown maKetQua {code}", dict(raw), unknown_code=True)
    if info.kind == "auth":
        raise GatewayAuthError(f"maKetQua {code}: {info.meaning}", dict(raw))
    if info.kind == "failure":
        raise GatewayRejected(f"maKetQua {code}: {info.meaning}", dict(raw))
    return info


def not_verified(action: str | InsuranceAction = "desk") -> Eligibility:
    """The honest answer when the card could not be checked: the desk will check."""
    return Eligibility(
        action=InsuranceAction.SELF_PAY if str(action) == "self_pay" else InsuranceAction.DESK,
        verified=False,
        message_vi=UNVERIFIED_VI,
        message_en=UNVERIFIED_EN,
        staff_note=UNVERIFIED_STAFF,
    )


def parse_date(value: Any) -> date | None:
    """`dd/MM/yyyy` (the gateway's format) -> date; anything else -> None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def facility_code(value: Any) -> str | None:
    """`01 - 043`, `01-043` or `01043` -> `01043`; None when it is not 5 digits."""
    if not isinstance(value, str):
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits if len(digits) == 5 else None


class MissingData(GatewayError):
    outcome = CheckOutcome.MISSING_DATA


def request_fields(identity: Identity) -> dict[str, str]:
    """maThe, hoTen, ngaySinh for the gateway; raises MissingData when one is unknown."""
    card = (identity.bhyt_card or identity.citizen_id or "").strip().upper()
    if not card:
        raise MissingData("no card number or citizen ID")
    name = " ".join(identity.full_name.split())
    if not name:
        raise MissingData("no full name")
    if identity.birth_date is not None:
        dob = fmt_date(identity.birth_date)
    elif identity.birth_year is not None:
        dob = f"{identity.birth_year:04d}"
    else:
        raise MissingData("no birth date")
    return {"maThe": card, "hoTen": name, "ngaySinh": dob}


def _route_note(correct_route: bool, registered: str | None) -> str:
    if registered is None:
        return ", chưa rõ nơi ĐKBĐ"
    return ", đúng tuyến" if correct_route else f", trái tuyến (ĐKBĐ {registered})"


def _pct(pct: int) -> str:
    return f"{pct}%"


def decide(
    raw: Mapping[str, Any],
    *,
    today: date,
    hospital_code: str,
    config: InsuranceConfig,
    asked_card: str | None = None,
    staff_prefix: str = "",
) -> Eligibility:
    """The Eligibility for a patient-level answer (raises GatewayError for the others)."""
    info = classify(raw)
    if asked_card is not None and len(asked_card) not in (10, 15):
        asked_card = None  # a citizen ID is not a card number
    card = str(raw.get("maThe") or asked_card or "") or None
    if info.kind != "valid":
        return Eligibility(
            action=info.action,
            verified=True,
            message_vi=info.message_vi,
            message_en=info.message_en,
            staff_note=staff_prefix + info.staff_note,
            code=info.code,
            card_number=card,
            valid_from=parse_date(raw.get("gtTheTu")),
            valid_to=parse_date(raw.get("gtTheDen")),
            registered_facility=facility_code(raw.get("maDKBD")),
            benefit_level=benefits.benefit_level_from_card(card),
            five_year_date=parse_date(raw.get("ngayDu5Nam")),
        )
    return _decide_valid(raw, info, today, hospital_code, config, card, asked_card, staff_prefix)


def _decide_valid(
    raw: Mapping[str, Any],
    info: CodeInfo,
    today: date,
    hospital_code: str,
    config: InsuranceConfig,
    card: str | None,
    asked_card: str | None,
    staff_prefix: str,
) -> Eligibility:
    valid_from = parse_date(raw.get("gtTheTu"))
    valid_to = parse_date(raw.get("gtTheDen"))
    registered = facility_code(raw.get("maDKBD"))
    five_year = parse_date(raw.get("ngayDu5Nam"))
    level = benefits.benefit_level_from_card(card) or benefits.benefit_level_from_card(asked_card)
    here = facility_code(hospital_code) or hospital_code
    correct_route = registered is not None and (
        registered == here or registered in config.route.accepted_facilities
    )
    masked = mask_id(card)
    common: dict[str, Any] = {
        "code": info.code,
        "card_number": card,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "registered_facility": registered,
        "correct_route": correct_route,
        "benefit_level": level,
        "five_year_date": five_year,
    }
    if valid_to is not None and today > valid_to:
        expired = CODES["010"]
        return Eligibility(
            action=SELF_PAY,
            verified=True,
            message_vi=expired.message_vi,
            message_en=expired.message_en,
            staff_note=f"{staff_prefix}Thẻ BHYT {masked} hết hạn ngày {fmt_date(valid_to)} — "
            "khám dịch vụ",
            **common,
        )
    if valid_from is not None and today < valid_from:
        start = fmt_date(valid_from)
        return Eligibility(
            action=DESK,
            verified=True,
            message_vi=f"Thẻ bảo hiểm y tế của bạn chỉ có giá trị từ ngày {start}. {_SEE_DESK_VI}",
            message_en=f"Your health insurance card is only valid from {start}. {_SEE_DESK_EN}",
            staff_note=f"{staff_prefix}Thẻ BHYT {masked} chưa đến hạn (từ {start})",
            **common,
        )
    until_vi = f" đến ngày {fmt_date(valid_to)}" if valid_to else ""
    until_en = f" until {fmt_date(valid_to)}" if valid_to else ""
    five_note = (
        f"; đủ 5 năm liên tục từ {fmt_date(five_year)}"
        if five_year is not None and five_year <= today
        else ""
    )
    validity_note = f", HSD {fmt_date(valid_to)}" if valid_to else ""
    if level is None or registered is None:
        if registered is None:
            common["correct_route"] = None
        return Eligibility(
            action=INSURED,
            verified=True,
            message_vi=f"Thẻ bảo hiểm y tế của bạn còn giá trị{until_vi}. Quầy tiếp đón sẽ cho "
            "bạn biết mức bảo hiểm chi trả.",
            message_en=f"Your health insurance card is valid{until_en}. The reception desk will "
            "tell you how much insurance pays.",
            staff_note=f"{staff_prefix}BHYT hợp lệ {masked}, chưa rõ mức hưởng"
            f"{_route_note(correct_route, registered)}"
            f"{validity_note}{five_note}",
            coverage_percent=None,
            **common,
        )
    pct = benefits.coverage_percent(
        level,
        correct_route=correct_route,
        on=today,
        rates=config.route,
        inpatient=False,
        facility=config.facility,
    )
    share_vi = (
        "Bảo hiểm chi trả toàn bộ chi phí trong phạm vi được hưởng."
        if pct == 100
        else f"Bảo hiểm chi trả {_pct(pct)} chi phí trong phạm vi được hưởng; bạn trả phần còn lại."
    )
    share_en = (
        "Insurance pays all covered costs."
        if pct == 100
        else f"Insurance pays {pct} % of covered costs; you pay the rest."
    )
    if correct_route:
        return Eligibility(
            action=INSURED,
            verified=True,
            message_vi=f"Thẻ bảo hiểm y tế của bạn còn giá trị{until_vi}. {share_vi}",
            message_en=f"Your health insurance card is valid{until_en}. {share_en}",
            staff_note=f"{staff_prefix}BHYT hợp lệ {masked}, mức {level} ({_pct(pct)}), "
            f"đúng tuyến{validity_note}{five_note}",
            coverage_percent=pct,
            **common,
        )
    where = registered or "?"
    if pct == 0:
        return Eligibility(
            action=SELF_PAY,
            verified=True,
            message_vi=f"Thẻ bảo hiểm y tế của bạn còn giá trị, nhưng bạn đăng ký khám ban đầu ở "
            f"cơ sở khác ({where}). Khám ngoại trú tại đây mà không có giấy chuyển tuyến thì bảo "
            f"hiểm không chi trả. {_SELF_PAY_VI}. Nếu bạn có giấy chuyển tuyến hoặc cần cấp cứu, "
            "mời bạn đến quầy tiếp đón.",
            message_en=f"Your health insurance card is valid, but you are registered at another "
            f"facility ({where}). Without a referral letter, insurance does not pay for an "
            f"outpatient visit here. {_SELF_PAY_EN}. If you have a referral letter or need "
            "emergency care, please go to the reception desk.",
            staff_note=f"{staff_prefix}BHYT hợp lệ {masked}, mức {level}, trái tuyến (ĐKBĐ "
            f"{where}) — ngoại trú không chi trả; giấy chuyển tuyến/cấp cứu: quầy kiểm tra"
            f"{validity_note}",
            coverage_percent=0,
            **common,
        )
    return Eligibility(
        action=INSURED,
        verified=True,
        message_vi=f"Thẻ bảo hiểm y tế của bạn còn giá trị{until_vi}. Bạn đăng ký khám ban đầu ở "
        f"cơ sở khác ({where}), nên {share_vi[0].lower()}{share_vi[1:]}",
        message_en=f"Your health insurance card is valid{until_en}. You are registered at "
        f"another facility ({where}), so {share_en[0].lower()}{share_en[1:]}",
        staff_note=f"{staff_prefix}BHYT hợp lệ {masked}, mức {level}, trái tuyến (ĐKBĐ {where}) "
        f"({_pct(pct)}){validity_note}{five_note}",
        coverage_percent=pct,
        **common,
    )


Ask = Callable[[dict[str, str]], dict[str, Any]]


@dataclass(frozen=True)
class Decided:
    eligibility: Eligibility
    raw: dict[str, Any]
    first_raw: dict[str, Any] | None = None  # the 003/004 answer when a follow-up was made


def run_check(
    ask: Ask, identity: Identity, *, today: date, hospital_code: str, config: InsuranceConfig
) -> Decided:
    """Asks once (twice for 003/004) and decides. Raises GatewayError when there is no answer.

    `ask(fields)` sends maThe, hoTen, ngaySinh (the caller adds the officer) and returns the
    answer as a dict, or raises GatewayError.
    """
    fields = request_fields(identity)
    raw = ask(fields)
    info = classify(raw)

    def _decide(answer: Mapping[str, Any], card: str, prefix: str = "") -> Eligibility:
        return decide(
            answer,
            today=today,
            hospital_code=hospital_code,
            config=config,
            asked_card=card,
            staff_prefix=prefix,
        )

    if info.kind != "new_card":
        return Decided(_decide(raw, fields["maThe"]), raw)
    new_card = str(raw.get("maTheMoi") or "").strip().upper()
    old_masked = mask_id(str(raw.get("maThe") or fields["maThe"]))
    prefix = f"Thẻ mới thay thẻ {old_masked} ({info.code}): "
    if new_card and new_card != fields["maThe"]:
        try:
            second = ask({**fields, "maThe": new_card})
            if classify(second).kind != "new_card":
                decided = _decide(second, new_card, prefix)
                decided = dataclasses.replace(
                    decided,
                    message_vi=f"Bạn đã được cấp thẻ mới. {decided.message_vi}",
                    message_en=f"A new card has been issued to you. {decided.message_en}",
                )
                return Decided(decided, second, raw)
        except GatewayError as exc:
            log.warning(
                "re-check with the new card failed (%s): deciding from the first answer",
                exc.outcome,
            )
    # No usable follow-up: decide from what the first answer says about the cards.
    if info.code == "003" and new_card and raw.get("gtTheDenMoi"):
        synthetic = {
            **raw,
            "maKetQua": "000",
            "maThe": new_card,
            "gtTheTu": raw.get("gtTheTuMoi"),
            "gtTheDen": raw.get("gtTheDenMoi"),
            "maDKBD": raw.get("maDKBDMoi") or raw.get("maDKBD"),
        }
        return Decided(_decide(synthetic, new_card, prefix), raw)
    if info.code == "004":
        still_valid = {**raw, "maKetQua": "000"}
        note = f"Đã cấp thẻ mới {mask_id(new_card)} (004): "
        return Decided(_decide(still_valid, fields["maThe"], note), raw)
    return Decided(_decide(raw, fields["maThe"]), raw)
