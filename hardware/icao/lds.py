"""ICAO 9303 logical data structure of the Vietnamese citizen ID chip: EF.COM, DG1, DG2, DG13.

Builders make the files a virtual card serves; parsers read what a card returned and raise only
`LDSError` (or its subclass `MrzCheckError`, which names the failing MRZ field) on bad input.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hardware.cardreader.base import Authenticity, CardData, parse_card_date, parse_card_gender
from hardware.icao import tlv
from hardware.icao.tlv import LDSError, Tlv

if TYPE_CHECKING:
    from hardware.icao.person import Person

__all__ = [
    "DG13_OID",
    "DG_TAGS",
    "EF_CARD_ACCESS",
    "EF_COM",
    "EF_SOD",
    "Dg13",
    "FaceImage",
    "LDSError",
    "Mrz",
    "MrzCheckError",
    "build_dg1",
    "build_dg2",
    "build_dg13",
    "build_ef_com",
    "build_mrz_td1",
    "card_data_from",
    "check_digit",
    "dg_file_id",
    "parse_dg1",
    "parse_dg2",
    "parse_dg13",
    "parse_ef_com",
    "parse_mrz",
]

# File identifiers (under the eMRTD application, except EF.CardAccess under the MF).
EF_CARD_ACCESS = 0x011C
EF_COM = 0x011E
EF_SOD = 0x011D

# Data group number -> LDS tag (ICAO 9303-10 table 34).
DG_TAGS: dict[int, int] = {
    1: 0x61,
    2: 0x75,
    3: 0x63,
    4: 0x76,
    5: 0x65,
    6: 0x66,
    7: 0x67,
    8: 0x68,
    9: 0x69,
    10: 0x6A,
    11: 0x6B,
    12: 0x6C,
    13: 0x6D,
    14: 0x6E,
    15: 0x6F,
    16: 0x70,
}
TAG_TO_DG = {tag: dg for dg, tag in DG_TAGS.items()}

DG13_OID = "1.0.10646.1.0.8"


def dg_file_id(dg: int) -> int:
    """The elementary file identifier of data group `dg` (DG1 -> 0x0101 ... DG16 -> 0x0110)."""
    if dg not in DG_TAGS:
        raise LDSError(f"no data group {dg}")
    return 0x0100 + dg


# --- EF.COM ---------------------------------------------------------------------------------


def _dg_number(value: int) -> int:
    if value in DG_TAGS:
        return value
    if value in TAG_TO_DG:
        return TAG_TO_DG[value]
    raise LDSError(f"{value:#x} is neither a data group number nor a data group tag")


def build_ef_com(
    dg_tags: Iterable[int], lds_version: str = "0107", unicode_version: str = "040000"
) -> bytes:
    """EF.COM listing the data groups present; accepts DG numbers (1-16) or tags (0x61...)."""
    tags = bytes(DG_TAGS[_dg_number(v)] for v in dg_tags)
    return tlv.encode_constructed(
        0x60,
        tlv.encode(0x5F01, lds_version.encode("ascii")),
        tlv.encode(0x5F36, unicode_version.encode("ascii")),
        tlv.encode(0x5C, tags),
    )


def parse_ef_com(data: bytes) -> list[int]:
    """The data group numbers EF.COM lists, in its order (unknown tags are skipped)."""
    outer = tlv.decode(data, 0x60)
    tag_list = tlv.require(outer.value, 0x5C, "EF.COM tag list")
    return [TAG_TO_DG[t] for t in tag_list.value if t in TAG_TO_DG]


# --- MRZ / DG1 ------------------------------------------------------------------------------

_MRZ_CHARS = re.compile(r"[A-Z0-9<]*")


class MrzCheckError(LDSError):
    """An MRZ check digit is wrong; `field` names it (document_number, birth_date, ...)."""

    def __init__(self, field_name: str, expected: str, found: str) -> None:
        super().__init__(f"MRZ check digit of {field_name} is {found!r}, expected {expected!r}")
        self.field = field_name


def _char_value(char: str) -> int:
    if char.isdigit():
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise LDSError(f"{char!r} is not an MRZ character")


def check_digit(text: str) -> str:
    """ICAO 9303-3 check digit (weights 7, 3, 1; '<' = 0; A-Z = 10-35)."""
    weights = (7, 3, 1)
    return str(sum(_char_value(c) * weights[i % 3] for i, c in enumerate(text)) % 10)


def _verify(field_name: str, text: str, digit: str) -> None:
    expected = check_digit(text)
    # A field left entirely blank may carry '<' as its check digit (ICAO 9303-3 4.9).
    if digit == expected or (digit == "<" and set(text) <= {"<"}):
        return
    raise MrzCheckError(field_name, expected, digit)


@dataclass(frozen=True)
class Mrz:
    """A TD1 machine readable zone with every check digit verified.

    Dates are the MRZ's own `YYMMDD` text (the century is not in the MRZ).
    """

    document_code: str
    issuing_state: str
    document_number: str
    document_number_check: str
    optional_data: str
    birth_date: str
    birth_date_check: str
    sex: str
    expiry_date: str
    expiry_date_check: str
    nationality: str
    optional_data_2: str
    surname: str
    given_names: str
    lines: tuple[str, str, str]

    @property
    def names(self) -> str:
        """Surname then given names, as printed in the MRZ (no diacritics)."""
        return " ".join(p for p in (self.surname, self.given_names) if p)

    @property
    def citizen_id(self) -> str:
        """The 12-digit personal ID at the start of the optional data, or ''."""
        match = re.match(r"[0-9]{12}", self.optional_data)
        return match.group(0) if match else ""

    @property
    def mrz_information(self) -> str:
        """BAC key seed input: document number + check, birth + check, expiry + check."""
        number = self.document_number.ljust(9, "<")
        return (
            f"{number}{self.document_number_check}{self.birth_date}{self.birth_date_check}"
            f"{self.expiry_date}{self.expiry_date_check}"
        )


def parse_mrz(text: str) -> Mrz:
    """Parses a TD1 MRZ: 90 characters, or three lines of 30."""
    if not isinstance(text, str):
        raise LDSError("MRZ must be text")
    compact = "".join(text.split())
    if len(compact) != 90:
        raise LDSError(f"a TD1 MRZ has 90 characters, this one has {len(compact)}")
    if not _MRZ_CHARS.fullmatch(compact):
        raise LDSError("MRZ holds characters other than A-Z, 0-9 and '<'")
    l1, l2, l3 = compact[:30], compact[30:60], compact[60:]
    number, number_check, optional = l1[5:14], l1[14], l1[15:30]
    if number_check == "<" and optional.strip("<"):
        # Long document number (9303-5 4.2.4): it continues in the optional data, whose last
        # character before the filler is the check digit.
        tail = optional.split("<", 1)[0]
        if len(tail) < 2:
            raise LDSError("long document number without its check digit")
        number, number_check = number + tail[:-1], tail[-1]
        optional = optional[len(tail) :]
    _verify("document_number", number, number_check)
    birth, birth_check = l2[0:6], l2[6]
    expiry, expiry_check = l2[8:14], l2[14]
    _verify("birth_date", birth, birth_check)
    _verify("expiry_date", expiry, expiry_check)
    _verify("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
    surname, _, given = l3.partition("<<")
    return Mrz(
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5],
        document_number=number.rstrip("<"),
        document_number_check=number_check,
        optional_data=optional.strip("<"),
        birth_date=birth,
        birth_date_check=birth_check,
        sex=l2[7],
        expiry_date=expiry,
        expiry_date_check=expiry_check,
        nationality=l2[15:18],
        optional_data_2=l2[18:29].strip("<"),
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        lines=(l1, l2, l3),
    )


def build_dg1(mrz: str) -> bytes:
    """DG1: tag 61 wrapping 5F1F with the 90 MRZ characters (newlines are removed)."""
    compact = "".join(mrz.split())
    parse_mrz(compact)  # refuse to build a card with a wrong MRZ
    return tlv.encode_constructed(0x61, tlv.encode(0x5F1F, compact.encode("ascii")))


def parse_dg1(data: bytes) -> Mrz:
    outer = tlv.decode(data, 0x61)
    mrz = tlv.require(outer.value, 0x5F1F, "DG1 MRZ")
    try:
        text = mrz.value.decode("ascii")
    except UnicodeDecodeError as exc:
        raise LDSError("DG1 MRZ is not ASCII") from exc
    return parse_mrz(text)


def mrz_name(text: str) -> str:
    """Upper-case A-Z without diacritics (đ/Đ -> D), other characters -> '<'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return re.sub(r"[^A-Z]", "<", stripped.upper())


