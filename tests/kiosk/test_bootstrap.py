"""The composition root: adapters handed in replace what the configuration would build."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from hardware.status import DeviceStatus
from kiosk.bootstrap import build_services
from kiosk.config import KioskConfig
from kiosk.insurance import decision
from kiosk.insurance.base import CheckResult, InsuranceChecker
from kiosk.models import Identity, IdentitySource, InsuranceAction
from kiosk.session import Session, Step, run_inline


class ExplodingChecker(InsuranceChecker):
    """Breaks the checker's contract on purpose: `check` itself raises."""

    closed = False

    def _check(self, identity: Identity, today: date) -> CheckResult:
        raise AssertionError("not reached")

    def check(self, identity: Identity, today: date | None = None):  # type: ignore[override]
        raise RuntimeError("checker bug")

    def status(self) -> DeviceStatus:
        return DeviceStatus(ok=True, summary="fake")

    def close(self) -> None:
        self.closed = True


class Recording:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def stop(self) -> None:
        self.calls.append("stop")

    def card_present(self) -> bool:
        return False


def _config(data_dir: Path, **update: object) -> KioskConfig:
    return KioskConfig.model_validate(
        {"data_dir": str(data_dir), "catalog": {"demo_catalog": False}, **update}
    )


def test_handed_in_adapters_are_used_and_then_owned(data_dir: Path) -> None:
    checker = ExplodingChecker()
    config = _config(data_dir, insurance={"unverified_action": "self_pay"})
    services = build_services(config, insurance=checker, printer=None, camera=None, scanners=[])
    try:
        assert services.insurance is checker
        assert services.printer is None and services.camera is None and services.scanners == []
        assert services.card_reader is not None  # the rest still comes from the configuration
        session = Session(services, run_inline)
        session.begin("vi")
        session.accept_privacy("test-notice")  # the personal-data notice
        session.code_scanned(_keypad_like_bhyt())
        assert session.step is Step.CONFIRM_IDENTITY
        session.confirm_identity()
        # the session degrades with the insurance package's own answer, honouring the config
        assert session.step is Step.INSURANCE_RESULT
        eligibility = session.data.eligibility
        assert eligibility is not None and not eligibility.verified
        assert eligibility.action is InsuranceAction.SELF_PAY
        assert eligibility == decision.not_verified("self_pay")
        session.continue_after_insurance()
        session.choose_clinic(config.clinics[0].id)
        session.choose_priority(None)
        session.confirm()
        assert session.step is Step.TICKET and not session.printed  # no printer handed in
    finally:
        services.close()
    assert checker.closed


def _keypad_like_bhyt():  # a BHYT QR result, as the classifier hands it over
    from kiosk.identity.classify import ScanResult

    identity = Identity(
        source=IdentitySource.BHYT_QR,
        full_name="Nguyễn Văn An",
        birth_date=date(1990, 1, 1),
        bhyt_card="DN4010123456789",
    )
    return ScanResult(kind="bhyt", identity=identity)


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_a_failed_build_closes_what_it_built_and_leaves_handed_in_parts(
    data_dir: Path, tmp_path: Path
) -> None:
    warm = _config(tmp_path / "warm")  # imports and one-time set-up, outside the count
    build_services(warm, card_reader=None, camera=None, scanners=[]).close()
    (data_dir / "catalog.sqlite3").mkdir()  # the catalog cannot open its database
    reader = Recording()
    config = _config(data_dir)
    before = _open_fds()
    with pytest.raises(Exception, match="unable to open database file"):
        build_services(config, card_reader=reader, camera=None, scanners=[])  # type: ignore[arg-type]
    assert _open_fds() == before  # the queue's database and lock file were closed again
    assert reader.calls == []  # the caller still owns what it handed in


def test_deferred_services_connect_nothing_until_completed(data_dir: Path) -> None:
    """`kiosk run`'s services: the queue handle has not begun connecting, the printer,
    catalog and HIS are not built, until `complete()` (on a worker, after the first paint)."""
    from kiosk.deferred import Deferred

    services = build_services(_config(data_dir), camera=None, scanners=[], deferred=True)
    try:
        assert services.queue.state == "starting"  # type: ignore[attr-defined]
        for part in (services.printer, services.printing, services.catalog, services.his):
            assert isinstance(part, Deferred) and part.built() is None
        services.complete()
        assert services.queue.state == "up"  # type: ignore[attr-defined]
        assert not any(
            isinstance(p, Deferred)
            for p in (services.printer, services.printing, services.catalog, services.his)
        )
        assert services.printing.printer is services.printer
        assert services.catalog.categories() is not None
    finally:
        services.close()


def test_deferred_services_closed_early_never_build_their_parts(data_dir: Path) -> None:
    from kiosk.deferred import Deferred

    services = build_services(_config(data_dir), camera=None, scanners=[], deferred=True)
    catalog = services.catalog
    services.close()
    assert isinstance(catalog, Deferred) and catalog.built() is None
    with pytest.raises(RuntimeError, match="closed before it was built"):
        catalog.resolve()
