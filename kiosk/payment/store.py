"""Payment tables (SQLAlchemy Core), in the kiosk's database beside the queue.

Bills are keyed by their bill number; every bank transaction by the bank's transaction id, so a
duplicate notification is stored once; every state change is an event row (no personal data:
bill number, amounts, states). Created idempotently; on PostgreSQL under an advisory lock so
kiosks starting together do not race.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    text,
)

metadata = MetaData()

bills = Table(
    "payment_bills",
    metadata,
    Column("bill_number", String(25), primary_key=True),
    Column("amount_due", BigInteger, nullable=False),  # integer đồng
    Column("amount_paid", BigInteger, nullable=False, default=0),
    Column("amount_refunded", BigInteger, nullable=False, default=0),
    Column("state", String(16), nullable=False),  # see service.State
    Column("purpose", String(25), nullable=False, default=""),
    Column("reference", String(64), nullable=False, default=""),  # ticket id / HIS visit
    Column("kiosk_id", String(64), nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("kiosk_gave_up", Boolean, nullable=False, default=False),  # pay screen timed out
    Column("late", Boolean, nullable=False, default=False),  # paid after the kiosk gave up
)

transactions = Table(
    "payment_transactions",
    metadata,
    Column("txn_id", String(64), primary_key=True),  # the bank's id: duplicates stored once
    Column("bill_number", String(25), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),  # negative for a refund
    Column("paid_at", String(32), nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("source", String(16), nullable=False),  # "webhook" or "reconcile"
)

events = Table(
    "payment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bill_number", String(25), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("event", String(32), nullable=False),
    Column("detail", String(200), nullable=False, default=""),
)


def create_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7340216)"))
        metadata.create_all(conn, checkfirst=True)
