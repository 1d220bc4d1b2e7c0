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
from sqlalchemy.dialects import postgresql, sqlite

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

# schema 3: the hospital side (registration, counters, call log, status tokens, key check)
_TICKET_COLUMNS_3: list[Column[Any]] = [
    # the line the ticket waits on now (its printed line unless transferred)
    Column("queue_line", String(64)),
    Column("position", Integer),  # order on queue_line: seq * 1000, later for a requeue
    Column("token", String(32)),  # unguessable, for the phone status page
    Column("target_counter", String(32)),  # transferred to one counter
    Column("recalls", Integer, nullable=False, server_default="0"),
    Column("skips", Integer, nullable=False, server_default="0"),
    Column("void_reason", String(32)),  # state "void": never called
]
for _col in _TICKET_COLUMNS_3:
    tickets.append_column(_col)
# schema 4: appointments and rooms
_TICKET_COLUMNS_4: list[Column[Any]] = [
    # 0: served before the line's walk-ins (an appointment holder checked in within the
    # window, a ticket transferred to the front); 1: everyone else. Calls go by (tier, position)
    Column("tier", Integer, nullable=False, server_default="1"),
    Column("room", String(32)),  # the room printed: the HIS's answer or the clinic's room
    Column("appointment_at", String(32)),  # ISO UTC of the booked time, if any
]
for _col in _TICKET_COLUMNS_4:
    tickets.append_column(_col)
Index("ix_queue_tickets_token", tickets.c.token, unique=True)
Index("ix_queue_tickets_queue", tickets.c.queue_line, tickets.c.day, tickets.c.state)

registrations = Table(
    "queue_registrations",
    metadata,
    Column("ticket_id", String(36), primary_key=True),
    Column("name", Text, nullable=False, default=""),
    Column("birth_date", String(10)),  # YYYY-MM-DD, or YYYY when only the year is known
    Column("gender", String(16)),
    Column("citizen_id", String(16)),
    Column("insurance_outcome", Text, nullable=False, default=""),
    Column("staff_note", Text, nullable=False, default=""),
    Column("booking_code", String(64)),
    Column("priority", String(64)),
    Column("priority_to_confirm", Boolean, nullable=False, default=False),
    Column("purge_after", String(32), nullable=False),  # ISO UTC
)
Index("ix_queue_registrations_purge", registrations.c.purge_after)

desks = Table(  # the counters that call tickets ("queue_counters" holds the sequences)
    "queue_desks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("lines", Text, nullable=False, default=""),  # line ids, comma-separated
    Column("is_open", Boolean, nullable=False, default=True),
    Column("updated_at", String(32), nullable=False),
)

calls = Table(  # the call log boards read
    "queue_calls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", String(10), nullable=False),
    Column("ticket_id", String(36), nullable=False),
    Column("number", String(32), nullable=False),
    Column("line_id", String(64), nullable=False),
    Column("counter_id", String(32), nullable=False),
    Column("counter_name", String(64), nullable=False, default=""),
    Column("priority", Boolean, nullable=False),
    Column("called_at", String(32), nullable=False),
    Column("recall", Integer, nullable=False, default=0),  # 0: first call, n: n-th recall
)
Index("ix_queue_calls_day", calls.c.day, calls.c.id)
Index("ix_queue_calls_counter", calls.c.counter_id, calls.c.called_at)

kiosk_keys = Table(  # which hash key each kiosk uses (a fingerprint, not the key)
    "queue_kiosk_keys",
    metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("fingerprint", String(16), nullable=False),
    Column("seen_at", String(32), nullable=False),
)


def _m1_initial(conn: Connection) -> None:
    # schema 1's ticket table: later columns are added by their migrations
    later = {c.name for c in _TICKET_COLUMNS_3 + _TICKET_COLUMNS_4} | {"counter_id"}
    v1 = Table(
        "queue_tickets",
        MetaData(),
        *[c._copy() for c in tickets.columns if c.name not in later],
        UniqueConstraint("line_id", "day", "seq", name="uq_queue_tickets_line_day_seq"),
        UniqueConstraint("clinic_id", "day", "patient_key", name="uq_queue_tickets_patient"),
    )
    Index("ix_queue_tickets_line_day_state", v1.c.line_id, v1.c.day, v1.c.state)
    Index("ix_queue_tickets_called_by", v1.c.called_by, v1.c.called_at)
    metadata.create_all(conn, tables=[counters])
    v1.create(conn, checkfirst=True)


def _m2_counter_id(conn: Connection) -> None:
    """Several counters may serve one line: remember which one called a ticket."""
    columns = {c["name"] for c in inspect(conn).get_columns("queue_tickets")}
    if "counter_id" not in columns:  # absent in databases created at schema 1
        conn.execute(text("ALTER TABLE queue_tickets ADD COLUMN counter_id VARCHAR(32)"))


