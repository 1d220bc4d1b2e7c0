"""The [catalog] section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CatalogConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    column_map: dict[str, str] = Field(
        default_factory=dict,
        description="extra header -> canonical column (e.g. 'GIA' = 'DON_GIA')",
    )
    demo_catalog: bool = Field(
        True, description="import the shipped price list on first start when empty"
    )
    max_rejected_percent: float = Field(
        5.0,
        ge=0,
        le=100,
        description="an import with more rejected rows than this share is not activated",
    )
    min_size_percent: int = Field(
        default=50,
        ge=0,
        le=100,
        description="a new list with fewer rows than this share of the active one (of 100 rows or more) is not activated unless forced",
    )
    clinic_exam_codes: dict[str, str] = Field(
        default_factory=lambda: {
            "noi": "DEMO-K01",
            "nhi": "DEMO-K02",
            "tmh": "DEMO-K03",
            "mat": "DEMO-K04",
            "rhm": "DEMO-K05",
            "san": "DEMO-K06",
        },
        description="clinic id -> code of its examination price row: 'kham <clinic name>' in "
        "the price search shows that row first (the defaults are the demo catalog's codes)",
    )
