"""The demo catalog the search tests share, built once per test module. A module that sets
`CLINICS` gets those clinics' specialty exam rows mapped (`kham <clinic>`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.catalog.service import CatalogService


@pytest.fixture(scope="module")
def catalog(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CatalogService]:
    clinics = getattr(request.module, "CLINICS", ())
    service = CatalogService(
        tmp_path_factory.mktemp("catalog") / "catalog.sqlite3", clinics=clinics
    )
    assert all(r.ok for r in service.ensure_demo())
    yield service
    service.close()
