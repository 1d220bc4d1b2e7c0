"""Appointment check-in and referral slips: domain functions the session calls (no Qt).

- `find_appointment(his, config, code=…|citizen_id=…, now=…)` -> `AppointmentCheck`: what the
  screen shows ("Bạn có lịch hẹn 09:30, Khám Tim mạch — xác nhận?"), whether the booking is
  inside its window and whether the ticket gets the appointment priority;
- `parse_slip(text, config, today)` -> `Slip | None` through the configured patterns;
- `route_with_slip(eligibility, slip, config, today)` -> the eligibility the co-payment estimate
  uses (a valid transfer slip makes the visit correct-route).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.his.base import Appointment, HisAdapter, HisError
from kiosk.his.record import Slip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppointmentCheck:
    found: bool
    appointment: Appointment | None = None
    window: str = ""  # "early", "in_window", "late" (too late: walk-in), "" when not found
    priority: bool = False  # True: the queue serves this ticket before walk-ins
    his_unavailable: bool = False
    message_vi: str = ""
    message_en: str = ""

    def message(self, language: str) -> str:
        return self.message_vi if language == "vi" else self.message_en


def unavailable() -> AppointmentCheck:
    """The HIS did not answer (down, slow, an error): the patient goes on as a walk-in."""
    return AppointmentCheck(
        False,
        his_unavailable=True,
        message_vi="Chưa kiểm tra được lịch hẹn. Bạn vẫn lấy số như bình thường.",
        message_en="We could not check your appointment. You can still take a number.",
    )


def window_of(start: datetime, now: datetime, rules: Any) -> str:
    if now < start - timedelta(minutes=rules.early_min):
        return "early"
    if now <= start + timedelta(minutes=rules.late_min):
        return "in_window"
    return "late"


def find_appointment(
    his: HisAdapter,
    config: Any,
    *,
    now: datetime,
    code: str | None = None,
    citizen_id: str | None = None,
) -> AppointmentCheck:
    """Today's appointment for a booking code or a citizen ID (blocking: call on a worker)."""
    try:
        found = his.appointments(
            code=code,
            citizen_id=citizen_id,
            day=now.date().isoformat(),
            timeout_s=config.his.appointments.lookup_timeout_s,
        )
    except HisError as exc:
        log.info("appointment lookup failed: %s", exc)
        return unavailable()
    found = [a for a in found if a.status in ("booked", "pending", "arrived")]
    if not found:
        return AppointmentCheck(
            False,
            message_vi="Không tìm thấy lịch hẹn hôm nay. Bạn lấy số như bình thường.",
            message_en="No appointment found for today. Please take a number as usual.",
        )
    appt = min(found, key=lambda a: abs((a.start - now).total_seconds()))
    window = window_of(appt.start, now, config.his.appointments)
    hhmm = appt.start.strftime("%H:%M")
    clinic = appt.clinic_name or appt.clinic_id
    if window == "late":
        return AppointmentCheck(
            True,
            appt,
            window,
            False,
            message_vi=f"Lịch hẹn {hhmm}, {clinic} đã quá giờ. Bạn lấy số như bình thường.",
            message_en=f"Your {hhmm} appointment at {clinic} has passed. Please take a number.",
        )
    return AppointmentCheck(
        True,
        appt,
        window,
        window == "in_window",
        message_vi=f"Bạn có lịch hẹn {hhmm}, {clinic} — xác nhận?",
        message_en=f"You have an appointment at {hhmm}, {clinic} — confirm?",
    )


