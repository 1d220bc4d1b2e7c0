"""Fixtures: a real gateway simulator on an ephemeral port and clients with short timeouts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from insurance_support import FAST

from kiosk.config import KioskConfig
from kiosk.insurance.gateway import GatewayChecker
from kiosk.insurance.simulator import GatewaySimulator


@pytest.fixture
def sim() -> Iterator[GatewaySimulator]:
    simulator = GatewaySimulator(slow_ms=100, hang_s=3.0, seed=1)
    simulator.start()
    yield simulator
    simulator.stop()


MakeChecker = Callable[..., GatewayChecker]


@pytest.fixture
def make_checker(sim: GatewaySimulator) -> Iterator[MakeChecker]:
    made: list[GatewayChecker] = []

    def make(
        base_url: str | None = None, clock: Callable[[], float] | None = None, **insurance: Any
    ) -> GatewayChecker:
        settings: dict[str, Any] = {
            "backend": "gateway",
            "base_url": base_url or sim.url,
            "username": "01001_BV",
            "password_env": "",
            **FAST,
            **insurance,
        }
        config = KioskConfig.model_validate({"insurance": settings})
        checker = GatewayChecker(config, clock=clock) if clock else GatewayChecker(config)
        made.append(checker)
        return checker

    yield make
    for checker in made:
        checker.close()
