"""A device's health, as shown in admin mode and `kiosk doctor`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeviceStatus:
    ok: bool
    summary: str  # one line for IT, e.g. "paper out", "reader 'Virtual PCD 00 00', card present"
    fix: str = ""  # suggested fix when not ok
    details: dict[str, str] = field(default_factory=dict)
