"""The registration record kept with a ticket for the counter (name, birth date, gender, the
full ID, the insurance outcome and staff note, the booking code, the priority and whether it
must be confirmed). Written in the ticket's transaction; purged after the configured retention
(`queue.registration_retention_h`, default: the end of the local day). Only the counter page
reads it (the web app checks the role and writes the audit log)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, select

from kiosk.queue.db import registrations
from kiosk.queue.model import TZ, Registration, iso
from kiosk.queue.store import QueueStore

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def purge_after(config: KioskConfig, now: datetime) -> datetime:
    hours = getattr(getattr(config, "queue", None), "registration_retention_h", None)
    if hours is not None:
        return now + timedelta(hours=hours)
    local = now.astimezone(TZ)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), TZ)


def insert(
    conn: Connection, config: KioskConfig, ticket_id: str, reg: Registration, now: datetime
) -> None:
    values = asdict(reg)
    values["name"] = values["name"][:200]
    values["staff_note"] = values["staff_note"][:500]
    values["insurance_outcome"] = values["insurance_outcome"][:200]
    conn.execute(
        registrations.insert().values(
            ticket_id=ticket_id, purge_after=iso(purge_after(config, now)), **values
        )
    )


def get(store: QueueStore, ticket_id: str, now: datetime | None = None) -> Registration | None:
    """The record, or None (none was given, or it was purged / is past its retention)."""
    now = now or datetime.now(TZ)
    with store.read.connect() as conn:
        row = conn.execute(
            select(registrations).where(
                registrations.c.ticket_id == ticket_id, registrations.c.purge_after > iso(now)
            )
        ).first()
    if row is None:
        return None
    data = dict(row._mapping)
    data.pop("ticket_id")
    data.pop("purge_after")
    data["priority_to_confirm"] = bool(data["priority_to_confirm"])
    return Registration(**data)


def purge(store: QueueStore, now: datetime | None = None) -> int:
    now = now or datetime.now(TZ)
    with store.writer_lock(), store.engine.begin() as conn:
        res = conn.execute(delete(registrations).where(registrations.c.purge_after <= iso(now)))
    return int(res.rowcount or 0)
