"""Helpers for the queue tests (a module name unique in the test tree)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig


def make_config(data_dir: Path, dsn: str = "", **extra: Any) -> KioskConfig:
    raw: dict[str, Any] = {"data_dir": str(data_dir), "storage": {"dsn": dsn}}
    raw.update(extra)
    return KioskConfig.model_validate(raw)
