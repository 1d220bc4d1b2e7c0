"""A kiosk process SIGKILLed between its ticket and the delivery; a restart delivers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from his_testing import _env, _write_config

from kiosk.config import load_config
from kiosk.his.service import HisService
from kiosk.his.simulator import HisSimulator
from kiosk.queue.service import QueueService

ISSUE = """
import sys
from datetime import datetime
from kiosk.config import load_config
from kiosk.his.record import build_registration
from kiosk.his.service import HisService
from kiosk.queue.service import QueueService, TicketRequest
config = load_config(sys.argv[1])
queue = QueueService.from_config(config)
his = HisService(config, queue.engine)
reg = build_registration(config=config, identity=None, eligibility=None, clinic_id="noi",
                         priority=None, arrived_at=datetime.now())
print("issuing", flush=True)
his.issue(queue, TicketRequest(clinic_id="noi", insured=False), reg)
print("issued", flush=True)
"""


@pytest.mark.faults
def test_sigkill_mid_delivery_then_restart_delivers_once(
    tmp_path: Path, his_sim: HisSimulator
) -> None:
    cfg = _write_config(tmp_path, his_sim.url)
    his_sim.slow_s = 1.5
    his_sim.set_fault("slow")  # the kiosk's delivery is in flight when it dies
    proc = subprocess.Popen(
        [sys.executable, "-c", ISSUE, str(cfg)], env=_env(), stdout=subprocess.DEVNULL, text=True
    )
    config = load_config(cfg)
    queue = QueueService.from_config(config)
    his = HisService(config, queue.engine)
    deadline = time.monotonic() + 30
    while his.status().pending == 0 and time.monotonic() < deadline:
        time.sleep(0.02)  # the ticket and its outbox row are committed together
    time.sleep(0.3)  # the delivery request is now at the (slow) HIS
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert his.status().pending == 1 and his.status().delivered == 0
    his.close()
    queue.close()
    time.sleep(his_sim.slow_s)  # the HIS finished the dead process's request
    assert his_sim.state()["visits"] == 1
    his_sim.set_fault(None)
    # the restart: the delivery worker as its own process (`kiosk his worker`)
    worker = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "his", "worker", "--config", str(cfg)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        queue = QueueService.from_config(config)
        his = HisService(config, queue.engine)
        deadline = time.monotonic() + 30
        while his.status().delivered == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert his.status().as_dict()["delivered"] == 1
        state = his_sim.state()
        assert state["visits"] == 1 and state["deliveries"] == 2  # delivered twice, seen once
        his.close()
        queue.close()
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(10)
