"""What the kiosk stores about people, where, for how long; the purge that enforces it.

One table of stored personal fields (`FIELDS`): each says its table and columns, how its age
is read and how it is erased. `report()` counts rows, finds the oldest and says until when it
is kept; `purge()` erases what is past its limit. Run at kiosk start, daily by the kiosk and the
staff server, and by `kiosk privacy purge`. Written by hand: the limits come from several
sections of the configuration and the tables of several packages (queue, HIS outbox, payment,
the staff server's audit log, which `kiosk` reads by name since it must not import `web`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, column, delete, func, inspect, select, table, update

from kiosk.queue.model import TZ, iso

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

CLOSED_BILLS = ("paid", "overpaid", "refunded", "cancelled")
ACCESS_ACTIONS = ("registration_viewed",)

# The staff server's audit table (web/auth.py), read by name.
web_audit = table(
    "web_audit",
    column("id"),
    column("at"),
    column("actor"),
    column("action"),
    column("ticket_id"),
    column("number"),
    column("detail"),
)


@dataclass
class StoredField:
    """One kind of stored personal data, as `kiosk privacy report` lists it."""

    name: str
    table: str
    columns: list[str]
    present: bool = False  # the table exists in this database
    rows: int = 0
    oldest: str | None = None  # ISO time (or day) of the oldest row holding the data
    kept: str = ""  # the policy, in words, with its configuration key
    until: str | None = None  # when the oldest row is erased
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def registration_hours(config: KioskConfig) -> float | None:
    """The shorter of queue.registration_retention_h and privacy.retention.registrations_h."""
    hours = [
        h
        for h in (config.queue.registration_retention_h, config.privacy.retention.registrations_h)
        if h is not None
    ]
    return min(hours) if hours else None


def outbox_days(config: KioskConfig) -> int:
    days = [config.his.outbox.keep_days, config.privacy.retention.his_outbox_days]
    return min(d for d in days if d is not None)


def _has(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)


def _one(engine: Engine, query: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(query).first()


def report(engine: Engine, config: KioskConfig, now: datetime | None = None) -> list[StoredField]:
    """Every stored personal field: table, columns, rows, oldest, until when."""
    from kiosk.his.outbox import outbox
    from kiosk.payment.store import bills
    from kiosk.privacy.store import consents
    from kiosk.queue.db import registrations, tickets

    now = now or datetime.now(UTC)
    out: list[StoredField] = []
    retention = config.privacy.retention

    reg = StoredField(
        "queue registrations",
        "queue_registrations",
        ["name", "birth_date", "gender", "citizen_id", "booking_code", "staff_note"],
    )
    hours = registration_hours(config)
    reg.kept = (
        f"{hours:g} h after the ticket (queue.registration_retention_h / "
        "privacy.retention.registrations_h)"
        if hours is not None
        else "until the end of the local day (queue.registration_retention_h empty)"
    )
    if _has(engine, reg.table):
        reg.present = True
        row = _one(
            engine,
            select(
                func.count(), func.min(tickets.c.issued_at), func.min(registrations.c.purge_after)
            ).select_from(
                registrations.outerjoin(tickets, tickets.c.id == registrations.c.ticket_id)
            ),
        )
        reg.rows, reg.oldest, reg.until = int(row[0]), row[1], row[2]
        if hours is not None and reg.oldest:
            by_age = iso(datetime.fromisoformat(reg.oldest) + timedelta(hours=hours))
            reg.until = min(x for x in (reg.until, by_age) if x)
    out.append(reg)

    key = StoredField(
        "queue patient keys",
        "queue_tickets",
        ["patient_key (keyed hash of the citizen ID)"],
        kept="cleared when the ticket is done, and after its day",
    )
    if _has(engine, key.table):
        key.present = True
        row = _one(
            engine,
            select(func.count(), func.min(tickets.c.day)).where(tickets.c.patient_key.is_not(None)),
        )
        key.rows, key.oldest = int(row[0]), row[1]
        if key.oldest:
            key.until = (datetime.fromisoformat(key.oldest) + timedelta(days=1)).date().isoformat()
    out.append(key)

    box = StoredField(
        "HIS outbox",
        "his_outbox",
        ["payload (the registration sent to the HIS: name, birth date, ID, card number)"],
    )
    days = outbox_days(config)
    box.kept = (
        f"{days} days after delivery (his.outbox.keep_days / privacy.retention.his_outbox_days); "
        "undelivered rows are kept until delivered (kiosk his status / retry)"
    )
    if _has(engine, box.table):
        box.present = True
        row = _one(
            engine,
            select(func.count(), func.min(outbox.c.created_at)).where(
                outbox.c.payload.is_not(None)
            ),
        )
        box.rows = int(row[0])
        box.oldest = _epoch(row[1])
        delivered = _one(
            engine,
            select(func.min(outbox.c.delivered_at)).where(
                outbox.c.payload.is_not(None), outbox.c.state == "delivered"
            ),
        )
        box.until = _epoch(delivered[0] + days * 86400) if delivered[0] is not None else None
        undelivered = _one(
            engine,
            select(func.count()).where(
                outbox.c.payload.is_not(None), outbox.c.state != "delivered"
            ),
        )
        box.extra["undelivered"] = int(undelivered[0])
    out.append(box)

    audit = StoredField(
        "staff access log",
        "web_audit",
        ["actor (staff account)", "at", "action", "ticket_id", "number"],
        kept=f"{retention.audit_days} days (privacy.retention.audit_days)",
    )
    if _has(engine, audit.table):
        audit.present = True
        row = _one(engine, select(func.count(), func.min(web_audit.c.at)))
        audit.rows, audit.oldest = int(row[0]), row[1]
        if audit.oldest:
            audit.until = iso(
                datetime.fromisoformat(audit.oldest) + timedelta(days=retention.audit_days)
            )
        audit.extra["registration_views"] = access_summary(engine, now)
    out.append(audit)

    pay = StoredField(
        "payment records",
        "payment_bills, payment_transactions, payment_events",
        ["reference (ticket / visit)", "amounts", "bank transaction ids"],
        kept=f"{retention.payment_days} days after a bill is closed "
        "(privacy.retention.payment_days); open bills are kept",
    )
    if _has(engine, "payment_bills"):
        pay.present = True
        row = _one(engine, select(func.count(), func.min(bills.c.created_at)))
        pay.rows, pay.oldest = int(row[0]), row[1]
        closed = _one(
            engine, select(func.min(bills.c.updated_at)).where(bills.c.state.in_(CLOSED_BILLS))
        )
        if closed[0]:
            pay.until = (
                datetime.fromisoformat(closed[0]) + timedelta(days=retention.payment_days)
            ).isoformat(timespec="seconds")
    out.append(pay)

    cons = StoredField(
        "notice answers",
        "privacy_consents",
        ["day", "notice_version", "mode", "answer (no person, no time of day)"],
        kept=f"{retention.consent_days} days (privacy.retention.consent_days)",
    )
    if _has(engine, cons.table):
        cons.present = True
        row = _one(engine, select(func.count(), func.min(consents.c.day)))
        cons.rows, cons.oldest = int(row[0]), row[1]
        if cons.oldest:
            cons.until = (
                (datetime.fromisoformat(cons.oldest) + timedelta(days=retention.consent_days))
                .date()
                .isoformat()
            )
    out.append(cons)

    out.append(
        StoredField(
            "chip photo",
            "(none: memory only)",
            ["face image of the chip (DG2)"],
            present=False,
            kept="never stored or logged; dropped with the session (cancel, timeout, ticket)",
        )
    )
    return out


def _epoch(value: float | None) -> str | None:
    return None if value is None else iso(datetime.fromtimestamp(float(value), UTC))


def access_summary(engine: Engine, now: datetime, days: int = 30) -> dict[str, Any]:
    """Views of registrations (personal data) by staff over the last `days` days."""
    since = (now - timedelta(days=days)).astimezone(UTC).isoformat()
    where = [web_audit.c.action.in_(ACCESS_ACTIONS), web_audit.c.at >= since]
    with engine.connect() as conn:
        per_actor = conn.execute(
            select(web_audit.c.actor, func.count(), func.max(web_audit.c.at))
            .where(*where)
            .group_by(web_audit.c.actor)
            .order_by(func.count().desc())
        ).all()
    return {
        "days": days,
        "views": sum(int(r[1]) for r in per_actor),
        "by_staff": [{"actor": r[0], "views": int(r[1]), "last": r[2]} for r in per_actor],
    }


def recent_views(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """The latest registration views: who, when, which ticket (no patient identifier)."""
    if not _has(engine, "web_audit"):
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(web_audit.c.at, web_audit.c.actor, web_audit.c.number, web_audit.c.detail)
            .where(web_audit.c.action.in_(ACCESS_ACTIONS))
            .order_by(web_audit.c.id.desc())
            .limit(limit)
        ).all()
    return [{"at": r[0], "actor": r[1], "ticket": r[2], "detail": r[3]} for r in rows]


def purge(
    engine: Engine,
    config: KioskConfig,
    now: datetime | None = None,
) -> dict[str, int]:
    """Erases every stored personal field past its limit; returns rows erased per field."""
    from kiosk.his.outbox import outbox
    from kiosk.payment.store import bills, events, transactions
    from kiosk.privacy.store import consents
    from kiosk.queue.db import registrations, tickets

    now = now or datetime.now(UTC)
    retention = config.privacy.retention
    done: dict[str, int] = {}
    present = set(inspect(engine).get_table_names())  # before the write transaction (SQLite)
    with engine.begin() as conn:
        if "queue_registrations" in present:
            n = conn.execute(
                delete(registrations).where(registrations.c.purge_after <= iso(now))
            ).rowcount
            hours = registration_hours(config)
            if hours is not None:
                old = select(tickets.c.id).where(
                    tickets.c.issued_at < iso(now - timedelta(hours=hours))
                )
                n += conn.execute(
                    delete(registrations).where(registrations.c.ticket_id.in_(old))
                ).rowcount
            done["queue registrations"] = int(n or 0)
        if "queue_tickets" in present:
            today = now.astimezone(TZ).date().isoformat()
            done["queue patient keys"] = int(
                conn.execute(
                    update(tickets)
                    .where(tickets.c.day < today, tickets.c.patient_key.is_not(None))
                    .values(patient_key=None)
                ).rowcount
                or 0
            )
        if "his_outbox" in present:
            limit = now.timestamp() - outbox_days(config) * 86400
            done["HIS outbox"] = int(
                conn.execute(
                    update(outbox)
                    .where(
                        outbox.c.state == "delivered",
                        outbox.c.delivered_at < limit,
                        outbox.c.payload.is_not(None),
                    )
                    .values(payload=None)
                ).rowcount
                or 0
            )
        if "web_audit" in present:
            cutoff = (now - timedelta(days=retention.audit_days)).astimezone(UTC).isoformat()
            done["staff access log"] = int(
                conn.execute(delete(web_audit).where(web_audit.c.at < cutoff)).rowcount or 0
            )
        if "payment_bills" in present:
            cutoff = (
                (now - timedelta(days=retention.payment_days))
                .astimezone(TZ)
                .isoformat(timespec="seconds")
            )
            old_bills = select(bills.c.bill_number).where(
                bills.c.state.in_(CLOSED_BILLS), bills.c.updated_at < cutoff
            )
            conn.execute(delete(transactions).where(transactions.c.bill_number.in_(old_bills)))
            conn.execute(delete(events).where(events.c.bill_number.in_(old_bills)))
            done["payment records"] = int(
                conn.execute(
                    delete(bills).where(
                        bills.c.state.in_(CLOSED_BILLS), bills.c.updated_at < cutoff
                    )
                ).rowcount
                or 0
            )
        if "privacy_consents" in present:
            cutoff_day = (now - timedelta(days=retention.consent_days)).astimezone(TZ).date()
            done["notice answers"] = int(
                conn.execute(
                    delete(consents).where(consents.c.day < cutoff_day.isoformat())
                ).rowcount
                or 0
            )
    log.info(
        "privacy purge: %s", ", ".join(f"{k} {v}" for k, v in done.items() if v) or "nothing due"
    )
    return done
