"""The simulated card register: a people table and the gateway's answer for one card check.

Used by the HTTP simulator and by the in-process stand-in, so both answer alike. The file
format is documented in SIMULATOR.md.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

DEFAULT_PEOPLE_PATH = (
    Path(__file__).resolve().parent.parent.parent / "assets" / "demo" / "gateway-people.json"
)

CARD_15 = re.compile(r"^[A-Z]{2}[1-5]\d{2}\d{10}$")
CARD_15_LOOSE = re.compile(r"^[A-Z]{2}\d{3}\d{10}$")
DOB = re.compile(r"^(\d{2}/\d{2}/\d{4}|\d{4})$")

# Short Vietnamese notes as the gateway puts them in `ghiChu`.
GHI_CHU: dict[str, str] = {
    "000": "Thông tin thẻ chính xác.",
    "001": "Thẻ do BHXH Bộ Quốc phòng quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
    "002": "Thẻ do BHXH Bộ Công an quản lý, đề nghị kiểm tra thẻ và thông tin giấy tờ tùy thân.",
    "003": "Thẻ cũ hết giá trị sử dụng nhưng đã được cấp thẻ mới.",
    "004": "Thẻ cũ còn giá trị sử dụng nhưng đã được cấp thẻ mới.",
    "010": "Thẻ hết giá trị sử dụng.",
    "050": "Không thấy thông tin thẻ BHYT.",
    "051": "Mã thẻ không đúng.",
    "052": "Mã tỉnh cấp thẻ (ký tự thứ 4, 5 của mã thẻ) không đúng.",
    "053": "Mã quyền lợi thẻ (ký tự thứ 3 của mã thẻ) không đúng.",
    "054": "Số CCCD của cán bộ tra cứu chưa được đăng ký tại cơ sở KCB.",
    "055": "Họ tên cán bộ tra cứu không khớp với số CCCD.",
    "060": "Họ tên không đúng.",
    "061": "Họ tên không đúng (đúng ký tự đầu).",
    "070": "Ngày sinh không đúng.",
    "100": "Lỗi khi lấy dữ liệu sổ thẻ.",
    "101": "Lỗi server.",
    "110": "Thẻ đã thu hồi.",
    "120": "Thẻ đã báo giảm.",
    "121": "Thẻ đã báo giảm. Giảm do chuyển ngoại tỉnh.",
    "122": "Thẻ đã báo giảm. Giảm do chuyển nội tỉnh.",
    "123": "Thẻ đã báo giảm. Giảm do tăng lại cùng đơn vị.",
    "124": "Thẻ đã báo giảm. Giảm do ngừng tham gia.",
    "130": "Trẻ em không xuất trình thẻ.",
    "205": "Lỗi sai định dạng tham số.",
    "401": "Lỗi xác thực tài khoản.",
    "500": "Lỗi không xác định.",
}

# Codes whose answer carries no card fields.
_BARE_CODES = {"051", "052", "053", "054", "055", "100", "101", "205", "401", "500"}


@dataclass(frozen=True)
class Person:
    """One row of the people table (see SIMULATOR.md)."""

    card_number: str  # 15-character card code
    citizen_id: str
    name: str
    birth_date: str  # dd/mm/yyyy, or yyyy when only the year is known
    gender: str = "Nam"  # Nam / Nữ
    address: str = ""
    registered_facility: str = "01001"
    facility_name: str = ""
    valid_from: str = ""
    valid_to: str = ""
    five_year_date: str = ""
    area: str = ""  # K1/K2/K3
    agency: str = ""  # cqBHXH
    result: str = ""  # forced maKetQua; empty = decided from the request and the dates
    new_card: str = ""  # for 003/004: the card number of the new card's row
    note: str = ""

    @property
    def insurance_number(self) -> str:
        return self.card_number[-10:]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _date(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


class PeopleTable:
    """The people of a simulated card register, looked up by card, BHXH number or citizen ID."""

    def __init__(self, people: list[Person]) -> None:
        self.people = people
        self._index: dict[str, Person] = {}
        for person in people:
            for key in (person.card_number, person.insurance_number, person.citizen_id):
                if key:
                    self._index.setdefault(key.upper(), person)

    @classmethod
    def load(cls, path: str | Path | None = None) -> PeopleTable:
        path = Path(path) if path else DEFAULT_PEOPLE_PATH
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = data["people"] if isinstance(data, dict) else data
        known = {f.name for f in fields(Person)}
        people = []
        for i, row in enumerate(rows):
            unknown = set(row) - known
            if unknown:
                raise ValueError(f"{path}: person {i}: unknown keys {sorted(unknown)}")
            people.append(Person(**{k: str(v) for k, v in row.items()}))
        return cls(people)

    def find(self, key: str) -> Person | None:
        return self._index.get(key.strip().upper())

    def answer(
        self,
        body: Mapping[str, Any],
        *,
        today: date,
        forced: str | None = None,
        officers: Mapping[str, str] | None = None,
        default_facility: str = "01001",
    ) -> dict[str, Any]:
        """The gateway's JSON answer to one `KQNhanLichSuKCB2024` body.

        `forced` overrides the code (the stand-in's tester outcomes); for a person not in the
        table a synthetic one is made from the request so the forced code has card fields.
        `officers` (citizen ID -> name) enables the 054/055 checks; None accepts anyone.
        """
        values = {k: body.get(k) for k in ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")}
        if any(v is not None and not isinstance(v, str) for v in values.values()):
            return bare("205")
        card = (values["maThe"] or "").strip().upper()
        name = values["hoTen"] or ""
        dob = (values["ngaySinh"] or "").strip()
        if not card or not name.strip() or not DOB.match(dob):
            return bare("205")
        if officers is not None:
            officer_id = (values["cccdCb"] or "").strip()
            if officer_id not in officers:
                return bare("054")
            if _fold(officers[officer_id]) != _fold(values["hoTenCb"] or ""):
                return bare("055")
        person = self.find(card)
        if forced:
            if person is None:
                person = Person(
                    card_number=card
                    if CARD_15_LOOSE.match(card)
                    else "DN401" + card[-10:].rjust(10, "0"),
                    citizen_id=card if len(card) == 12 else "",
                    name=name,
                    birth_date=dob,
                    registered_facility=default_facility,
                    valid_from=f"01/01/{today.year}",
                    valid_to=f"31/12/{today.year}",
                )
            return self._card_answer(forced, person)
        if len(card) == 15:
            if not CARD_15_LOOSE.match(card):
                return bare("051")
            if card[2] not in "12345":
                return bare("053")
            if card[3:5] == "00":
                return bare("052")
            if person is None:
                person = self.find(card[-10:])
                if person is not None and person.card_number != card:
                    if card[2] != person.card_number[2]:
                        return bare("053")
                    if card[3:5] != person.card_number[3:5]:
                        return bare("052")
                    return bare("051")
        elif not (len(card) in (10, 12) and card.isdigit()):
            return bare("051")
        if person is None:
            return bare("050")
        if person.result:
            return self._card_answer(person.result, person)
        if _fold(name) != _fold(person.name):
            code = "061" if _fold(name)[:1] == _fold(person.name)[:1] else "060"
            return self._card_answer(code, person, with_card=False)
        if not _same_birth(dob, person.birth_date):
            return self._card_answer("070", person, with_card=False)
        valid_to = _date(person.valid_to)
        if valid_to is not None and today > valid_to:
            return self._card_answer("010", person)
        return self._card_answer("000", person)

    def _card_answer(self, code: str, person: Person, with_card: bool = True) -> dict[str, Any]:
        if code in _BARE_CODES:
            return bare(code)
        answer = bare(code)
        if not with_card:
            return answer
        answer.update(
            {
                "maThe": person.card_number,
                "hoTen": person.name,
                "ngaySinh": person.birth_date,
                "gioiTinh": person.gender,
                "diaChi": person.address,
                "maDKBD": person.registered_facility,
                "cqBHXH": person.agency or "Bảo hiểm xã hội",
                "gtTheTu": person.valid_from,
                "gtTheDen": person.valid_to,
                "maKV": person.area or None,
                "ngayDu5Nam": person.five_year_date or None,
                "maSoBHXH": person.insurance_number,
            }
        )
        if code in ("003", "004"):
            new = self.find(person.new_card) if person.new_card else None
            new = new or person
            answer.update(
                {
                    "maTheCu": person.card_number,
                    "maTheMoi": new.card_number,
                    "gtTheTuMoi": new.valid_from,
                    "gtTheDenMoi": new.valid_to,
                    "maDKBDMoi": new.registered_facility,
                    "tenDKBDMoi": new.facility_name or None,
                }
            )
        return answer


def _same_birth(asked: str, known: str) -> bool:
    if len(asked) == 4:
        return known[-4:] == asked
    return asked == known


def bare(code: str) -> dict[str, Any]:
    """An answer with only a code: the shape the gateway uses for errors."""
    return {
        "maKetQua": code,
        "ghiChu": GHI_CHU.get(code, ""),
        "maThe": None,
        "hoTen": None,
        "ngaySinh": None,
        "gioiTinh": None,
        "diaChi": None,
        "maDKBD": None,
        "cqBHXH": None,
        "gtTheTu": None,
        "gtTheDen": None,
        "maKV": None,
        "ngayDu5Nam": None,
        "maSoBHXH": None,
        "maTheCu": None,
        "maTheMoi": None,
        "gtTheTuMoi": None,
        "gtTheDenMoi": None,
        "maDKBDMoi": None,
        "tenDKBDMoi": None,
        "dsLichSuKCB2018": None,
        "dsLichSuKT2018": None,
    }
