"""Builds the insurance checker the configuration names."""

from __future__ import annotations

from kiosk.config import KioskConfig
from kiosk.insurance.base import InsuranceChecker


def build_insurance(config: KioskConfig) -> InsuranceChecker:
    """`insurance.backend`: "standin" (in-process simulated answers) or "gateway" (HTTP)."""
    backend = config.insurance.backend
    if backend == "standin":
        from kiosk.insurance.standin import StandInChecker

        return StandInChecker(config)
    if backend == "gateway":
        from kiosk.insurance.gateway import GatewayChecker

        return GatewayChecker(config)
    raise ValueError(f"unknown insurance backend {backend!r}")
