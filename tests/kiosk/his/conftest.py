"""HIS fixtures: a running simulator, configurations pointing at it, a fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from his_testing import FakeClock

from kiosk.config import KioskConfig
from kiosk.his.simulator import HisSimulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def his_sim() -> Iterator[HisSimulator]:
    sim = HisSimulator(secret="test-secret", slow_s=2.0, rooms={"noi": "P.101"})
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def his_config(tmp_path: Path, his_sim: HisSimulator) -> Callable[..., KioskConfig]:
    def make(backend: str = "rest", numbering: str = "kiosk", **outbox: Any) -> KioskConfig:
        url = his_sim.url + ("/fhir" if backend == "fhir" else "")
        settings = {
            "max_attempts": 5,
            "backoff_base_s": 2.0,
            "backoff_max_s": 60.0,
            "poll_s": 0.05,
        } | outbox
        return KioskConfig.model_validate(
            {
                "data_dir": str(tmp_path / "data"),
                "his": {
                    "backend": backend,
                    "url": url,
                    "secret": "test-secret",
                    "numbering": numbering,
                    "timeout_s": 1.0,
                    "issue_timeout_s": 1.0,
                    "outbox": settings,
                },
            }
        )

    return make
