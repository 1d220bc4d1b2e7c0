"""Person JSON files for virtual cards."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from hardware.icao.person import Person, PersonError, load_person

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = ROOT / "assets" / "demo" / "people"
DATA = ROOT / "tests" / "data" / "icao"

VALID = {
    "id": "001090123456",
    "name": "Nguyễn Văn An",
    "dob": "01/01/1990",
    "gender": "Nam",
}


def _write(tmp_path: Path, data: object, name: str = "p.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(PEOPLE.glob("*.json")) + sorted(DATA.glob("*.json")))
def test_every_shipped_person_loads(path: Path) -> None:
    person = load_person(path)
    assert len(person.id) == 12
    assert person.document_number == person.id[-9:]
    assert person.can == person.id[-6:]
    if person.photo is not None:
        assert person.photo.is_absolute()
        photo = person.photo_bytes()
        assert photo is not None and len(photo) > 1000


def test_demo_people_have_small_synthetic_photos() -> None:
    for path in sorted(PEOPLE.glob("*.json")):
        person = load_person(path)
        assert person.photo is not None and person.photo.parent == PEOPLE
        size = person.photo.stat().st_size
        assert 10_000 <= size <= 25_000, (path.name, size)


def test_fields_and_dates(tmp_path: Path) -> None:
    person = load_person(
        _write(tmp_path, {**VALID, "expiry": "Không thời hạn", "spouse": None, "old_id": ""})
    )
    assert person.name == "Nguyễn Văn An"
    assert person.birth_date == date(1990, 1, 1)
    assert person.expiry_date is None
    assert person.spouse == ""
    assert person.nationality == "Việt Nam"
    assert person.photo is None and person.photo_bytes() is None
    dated = load_person(_write(tmp_path, {**VALID, "expiry": "01/01/2030"}))
    assert dated.expiry_date == date(2030, 1, 1)


def test_photo_path_is_relative_to_the_json_file(tmp_path: Path) -> None:
    (tmp_path / "faces").mkdir()
    (tmp_path / "faces" / "a.jpg").write_bytes(b"\xff\xd8\xff fake")
    sub = tmp_path / "people"
    sub.mkdir()
    path = _write(sub, {**VALID, "photo": "../faces/a.jpg"})
    person = load_person(path)
    assert person.photo_bytes() == b"\xff\xd8\xff fake"
    assert person.to_dict(sub)["photo"] == "../faces/a.jpg"
    assert Person.from_dict(person.to_dict(), sub) == person


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "00109012345"}, "id: must be exactly 12 digits"),
        ({"id": "00109012345x"}, "id: must be exactly 12 digits"),
        ({"id": "00109012345\u0660"}, "id: must be exactly 12 digits"),  # Arabic-Indic zero
        ({"dob": "\u0660\u0661/01/1990"}, "dob"),
        ({"name": "  "}, "name: must not be empty"),
        ({"dob": "1990-01-01"}, "dob: '1990-01-01' is not a dd/mm/yyyy date"),
        ({"dob": "31/02/1990"}, "dob"),
        ({"gender": "male"}, "gender: must be 'Nam' or 'Nữ'"),
        ({"issue_date": "15/13/2021"}, "issue_date"),
        ({"expiry": "32/01/2030"}, "expiry"),
        ({"old_id": "12345"}, "old_id"),
        ({"religion": 3}, "religion: must be a string"),
        ({"photo": "missing.jpg"}, "photo: file"),
        ({"photo": 5}, "photo: must be a path"),
        ({"nickname": "An"}, "unknown key(s): nickname"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = _write(tmp_path, {**VALID, **change})
    with pytest.raises(PersonError) as caught:
        load_person(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("missing", ["id", "name", "dob", "gender"])
def test_required_fields(tmp_path: Path, missing: str) -> None:
    data = {k: v for k, v in VALID.items() if k != missing}
    with pytest.raises(PersonError, match=f"{missing}: required"):
        load_person(_write(tmp_path, data))


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(PersonError, match="no such file"):
        load_person(tmp_path / "nobody.json")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"id": ', encoding="utf-8")
    with pytest.raises(PersonError, match="invalid JSON at line 1"):
        load_person(bad_json)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Nguyễn"}'.encode("utf-16"))
    with pytest.raises(PersonError, match="not UTF-8"):
        load_person(latin)
    with pytest.raises(PersonError, match="JSON object"):
        load_person(_write(tmp_path, ["not", "an", "object"]))
    with pytest.raises(PersonError, match="cannot read"):
        load_person(tmp_path)
