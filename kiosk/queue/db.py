"""The queue's tables (SQLAlchemy Core) and versioned migrations, one code path for SQLite
and PostgreSQL.

Migrations are ordered functions; `schema_version` holds the number applied last. Each runs in
its own transaction together with the version bump, so a crash leaves the schema at a known
version. Several kiosks starting together against PostgreSQL serialise on an advisory lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    text,
)

metadata = MetaData()

schema_version = Table(
    "queue_schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

counters = Table(
    "queue_counters",
    metadata,
    Column("line_id", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),  # local date YYYY-MM-DD (Asia/Ho_Chi_Minh)
    Column("last_seq", Integer, nullable=False),
)

tickets = Table(
    "queue_tickets",
    metadata,
    Column("id", String(36), primary_key=True),  # uuid4
    Column("line_id", String(64), nullable=False),
    Column("clinic_id", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("number", String(32), nullable=False),
    Column("issued_at", String(32), nullable=False),  # ISO 8601 UTC, sortable
    Column("priority", String(64)),
    Column("insured", Boolean, nullable=False),
    Column("insurance_verified", Boolean, nullable=False),
    Column("staff_note", Text, nullable=False, default=""),
    Column("language", String(8), nullable=False, default="vi"),
    Column("kiosk_id", String(64), nullable=False, default=""),
    Column("patient_key", String(64)),  # HMAC-SHA256 of the citizen ID; cleared after the day
    Column("state", String(16), nullable=False, default="waiting"),  # waiting/called/done
    Column("called_at", String(32)),
    Column("called_by", String(64)),  # the line whose counter called it
    Column("counter_id", String(32)),  # which counter of that line (schema 2)
    Column("done_at", String(32)),
    Column("print_status", String(16), nullable=False, default="pending"),
    Column("print_attempts", Integer, nullable=False, default=0),
    Column("print_error", Text, nullable=False, default=""),
    Column("printed_at", String(32)),
    UniqueConstraint("line_id", "day", "seq", name="uq_queue_tickets_line_day_seq"),
    UniqueConstraint("clinic_id", "day", "patient_key", name="uq_queue_tickets_patient"),
)
Index("ix_queue_tickets_line_day_state", tickets.c.line_id, tickets.c.day, tickets.c.state)
Index("ix_queue_tickets_called_by", tickets.c.called_by, tickets.c.called_at)


def _m1_initial(conn: Connection) -> None:
    metadata.create_all(conn, tables=[counters, tickets])


def _m2_counter_id(conn: Connection) -> None:
    """Several counters may serve one line: remember which one called a ticket."""
    columns = {c["name"] for c in inspect(conn).get_columns("queue_tickets")}
    if "counter_id" not in columns:  # absent in databases created at schema 1
        conn.execute(text("ALTER TABLE queue_tickets ADD COLUMN counter_id VARCHAR(32)"))


# append only; never edit a released migration
MIGRATIONS: list[Callable[[Connection], None]] = [_m1_initial, _m2_counter_id]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    row = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).first()
    return int(row[0]) if row else 0


def migrate(engine: Engine) -> int:
    """Brings the schema to SCHEMA_VERSION; returns the version."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
        metadata.create_all(conn, tables=[schema_version])
        version = current_version(conn)
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"queue database schema {version} is newer than this program ({SCHEMA_VERSION})"
            )
        if version == 0:
            conn.execute(schema_version.insert().values(id=1, version=0))
    # one transaction per migration
    while version < SCHEMA_VERSION:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
            version = current_version(conn)
            if version >= SCHEMA_VERSION:
                break
            MIGRATIONS[version](conn)
            version += 1
            conn.execute(
                schema_version.update().where(schema_version.c.id == 1).values(version=version)
            )
    return version


def make_engine(url: str, busy_timeout_s: float = 30.0) -> Engine:
    """An engine for SQLite (WAL, BEGIN IMMEDIATE, full sync) or PostgreSQL (psycopg 3)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # writers take the write lock at the start (no deadlock between readers
            # upgrading); connections from `reader(engine)` begin deferred and never block
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # no pre-ping (one round trip per use): a dropped connection raises OperationalError, is
    # discarded by the pool, and QueueService.issue retries on a fresh one
    return create_engine(
        url,
        connect_args={"connect_timeout": max(1, int(busy_timeout_s))},
    )


def reader(engine: Engine) -> Engine:
    """The same engine for read-only work (SQLite: a deferred transaction)."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{os.fspath(path)}"
