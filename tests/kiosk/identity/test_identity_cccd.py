"""CCCD QR payloads: valid forms, each refusal with its code, and the chip access key."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.identity.cccd import build_cccd_payload, parse_cccd
from kiosk.identity.errors import ParseError
from kiosk.models import Gender, IdentitySource

TODAY = date(2025, 6, 1)
EXAMPLE = (
    "001090123456|012345678|Nguyễn Văn An|01011990|Nam|"
    "Số 12 Ngõ 34 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội|15042021"
)


def test_reference_example():
    record = parse_cccd(EXAMPLE, TODAY)
    person = record.identity
    assert person.source is IdentitySource.CCCD_QR
    assert person.citizen_id == "001090123456"
    assert person.full_name == "Nguyễn Văn An"
    assert person.birth_date == date(1990, 1, 1)
    assert person.gender is Gender.MALE
    assert person.address.startswith("Số 12 Ngõ 34 Phố Huế")
    assert record.issue_date == date(2021, 4, 15) and record.old_id == "012345678"
    key = record.access_key
    assert key.can == "123456" and key.document_number == "090123456"
    assert (
        key.birth_date == date(1990, 1, 1) and key.expiry_date == date(2030, 1, 1) and key.has_bac
    )
    assert record.fields["expiry"] == "01/01/2030" and record.fields["province"] == "Hà Nội"


def test_repr_hides_patient_data():
    record = parse_cccd(EXAMPLE, TODAY)
    assert "Nguyễn" not in repr(record) and "001090123456" not in repr(record)


def test_empty_old_id_trailing_fields_and_line_end():
    text = EXAMPLE.replace("|012345678|", "||") + "||||\r\n"
    record = parse_cccd(text, TODAY)
    assert record.old_id == "" and "old_id" not in record.identity.details
    assert record.identity.address.endswith("Hà Nội")


def test_extra_non_empty_fields_are_kept():
    record = parse_cccd(EXAMPLE + "|X1|", TODAY)
    assert record.identity.details["extra"] == "X1"


def test_female_and_no_expiry_after_sixty():
    text = "001148004321|010987654|Trần Thị Bình|12031948|Nữ|Số 5 Phố Đội Cấn|10052021"
    record = parse_cccd(text, TODAY)
    assert record.identity.gender is Gender.FEMALE
    assert record.access_key.expiry_date is None and not record.access_key.has_bac
    assert record.access_key.can == "004321"


def test_builder_round_trip():
    text = build_cccd_payload(
        "031195006789",
        "Phạm Thị Hoa",
        date(1995, 6, 30),
        Gender.FEMALE,
        "Hải Phòng",
        date(2021, 7, 1),
        trailing_empty=4,
    )
    assert text.count("|") == 10
    assert parse_cccd(text, TODAY).identity.full_name == "Phạm Thị Hoa"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: p[:6], "too_few_fields"),
        (lambda p: ["00109012345"] + p[1:], "bad_citizen_id"),
        (lambda p: ["00109012345X"] + p[1:], "bad_citizen_id"),
        (lambda p: p[:1] + ["12345"] + p[2:], "bad_old_id"),
        (lambda p: p[:2] + [""] + p[3:], "empty_name"),
        (lambda p: p[:3] + ["31021990"] + p[4:], "bad_date"),
        (lambda p: p[:3] + ["1990"] + p[4:], "bad_date"),
        (lambda p: p[:6] + ["15132021"], "bad_date"),
        (lambda p: p[:6] + ["01011980"], "bad_date"),  # issued before birth
        (lambda p: p[:6] + ["01012030"], "bad_date"),  # issued in the future
        (lambda p: p[:3] + ["01011991"] + p[4:], "id_birth_mismatch"),
        (lambda p: p[:4] + ["Nữ"] + p[5:], "id_gender_mismatch"),
        (lambda p: p[:4] + ["M"] + p[5:], "bad_gender"),
    ],
)
def test_refusals(change, code):
    parts = EXAMPLE.split("|")
    with pytest.raises(ParseError) as err:
        parse_cccd("|".join(change(parts)), TODAY)
    assert err.value.code == code
