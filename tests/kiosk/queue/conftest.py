"""Queue fixtures: configurations on a temporary data dir, and a real PostgreSQL server started
by the test run from the distribution's binaries (tests.support.pgserver; as root it runs as the
`postgres` system user), one fresh database per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from queue_testing import make_config

from kiosk.config import KioskConfig
from tests.support.pgserver import PostgresUnavailable, TempPostgres, find_bindir


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TempPostgres]:
    try:
        find_bindir()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    server = TempPostgres()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: TempPostgres) -> str:
    return pg_server.create_database()


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
