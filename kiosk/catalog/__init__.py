"""Service and drug prices: import of hospital catalogs, diacritic-insensitive search."""

from kiosk.catalog.models import CATEGORY_NAMES, CatalogItem, Category, ImportReport, Kind, RowIssue
from kiosk.catalog.service import DEMO_DRUGS_CSV, DEMO_SERVICES_CSV, CatalogService

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
