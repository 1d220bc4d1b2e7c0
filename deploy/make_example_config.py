#!/usr/bin/env python3
"""Generates deploy/kiosk.example.toml from the configuration models.

Every key is written with its description (the pydantic `Field(description=...)`, or an
entry in `FALLBACK` below for fields that have none), its allowed values or range and its
default. Values in `DEPLOYMENT` replace the default for a real installation (kiosk mode, real
devices, the gateway) and are marked as such.

    python deploy/make_example_config.py            # rewrite deploy/kiosk.example.toml
    python deploy/make_example_config.py --check    # exit 1 if out of date or undocumented

Run it after changing any configuration model; tests/deploy checks that the file is in sync
and loads with kiosk.config.load_config.
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.config import KioskConfig  # noqa: E402

OUTPUT = ROOT / "deploy" / "kiosk.example.toml"

# Descriptions for fields whose model has none (dotted path; list items as `name[]`).
FALLBACK: dict[str, str] = {
    "kiosk_id": "this kiosk's name in logs, tickets and the shared database (letters, digits, . _ -)",
    "languages": "languages offered on the start screen, each by its own name",
    "default_language": "language of the start screen (must be one of `languages`)",
    "hospital": "the hospital, as printed on tickets and shown on screens",
    "hospital.name_vi": "hospital name in Vietnamese",
    "hospital.name_en": "hospital name in English",
    "idle": "idle timeout: after timeout_s without a touch a countdown shows, then the session is wiped",
    "idle.max_extensions": "how often a patient may ask for more time (WCAG 2.2.1: at least 10)",
    "clinics": "clinics (exam rooms) a patient can take a ticket for; one [[clinics]] table each",
    "clinics[].id": "stable identifier (lower-case letters, digits, _ -), used in the database",
    "clinics[].name_vi": "clinic name in Vietnamese",
    "clinics[].name_en": "clinic name in English",
    "clinics[].room": "room shown and printed on the ticket, e.g. P.101",
    "clinics[].separate_insured_line": "number insured (BHYT) and self-paying patients in separate lines",
    "devices": "the devices; each kind picks one backend",
    "devices.card_reader": "the chip citizen-ID (CCCD) card reader",
    "devices.card_reader.backend": "pcsc: a PC/SC reader through pcscd; simulated: demo cards; none: no reader",
    "devices.camera": "the camera that reads QR codes (CCCD, BHYT, appointments)",
    "devices.camera.backend": "opencv: a USB/V4L2 camera or stream; simulated: demo frames; none: no camera",
    "devices.camera.width": "capture width in pixels",
    "devices.camera.height": "capture height in pixels",
    "devices.camera.fps": "capture frame rate",
    "devices.scanners": "2D barcode scanners; one [[devices.scanners]] table each (none by default)",
    "devices.scanners[].backend": "serial: USB-serial (CDC ACM) scanner; hid: keyboard-wedge scanner; simulated",
    "devices.scanners[].baud": "serial speed (serial backend)",
    "devices.printer": "the ticket printer (ESC/POS thermal)",
    "devices.printer.backend": "escpos: a real ESC/POS printer; simulated: PNG files; none: no printer",
    "storage": "ticket storage: SQLite on one kiosk, PostgreSQL shared by several",
    "insurance": "health-insurance (BHYT) checks",
    "insurance.base_url": "BHXH gateway base URL (given by the social insurance office)",
    "insurance.password": "gateway password; prefer password_file or password_env over writing it here",
    "insurance.password_file": "file holding the gateway password (one line; chmod 600)",
    "insurance.password_env": "environment variable holding the gateway password",
    "insurance.connect_timeout_s": "seconds to wait for a connection to the gateway",
    "insurance.read_timeout_s": "seconds to wait for the gateway's answer",
    "insurance.route": "coverage rates when the patient is not registered at this hospital",
    "catalog": "the price catalog (services and drugs)",
    "admin": "admin mode for hospital IT (hidden gesture + PIN)",
    "accessibility": "speech guidance for patients who cannot read the screen",
    "logging": "the log (no patient identifiers are ever written)",
    "storage.dsn": "SQLAlchemy URL; empty = SQLite file in the data directory",
}

# Placeholder values for required keys of commented example entries.
EXAMPLES: dict[str, Any] = {
    "insurance.reference_salary[].effective_from": dt.date(2026, 7, 1),
    "insurance.reference_salary[].amount": 2_530_000,
    # his.slips entries (compact list: no path prefix)
    ".pattern": r"^(?P<code>[A-Z0-9]{6,20})$",
}

# Values for a real installation (the defaults run the demo).
DEPLOYMENT: dict[str, Any] = {
    "mode": "kiosk",
    "data_dir": "/var/lib/kiosk",
    "logging.dir": "/var/log/kiosk",
    "devices.card_reader.backend": "pcsc",
    "devices.camera.backend": "opencv",
    "devices.printer.backend": "escpos",
    "devices.printer.connection": "file:/dev/usb/lp0",
    "insurance.backend": "gateway",
    "insurance.password_file": "/etc/kiosk/gateway-password",
    "catalog.demo_catalog": False,
}

HEADER = """\
# Hospital kiosk configuration: /etc/kiosk/kiosk.toml
#
# Generated by deploy/make_example_config.py from the configuration models: every key the
# kiosk understands is listed with what it means, what it accepts and its default. Values
# marked "set for a real installation" differ from the built-in defaults (which run the demo).
# Unknown keys are refused at start-up with a message naming them.
#
# Check a file:  kiosk config check --config /etc/kiosk/kiosk.toml
# See it:        kiosk config show --config /etc/kiosk/kiosk.toml   (secrets masked)
# Diagnose:      kiosk doctor --config /etc/kiosk/kiosk.toml
"""


class Undocumented(Exception):
    pass


def _model_of(annotation: Any) -> type[BaseModel] | None:
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _list_model(annotation: Any) -> type[BaseModel] | None:
    if typing.get_origin(annotation) is list:
        args = typing.get_args(annotation)
        return _model_of(args[0]) if args else None
    return None


_TYPE_NAMES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "true/false",
    "date": "date (YYYY-MM-DD)",
    "NoneType": "not set",
}


def _describe_type(info: FieldInfo) -> str:
    ann = info.annotation
    parts: list[str] = []
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Literal:
        parts.append("one of " + ", ".join(json.dumps(a) for a in args))
    elif origin is list and args and typing.get_origin(args[0]) is typing.Literal:
        parts.append("list of " + ", ".join(json.dumps(a) for a in typing.get_args(args[0])))
    elif origin in (types.UnionType, typing.Union):
        names = [_TYPE_NAMES.get(getattr(a, "__name__", ""), str(a)) for a in args]
        parts.append(" or ".join(names))
    elif ann is SecretStr:
        parts.append("secret string (masked by `kiosk config show`)")
    elif isinstance(ann, type):
        parts.append(_TYPE_NAMES.get(ann.__name__, ann.__name__))
    elif origin is list:
        item = getattr(args[0], "__name__", "") if args else ""
        parts.append(f"list of {_TYPE_NAMES.get(item, 'values')}s")
    elif origin is dict:
        parts.append("table of strings")
    for meta in info.metadata:
        for attr, sym in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                parts.append(f"{sym} {getattr(meta, attr)}")
        if getattr(meta, "pattern", None):
            parts.append(f"pattern {meta.pattern}")
        if getattr(meta, "min_length", None):
            unit = "character(s)" if ann is str else "item(s)"
            parts.append(f"at least {meta.min_length} {unit}")
        if getattr(meta, "max_length", None):
            parts.append(f"at most {meta.max_length} character(s)")
    return ", ".join(parts)


def _toml(value: Any) -> str:
    if isinstance(value, SecretStr):
        return json.dumps(value.get_secret_value())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _toml(value.value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, BaseModel):
        return _toml(value.model_dump())
    return json.dumps(str(value), ensure_ascii=False)


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.undocumented: list[str] = []

    def doc(self, path: str, info: FieldInfo | None, cls: type[BaseModel] | None = None) -> str:
        text = (info.description if info else None) or FALLBACK.get(path)
        if not text and cls is not None and cls.__doc__:
            text = cls.__doc__.strip().splitlines()[0]
        if not text:
            self.undocumented.append(path)
            text = "UNDOCUMENTED: add Field(description=...) to the model"
        return text

    def comment(self, text: str, prefix: str = "") -> None:
        for line in text.splitlines():
            self.lines.append(f"{prefix}# {line}".rstrip())

    def scalar(self, path: str, name: str, info: FieldInfo, value: Any, prefix: str = "") -> None:
        self.comment(self.doc(path, info), prefix)
        kind = _describe_type(info)
        default = value
        if info.is_required():
            self.comment(f"{kind}; required", prefix)
        elif path in DEPLOYMENT:
            value = DEPLOYMENT[path]
            self.comment(f"{kind}; default {_toml(default)}; set for a real installation", prefix)
        else:
            self.comment(
                f"{kind}; default {_toml(default) if default is not None else 'not set'}", prefix
            )
        if value is None:
            self.lines.append(f"{prefix}# {name} =")
        else:
            self.lines.append(f"{prefix}{name} = {_toml(value)}")
        self.lines.append("")

    def section(
        self,
        path: str,
        model: BaseModel | type[BaseModel],
        header: str | None,
        commented: bool = False,
    ) -> None:
        """Writes the scalars of `model` (an instance with defaults) then its sub-tables."""
        prefix = "# " if commented else ""
        cls = model if isinstance(model, type) else type(model)
        instance = model if isinstance(model, BaseModel) else None
        if header:
            self.lines.append(f"{prefix}{header}")
        tables: list[tuple[str, FieldInfo]] = []
        for name, info in cls.model_fields.items():
            sub = f"{path}.{name}" if path else name
            if _model_of(info.annotation) or _list_model(info.annotation):
                tables.append((name, info))
                continue
            value = getattr(instance, name) if instance is not None else _default(info)
            self.scalar(sub, name, info, value, prefix)
        for name, info in tables:
            sub = f"{path}.{name}" if path else name
            value = getattr(instance, name) if instance is not None else _default(info)
            nested = _model_of(info.annotation)
            if nested is not None:
                self.lines.append("")
                self.comment("-" * 88, prefix)
                self.comment(self.doc(sub, info, nested), prefix)
                self.section(sub, value if value is not None else nested, f"[{sub}]", commented)
                continue
            item = _list_model(info.annotation)
            assert item is not None
            self.lines.append("")
            self.comment("-" * 88, prefix)
            self.comment(self.doc(sub, info, item), prefix)
            items = list(value or [])
            if items:
                for i, entry in enumerate(items):
                    if i == 0:
                        self.section(f"{sub}[]", entry, f"{prefix}[[{sub}]]", commented)
                    else:
                        self._compact(sub, entry, prefix)
            else:
                self.comment(
                    "none by default; an example entry (remove the '# ' to use it):", prefix
                )
                self.lines.append("")
                self.section(f"{sub}[]", _example(item, f"{sub}[]"), f"[[{sub}]]", commented=True)

    def _compact(self, sub: str, entry: BaseModel, prefix: str) -> None:
        self.lines.append("")
        self.lines.append(f"{prefix}[[{sub}]]")
        defaults = _example(type(entry))
        for name in type(entry).model_fields:
            value = getattr(entry, name)
            if value is None:
                continue
            if getattr(defaults, name, object()) == value and name not in (
                "id",
                "name_vi",
                "name_en",
            ):
                continue
            self.lines.append(f"{prefix}{name} = {_toml(value)}")


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return None if info.is_required() else info.default


def _example(cls: type[BaseModel], path: str = "") -> BaseModel:
    """An instance with every default; required fields get a placeholder."""
    raw: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if f"{path}.{name}" in EXAMPLES:
            raw[name] = EXAMPLES[f"{path}.{name}"]
        elif info.is_required():
            ann: Any = info.annotation
            placeholders: dict[Any, Any] = {
                int: 1,
                float: 1.0,
                str: "x",
                bool: False,
                dt.date: dt.date(2024, 7, 1),
            }
            placeholder: Any = placeholders.get(ann, "x")
            if name == "id":
                placeholder = "example"
            raw[name] = placeholder
    return cls.model_validate(raw)


def generate() -> tuple[str, list[str]]:
    writer = Writer()
    writer.lines.append(HEADER)
    writer.section("", KioskConfig.model_validate({}), None)
    text = "\n".join(writer.lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip() + "\n", writer.undocumented


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="fail if the file is stale or a key is undocumented"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text, undocumented = generate()
    if undocumented:
        print("undocumented configuration keys: " + ", ".join(undocumented), file=sys.stderr)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is out of date: run python deploy/make_example_config.py",
                file=sys.stderr,
            )
            return 1
        return 1 if undocumented else 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.splitlines())} lines)")
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