def _yymmdd(ddmmyyyy: str) -> str:
    match = re.fullmatch(r"([0-9]{2})/([0-9]{2})/[0-9]{2}([0-9]{2})", ddmmyyyy)
    if not match:
        return "<<<<<<"  # no expiry ("Không thời hạn") or unknown
    day, month, year = match.groups()
    return year + month + day


def build_mrz_td1(person: Person, legacy: bool = False) -> str:
    """The 90-character TD1 MRZ printed on the back of the person's card.

    Line 1 ends, like real CCCD cards, with the check digit of the 12-digit ID at position 30
    (`legacy`: '<' there, as the emulator once did). A card without an expiry date gets
    '<<<<<<' as expiry (check digit 0): such cards can only be opened with PACE (CAN), never BAC.
    """
    number = person.id[-9:]
    line1 = f"IDVNM{number}{check_digit(number)}{person.id}".ljust(30, "<")[:30]
    if not legacy:
        line1 = line1[:29] + check_digit(person.id)
    birth = _yymmdd(person.dob)
    expiry = _yymmdd(person.expiry)
    sex = {"Nam": "M", "Nữ": "F"}.get(person.gender, "<")
    head = f"{birth}{check_digit(birth)}{sex}{expiry}{check_digit(expiry)}VNM" + "<" * 11
    composite = check_digit(line1[5:30] + head[0:7] + head[8:15] + head[18:29])
    line2 = head + composite
    words = person.name.split()
    surname, given = (words[0], words[1:]) if words else ("", [])
    line3 = (mrz_name(surname) + "<<" + "<".join(mrz_name(w) for w in given)).ljust(30, "<")[:30]
    return line1 + line2 + line3


