"""`kiosk his status|retry|export` on a real outbox."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from his_testing import FakeClock, _env, _write_config, insured, patient

from kiosk.config import load_config
from kiosk.his.export import xml1_visits
from kiosk.his.record import XML1_FIELDS, build_registration
from kiosk.his.service import HisService
from kiosk.his.simulator import HisSimulator
from kiosk.queue.service import QueueService, TicketRequest


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_status_export_and_retry(tmp_path: Path, his_sim: HisSimulator) -> None:
    cfg = _write_config(tmp_path, his_sim.url)
    config = load_config(cfg)
    queue = QueueService.from_config(config)
    clock = FakeClock()
    his = HisService(config, queue.engine, clock=clock)
    reg = build_registration(
        config=config,
        identity=patient(),
        eligibility=insured(),
        clinic_id="noi",
        priority=None,
        arrived_at=datetime.now(),
    )
    delivered = his.issue(queue, TicketRequest(clinic_id="noi", insured=True), reg)
    his_sim.set_fault("http500")
    clock.advance(5)  # export lists by arrival
    pending = his.issue(queue, TicketRequest(clinic_id="noi", insured=True), reg)
    his.close()
    queue.close()

    out = _kiosk("his", "status", "--json", "--config", str(cfg))
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert (status["pending"], status["delivered"], status["dead"]) == (1, 1, 0)
    assert status["backend"] == "rest"

    day = delivered.ticket.day.isoformat()
    out = _kiosk("his", "export", "--date", day, "--format", "xml1", "--config", str(cfg))
    root = ET.fromstring(out.stdout.split("\n", 1)[1])
    assert root.tag == "GIAMDINHHS" and root.findtext("THONGTINHOSO/SOLUONGHOSO") == "2"
    assert root.findtext("THONGTINDONVI/MACSKCB") == "01001"
    visits = xml1_visits(out.stdout)
    assert len(visits) == 2
    assert [c.tag for c in visits[0]] == list(XML1_FIELDS)
    assert visits[0].findtext("MA_LK") == his_sim.visits[delivered.ticket.id]["ma_lk"]
    assert visits[1].findtext("MA_LK") == pending.ticket.id  # not yet in the HIS
    assert visits[0].findtext("HO_TEN") == "Nguyễn Văn An"
    out = _kiosk("his", "export", "--date", day, "--format", "json", "--config", str(cfg))
    data = json.loads(out.stdout)
    assert [r["his_state"] for r in data["registrations"]] == ["delivered", "pending"]

    out = _kiosk("his", "retry", "--config", str(cfg))
    assert out.returncode == 0 and "0 dead" in out.stdout
