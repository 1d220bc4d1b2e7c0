"""The person a virtual card is built from (format: PERSON_FORMAT.md next to this file)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

DATE_FORMAT = "%d/%m/%Y"
TEXT_FIELDS = (
    "nationality",
    "ethnicity",
    "religion",
    "origin",
    "residence",
    "features",
    "father",
    "mother",
    "spouse",
)


class PersonError(ValueError):
    """A person file is missing, unreadable or has an invalid field (the message names it)."""


def parse_date(text: str, field_name: str = "date") -> date:
    """A `dd/mm/yyyy` date (ASCII digits); raises PersonError naming the field."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", text):
        raise PersonError(f"{field_name}: {text!r} is not a dd/mm/yyyy date")
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except (TypeError, ValueError) as exc:
        raise PersonError(f"{field_name}: {text!r} is not a dd/mm/yyyy date") from exc


@dataclass(frozen=True)
class Person:
    """Identity data printed on (and stored in the chip of) one citizen ID card.

    Dates stay in the card's own `dd/mm/yyyy` text; `expiry` may be text such as
    "Không thời hạn" (no expiry). `photo` is an absolute path to a JPEG / JPEG 2000 file.
    """

    id: str
    name: str
    dob: str
    gender: str
    nationality: str = "Việt Nam"
    ethnicity: str = ""
    religion: str = ""
    origin: str = ""
    residence: str = ""
    features: str = ""
    issue_date: str = ""
    expiry: str = ""
    father: str = ""
    mother: str = ""
    spouse: str = ""
    old_id: str = ""
    photo: Path | None = None

    @property
    def birth_date(self) -> date:
        return parse_date(self.dob, "dob")

    @property
    def expiry_date(self) -> date | None:
        """The expiry as a date, or None for a card without expiry (text in `expiry`)."""
        if re.fullmatch(r"[0-9]{2}/[0-9]{2}/[0-9]{4}", self.expiry):
            return parse_date(self.expiry, "expiry")
        return None

    @property
    def document_number(self) -> str:
        """The MRZ document number: the last 9 digits of the 12-digit ID."""
        return self.id[-9:]

    @property
    def can(self) -> str:
        """The PACE card access number: the last 6 digits of the 12-digit ID."""
        return self.id[-6:]

    def photo_bytes(self) -> bytes | None:
        if self.photo is None:
            return None
        try:
            return self.photo.read_bytes()
        except OSError as exc:
            raise PersonError(f"photo: cannot read {self.photo}: {exc.strerror}") from exc

    @classmethod
    def from_dict(cls, data: Any, base_dir: Path | None = None) -> Person:
        """Validates a decoded person JSON object; relative photo paths are against base_dir."""
        if not isinstance(data, dict):
            raise PersonError("a person file must hold a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PersonError(f"unknown key(s): {', '.join(unknown)}")
        for key in ("id", "name", "dob", "gender"):
            if key not in data:
                raise PersonError(f"{key}: required")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "photo":
                continue
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise PersonError(f"{key}: must be a string, not {type(value).__name__}")
            values[key] = value.strip()
        if not re.fullmatch(r"[0-9]{12}", values["id"]):
            raise PersonError("id: must be exactly 12 digits")
        if not values["name"]:
            raise PersonError("name: must not be empty")
        parse_date(values["dob"], "dob")
        if values["gender"] not in ("Nam", "Nữ"):
            raise PersonError("gender: must be 'Nam' or 'Nữ'")
        if values.get("issue_date"):
            parse_date(values["issue_date"], "issue_date")
        expiry = values.get("expiry", "")
        if re.fullmatch(r"[0-9/]+", expiry):
            parse_date(expiry, "expiry")
        old_id = values.get("old_id", "")
        if old_id and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old_id):
            raise PersonError("old_id: must be empty, 9 or 12 digits")
        photo = data.get("photo")
        photo_path: Path | None = None
        if photo not in (None, ""):
            if not isinstance(photo, str):
                raise PersonError("photo: must be a path string")
            photo_path = Path(photo)
            if not photo_path.is_absolute():
                photo_path = (base_dir or Path.cwd()) / photo_path
            if not photo_path.is_file():
                raise PersonError(f"photo: file {photo_path} not found")
        return cls(**values, photo=photo_path)

    def to_dict(self, base_dir: Path | None = None) -> dict[str, str]:
        """The JSON form (photo relative to base_dir when possible)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "photo"}
        if self.photo is not None:
            photo = self.photo
            if base_dir is not None and photo.is_relative_to(base_dir):
                photo = photo.relative_to(base_dir)
            out["photo"] = str(photo)
        return out


def load_person(path: str | Path) -> Person:
    """Reads and validates a person JSON file. Raises PersonError with a clear message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PersonError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise PersonError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise PersonError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PersonError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from exc
    try:
        return Person.from_dict(data, path.parent)
    except PersonError as exc:
        raise PersonError(f"{path}: {exc}") from exc
