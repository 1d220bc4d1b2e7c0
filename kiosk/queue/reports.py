"""What the counters, IT and `kiosk queue status` read: per-line counts and the database's
health (reachable, schema version, tickets today, a shared hash key)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from hardware.status import DeviceStatus
from kiosk.queue import db
from kiosk.queue.db import counters, tickets
from kiosk.queue.lines import clinic_lines, line_by_id
from kiosk.queue.model import TZ, LineStatus
from kiosk.queue.store import QueueStore
from kiosk.queue.waits import WaitEstimator


def line_status(
    store: QueueStore, waits: WaitEstimator, line_id: str | None = None, day: date | None = None
) -> list[LineStatus]:
    config = store.config
    day_s = (day or datetime.now(TZ).date()).isoformat()
    lines = (
        [line_by_id(config, line_id)]
        if line_id
        else [ln for c in config.clinics for ln in clinic_lines(c)]
    )
    out = []
    with store.read.connect() as conn:
        for ln in lines:
            counts: dict[str, int] = dict(
                conn.execute(
                    select(tickets.c.state, func.count())
                    .where(tickets.c.line_id == ln.id, tickets.c.day == day_s)
                    .group_by(tickets.c.state)
                ).all()
            )
            failed = conn.execute(
                select(func.count())
                .select_from(tickets)
                .where(
                    tickets.c.line_id == ln.id,
                    tickets.c.day == day_s,
                    tickets.c.print_status == "failed",
                )
            ).scalar_one()
            issued = conn.execute(
                select(counters.c.last_seq).where(
                    counters.c.line_id == ln.id, counters.c.day == day_s
                )
            ).scalar()
            current = conn.execute(
                select(tickets.c.number)
                .where(
                    tickets.c.called_by == ln.id,
                    tickets.c.day == day_s,
                    tickets.c.called_at.is_not(None),
                )
                .order_by(tickets.c.called_at.desc())
                .limit(1)
            ).scalar()
            out.append(
                LineStatus(
                    line_id=ln.id,
                    clinic_id=ln.clinic_id,
                    kind=ln.kind,
                    day=date.fromisoformat(day_s),
                    issued=int(issued or 0),
                    waiting=int(counts.get("waiting", 0)),
                    called=int(counts.get("called", 0) + counts.get("done", 0)),
                    current_number=current,
                    service_min=_measured(waits, ln.id, ln.clinic_id, day_s, conn),
                    print_failed=int(failed),
                )
            )
    return out


def _measured(
    waits: WaitEstimator, line_id: str, clinic_id: str, day: str, conn: Any
) -> float | None:
    rate = waits.rate(line_id, clinic_id, day, conn)
    return rate.service_min if rate is not None and rate.measured else None


def health(store: QueueStore, key_shared: bool) -> DeviceStatus:
    url = store.engine.url
    where = (
        f"{url.get_backend_name()} {url.host or ''}{'/' if url.host else ''}{url.database or ''}"
    )
    try:
        with db.reader(store.engine).connect() as conn:
            version = db.current_version(conn)
            today = datetime.now(TZ).date().isoformat()
            count = conn.execute(
                select(func.count()).select_from(tickets).where(tickets.c.day == today)
            ).scalar_one()
    except Exception as exc:  # report, never raise
        return DeviceStatus(
            ok=False,
            summary=f"queue database unreachable ({where.strip()})",
            fix="check storage.dsn, the database server and the network",
            details={"error": type(exc).__name__},
        )
    ok = version == db.SCHEMA_VERSION
    fix = "" if ok else "schema version mismatch: update every kiosk to the same version"
    details = {"backend": url.get_backend_name(), "schema": str(version), "today": str(count)}
    if store.postgres and not key_shared:
        # kiosks sharing a database must share the key, or reprints are not recognised
        details["hash_key"] = "per kiosk"
        fix = fix or "set the same storage.hash_key on every kiosk sharing this database"
    return DeviceStatus(
        ok=ok,
        summary=f"queue database {where.strip()}, schema {version}, {count} tickets today",
        fix=fix,
        details=details,
    )