def _m3_hospital_side(conn: Connection) -> None:
    """Registration records, counters (desks), the call log, status tokens, key fingerprints;
    ticket columns for transfers, requeues, recalls and voids."""
    columns = {c["name"] for c in inspect(conn).get_columns("queue_tickets")}
    ddl = {
        "queue_line": "VARCHAR(64)",
        "position": "INTEGER",
        "token": "VARCHAR(32)",
        "target_counter": "VARCHAR(32)",
        "recalls": "INTEGER NOT NULL DEFAULT 0",
        "skips": "INTEGER NOT NULL DEFAULT 0",
        "void_reason": "VARCHAR(32)",
    }
    for name, kind in ddl.items():
        if name not in columns:
            conn.execute(text(f"ALTER TABLE queue_tickets ADD COLUMN {name} {kind}"))
    conn.execute(
        text(
            "UPDATE queue_tickets SET queue_line = line_id, position = seq * 1000 "
            "WHERE queue_line IS NULL"
        )
    )
    for index in tickets.indexes:
        if index.name in ("ix_queue_tickets_token", "ix_queue_tickets_queue"):
            index.create(conn, checkfirst=True)
    metadata.create_all(conn, tables=[registrations, desks, calls, kiosk_keys])


def _m4_appointments(conn: Connection) -> None:
    """Appointment holders before walk-ins (tier), the room and the booked time per ticket."""
    columns = {c["name"] for c in inspect(conn).get_columns("queue_tickets")}
    ddl = {
        "tier": "INTEGER NOT NULL DEFAULT 1",
        "room": "VARCHAR(32)",
        "appointment_at": "VARCHAR(32)",
    }
    for name, kind in ddl.items():
        if name not in columns:
            conn.execute(text(f"ALTER TABLE queue_tickets ADD COLUMN {name} {kind}"))


# append only; never edit a released migration
MIGRATIONS: list[Callable[[Connection], None]] = [
    _m1_initial,
    _m2_counter_id,
    _m3_hospital_side,
    _m4_appointments,
]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    row = conn.execute(select(schema_version.c.version).where(schema_version.c.id == 1)).first()
    return int(row[0]) if row else 0


def migrate(engine: Engine) -> int:
    """Brings the schema to SCHEMA_VERSION; returns the version.

    Race-free for many processes starting together on a fresh database: on PostgreSQL every
    step runs under a transaction-level advisory lock taken before anything is read (kiosks
    queue on it), on SQLite under the write lock (BEGIN IMMEDIATE); the version row is created
    with INSERT … ON CONFLICT DO NOTHING, so a second creator is a no-op, never an error."""
    postgres = engine.dialect.name == "postgresql"
    insert = postgresql.insert if postgres else sqlite.insert
    with engine.begin() as conn:
        if postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS queue_schema_version "
                    "(id INTEGER PRIMARY KEY, version INTEGER NOT NULL)"
                )
            )
        else:
            metadata.create_all(conn, tables=[schema_version])
        conn.execute(insert(schema_version).values(id=1, version=0).on_conflict_do_nothing())
        version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise RuntimeError(
            f"queue database schema {version} is newer than this program ({SCHEMA_VERSION})"
        )
    # one transaction per migration
    while version < SCHEMA_VERSION:
        with engine.begin() as conn:
            if postgres:
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


def make_engine(url: str, busy_timeout_s: float = 5.0, storage: Any = None) -> Engine:
    """An engine for SQLite (WAL, BEGIN IMMEDIATE, full sync, busy timeout) or PostgreSQL
    (psycopg 3) with every call bounded: connect timeout, TCP keepalives and user timeout,
    server-side statement/lock/idle-in-transaction timeouts, and a client-side watchdog
    (`kiosk.queue.bounds`) for a server that stopped answering. `storage` is a StorageConfig
    (None: its defaults)."""
    if storage is None:
        from kiosk.queue.config import StorageConfig

        storage = StorageConfig(busy_timeout_s=busy_timeout_s)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # writers take the write lock at the start (no deadlock between readers
            # upgrading); connections from `reader(engine)` begin deferred and never block
            mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    statement_ms = int(storage.statement_timeout_s * 1000)
    options = (
        f"-c statement_timeout={statement_ms} "
        f"-c lock_timeout={int(storage.lock_timeout_s * 1000)} "
        f"-c idle_in_transaction_session_timeout={2 * statement_ms}"
    )
    # no pre-ping (one round trip per use, and a ping to a frozen server is not bounded): a
    # dropped connection raises OperationalError, the pool discards it, and the callers
    # retry (QueueService.issue retries the whole lookup-and-number step)
    engine = create_engine(
        url,
        connect_args={
            "connect_timeout": storage.connect_timeout_s,
            "keepalives": 1,
            "keepalives_idle": storage.keepalive_idle_s,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            "tcp_user_timeout": int(storage.statement_timeout_s * 1000),
            "options": options,
        },
        pool_timeout=storage.statement_timeout_s,
    )
    from kiosk.queue.bounds import bound_statements

    # the server's own timeout fires first when it runs; the watchdog when it does not
    bound_statements(engine, storage.statement_timeout_s + 1.0)
    return engine


def reader(engine: Engine) -> Engine:
    """The same engine for read-only work (SQLite: a deferred transaction)."""
    return engine.execution_options(sqlite_begin="DEFERRED")


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{os.fspath(path)}"