def _day(text: str | None) -> date | None:
    if not text:
        return None
    for fmt in ("%Y%m%d", "%d%m%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 2000 <= day.year <= 2100:
            return day
    return None


def parse_slip(text: str, config: Any) -> Slip | None:
    """A transfer or re-exam slip read from a QR or typed code; None when no pattern fits."""
    text = (text or "").strip()
    if not text or len(text) > 512:
        return None
    for pat in config.his.slips:
        m = re.fullmatch(pat.pattern, text)
        if not m:
            continue
        groups = m.groupdict()
        return Slip(
            kind=pat.kind,
            code=groups["code"],
            facility=groups.get("facility") or "",
            issued_on=_day(groups.get("date")),
            valid_until=_day(groups.get("until")),
            diagnosis=groups.get("diagnosis") or "",
            pattern=pat.name,
        )
    return None


def slip_valid(slip: Slip, today: date) -> bool:
    if slip.valid_until is not None:
        return slip.valid_until >= today
    if slip.issued_on is None:
        return False
    # a transfer slip without an end date is taken as valid until the end of its year
    # (Circular 01/2025/TT-BYT; verify); a re-exam slip only on or after its date
    if slip.kind == "transfer":
        return slip.issued_on <= today <= date(slip.issued_on.year, 12, 31)
    return slip.issued_on <= today


def slip_counts(slip: Slip | None, config: Any, today: date) -> bool:
    """A valid transfer slip issued elsewhere, or a valid re-exam slip of this hospital."""
    if slip is None or not slip_valid(slip, today):
        return False
    here = config.his.facility_code or config.hospital.code
    if slip.kind == "transfer":
        return slip.facility != here
    return slip.kind == "reexam" and slip.facility == here


def route_with_slip(eligibility: Any, slip: Slip | None, config: Any, today: date) -> Any:
    """The eligibility with the route a slip gives: a valid transfer slip (issued elsewhere)
    or a valid re-exam slip of this hospital makes the visit correct-route, and the share the
    fund pays (what the co-payment estimate uses) is the correct-route share again.

    A self-referred outpatient whose card is valid was told "self-paying" only because of the
    route (`decision._decide_valid`): with the slip the visit is insured. Anything else the
    card check decided (expired, not yet valid, not verified) stays as it is."""
    if eligibility is None or eligibility.correct_route is True:
        return eligibility
    if not slip_counts(slip, config, today):
        return eligibility
    assert slip is not None
    from kiosk.insurance.benefits import coverage_percent
    from kiosk.models import InsuranceAction

    referred = slip.kind == "transfer"
    note = "Có giấy chuyển tuyến" if referred else "Tái khám theo hẹn"
    staff = " · ".join(p for p in (eligibility.staff_note, f"{note} {slip.code}") if p)
    routed = replace(eligibility, correct_route=True, staff_note=staff)
    card_valid = (eligibility.valid_from is None or eligibility.valid_from <= today) and (
        eligibility.valid_to is None or today <= eligibility.valid_to
    )
    usual = eligibility.action in (InsuranceAction.INSURED, InsuranceAction.SELF_PAY)
    if not (usual and eligibility.verified and card_valid and eligibility.benefit_level):
        return routed
    insurance = config.insurance
    pct = coverage_percent(
        eligibility.benefit_level,
        correct_route=True,
        on=today,
        rates=insurance.route,
        facility=insurance.facility,
    )
    vi_paper = "giấy chuyển tuyến" if referred else "phiếu hẹn khám lại"
    en_paper = "referral letter" if referred else "re-examination slip"
    return replace(
        routed,
        action=InsuranceAction.INSURED,
        coverage_percent=pct,
        message_vi=f"Thẻ bảo hiểm y tế của bạn còn giá trị và bạn có {vi_paper}. "
        + (
            "Bảo hiểm chi trả toàn bộ chi phí trong phạm vi được hưởng."
            if pct == 100
            else f"Bảo hiểm chi trả {pct}% chi phí trong phạm vi được hưởng; bạn trả phần còn lại."
        ),
        message_en=f"Your health insurance card is valid and you have a {en_paper}. "
        + (
            "Insurance pays all covered costs."
            if pct == 100
            else f"Insurance pays {pct} % of covered costs; you pay the rest."
        ),
    )


def slip_words(slip: Slip, config: Any, today: date | None = None) -> tuple[str, str]:
    """What the patient reads when a slip was scanned (Vietnamese, English)."""
    from kiosk.queue.model import TZ

    today = today or datetime.now(TZ).date()
    vi_kind = "giấy chuyển tuyến" if slip.kind == "transfer" else "phiếu hẹn khám lại"
    en_kind = "referral letter" if slip.kind == "transfer" else "re-examination slip"
    if slip_counts(slip, config, today):
        return (
            f"Đã nhận {vi_kind} số {slip.code}.",
            f"{en_kind.capitalize()} {slip.code} received.",
        )
    return (
        f"Đã nhận {vi_kind} số {slip.code}, nhưng giấy này không còn giá trị hoặc không dùng "
        "được ở đây. Quầy tiếp đón sẽ kiểm tra.",
        f"{en_kind.capitalize()} {slip.code} received, but it is no longer valid or not for "
        "this hospital. The reception desk will check it.",
    )