# --- DG13 -----------------------------------------------------------------------------------

UTF8_STRING = 0x0C
PRINTABLE_STRING = 0x13
_PRINTABLE_FIELDS = {1, 3, 11, 15, 16}
_STRING_TAGS = {0x0C, 0x12, 0x13, 0x14, 0x16, 0x1A, 0x04, 0x1E, 0x1C}

# n -> attribute of Dg13 for the single-string fields.
DG13_FIELDS: dict[int, str] = {
    1: "citizen_id",
    2: "full_name",
    3: "birth_date",
    4: "gender",
    5: "nationality",
    6: "ethnicity",
    7: "religion",
    8: "origin",
    9: "residence",
    10: "features",
    11: "issue_date",
    12: "expiry",
    15: "old_id",
}


@dataclass
class Dg13:
    """Vietnamese personal data (DG13). `extra` keeps unknown fields as text or hex."""

    citizen_id: str = ""
    full_name: str = ""
    birth_date: str = ""
    gender: str = ""
    nationality: str = ""
    ethnicity: str = ""
    religion: str = ""
    origin: str = ""
    residence: str = ""
    features: str = ""
    issue_date: str = ""
    expiry: str = ""
    parents: list[str] = field(default_factory=list)
    spouse: str = ""
    old_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    version: int | None = None
    oid: str | None = None

    @property
    def father(self) -> str:
        return self.parents[0] if self.parents else ""

    @property
    def mother(self) -> str:
        return self.parents[1] if len(self.parents) > 1 else ""


def _field(n: int, *values: bytes) -> bytes:
    return tlv.encode_constructed(0x30, tlv.encode_integer(n), *values)


def _text_value(n: int, text: str) -> bytes:
    tag = PRINTABLE_STRING if n in _PRINTABLE_FIELDS and text.isascii() else UTF8_STRING
    return tlv.encode(tag, text.encode("utf-8"))


def card_serial(citizen_id: str) -> str:
    """The 16-character PrintableString real cards carry in DG13 field 16 (meaning not
    published); the emulator derives a stable one from the ID."""
    return hashlib.sha256(citizen_id.encode()).hexdigest()[:16].upper()


