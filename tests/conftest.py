"""Shared fixtures. Qt runs offscreen unless a display is asked for explicitly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.config import KioskConfig, load_config  # noqa: E402
from tests.support.pgserver import PostgresUnavailable, TempPostgres, find_bindir  # noqa: E402

# Real pcscd + vpcd fixtures (pcscd, vpcd_slot, virtual_card, test_pki, trust_dir, card_waiter)
# for the hardware tests and the GUI journey over PC/SC.
pytest_plugins = ["pcsc_fixtures"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def demo_config(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> KioskConfig:
    """The built-in demo configuration with data in a temporary folder."""
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_DATA_DIR", raising=False)
    return load_config(None, data_dir)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TempPostgres]:
    """A real PostgreSQL server started by the test run from the distribution's binaries
    (tests.support.pgserver; as root it runs as the `postgres` system user)."""
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
    """A fresh database on the session's server."""
    return pg_server.create_database()
