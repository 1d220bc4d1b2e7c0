"""Service and drug prices: import of hospital catalogs, diacritic-insensitive search.

The names below are loaded on first use (PEP 562): `kiosk.config` imports
`kiosk.catalog.config`, which runs this file, and the kiosk must not pull SQLAlchemy and
rapidfuzz (the service) in before its first screen is painted.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.catalog.models import (
        CATEGORY_NAMES,
        CatalogItem,
        Category,
        ImportReport,
        Kind,
        RowIssue,
    )
    from kiosk.catalog.service import DEMO_DRUGS_CSV, DEMO_SERVICES_CSV, CatalogService

_WHERE = {
    "CATEGORY_NAMES": "models",
    "CatalogItem": "models",
    "Category": "models",
    "ImportReport": "models",
    "Kind": "models",
    "RowIssue": "models",
    "DEMO_DRUGS_CSV": "service",
    "DEMO_SERVICES_CSV": "service",
    "CatalogService": "service",
}

__all__ = [
    "CATEGORY_NAMES",
    "DEMO_DRUGS_CSV",
    "DEMO_SERVICES_CSV",
    "CatalogItem",
    "CatalogService",
    "Category",
    "ImportReport",
    "Kind",
    "RowIssue",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk.catalog' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kiosk.catalog.{module}"), name)
