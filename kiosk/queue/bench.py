"""`kiosk bench queue`: N processes issue M tickets each against a fresh database, all at once.

Prints tickets per second (all tickets / wall time from the first start to the last finish),
latency of one `issue()` (p50, p99, max), and checks the result in the database: duplicates
(same line, day and number twice) and gaps (numbers missing below the highest).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
import uuid
from typing import Any

log = logging.getLogger(__name__)


def _config(data_dir: str, dsn: str, lines: int) -> Any:
    from kiosk.config import KioskConfig

    clinics = [
        {
            "id": f"b{i}",
            "name_vi": f"Bàn {i}",
            "name_en": f"Desk {i}",
            "prefix": f"B{i}",
            "priority_line": False,
        }
        for i in range(lines)
    ]
    return KioskConfig.model_validate(
        {"data_dir": data_dir, "clinics": clinics, "storage": {"dsn": dsn, "hash_key": "bench-key"}}
    )


def _worker(
    data_dir: str, dsn: str, lines: int, count: int, index: int, barrier: Any, out: Any
) -> None:
    from kiosk.bootstrap import build_queue
    from kiosk.queue.service import TicketRequest

    service = build_queue(_config(data_dir, dsn, lines))
    requests = [
        TicketRequest(clinic_id=f"b{(index + k) % lines}", insured=False) for k in range(count)
    ]
    with service.engine.connect():
        pass  # open the pooled connection before the clock starts
    barrier.wait()
    latencies: list[float] = []
    numbers: list[tuple[str, int]] = []
    start = time.perf_counter()
    for req in requests:
        t0 = time.perf_counter()
        ticket = service.issue(req)
        latencies.append(time.perf_counter() - t0)
        numbers.append((ticket.line_id, ticket.seq))
    end = time.perf_counter()
    service.close()
    out.put((start, end, latencies, numbers))


def check_numbers(engine: Any) -> dict[str, int]:
    """Duplicates and gaps per (line, day) as stored."""
    from sqlalchemy import func, select

    from kiosk.queue.db import counters, tickets

    dup = gaps = total = 0
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                tickets.c.line_id,
                tickets.c.day,
                func.count(),
                func.count(func.distinct(tickets.c.seq)),
                func.max(tickets.c.seq),
                func.min(tickets.c.seq),
            ).group_by(tickets.c.line_id, tickets.c.day)
        ).all()
        last = {
            (r[0], r[1]): r[2]
            for r in conn.execute(select(counters.c.line_id, counters.c.day, counters.c.last_seq))
        }
    for line_id, day, n, distinct, high, _low in rows:
        total += n
        dup += n - distinct
        gaps += high - distinct  # numbers 1..high not all present (low >= 1 by construction)
        counter = last.get((line_id, day), 0)
        gaps += max(0, counter - high)  # a counter ahead of the tickets: lost numbers
    return {"duplicates": dup, "gaps": gaps, "stored": total}


def _scratch_database(dsn: str) -> str:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from kiosk.queue.db import make_engine

    name = f"kiosk_bench_{uuid.uuid4().hex[:12]}"
    engine = make_engine(dsn).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = engine.url.set(database=name)
    return make_url(url).render_as_string(hide_password=False)


def _drop_database(admin_dsn: str, scratch_dsn: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from kiosk.queue.db import make_engine

    name = make_url(scratch_dsn).database
    engine = make_engine(admin_dsn).execution_options(isolation_level="AUTOCOMMIT")
    try:
        # The bench's own engines may still be closing their sessions on a loaded machine, and
        # DROP ... WITH (FORCE) can then fail; retry for a few seconds before giving up.
        for attempt in range(10):
            try:
                with engine.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except Exception as exc:  # the numbers are already measured: say so and go on
                if attempt == 9:
                    log.warning("bench: scratch database %s not dropped: %s", name, exc)
                time.sleep(0.5)
    finally:
        engine.dispose()


def _temp_postgres() -> Any:
    """A throw-away server from the source tree's test support (not shipped: it creates the
    `postgres` system user when run as root). An installed kiosk passes --dsn instead."""
    try:
        from tests.support.pgserver import TempPostgres
    except ImportError:
        raise SystemExit(
            "kiosk: bench --backend postgres needs --dsn (a scratch database is created on that "
            "server) or a source checkout on PYTHONPATH for a temporary server"
        ) from None
    return TempPostgres()


def run_bench(
    backend: str,
    workers: int,
    tickets: int,
    dsn: str = "",
    lines: int = 1,
    data_dir: str | None = None,
) -> dict[str, Any]:
    """Runs on a fresh temporary database (never the kiosk's own); `data_dir` is ignored."""
    from kiosk.bootstrap import build_queue

    server = None
    scratch = admin_dsn = ""
    tmp = tempfile.TemporaryDirectory(prefix="kiosk-bench-")
    try:
        where = "sqlite file (WAL, synchronous=FULL)"
        if backend == "postgres":
            if not dsn:
                server = _temp_postgres()
                server.start()
                dsn = server.create_database()
                where = f"temporary PostgreSQL ({server.bindir.parent.name}), default settings"
            else:
                # never the kiosk's own tables: a scratch database on that server, dropped after
                admin_dsn = dsn
                dsn = _scratch_database(admin_dsn)
                scratch = dsn
                where = "given PostgreSQL server (scratch database)"
        else:
            dsn = ""
        config = _config(tmp.name, dsn, lines)
        service = build_queue(config)  # migrations once, before the clock
        service.close()
        # fork is fastest; Python >= 3.12 warns about forking a threaded process
        ctx: Any = mp.get_context("fork" if sys.version_info < (3, 12) else "forkserver")
        barrier = ctx.Barrier(workers)
        out = ctx.Queue()
        procs = [
            ctx.Process(target=_worker, args=(tmp.name, dsn, lines, tickets, i, barrier, out))
            for i in range(workers)
        ]
        for p in procs:
            p.start()
        results = [out.get(timeout=600) for _ in procs]
        for p in procs:
            p.join(60)
        failed = [p.exitcode for p in procs if p.exitcode != 0]
        starts = [r[0] for r in results]
        ends = [r[1] for r in results]
        lat = sorted(x * 1000 for r in results for x in r[2])
        seen = [n for r in results for n in r[3]]
        wall = max(ends) - min(starts)
        service = build_queue(config)
        checked = check_numbers(service.engine)
        service.close()
        return {
            "backend": backend,
            "database": where,
            "workers": workers,
            "tickets_per_worker": tickets,
            "lines": lines,
            "total": len(lat),
            "seconds": round(wall, 3),
            "tickets_per_s": round(len(lat) / wall, 1) if wall > 0 else None,
            "p50_ms": round(statistics.median(lat), 2),
            "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
            "max_ms": round(lat[-1], 2),
            "duplicates": checked["duplicates"] + (len(seen) - len(set(seen))),
            "gaps": checked["gaps"],
            "stored": checked["stored"],
            "worker_failures": len(failed),
        }
    finally:
        if scratch:
            _drop_database(admin_dsn, scratch)
        if server is not None:
            server.stop()
        tmp.cleanup()
