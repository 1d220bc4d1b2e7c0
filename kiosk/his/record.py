"""One registration as the HIS receives it: the fields of the QĐ 130 XML1 table the kiosk knows.

QĐ 130/QĐ-BYT (amended by QĐ 4750 and QĐ 3176) fixes the field names and formats: dates
`yyyymmdd` (GT_THE_TU, GT_THE_DEN, NGAY_MIEN_CCT), date-times `yyyymmddHHMM` (NGAY_VAO,
NGAY_SINH: birth date with 0000 for the unknown hour; only the year known: `yyyy00000000`),
GIOI_TINH 1 male / 2 female / 3 unknown, MA_LOAI_KCB `01` outpatient exam. Codes the kiosk
cannot know with certainty stay empty rather than guessed (the HIS completes them).

A registration is patient data: it lives in the outbox only until delivered and its keep
period ends (`his.outbox.keep_days`), never in logs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from kiosk.models import Gender, Identity, InsuranceAction

# XML1 fields the kiosk fills, in the table's order.
XML1_FIELDS = (
    "MA_LK",
    "HO_TEN",
    "SO_CCCD",
    "NGAY_SINH",
    "GIOI_TINH",
    "MA_QUOCTICH",
    "MA_DANTOC",
    "DIA_CHI",
    "MA_THE_BHYT",
    "MA_DKBD",
    "GT_THE_TU",
    "GT_THE_DEN",
    "NGAY_MIEN_CCT",
    "LY_DO_VV",
    "MA_DOITUONG_KCB",
    "MA_NOI_DI",
    "GIAY_CHUYEN_TUYEN",
    "NGAY_VAO",
    "MA_LOAI_KCB",
    "MA_KHOA",
    "MA_CSKCB",
    "NAM_NAM_LIEN_TUC",
    "NGAY_TAI_KHAM",
)

# MA_DOITUONG_KCB (the QĐ 130 catalogue as public XML checkers apply it; verify against the
# current catalogue): 1.1 at the registered facility, 1.3 referred with a transfer slip,
# 1.14 self-referred outpatient (1.15 when admitted; 2 emergency: the kiosk knows neither).
# "3" was QĐ 4210's MA_LYDO_VVIEN for "trái tuyến", not a MA_DOITUONG_KCB value. 1.4 for a
# re-exam by appointment is not confirmed by any source we found (verify). Self-paying
# visits leave it empty.
DT_REGISTERED, DT_REFERRED, DT_REEXAM, DT_SELF_REFERRAL = "1.1", "1.3", "1.4", "1.14"

# The 54 ethnic groups (GSO catalogue, QĐ 121-TCTK), as written on the CCCD chip.
_ETHNIC = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Hmông", "Dao", "Gia-rai",
    "Ngái", "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ",
    "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào",
    "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cờ Lao",
    "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm",
]  # fmt: skip


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c)).lower()


_ETHNIC_CODES = {_fold(name): f"{i:02d}" for i, name in enumerate(_ETHNIC, start=1)}
_ETHNIC_CODES.update({"mong": "08", "hmong": "08", "khmer": "05", "bana": "13"})


def ethnicity_code(text: str) -> str:
    """MA_DANTOC for the chip's ethnicity text ("Kinh" -> "01"); "" when not recognised."""
    return _ETHNIC_CODES.get(_fold(text or ""), "")


def ymd(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def ymdhm(ts: datetime | None) -> str:
    return ts.strftime("%Y%m%d%H%M") if ts else ""


def birth_field(birth_date: date | None, birth_year: int | None) -> str:
    if birth_date is not None:
        return birth_date.strftime("%Y%m%d") + "0000"
    if birth_year is not None:
        return f"{birth_year:04d}00000000"
    return ""


@dataclass(frozen=True)
class Slip:
    """A transfer (chuyển tuyến / chuyển cơ sở KCB) or re-exam (hẹn khám lại) slip."""

    kind: str  # "transfer" or "reexam"
    code: str
    facility: str = ""  # 5-digit code of the issuing facility
    issued_on: date | None = None
    valid_until: date | None = None
    diagnosis: str = ""
    pattern: str = ""  # the configured pattern that matched

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "facility": self.facility,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "diagnosis": self.diagnosis,
        }


