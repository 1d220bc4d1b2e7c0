"""Queue fixtures: configurations on a temporary data dir, on SQLite or on the real PostgreSQL
server of tests/conftest.py (pg_server, pg_dsn: one fresh database per test)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from queue_testing import make_config

from kiosk.config import KioskConfig


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config_factory(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[..., KioskConfig]:
    """Builds configurations that all share one database (SQLite file or PostgreSQL DB)."""
    dsn = request.getfixturevalue("pg_dsn") if backend == "postgres" else ""
    data_dir = tmp_path / "data"

    def factory(**extra: Any) -> KioskConfig:
        return make_config(data_dir, dsn, **extra)

    return factory
