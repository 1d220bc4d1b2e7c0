"""The notice answers: notice version, mode, answer and the local day, never the person (no
time of day either, so an answer cannot be matched to a ticket). Lives in the queue database
with its own table; created on first use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, select, text

from kiosk.queue.model import TZ

metadata = MetaData()

consents = Table(
    "privacy_consents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("day", String(10), nullable=False, index=True),  # local YYYY-MM-DD
    Column("kiosk_id", String(64), nullable=False, default=""),
    Column("notice_version", String(32), nullable=False),
    Column("mode", String(16), nullable=False),  # consent / notice
    Column("answer", String(16), nullable=False),  # accepted / refused / acknowledged / plain
)
ANSWERS = ("accepted", "refused", "acknowledged", "plain")
_LOCK = 9100725


def create_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK})"))
        metadata.create_all(conn, checkfirst=True)


def record(
    engine: Engine,
    *,
    kiosk_id: str,
    notice_version: str,
    mode: str,
    answer: str,
    now: datetime | None = None,
) -> None:
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    day = (now or datetime.now(TZ)).astimezone(TZ).date().isoformat()
    create_tables(engine)
    with engine.begin() as conn:
        conn.execute(
            consents.insert().values(
                day=day, kiosk_id=kiosk_id, notice_version=notice_version, mode=mode, answer=answer
            )
        )


def counts(engine: Engine) -> dict[tuple[str, str], int]:
    """(notice version, answer) -> how many answers are stored."""
    create_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(consents.c.notice_version, consents.c.answer, func.count()).group_by(
                consents.c.notice_version, consents.c.answer
            )
        ).all()
    return {(r[0], r[1]): int(r[2]) for r in rows}
