"""EF.COM, DG1 (TD1 MRZ), DG13 and DG2: builders, parsers, and hostile input."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from hardware.cardreader.base import Authenticity, Gender
from hardware.icao import lds, tlv
from hardware.icao.lds import LDSError, MrzCheckError
from hardware.icao.person import Person, load_person

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = ROOT / "assets" / "demo" / "people"
DATA = ROOT / "tests" / "data" / "icao"

# ICAO Doc 9303-5, TD1 specimen.
SPECIMEN = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# ICAO Doc 9303-5, TD1 with a 12-character document number continued in the optional data.
LONG_NUMBER = (
    "I<UTOD23145890<7349<<<<<<<<<<<",
    "3407127M9507122UTO<<<<<<<<<<<2",
    "STEVENSON<<PETER<JOHN<<<<<<<<<",
)


def _person(**changes: Any) -> Person:
    return dataclasses.replace(load_person(PEOPLE / "an-adult.json"), **changes)


# --- MRZ --------------------------------------------------------------------------------------


def test_check_digit_examples() -> None:
    assert lds.check_digit("D23145890") == "7"
    assert lds.check_digit("740812") == "2"
    assert lds.check_digit("L898902C<") == "3"  # 9303-11 appendix D
    assert lds.check_digit("<<<<<<") == "0"
    with pytest.raises(LDSError):
        lds.check_digit("abc")


def test_icao_td1_specimen_parses_with_every_check_digit() -> None:
    mrz = lds.parse_mrz("\n".join(SPECIMEN))
    assert mrz.document_code == "I"
    assert mrz.issuing_state == "UTO"
    assert mrz.document_number == "D23145890"
    assert mrz.birth_date == "740812"
    assert mrz.sex == "F"
    assert mrz.expiry_date == "120415"
    assert mrz.nationality == "UTO"
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.names == "ERIKSSON ANNA MARIA"
    assert mrz.mrz_information == "D23145890774081221204159"


def test_long_document_number_continues_in_optional_data() -> None:
    mrz = lds.parse_mrz("".join(LONG_NUMBER))
    assert mrz.document_number == "D23145890734"
    assert mrz.document_number_check == "9"
    assert mrz.optional_data == ""


@pytest.mark.parametrize(
    ("line", "position", "field"),
    [
        (0, 14, "document_number"),
        (1, 6, "birth_date"),
        (1, 14, "expiry_date"),
        (1, 29, "composite"),
        (0, 20, "composite"),  # optional data is covered by the composite only
        (1, 2, "birth_date"),  # a changed birth month
        (0, 7, "document_number"),
    ],
)
def test_each_corrupted_field_is_named(line: int, position: int, field: str) -> None:
    lines = list(SPECIMEN)
    original = lines[line][position]
    replacement = "1" if original != "1" else "2"
    lines[line] = lines[line][:position] + replacement + lines[line][position + 1 :]
    with pytest.raises(MrzCheckError) as caught:
        lds.parse_mrz("".join(lines))
    assert caught.value.field == field
    assert field in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["", "I<UTO", "".join(SPECIMEN) + "<", "".join(SPECIMEN).lower(), "".join(SPECIMEN)[:-1] + "é"],
)
def test_malformed_mrz_text(text: str) -> None:
    with pytest.raises(LDSError):
        lds.parse_mrz(text)


def test_build_td1_for_a_vietnamese_card() -> None:
    person = _person(name="Đặng Thị Ánh Tuyết", id="048302009876", dob="05/11/2002", gender="Nữ")
    person = dataclasses.replace(person, expiry="05/11/2042")
    mrz_text = lds.build_mrz_td1(person)
    assert len(mrz_text) == 90
    mrz = lds.parse_mrz(mrz_text)  # every check digit verified
    # position 30: the check digit of the 12-digit ID, as on real cards
    assert mrz_text[:30] == "IDVNM3020098765048302009876<<" + lds.check_digit(person.id)
    assert lds.build_mrz_td1(person, legacy=True)[:30] == "IDVNM3020098765048302009876<<<"
    assert lds.parse_mrz(lds.build_mrz_td1(person, legacy=True)).citizen_id == person.id
    assert mrz.document_code == "ID"
    assert mrz.issuing_state == mrz.nationality == "VNM"
    assert mrz.document_number == "302009876"  # last 9 digits of the ID
    assert mrz.citizen_id == "048302009876"
    assert (mrz.birth_date, mrz.expiry_date, mrz.sex) == ("021105", "421105", "F")
    assert mrz.lines[2] == "DANG<<THI<ANH<TUYET".ljust(30, "<")


def test_build_td1_without_expiry_and_with_a_long_name() -> None:
    person = _person(
        expiry="Không thời hạn",
        name="Tôn Nữ Thị Hoàng Phương Thảo Nguyễn Đình Khánh Linh",
        gender="Nữ",
    )
    mrz = lds.parse_mrz(lds.build_mrz_td1(person))
    assert mrz.expiry_date == "<<<<<<"
    assert len(mrz.lines[2]) == 30
    assert mrz.lines[2].startswith("TON<<NU<THI<HOANG<PHUONG<THAO")
    assert lds.mrz_name("đường Đỗ") == "DUONG<DO"


def test_dg1_round_trip_and_framing() -> None:
    person = load_person(PEOPLE / "hoa-adult.json")
    dg1 = lds.build_dg1(lds.build_mrz_td1(person))
    assert dg1[:5] == bytes.fromhex("615d5f1f5a")
    mrz = lds.parse_dg1(dg1)
    assert mrz.citizen_id == person.id
    assert mrz.names == "PHAM THI HOA"
    with pytest.raises(LDSError):
        lds.build_dg1("X" * 90)  # refuses to build a wrong MRZ
    with pytest.raises(LDSError):
        lds.parse_dg1(tlv.encode(0x61, tlv.encode(0x5F1F, b"\xff" * 90)))
    with pytest.raises(LDSError, match="expected tag 61"):
        lds.parse_dg1(tlv.encode(0x6D, b""))


# --- EF.COM -----------------------------------------------------------------------------------


def test_ef_com_round_trip_by_numbers_or_tags() -> None:
    ef_com = lds.build_ef_com([1, 2, 13])
    assert ef_com.hex() == "60155f0104303130375f36063034303030305c0361756d"
    assert lds.parse_ef_com(ef_com) == [1, 2, 13]
    assert lds.parse_ef_com(lds.build_ef_com([0x61, 0x6D, 0x6E])) == [1, 13, 14]
    with pytest.raises(LDSError):
        lds.build_ef_com([42])
    with pytest.raises(LDSError):
        lds.parse_ef_com(tlv.encode(0x60, tlv.encode(0x5F01, b"0107")))


def test_file_identifiers() -> None:
    assert [lds.dg_file_id(n) for n in (1, 2, 13, 14)] == [0x0101, 0x0102, 0x010D, 0x010E]
    assert (lds.EF_COM, lds.EF_SOD, lds.EF_CARD_ACCESS) == (0x011E, 0x011D, 0x011C)
    with pytest.raises(LDSError):
        lds.dg_file_id(17)


# --- DG13 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PEOPLE.glob("*.json")) + sorted(DATA.glob("*.json")))
def test_dg13_round_trip_of_every_field(path: Path) -> None:
    person = load_person(path)
    dg13 = lds.parse_dg13(lds.build_dg13(person))
    assert dg13.version == 1
    assert dg13.oid == lds.DG13_OID
    assert dg13.citizen_id == person.id
    assert dg13.full_name == person.name
    assert dg13.birth_date == person.dob
    assert dg13.gender == person.gender
    assert dg13.nationality == person.nationality
    assert dg13.ethnicity == person.ethnicity
    assert dg13.religion == person.religion
    assert dg13.origin == person.origin
    assert dg13.residence == person.residence
    assert dg13.features == person.features
    assert dg13.issue_date == person.issue_date
    assert dg13.expiry == person.expiry
    assert (dg13.father, dg13.mother) == (person.father, person.mother)
    assert dg13.spouse == person.spouse
    assert dg13.old_id == person.old_id
    assert dg13.extra == {"16": lds.card_serial(person.id)}  # meaning not published: kept raw
    assert lds.parse_dg13(lds.build_dg13(person, legacy=True)).extra == {}


def test_dg13_types_follow_the_reference_table() -> None:
    person = load_person(PEOPLE / "an-adult.json")
    outer = tlv.decode(lds.build_dg13(person), 0x6D)
    (body,) = tlv.decode_all(outer.value)
    version, oid, field_set = body.children()
    assert version.value == b"\x01"
    assert oid.value == bytes.fromhex("28d316010008")
    types = {}
    for item in field_set.children():
        number, *values = item.children()
        types[tlv.decode_integer(number.value)] = [v.tag for v in values]
    printable, utf8, sequence = 0x13, 0x0C, 0x30
    assert {n: t[0] for n, t in types.items() if n in (1, 3, 11, 15)} == dict.fromkeys(
        (1, 3, 11, 15), printable
    )
    assert all(types[n] == [utf8] for n in (2, 4, 5, 6, 7, 8, 9, 10, 12))
    assert types[13] == [sequence, sequence]
    assert types[14] == [sequence] and types[16] == [printable]  # SEQ{14, SEQ{UTF8}}, field 16
    spouse_field = next(
        item for item in field_set.children() if item.children()[0].value == b"\x0e"
    )
    assert [v.tag for v in spouse_field.children()[1].children()] == [utf8]
    legacy = tlv.decode_all(tlv.decode(lds.build_dg13(person, legacy=True), 0x6D).value)[0]
    legacy_types = {
        tlv.decode_integer(item.children()[0].value): [v.tag for v in item.children()[1:]]
        for item in legacy.children()[2].children()
    }
    assert legacy_types[14] == [utf8] and 16 not in legacy_types


def test_dg13_empty_spouse_is_an_integer_only_sequence() -> None:
    person = _person(spouse="", old_id="")
    data = lds.build_dg13(person)
    assert tlv.encode_constructed(0x30, tlv.encode_integer(14)) in data
    parsed = lds.parse_dg13(data)
    assert parsed.spouse == ""
    assert parsed.old_id == ""


def test_dg13_unknown_fields_are_kept_raw() -> None:
    person = _person()
    octets = tlv.encode(0x04, b"\x01\xfe")
    data = lds.build_dg13(person, {16: "AB12CD34EF56GH78", 21: "Ghi chú", 22: octets})
    parsed = lds.parse_dg13(data)
    assert parsed.extra == {"16": "AB12CD34EF56GH78", "21": "Ghi chú", "22": octets.hex()}
    assert parsed.full_name == person.name


def _field(n: int, *values: bytes) -> bytes:
    return tlv.encode_constructed(0x30, tlv.encode_integer(n), *values)


def _utf8(text: str) -> bytes:
    return tlv.encode(0x0C, text.encode())


def _dg13(*fields: bytes, wrap: bool = True) -> bytes:
    content = [
        tlv.encode_integer(1),
        tlv.encode_oid(lds.DG13_OID),
        tlv.encode(0x31, b"".join(fields)),
    ]
    body = tlv.encode_constructed(0x30, *content) if wrap else b"".join(content)
    return tlv.encode(0x6D, body)


@pytest.mark.parametrize(
    "parents",
    [
        # one SEQUENCE holding both names
        tlv.encode_constructed(0x30, _utf8("Trần Văn Đức"), _utf8("Ngô Thị Én")),
        # two SEQUENCEs, one per parent
        tlv.encode_constructed(0x30, _utf8("Trần Văn Đức"))
        + tlv.encode_constructed(0x30, _utf8("Ngô Thị Én")),
        # deeper nesting with counters, as some sources describe
        tlv.encode_constructed(
            0x30,
            tlv.encode_constructed(0x30, tlv.encode_integer(1), _utf8("Trần Văn Đức")),
            tlv.encode_constructed(0x30, tlv.encode_integer(2), _utf8("Ngô Thị Én")),
        ),
        # no SEQUENCE at all
        _utf8("Trần Văn Đức") + _utf8("Ngô Thị Én"),
    ],
)
def test_dg13_parents_in_every_known_shape(parents: bytes) -> None:
    data = _dg13(_field(2, _utf8("Trần Thị Bình")), _field(13, parents))
    parsed = lds.parse_dg13(data)
    assert parsed.parents == ["Trần Văn Đức", "Ngô Thị Én"]
    assert (parsed.father, parsed.mother) == ("Trần Văn Đức", "Ngô Thị Én")


def test_dg13_fields_keyed_by_number_in_any_order_and_unwrapped() -> None:
    data = _dg13(
        _field(4, _utf8("Nữ")),
        _field(1, tlv.encode(0x13, b"001148004321")),
        _field(14),
        _field(2, _utf8("Trần Thị Bình")),
        wrap=False,
    )
    parsed = lds.parse_dg13(data)
    assert (parsed.citizen_id, parsed.full_name, parsed.gender) == (
        "001148004321",
        "Trần Thị Bình",
        "Nữ",
    )
    assert parsed.birth_date == "" and parsed.parents == [] and parsed.spouse == ""


@pytest.mark.parametrize(
    "body",
    [
        # fields grouped in a SEQUENCE instead of a SET
        tlv.encode_constructed(
            0x30,
            tlv.encode_integer(1),
            tlv.encode_oid(lds.DG13_OID),
            tlv.encode_constructed(0x30, _field(1, tlv.encode(0x13, b"001148004321")), _field(14)),
        ),
        # fields split over two SETs, one nested
        tlv.encode_constructed(
            0x30,
            tlv.encode_integer(1),
            tlv.encode_oid(lds.DG13_OID),
            tlv.encode_constructed(0x31, _field(1, tlv.encode(0x13, b"001148004321"))),
            tlv.encode_constructed(0x31, tlv.encode_constructed(0x31, _field(14))),
        ),
        # no header at all: the fields straight under 6D
        _field(1, tlv.encode(0x13, b"001148004321")) + _field(14),
        # a single field
        _field(1, tlv.encode(0x13, b"001148004321")),
    ],
)
def test_dg13_field_grouping_variants(body: bytes) -> None:
    parsed = lds.parse_dg13(tlv.encode(0x6D, body))
    assert parsed.citizen_id == "001148004321"
    assert parsed.extra == {}


def test_dg13_text_is_normalised_to_nfc_and_bmp_strings_read() -> None:
    decomposed = "Nguye\u0302\u0303n"  # Nguyễn with combining marks
    data = _dg13(
        _field(2, _utf8(decomposed)), _field(5, tlv.encode(0x1E, "Việt Nam".encode("utf-16-be")))
    )
    parsed = lds.parse_dg13(data)
    assert parsed.full_name == "Nguyễn"
    assert parsed.nationality == "Việt Nam"


def test_dg13_duplicate_and_undecodable_fields_go_to_extra() -> None:
    data = _dg13(
        _field(2, _utf8("First")),
        _field(2, _utf8("Second")),
        _field(6, tlv.encode(0x0C, b"\xff\xfe")),
        _field(16, tlv.encode(0x13, b"012345678")),
    )
    parsed = lds.parse_dg13(data)
    assert parsed.full_name == "First"
    assert "Second" in parsed.extra.values()
    assert parsed.ethnicity == ""
    assert parsed.extra["6"] == "fffe"
    assert parsed.old_id == "012345678"  # the source that puts the old number in field 16


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x6d\x00",
        b"\x6d\x05\x30\x03\x02\x01",
        tlv.encode(0x61, b""),
        tlv.encode(0x6D, tlv.encode(0x30, tlv.encode(0x02, b""))),
        lds.build_dg13(load_person(PEOPLE / "an-adult.json"))[:-7],
    ],
)
def test_dg13_malformed_raises_lds_error(data: bytes) -> None:
    with pytest.raises(LDSError):
        lds.parse_dg13(data)


# --- DG2 --------------------------------------------------------------------------------------


def test_dg2_jpeg_round_trip_keeps_the_bytes() -> None:
    jpeg = (PEOPLE / "an-adult.jpg").read_bytes()
    dg2 = lds.build_dg2(jpeg)
    face = lds.parse_dg2(dg2)
    assert face.format == "jpeg"
    assert face.data == jpeg
    assert face.display_bytes == jpeg
    assert (face.width, face.height) == (240, 320)
    outer = tlv.decode(dg2, 0x75)
    assert tlv.require(outer.value, 0x7F61).children()[0].value == b"\x01"


def test_dg2_jpeg2000_is_converted_for_display() -> None:
    jp2 = (DATA / "face-jp2.jp2").read_bytes()
    face = lds.parse_dg2(lds.build_dg2(jp2, fmt="jp2"))
    assert face.format == "jp2"
    assert face.data == jp2
    assert face.display_format == "png"
    with Image.open(io.BytesIO(face.display_bytes)) as img:
        assert img.format == "PNG"
        assert img.size == (180, 240)


def test_dg2_image_found_without_an_iso_record_header() -> None:
    jpeg = (PEOPLE / "hoa-adult.jpg").read_bytes()
    block = tlv.encode(0x5F2E, b"vendor-header" + jpeg)
    dg2 = tlv.encode(0x75, tlv.encode(0x7F61, tlv.encode_integer(1) + tlv.encode(0x7F60, block)))
    assert lds.parse_dg2(dg2).data == jpeg


@pytest.mark.parametrize(
    "image",
    [b"\xff\xd8\xff\xe0 not really a jpeg", b"\x00\x00\x00\x0cjP  \r\n\x87\n broken", b"GIF89a"],
)
def test_dg2_undecodable_image_raises(image: bytes) -> None:
    dg2 = lds.build_dg2(image)
    with pytest.raises(LDSError):
        lds.parse_dg2(dg2)
    with pytest.raises(LDSError):
        lds.build_dg2(image, fmt="png")


def test_dg2_truncated_jpeg_is_refused_not_shown_broken() -> None:
    jpeg = (PEOPLE / "an-adult.jpg").read_bytes()
    with pytest.raises(LDSError, match="cannot be decoded"):
        lds.parse_dg2(lds.build_dg2(jpeg[: len(jpeg) // 2]))


def test_dg2_refuses_absurd_image_dimensions() -> None:
    jpeg = bytearray((PEOPLE / "an-adult.jpg").read_bytes())
    sof = jpeg.find(b"\xff\xc0")
    assert sof > 0
    jpeg[sof + 5 : sof + 9] = bytes.fromhex("13881388")  # height, width = 5000
    with pytest.raises(LDSError, match="5000x5000 pixels refused"):
        lds.parse_dg2(lds.build_dg2(bytes(jpeg)))
    jpeg[sof + 5 : sof + 9] = bytes.fromhex("ffffffff")  # Pillow's own bomb limit
    with pytest.raises(LDSError, match="DecompressionBomb"):
        lds.parse_dg2(lds.build_dg2(bytes(jpeg)))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"\xff\xd8\xff", lds._JP2_SIGNATURE, b""]))
def test_dg2_with_arbitrary_image_bytes_raises_only_lds_error(body: bytes, magic: bytes) -> None:
    try:
        face = lds.parse_dg2(lds.build_dg2(magic + body))
    except LDSError:
        return
    assert face.display_bytes


# --- to CardData ------------------------------------------------------------------------------


def test_card_data_from_dg13_and_face() -> None:
    person = load_person(PEOPLE / "binh-over-75.json")
    dg13 = lds.parse_dg13(lds.build_dg13(person, {21: "x"}))
    face = lds.parse_dg2(lds.build_dg2(person.photo_bytes() or b""))
    data = lds.card_data_from(dg13, face, Authenticity.TRUSTED, access="PACE")
    assert data.citizen_id == person.id
    assert data.full_name == "Trần Thị Bình"
    assert data.gender is Gender.FEMALE
    assert data.birth_date == person.birth_date
    assert data.expiry == "Không thời hạn" and data.expiry_date is None
    assert (data.father, data.mother, data.spouse) == (person.father, person.mother, "")
    assert data.old_id == person.old_id
    assert data.photo == face.display_bytes
    assert (data.authenticity, data.access) == ("trusted", "PACE")
    assert data.extra == {"16": lds.card_serial(person.id), "21": "x"}
    assert lds.card_data_from(dg13, None, Authenticity.READ).photo is None


def test_card_data_keeps_a_partial_birth_date_as_text() -> None:
    """Old cards may carry 00/00/1950: no date to compute with, but the text is not lost."""
    dg13 = lds.Dg13(citizen_id="001050000001", full_name="A", birth_date="00/00/1950", gender="X")
    data = lds.card_data_from(dg13, None, Authenticity.READ)
    assert data.birth_date is None and data.gender is None
    assert data.extra == {"birth_date": "00/00/1950", "gender": "X"}


# --- hostile input ----------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_parsers_raise_only_lds_error_on_arbitrary_bytes(data: bytes) -> None:
    for parse in (lds.parse_dg13, lds.parse_dg1, lds.parse_ef_com, lds.parse_dg2):
        with contextlib.suppress(LDSError):
            parse(data)


_VALID_DG13 = lds.build_dg13(load_person(PEOPLE / "an-adult.json"))


@settings(max_examples=300)
@given(st.integers(0, len(_VALID_DG13) - 1), st.integers(0, 255))
def test_dg13_with_one_byte_changed_raises_only_lds_error(position: int, value: int) -> None:
    data = bytearray(_VALID_DG13)
    data[position] = value
    with contextlib.suppress(LDSError):
        lds.parse_dg13(bytes(data))


@settings(max_examples=200)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<", min_size=90, max_size=90))
def test_parse_mrz_of_random_mrz_characters(text: str) -> None:
    with contextlib.suppress(LDSError):
        lds.parse_mrz(text)


_VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_names = st.lists(
    st.text(alphabet=_VIET + _VIET.upper(), min_size=1, max_size=8), min_size=1, max_size=6
).map(" ".join)
_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)).map(
    lambda d: d.strftime("%d/%m/%Y")
)
_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x00"),
    max_size=120,
).map(lambda t: unicodedata.normalize("NFC", t).strip())


@settings(max_examples=150, deadline=None)
@given(
    id_=st.from_regex(r"[0-9]{12}", fullmatch=True),
    name=_names,
    dob=_dates,
    gender=st.sampled_from(["Nam", "Nữ"]),
    expiry=st.one_of(_dates, st.just("Không thời hạn")),
)
def test_generated_mrz_always_verifies(
    id_: str, name: str, dob: str, gender: str, expiry: str
) -> None:
    person = _person(id=id_, name=name, dob=dob, gender=gender, expiry=expiry)
    mrz = lds.parse_dg1(lds.build_dg1(lds.build_mrz_td1(person)))
    assert mrz.document_number == id_[-9:]
    assert mrz.citizen_id == id_
    assert mrz.birth_date == dob[8:10] + dob[3:5] + dob[0:2]
    assert mrz.sex == ("M" if gender == "Nam" else "F")
    assert set(mrz.names) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ ")


@settings(max_examples=150, deadline=None)
@given(
    name=_names,
    texts=st.lists(_text, min_size=9, max_size=9),
    old_id=st.one_of(st.just(""), st.from_regex(r"[0-9]{9}", fullmatch=True)),
)
def test_dg13_round_trip_of_arbitrary_text(name: str, texts: list[str], old_id: str) -> None:
    keys = ["ethnicity", "religion", "origin", "residence", "features"]
    keys += ["father", "mother", "spouse", "nationality"]
    person = _person(name=name, old_id=old_id, **dict(zip(keys, texts, strict=True)))
    parsed = lds.parse_dg13(lds.build_dg13(person))
    assert parsed.full_name == name
    assert parsed.old_id == old_id
    for key in ("ethnicity", "religion", "origin", "residence", "features", "nationality"):
        assert getattr(parsed, key) == getattr(person, key)
    assert (parsed.father, parsed.mother) == (person.father, person.mother)
    assert parsed.spouse == person.spouse
