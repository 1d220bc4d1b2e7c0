"""`kiosk bench his`: the outbox on a real PostgreSQL.

1. Registrations per second: `--kiosks` processes each issue tickets with their registration
   in the outbox (`HisService.issue`, the HIS down so every hand-off falls back to the
   outbox), against the reference of the same processes doing a bare one-row INSERT.
2. Delivery lag after an outage: a simulated `--outage-s` outage on an accelerated clock
   (the outbox's clock runs SPEED times real time; backoff delays are in that clock), a
   backlog of `--backlog` registrations arriving during it, one delivery worker per kiosk;
   then the HIS simulator reopens its port and the lag from that moment to each delivery is
   measured in simulated seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SPEED = 30.0


def _config(dsn: str, data: str, url: str) -> Any:
    from kiosk.config import KioskConfig

    raw = {
        "data_dir": data,
        "storage": {"dsn": dsn, "hash_key": "bench"},
        "his": {
            "backend": "rest",
            "url": url,
            "secret": "sim-secret",
            "timeout_s": 1,
            "issue_timeout_s": 0.5,
        },
        "clinics": [
            {"id": "noi", "name_vi": "Nội", "name_en": "Internal", "room": "P1", "prefix": "N"}
        ],
    }
    return KioskConfig.model_validate(raw)


def _issue_worker(dsn: str, data: str, url: str, seconds: float, out: Any) -> None:
    from datetime import datetime

    from kiosk.his.record import build_registration
    from kiosk.his.service import HisService
    from kiosk.queue.service import QueueService, TicketRequest

    config = _config(dsn, data, url)
    queue = QueueService.from_config(config)
    his = HisService(config, queue.engine)
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        reg = build_registration(
            config=config,
            identity=None,
            eligibility=None,
            clinic_id="noi",
            priority=None,
            arrived_at=datetime.now(),
        )
        his.issue(queue, TicketRequest(clinic_id="noi", insured=False), reg)
        n += 1
    out.put(n)


def _insert_worker(dsn: str, seconds: float, out: Any) -> None:
    from sqlalchemy import text

    from kiosk.queue.db import make_engine

    engine = make_engine(dsn)
    n = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO bench_bare (id, payload) VALUES (:i, :p)"),
                {"i": str(uuid.uuid4()), "p": "x" * 600},
            )
        n += 1
    out.put(n)


def _parallel(target: Any, args: tuple[Any, ...], kiosks: int) -> int:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, out)) for _ in range(kiosks)]
    for p in procs:
        p.start()
    total = sum(out.get(timeout=600) for _ in procs)
    for p in procs:
        p.join()
    return total


def _lag(dsn: str, data: str, kiosks: int, outage_s: float, backlog: int) -> dict[str, float]:
    from sqlalchemy import select

    from kiosk.his.outbox import outbox as table
    from kiosk.his.record import Registration
    from kiosk.his.service import HisService
    from kiosk.his.simulator import HisSimulator
    from kiosk.queue.db import make_engine

    sim = HisSimulator()
    sim.start()
    sim.set_down(True)
    real0 = time.monotonic()

    def clock() -> float:
        return 1_000_000.0 + (time.monotonic() - real0) * SPEED

    config = _config(dsn, data, sim.url)
    engine = make_engine(dsn)
    services = [HisService(config, engine, clock=clock) for _ in range(kiosks)]
    for s in services:
        s.worker.settings = s.settings.outbox.model_copy(update={"poll_s": 0.05})
        s.start()
    box = services[0].outbox
    start = clock()
    for i in range(backlog):  # arrivals spread over the outage
        target = start + outage_s * i / backlog
        while clock() < target:
            time.sleep(0.001)
        reg = Registration(
            key=str(uuid.uuid4()),
            kiosk_id="bench",
            clinic_id="noi",
            ticket_number=f"N{i}",
            insured=False,
            xml1={"HO_TEN": ""},
        )
        with engine.begin() as conn:
            box.enqueue(conn, reg, "2026-12-01")
    while clock() < start + outage_s:
        time.sleep(0.01)
    back = clock()
    sim.set_down(False)
    deadline = time.monotonic() + 300
    while box.status().pending and time.monotonic() < deadline:
        time.sleep(0.05)
    for s in services:
        s.close()
    with engine.connect() as conn:
        done = [
            float(r[0])
            for r in conn.execute(select(table.c.delivered_at)).all()
            if r[0] is not None
        ]
    state = sim.state()
    sim.stop()
    lags = sorted(d - back for d in done)
    q = statistics.quantiles(lags, n=100) if len(lags) > 1 else lags * 99
    return {
        "delivered": len(done),
        "p50": q[49],
        "p99": q[98],
        "max": lags[-1],
        "his_visits": state["visits"],
        "his_deliveries": state["deliveries"],
    }


def run(args: argparse.Namespace) -> int:
    from sqlalchemy import text

    from kiosk.queue.db import make_engine

    server = None
    dsn = args.dsn
    if not dsn:
        from tests.support.pgserver import TempPostgres  # a test fixture, as `kiosk bench queue`

        server = TempPostgres()
        server.start()
    try:
        dsn = dsn or server.create_database()  # type: ignore[union-attr]
        data = tempfile.mkdtemp(prefix="kiosk-his-bench-")
        engine = make_engine(dsn)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS bench_bare (id varchar(64) primary "
                    "key, payload text)"
                )
            )
        engine.dispose()
        url = "http://127.0.0.1:9"  # nothing listens: the HIS is down, hand-offs fall back
        _config(dsn, data, url)
        from kiosk.his.service import HisService
        from kiosk.queue.service import QueueService

        warm = QueueService.from_config(_config(dsn, data, url))  # migrations once
        HisService(warm.config, warm.engine)
        warm.close()
        n = _parallel(_issue_worker, (dsn, data, url, args.seconds), args.kiosks)
        ref = _parallel(_insert_worker, (dsn, args.seconds), args.kiosks)
        rate, ref_rate = n / args.seconds, ref / args.seconds
        print(
            f"registrations through the outbox ({args.kiosks} kiosk processes, PostgreSQL, "
            f"HIS down): {rate:.0f}/s ({n} in {args.seconds:.0f} s)"
        )
        print(f"reference: bare one-row INSERT, same processes: {ref_rate:.0f}/s")
        print(f"ratio: {rate / ref_rate:.2f} of the bare INSERT rate")
        dsn2 = server.create_database() if server else dsn
        lag = _lag(dsn2, str(Path(data) / "lag"), args.kiosks, args.outage_s, args.backlog)
        print(
            f"outage {args.outage_s:.0f} s simulated (clock x{SPEED:.0f}), backlog "
            f"{args.backlog}, {args.kiosks} workers: delivered {lag['delivered']}, "
            f"HIS registered {lag['his_visits']} (requests {lag['his_deliveries']})"
        )
        print(
            f"delivery lag after the HIS came back: p50 {lag['p50'] / SPEED:.2f} s, "
            f"p99 {lag['p99'] / SPEED:.2f} s, max {lag['max'] / SPEED:.2f} s real time "
            f"(p99 {lag['p99']:.0f} s on the x{SPEED:.0f} clock; the backlog is made due at "
            "once when the HIS answers, so the lag is real delivery time)"
        )
        return 0
    finally:
        if server is not None:
            server.stop()
