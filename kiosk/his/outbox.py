"""The HIS outbox: one row per registration, written in the ticket's own transaction.

States: `pending` (waiting for a try, `next_at` says when), `delivered` (the HIS answered; its
MA_LK, number and room are kept), `dead` (failed `max_attempts` times or refused as invalid;
`retry()` puts it back). A worker claims due rows by a compare-and-set on `claim` (a random
token) with a lease: a worker killed mid-delivery loses its lease and another (or the restarted
one) delivers again with the same idempotency key (the row id = the ticket id), which the HIS
uses to answer the second delivery with the first one's result. So delivery is at least once
from the kiosk, exactly once as the HIS sees it.

Times are seconds since the epoch from an injectable clock (tests and the outage bench run the
backoff on a fake clock). Tables live in the queue's database (same engine: the same
transaction as the ticket) with their own schema version.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.his.record import Registration

metadata = MetaData()

outbox_version = Table(
    "his_schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

outbox = Table(
    "his_outbox",
    metadata,
    Column("id", String(64), primary_key=True),  # idempotency key (the ticket id)
    Column("day", String(10), nullable=False),  # local day of the visit
    Column("kiosk_id", String(64), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("state", String(16), nullable=False),  # pending / delivered / dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),
    Column("claim", String(32)),
    Column("claimed_until", Float),
    Column("last_error", Text, nullable=False, default=""),  # no patient data, ever
    Column("delivered_at", Float),
    Column("payload", Text),  # the registration JSON; erased after keep_days
    Column("ma_lk", String(100)),
    Column("his_number", String(32)),
    Column("his_room", String(100)),
)
Index("ix_his_outbox_state_next", outbox.c.state, outbox.c.next_at)
Index("ix_his_outbox_day", outbox.c.day)
SCHEMA_VERSION = 1
_LOCK = 727015


def migrate(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
        metadata.create_all(conn)
        row = conn.execute(select(outbox_version.c.version)).first()
        if row is None:
            conn.execute(outbox_version.insert().values(id=1, version=SCHEMA_VERSION))
        elif int(row[0]) > SCHEMA_VERSION:
            raise RuntimeError(f"HIS outbox schema {row[0]} is newer than this program")


@dataclass(frozen=True)
class OutboxRow:
    id: str
    attempts: int
    claim: str
    registration: Registration


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    delivered: int
    dead: int
    oldest_pending_age_s: float | None
    last_error: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "delivered": self.delivered,
            "dead": self.dead,
            "oldest_pending_age_s": None
            if self.oldest_pending_age_s is None
            else round(self.oldest_pending_age_s, 1),
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class Delivery:
    """What the HIS answered for one registration."""

    ma_lk: str
    number: str = ""  # the HIS's queue number (numbering = "his")
    room: str = ""


class Outbox:
    def __init__(
        self, engine: Engine, settings: Any, clock: Callable[[], float] | None = None
    ) -> None:
        import time

        self.engine = engine
        self.settings = settings
        self.clock = clock or time.time
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._migrated = False
        self._ready()

    def _ready(self) -> None:
        """Creates the tables on first use (a database down at start-up is tried again at the
        next call, so the kiosk starts without it)."""
        if not self._migrated:
            try:
                migrate(self.engine)
            except Exception:
                if not hasattr(self, "_warned"):
                    self._warned = True
                    import logging

                    logging.getLogger(__name__).warning("HIS outbox tables not ready yet")
                return
            self._migrated = True

    # -- writing (inside the ticket's transaction) -------------------------------------------

    def enqueue(self, conn: Connection, reg: Registration, day: str) -> None:
        """Adds the registration in the caller's transaction; a second enqueue of the same key
        (the same ticket issued again) changes nothing."""
        if not self._migrated:  # not another connection: the caller's holds the write lock
            metadata.create_all(conn, tables=[outbox])
        now = self.clock()
        stmt = (
            self._insert(outbox)
            .values(
                id=reg.key,
                day=day,
                kiosk_id=reg.kiosk_id,
                created_at=now,
                state="pending",
                attempts=0,
                next_at=now,
                last_error="",
                payload=json.dumps(reg.as_dict(), ensure_ascii=False),
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
        conn.execute(stmt)

    # -- the worker's side --------------------------------------------------------------------

    def claim_due(self, limit: int | None = None, key: str | None = None) -> list[OutboxRow]:
        """Claims up to `limit` due pending rows (or the one row `key`, due or not)."""
        self._ready()
        now = self.clock()
        lease = now + self.settings.lease_s
        free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
        where = [outbox.c.state == "pending", free]
        where.append(outbox.c.id == key if key else outbox.c.next_at <= now)
        if self.engine.dialect.name == "postgresql":
            return self._claim_pg(where, limit or self.settings.batch, lease)
        with self.engine.connect() as conn:
            ids = (
                conn.execute(
                    select(outbox.c.id)
                    .where(and_(*where))
                    .order_by(outbox.c.next_at, outbox.c.created_at)
                    .limit(limit or self.settings.batch)
                )
                .scalars()
                .all()
            )
            conn.rollback()
        rows: list[OutboxRow] = []
        for row_id in ids:
            token = secrets.token_hex(8)
            with self.engine.begin() as conn:
                res = conn.execute(
                    update(outbox)
                    .where(and_(outbox.c.id == row_id, outbox.c.state == "pending", free))
                    .values(claim=token, claimed_until=lease)
                )
                if res.rowcount != 1:
                    continue  # another worker won it
                got = conn.execute(
                    select(outbox.c.attempts, outbox.c.payload).where(outbox.c.id == row_id)
                ).one()
            rows.append(
                OutboxRow(row_id, int(got[0]), token, Registration.from_dict(json.loads(got[1])))
            )
        return rows

    def _claim_pg(self, where: list[Any], limit: int, lease: float) -> list[OutboxRow]:
        """PostgreSQL: one statement; rows another worker is claiming are skipped, not
        fought over (`FOR UPDATE SKIP LOCKED`)."""
        token = secrets.token_hex(8)
        pick = (
            select(outbox.c.id)
            .where(and_(*where))
            .order_by(outbox.c.next_at, outbox.c.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        with self.engine.begin() as conn:
            got = conn.execute(
                update(outbox)
                .where(outbox.c.id.in_(pick))
                .values(claim=token, claimed_until=lease)
                .returning(outbox.c.id, outbox.c.attempts, outbox.c.payload, outbox.c.next_at)
            ).all()
        return [
            OutboxRow(r[0], int(r[1]), token, Registration.from_dict(json.loads(r[2])))
            for r in sorted(got, key=lambda r: float(r[3]))
        ]

    def delivered(self, row: OutboxRow, answer: Delivery) -> bool:
        with self.engine.begin() as conn:
            res = conn.execute(
                update(outbox)
                .where(and_(outbox.c.id == row.id, outbox.c.claim == row.claim))
                .values(
                    state="delivered",
                    delivered_at=self.clock(),
                    attempts=outbox.c.attempts + 1,
                    claim=None,
                    claimed_until=None,
                    last_error="",
                    ma_lk=answer.ma_lk[:100],
                    his_number=answer.number[:32],
                    his_room=answer.room[:100],
                )
            )
        return res.rowcount == 1

    def failed(self, row: OutboxRow, error: str, permanent: bool = False) -> str:
        """Records a failed try; returns the new state (`pending` with a backoff, or `dead`)."""
        s = self.settings
        attempts = row.attempts + 1
        dead = permanent or attempts >= s.max_attempts
        delay = min(s.backoff_max_s, s.backoff_base_s * (2 ** min(attempts - 1, 30)))
        delay *= 0.8 + 0.4 * secrets.randbelow(1000) / 1000  # jitter: kiosks do not stampede
        with self.engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(and_(outbox.c.id == row.id, outbox.c.claim == row.claim))
                .values(
                    state="dead" if dead else "pending",
                    attempts=attempts,
                    next_at=self.clock() + delay,
                    claim=None,
                    claimed_until=None,
                    last_error=error[:300],
                )
            )
        return "dead" if dead else "pending"

    def due_now(self) -> int:
        """Makes every pending row due at once (the HIS is back: no waiting out backoffs)."""
        self._ready()
        with self.engine.begin() as conn:
            res = conn.execute(
                update(outbox)
                .where(outbox.c.state == "pending", outbox.c.next_at > self.clock())
                .values(next_at=self.clock())
            )
        return int(res.rowcount)

    def release(self, row: OutboxRow) -> None:
        """Gives a claimed row back untried (the worker is stopping)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(and_(outbox.c.id == row.id, outbox.c.claim == row.claim))
                .values(claim=None, claimed_until=None)
            )

    # -- what IT and staff see ---------------------------------------------------------------

    def status(self) -> OutboxStatus:
        self._ready()
        now = self.clock()
        with self.engine.connect() as conn:
            counts: dict[str, int] = dict(
                conn.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all()
            )
            oldest = conn.execute(
                select(func.min(outbox.c.created_at)).where(outbox.c.state == "pending")
            ).scalar()
            err = conn.execute(
                select(outbox.c.last_error)
                .where(outbox.c.state != "delivered", outbox.c.last_error != "")
                .order_by(outbox.c.next_at.desc())
                .limit(1)
            ).scalar()
        return OutboxStatus(
            pending=int(counts.get("pending", 0)),
            delivered=int(counts.get("delivered", 0)),
            dead=int(counts.get("dead", 0)),
            oldest_pending_age_s=None if oldest is None else max(0.0, now - float(oldest)),
            last_error=err or "",
        )

    def state_of(self, key: str) -> dict[str, Any] | None:
        """One registration's hand-off state (for the staff page: "not yet in the HIS")."""
        self._ready()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    outbox.c.state,
                    outbox.c.attempts,
                    outbox.c.ma_lk,
                    outbox.c.his_number,
                    outbox.c.his_room,
                ).where(outbox.c.id == key)
            ).first()
        if row is None:
            return None
        return {
            "state": row[0],
            "attempts": int(row[1]),
            "ma_lk": row[2] or "",
            "his_number": row[3] or "",
            "his_room": row[4] or "",
        }

    def retry_dead(self) -> int:
        """Puts every dead letter back in the queue with a fresh attempt budget."""
        self._ready()
        with self.engine.begin() as conn:
            res = conn.execute(
                update(outbox)
                .where(outbox.c.state == "dead")
                .values(
                    state="pending",
                    attempts=0,
                    next_at=self.clock(),
                    claim=None,
                    claimed_until=None,
                )
            )
        return int(res.rowcount)

    def day_rows(self, day: str) -> list[tuple[Registration, dict[str, Any]]]:
        """The day's registrations (with payload) and their hand-off state, by arrival."""
        self._ready()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(outbox.c.payload, outbox.c.state, outbox.c.ma_lk)
                .where(outbox.c.day == day, outbox.c.payload.is_not(None))
                .order_by(outbox.c.created_at, outbox.c.id)
            ).all()
        return [
            (Registration.from_dict(json.loads(r[0])), {"state": r[1], "ma_lk": r[2] or ""})
            for r in rows
        ]

    def purge(self) -> int:
        """Erases the patient data of registrations delivered more than keep_days ago."""
        self._ready()
        limit = self.clock() - self.settings.keep_days * 86400
        with self.engine.begin() as conn:
            res = conn.execute(
                update(outbox)
                .where(
                    outbox.c.state == "delivered",
                    outbox.c.delivered_at < limit,
                    outbox.c.payload.is_not(None),
                )
                .values(payload=None)
            )
        return int(res.rowcount)
