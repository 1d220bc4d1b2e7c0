"""The session tests' services: the real simulated backends of the demo configuration,
without the demo catalog import (the session tests do not look up prices)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.bootstrap import Services, build_services


@pytest.fixture
def services(demo_config) -> Iterator[Services]:
    config = demo_config.model_copy(
        update={"catalog": demo_config.catalog.model_copy(update={"demo_catalog": False})}
    )
    built = build_services(config)
    yield built
    built.close()