def build_dg13(
    person: Person,
    extra_fields: Mapping[int, bytes | str] | None = None,
    legacy: bool = False,
) -> bytes:
    """DG13 as real cards lay it out; empty single fields are left out, as on cards.

    Field 14 (spouse) is SEQ{14, SEQ{UTF8}} and field 16 a 16-character PrintableString, as
    public readers of real CCCD chips show; `legacy` gives the emulator's old layout
    (SEQ{14, UTF8}, no field 16). `extra_fields` adds fields n -> value (str becomes a
    UTF8String; bytes are an encoded value TLV), e.g. to test that a reader keeps fields it
    does not know.
    """
    values: dict[str, str] = {
        "citizen_id": person.id,
        "full_name": person.name,
        "birth_date": person.dob,
        "gender": person.gender,
        "nationality": person.nationality,
        "ethnicity": person.ethnicity,
        "religion": person.religion,
        "origin": person.origin,
        "residence": person.residence,
        "features": person.features,
        "issue_date": person.issue_date,
        "expiry": person.expiry,
        "old_id": person.old_id,
    }
    fields_by_n: dict[int, bytes] = {}
    for n, name in DG13_FIELDS.items():
        if values[name]:
            fields_by_n[n] = _field(n, _text_value(n, values[name]))
    # Field 13: one nested SEQUENCE per parent, father first.
    fields_by_n[13] = _field(
        13,
        *(
            tlv.encode_constructed(0x30, tlv.encode(UTF8_STRING, name.encode("utf-8")))
            for name in (person.father, person.mother)
        ),
    )
    spouse = tlv.encode(UTF8_STRING, person.spouse.encode("utf-8"))
    if legacy:
        fields_by_n[14] = _field(14, spouse) if person.spouse else _field(14)
    else:
        # no spouse: SEQ{14} alone, as on cards
        fields_by_n[14] = (
            _field(14, tlv.encode_constructed(0x30, spouse)) if person.spouse else _field(14)
        )
        fields_by_n[16] = _field(16, tlv.encode(PRINTABLE_STRING, card_serial(person.id).encode()))
    for n, value in (extra_fields or {}).items():
        encoded = value if isinstance(value, bytes) else tlv.encode(UTF8_STRING, value.encode())
        fields_by_n[n] = _field(n, encoded)
    body = tlv.encode_constructed(
        0x30,
        tlv.encode_integer(1),
        tlv.encode_oid(DG13_OID),
        tlv.encode_constructed(0x31, *(fields_by_n[n] for n in sorted(fields_by_n))),
    )
    return tlv.encode(0x6D, body)


def _decode_string(item: Tlv) -> str | None:
    """Text of a string-typed primitive, or None when it is not valid text."""
    try:
        if item.tag == 0x1E:
            text = item.value.decode("utf-16-be")
        elif item.tag == 0x1C:
            text = item.value.decode("utf-32-be")
        elif item.tag == 0x14:
            text = item.value.decode("latin-1")
        else:
            text = item.value.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return unicodedata.normalize("NFC", text)


def _strings(items: Iterable[Tlv], depth: int = 0) -> list[str]:
    """Every string under `items`, depth first, in order (INTEGER counters are skipped)."""
    if depth > 8:
        raise LDSError("DG13 nests too deeply")
    out: list[str] = []
    for item in items:
        if item.tag in _STRING_TAGS:
            text = _decode_string(item)
            out.append(text if text is not None else item.value.hex())
        elif item.constructed:
            out.extend(_strings(item.children(), depth + 1))
    return out


def _raw_text(items: list[Tlv]) -> str:
    """Unknown field value: its text when it holds strings only, else the hex of its TLVs."""
    if len(items) == 1 and items[0].tag in _STRING_TAGS:
        text = _decode_string(items[0])
        if text is not None:
            return text
    return b"".join(tlv.encode(i.tag, i.value) for i in items).hex()


def _is_field(item: Tlv) -> bool:
    """SEQUENCE { INTEGER n, value... } (the header SEQUENCE { INTEGER 1, OID, ... } is not)."""
    if item.tag != 0x30 or not item.value:
        return False
    first = tlv.decode_one(item.value)
    if first.tag != 0x02:
        return False
    return first.end == len(item.value) or item.value[first.end] != 0x06


def _fields_in(item: Tlv, depth: int = 0) -> list[Tlv]:
    """The field SEQUENCEs inside a SET (or a SEQUENCE) of fields, however deeply grouped."""
    if depth > 4:
        raise LDSError("DG13 nests too deeply")
    found: list[Tlv] = []
    for child in item.children():
        if _is_field(child):
            found.append(child)
        elif child.tag in (0x30, 0x31):
            found.extend(_fields_in(child, depth + 1))
        else:
            found.append(child)  # reported as unknown below
    return found