@dataclass(frozen=True)
class Registration:
    """What the HIS receives for one ticket. `xml1` holds the XML1 fields as strings."""

    key: str  # idempotency key = the ticket id
    kiosk_id: str
    clinic_id: str
    ticket_number: str
    insured: bool
    xml1: dict[str, str]
    priority: str | None = None
    appointment_id: str | None = None
    slip: Slip | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kiosk_id": self.kiosk_id,
            "clinic_id": self.clinic_id,
            "ticket_number": self.ticket_number,
            "insured": self.insured,
            "priority": self.priority,
            "appointment_id": self.appointment_id,
            "slip": self.slip.as_dict() if self.slip else None,
            "xml1": dict(self.xml1),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Registration:
        slip = data.get("slip")
        return cls(
            key=data["key"],
            kiosk_id=data.get("kiosk_id", ""),
            clinic_id=data["clinic_id"],
            ticket_number=data.get("ticket_number", ""),
            insured=bool(data.get("insured")),
            priority=data.get("priority"),
            appointment_id=data.get("appointment_id"),
            slip=None
            if not slip
            else Slip(
                kind=slip["kind"],
                code=slip["code"],
                facility=slip.get("facility", ""),
                issued_on=date.fromisoformat(slip["issued_on"]) if slip.get("issued_on") else None,
                valid_until=date.fromisoformat(slip["valid_until"])
                if slip.get("valid_until")
                else None,
                diagnosis=slip.get("diagnosis", ""),
            ),
            xml1={k: str(v) for k, v in data.get("xml1", {}).items()},
        )

    def with_ticket(self, key: str, number: str, issued_at: datetime) -> Registration:
        xml1 = dict(self.xml1, NGAY_VAO=ymdhm(issued_at))
        return replace(self, key=key, ticket_number=number, xml1=xml1)


def build_registration(
    *,
    config: Any,
    identity: Identity | None,
    eligibility: Any,
    clinic_id: str,
    priority: str | None,
    arrived_at: datetime,
    reason: str = "",
    slip: Slip | None = None,
    appointment_id: str | None = None,
) -> Registration:
    """The registration for the patient in front of the kiosk (key and number come with the
    ticket: `Registration.with_ticket`)."""
    his = config.his
    insured = bool(eligibility and eligibility.action is InsuranceAction.INSURED)
    ident = identity
    gender = ""
    if ident is not None and ident.gender is not None:
        gender = "1" if ident.gender is Gender.MALE else "2"
    elif ident is not None:
        gender = "3"
    details = ident.details if ident else {}
    nationality = details.get("nationality", "")
    doituong = ""
    if insured:
        if slip is not None and slip.kind == "transfer":
            doituong = DT_REFERRED
        elif slip is not None and slip.kind == "reexam":
            doituong = DT_REEXAM
        elif eligibility.correct_route:
            doituong = DT_REGISTERED
        elif eligibility.correct_route is False:
            doituong = DT_SELF_REFERRAL
    xml1 = {
        "MA_LK": "",  # the HIS's visit id, filled from its answer
        "HO_TEN": ident.full_name if ident else "",
        "SO_CCCD": (ident.citizen_id or "") if ident else "",
        "NGAY_SINH": birth_field(ident.birth_date, ident.birth_year) if ident else "",
        "GIOI_TINH": gender,
        "MA_QUOCTICH": his.nationality_code
        if not nationality or _fold(nationality) in {"vietnam", "vietnamese", "vn"}
        else "",
        "MA_DANTOC": ethnicity_code(details.get("ethnicity", "")),
        "DIA_CHI": ident.address if ident else "",
        "MA_THE_BHYT": (eligibility.card_number or "") if insured else "",
        "MA_DKBD": (eligibility.registered_facility or "").replace("-", "") if insured else "",
        "GT_THE_TU": ymd(eligibility.valid_from) if insured else "",
        "GT_THE_DEN": ymd(eligibility.valid_to) if insured else "",
        "NGAY_MIEN_CCT": "",  # a co-payment exemption certificate is not known at the kiosk
        "LY_DO_VV": reason,
        "MA_DOITUONG_KCB": doituong,
        "MA_NOI_DI": slip.facility if slip and slip.kind == "transfer" else "",
        "GIAY_CHUYEN_TUYEN": slip.code if slip and slip.kind == "transfer" else "",
        "NGAY_VAO": ymdhm(arrived_at),
        "MA_LOAI_KCB": "01",
        "MA_KHOA": his.departments.get(clinic_id, clinic_id),
        "MA_CSKCB": his.facility_code or config.hospital.code,
        "NAM_NAM_LIEN_TUC": ymd(eligibility.five_year_date) if insured else "",
        "NGAY_TAI_KHAM": "",
    }
    return Registration(
        key="",
        kiosk_id=config.kiosk_id,
        clinic_id=clinic_id,
        ticket_number="",
        insured=insured,
        xml1=xml1,
        priority=priority,
        appointment_id=appointment_id,
        slip=slip,
    )
