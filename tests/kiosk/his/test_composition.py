"""The composition root builds the HIS service, runs its worker and routes tickets through it."""

from __future__ import annotations

import time
from collections.abc import Callable

from his_testing import insured, patient

from kiosk.bootstrap import build_services
from kiosk.config import KioskConfig
from kiosk.his.base import NoHis
from kiosk.his.service import NOT_IN_HIS
from kiosk.his.simulator import HisSimulator
from kiosk.session import PatientData


def test_session_ticket_reaches_the_his_through_the_worker(
    his_config: Callable[..., KioskConfig], his_sim: HisSimulator
) -> None:
    config = his_config("rest")
    his_sim.set_down(True)
    services = build_services(config)
    try:
        assert services.his is not None and services.his.worker.running
        data = PatientData(
            language="vi", identity=patient(), eligibility=insured(), clinic_id="noi"
        )
        ticket = services.issue_ticket(data)
        assert ticket.staff_note.endswith(NOT_IN_HIS)  # printed at once, HIS down
        his_sim.set_down(False)
        deadline = time.monotonic() + 15
        while services.his.status().delivered == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert services.his.outbox.state_of(ticket.id)["state"] == "delivered"  # type: ignore[index]
        assert his_sim.visits[ticket.id]["registration"]["xml1"]["HO_TEN"] == "Nguyễn Văn An"
    finally:
        services.close()
    assert not services.his.worker.running


def test_a_replacement_adapter_is_used(his_config: Callable[..., KioskConfig]) -> None:
    config = his_config("rest")
    adapter = NoHis()
    services = build_services(config, his=adapter)
    try:
        assert services.his is not None and services.his.his is adapter
    finally:
        services.close()