def parse_dg13(data: bytes) -> Dg13:
    """Parses DG13, fields keyed by their number whatever their order or nesting."""
    outer = tlv.decode(data, 0x6D)
    items = tlv.decode_all(outer.value, allow_padding=True)
    if len(items) == 1 and items[0].tag == 0x30 and not _is_field(items[0]):
        items = items[0].children()  # the usual SEQUENCE { INTEGER 1, OID, SET }
    result = Dg13()
    field_items: list[Tlv] = []
    for item in items:
        if _is_field(item):
            field_items.append(item)  # tolerated: fields not wrapped in a SET
        elif item.tag == 0x02 and result.version is None:
            result.version = tlv.decode_integer(item.value)
        elif item.tag == 0x06 and result.oid is None:
            result.oid = tlv.decode_oid(item.value)
        elif item.tag in (0x30, 0x31):
            field_items.extend(_fields_in(item))
        else:
            result.extra[f"tag-{item.tag:X}"] = item.value.hex()
    if not field_items:
        raise LDSError("DG13 holds no fields")
    seen: set[int] = set()
    for item in field_items:
        children = item.children() if item.constructed else []
        if not children or children[0].tag != 0x02:
            result.extra[f"tag-{item.tag:X}-{len(result.extra)}"] = item.value.hex()
            continue
        n = tlv.decode_integer(children[0].value)
        values = children[1:]
        key = str(n) if n not in seen else f"{n}-{len(result.extra)}"
        if n in seen:
            result.extra[key] = _raw_text(values)
            continue
        seen.add(n)
        if n == 13:
            result.parents = [name.strip() for name in _strings(values)]
        elif n == 14:
            result.spouse = ", ".join(s for s in _strings(values) if s)
        elif n in DG13_FIELDS:
            texts = _strings(values)
            if len(values) == 1 and values[0].tag in _STRING_TAGS and texts:
                if _decode_string(values[0]) is None:
                    result.extra[key] = values[0].value.hex()  # undecodable: kept raw
                else:
                    setattr(result, DG13_FIELDS[n], texts[0].strip())
            elif values:
                setattr(result, DG13_FIELDS[n], ", ".join(t.strip() for t in texts))
        else:
            result.extra[key] = _raw_text(values)
    if not result.old_id and re.fullmatch(r"[0-9]{9}", result.extra.get("16", "")):
        result.old_id = result.extra["16"]  # one source puts the old CMND number in field 16
    return result


# --- DG2 (face) -----------------------------------------------------------------------------

_JPEG_SOI = b"\xff\xd8\xff"
_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_J2K_CODESTREAM = b"\xff\x4f\xff\x51"
_FORMAT_CODES = {"jpeg": 0, "jp2": 1}
MAX_FACE_PIXELS = 4096 * 4096  # a chip face is ~ 480 x 640; anything far larger is hostile


@dataclass(frozen=True)
class FaceImage:
    """The chip's face image: `data` as stored, `display_bytes` a JPEG or PNG any UI shows."""

    format: str  # "jpeg" | "jp2"
    data: bytes
    display_bytes: bytes
    display_format: str = "jpeg"  # "jpeg" | "png"
    width: int = 0
    height: int = 0


def _image_size(image: bytes) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(image)) as img:
            return img.size
    except Exception:  # noqa: BLE001 - Pillow raises many types for bad images
        return 0, 0


def build_dg2(image: bytes, fmt: str = "jpeg") -> bytes:
    """DG2: biometric information template with one ISO/IEC 19794-5 facial record."""
    if fmt not in _FORMAT_CODES:
        raise LDSError(f"face image format must be jpeg or jp2, not {fmt!r}")
    width, height = _image_size(image)
    facial_block = struct.pack(
        ">IHBBB3sH3s3s",
        20 + 12 + len(image),  # block length: header + image information + data
        0,  # feature points
        0,  # gender unspecified
        0,
        0,
        b"\x00\x00\x00",
        0,
        b"\x00\x00\x00",
        b"\x00\x00\x00",
    )
    image_info = struct.pack(
        ">BBHHBBHH", 1, _FORMAT_CODES[fmt], width & 0xFFFF, height & 0xFFFF, 1, 2, 0, 0
    )
    record_body = facial_block + image_info + image
    record = b"FAC\x00010\x00" + struct.pack(">IH", 14 + len(record_body), 1) + record_body
    header = tlv.encode_constructed(
        0xA1,
        tlv.encode(0x80, b"\x01\x01"),  # ICAO header version
        tlv.encode(0x81, b"\x02"),  # biometric type: face
        tlv.encode(0x87, b"\x01\x01"),  # format owner: ISO/IEC JTC 1/SC 37
        tlv.encode(0x88, b"\x00\x08"),  # format type: face image
    )
    template = tlv.encode_constructed(0x7F60, header, tlv.encode(0x5F2E, record))
    group = tlv.encode_constructed(0x7F61, tlv.encode_integer(1), template)
    return tlv.encode(0x75, group)


