"""The retention of every stored personal field: the report says what is stored, where and
until when; the purge erases exactly what is past its limit and nothing younger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from kiosk.cli import main
from kiosk.config import KioskConfig
from kiosk.his import outbox as his_outbox
from kiosk.payment import store as pay
from kiosk.privacy import engine_for, retention, store
from kiosk.queue import db
from kiosk.queue.model import TZ, iso
from web import auth as web_auth

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


@pytest.fixture
def engine(demo_config: KioskConfig) -> Engine:
    engine = engine_for(demo_config)
    db.migrate(engine)
    his_outbox.migrate(engine)
    pay.create_tables(engine)
    web_auth.metadata.create_all(engine)
    store.create_tables(engine)
    yield engine
    engine.dispose()


def _ticket(conn, ticket_id: str, issued: datetime, patient_key: str | None = "k") -> None:
    local = issued.astimezone(TZ)
    conn.execute(
        db.tickets.insert().values(
            id=ticket_id, line_id="noi", clinic_id="noi", day=local.date().isoformat(),
            seq=int(ticket_id[1:]), number=ticket_id, issued_at=iso(issued), insured=False,
            insurance_verified=False, patient_key=patient_key and f"{patient_key}{ticket_id}",
        )
    )  # fmt: skip


def _registration(conn, ticket_id: str, purge_after: datetime) -> None:
    conn.execute(
        db.registrations.insert().values(
            ticket_id=ticket_id, name="Lê Văn Thử", birth_date="1950", citizen_id="001050000001",
            purge_after=iso(purge_after),
        )
    )  # fmt: skip


def _fill(engine: Engine) -> None:
    """Two of each kind: one past its limit at NOW, one not."""
    day = timedelta(days=1)
    with engine.begin() as conn:
        _ticket(conn, "T1", NOW - 2 * day)
        _registration(conn, "T1", NOW - day)  # past its purge_after
        _ticket(conn, "T2", NOW - timedelta(hours=1))
        _registration(conn, "T2", NOW + timedelta(hours=7))
        for key, delivered in (("old", NOW - 8 * day), ("new", NOW - day)):
            conn.execute(
                his_outbox.outbox.insert().values(
                    id=key, day="2026-11-20", created_at=delivered.timestamp() - 60,
                    state="delivered", attempts=1, next_at=0, last_error="",
                    delivered_at=delivered.timestamp(), payload=json.dumps({"name": "Lê Văn Thử"}),
                )
            )  # fmt: skip
        conn.execute(
            his_outbox.outbox.insert().values(
                id="stuck", day="2026-11-01", created_at=(NOW - 30 * day).timestamp(),
                state="dead", attempts=20, next_at=0, last_error="", payload="{}",
            )
        )  # fmt: skip
        for n, at in enumerate((NOW - 400 * day, NOW - 10 * day)):
            conn.execute(
                web_auth.audit.insert().values(
                    at=at.isoformat(), actor="counter", action="registration_viewed",
                    ticket_id=f"T{n}", number=f"N00{n}", detail="record shown",
                )
            )  # fmt: skip
        for number, state, updated in (
            ("B-old-paid", "paid", NOW - 400 * day),
            ("B-old-open", "open", NOW - 400 * day),
            ("B-new-paid", "paid", NOW - 10 * day),
        ):
            stamp = updated.astimezone(TZ).isoformat(timespec="seconds")
            conn.execute(
                pay.bills.insert().values(
                    bill_number=number, amount_due=100_000, state=state, created_at=stamp,
                    updated_at=stamp,
                )
            )  # fmt: skip
            conn.execute(
                pay.transactions.insert().values(
                    txn_id=f"tx-{number}", bill_number=number, amount=100_000, paid_at=stamp,
                    received_at=stamp, source="webhook",
                )
            )  # fmt: skip
    for when in (NOW - 400 * day, NOW - 3 * day):
        store.record(engine, kiosk_id="k1", notice_version="v1", mode="consent",
                     answer="accepted", now=when)  # fmt: skip


def _count(engine: Engine, table, *where) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())


def test_the_report_lists_every_stored_field_with_rows_oldest_and_until(engine, demo_config):
    _fill(engine)
    fields = {f.name: f for f in retention.report(engine, demo_config, NOW)}
    assert set(fields) == {
        "queue registrations", "queue patient keys", "HIS outbox", "staff access log",
        "payment records", "notice answers", "chip photo",
    }  # fmt: skip
    reg = fields["queue registrations"]
    assert (reg.table, reg.rows) == ("queue_registrations", 2)
    assert "citizen_id" in reg.columns
    assert reg.oldest == iso(NOW - timedelta(days=2))
    assert reg.until == iso(NOW - timedelta(days=1))  # the earliest purge_after
    box = fields["HIS outbox"]
    assert box.rows == 3 and box.extra["undelivered"] == 1
    assert box.until == iso(NOW - timedelta(days=8) + timedelta(days=7))  # his.outbox.keep_days
    audit = fields["staff access log"]
    assert audit.rows == 2 and audit.oldest == (NOW - timedelta(days=400)).isoformat()
    assert audit.extra["registration_views"]["views"] == 1  # the last 30 days only
    assert audit.extra["registration_views"]["by_staff"][0]["actor"] == "counter"
    assert fields["payment records"].rows == 3
    answers = fields["notice answers"]
    assert answers.rows == 2 and answers.oldest == (NOW - timedelta(days=400)).date().isoformat()
    assert not fields["chip photo"].present and "never stored" in fields["chip photo"].kept


def test_the_purge_erases_what_is_past_its_limit_and_keeps_the_rest(engine, demo_config):
    _fill(engine)
    done = retention.purge(engine, demo_config, NOW)
    assert done["queue registrations"] == 1
    assert _count(engine, db.registrations) == 1
    with engine.connect() as conn:
        kept = conn.execute(select(db.registrations.c.ticket_id)).scalar()
        keys = dict(conn.execute(select(db.tickets.c.id, db.tickets.c.patient_key)).all())
    assert kept == "T2"
    assert keys["T1"] is None and keys["T2"] is not None  # an earlier day's hash is cleared
    assert done["HIS outbox"] == 1
    box = his_outbox.outbox
    assert _count(engine, box, box.c.payload.is_not(None)) == 2  # "new" and the undelivered one
    assert _count(engine, box) == 3  # the delivery record itself stays, without the patient
    assert done["staff access log"] == 1 and _count(engine, web_auth.audit) == 1
    assert done["payment records"] == 1  # the old closed bill; an open bill is never erased
    with engine.connect() as conn:
        bills = {r[0] for r in conn.execute(select(pay.bills.c.bill_number))}
        txns = {r[0] for r in conn.execute(select(pay.transactions.c.bill_number))}
    assert bills == txns == {"B-old-open", "B-new-paid"}
    assert done["notice answers"] == 1 and _count(engine, store.consents) == 1
    assert retention.purge(engine, demo_config, NOW) == dict.fromkeys(done, 0)  # idempotent


def test_the_shorter_of_two_retention_settings_wins(engine, demo_config):
    config = demo_config.model_copy(deep=True)
    config.privacy.retention.registrations_h = 0.5  # shorter than "until the end of the day"
    config.privacy.retention.his_outbox_days = 30  # longer than his.outbox.keep_days (7)
    _fill(engine)
    done = retention.purge(engine, config, NOW)
    assert done["queue registrations"] == 2  # T2 was issued an hour ago
    assert done["HIS outbox"] == 1  # still 7 days


def test_cli_report_and_purge(engine, demo_config, capsys, data_dir: Path):
    _fill(engine)
    assert main(["privacy", "report", "--json", "--data-dir", str(data_dir)]) == 0
    report = json.loads(capsys.readouterr().out)
    stored = {f["name"]: f for f in report["stored"]}
    assert stored["queue registrations"]["rows"] == 2
    assert report["notice_answers"] == [{"notice_version": "v1", "answer": "accepted", "count": 2}]
    views = report["recent_registration_views"]
    assert [v["ticket"] for v in views] == ["N001", "N000"]
    assert all(set(v) == {"at", "actor", "ticket", "detail"} for v in views)  # no patient data
    assert main(["privacy", "report", "--data-dir", str(data_dir)]) == 0
    text = capsys.readouterr().out
    assert "queue_registrations" in text and "registration views, last 30 days: 1" in text
    assert main(["privacy", "purge", "--json", "--data-dir", str(data_dir)]) == 0
    purged = json.loads(capsys.readouterr().out)
    assert purged["staff access log"] == 1  # the 400-day-old row (today's clock)