def _image_from_record(record: bytes) -> tuple[int | None, bytes]:
    """(image data type or None, image bytes) from an ISO 19794-5 record."""
    if record[:4] == b"FAC\x00" and len(record) >= 14 + 20 + 12:
        points = struct.unpack_from(">H", record, 18)[0]
        info = 14 + 20 + 8 * points
        if len(record) >= info + 12:
            return record[info + 1], record[info + 12 :]
    # Unknown framing: find the image by its signature.
    for signature in (_JPEG_SOI, _JP2_SIGNATURE, _J2K_CODESTREAM):
        position = record.find(signature)
        if position >= 0:
            return None, record[position:]
    raise LDSError("DG2 holds no recognisable face image")


def _display(image: bytes, fmt: str) -> tuple[bytes, str, int, int]:
    """(display bytes, display format, width, height); the image is fully decoded once so a
    truncated or corrupt one is refused here rather than shown broken."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(image)) as img:
            size = img.size
            if not 0 < size[0] * size[1] <= MAX_FACE_PIXELS:
                raise LDSError(f"face image of {size[0]}x{size[1]} pixels refused")
            img.load()
            if fmt == "jpeg":
                return image, "jpeg", *size
            out = io.BytesIO()
            converted = img if img.mode in ("RGB", "L", "RGBA") else img.convert("RGB")
            converted.save(out, format="PNG", compress_level=1)  # speed over size
            return out.getvalue(), "png", *size
    except LDSError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad images
        raise LDSError(f"face image ({fmt}) cannot be decoded: {type(exc).__name__}") from exc


def parse_dg2(data: bytes) -> FaceImage:
    """The first face image of DG2; JPEG 2000 is converted to PNG for display."""
    outer = tlv.decode(data, 0x75)
    group = tlv.require(outer.value, 0x7F61, "DG2 biometric group")
    template = tlv.require(group.value, 0x7F60, "DG2 biometric template")
    block = tlv.find(template.value, 0x5F2E) or tlv.find(template.value, 0x7F2E)
    if block is None:
        raise LDSError("DG2 has no biometric data block")
    type_code, image = _image_from_record(block.value)
    if image.startswith(_JPEG_SOI):
        fmt = "jpeg"
    elif image.startswith((_JP2_SIGNATURE, _J2K_CODESTREAM)):
        fmt = "jp2"
    elif type_code in (0, 1):
        fmt = "jpeg" if type_code == 0 else "jp2"
    else:
        raise LDSError("DG2 face image is neither JPEG nor JPEG 2000")
    display, display_format, width, height = _display(image, fmt)
    return FaceImage(fmt, image, display, display_format, width, height)


# --- to the card-reader seam ----------------------------------------------------------------


def card_data_from(
    dg13: Dg13, face: FaceImage | None, pa_level: Authenticity, access: str = ""
) -> CardData:
    """The CardData the kiosk shows, from a parsed DG13, the optional face and the PA level.

    Dates and gender become typed values here, once; the text stays in `extra` when it is not
    a full date (e.g. a birth date "00/00/1950") so nothing the card said is lost.
    """
    extra = dict(dg13.extra)
    for i, name in enumerate(dg13.parents[2:], start=3):
        extra[f"13.{i}"] = name
    for key, text in (("birth_date", dg13.birth_date), ("issue_date", dg13.issue_date)):
        if text and parse_card_date(text) is None:
            extra[key] = text
    if dg13.gender and parse_card_gender(dg13.gender) is None:
        extra["gender"] = dg13.gender
    return CardData(
        citizen_id=dg13.citizen_id,
        full_name=dg13.full_name,
        birth_date=parse_card_date(dg13.birth_date),
        gender=parse_card_gender(dg13.gender),
        nationality=dg13.nationality,
        ethnicity=dg13.ethnicity,
        religion=dg13.religion,
        origin=dg13.origin,
        residence=dg13.residence,
        features=dg13.features,
        issue_date=parse_card_date(dg13.issue_date),
        expiry=dg13.expiry,
        father=dg13.father,
        mother=dg13.mother,
        spouse=dg13.spouse,
        old_id=dg13.old_id,
        photo=face.display_bytes if face is not None else None,
        authenticity=pa_level,
        access=access,
        extra=extra,
    )
