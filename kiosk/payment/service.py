"""Bills and their confirmation: the one place payment state changes.

States: `open` (waiting for the bank), `partial` (less than due arrived), `paid`, `overpaid`
(more than due: the counter refunds the difference), `cancelled` (the patient cancelled; a
payment that still arrives makes it `refund_due`), `refunded`. The kiosk giving up waiting
(`give_up`) does not close a bill: it stays open, the counter sees it, and a payment arriving
later marks it paid and `late`. Amounts are integer đồng everywhere. Every change is logged
(bill number and amounts, never a name or account) and kept as an event row.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from kiosk.payment.config import PaymentConfig
from kiosk.payment.store import bills, create_tables, events, transactions
from kiosk.payment.vietqr import VietQr

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at a counter


class State(StrEnum):
    OPEN = "open"
    PARTIAL = "partial"
    PAID = "paid"
    OVERPAID = "overpaid"
    CANCELLED = "cancelled"
    REFUND_DUE = "refund_due"
    REFUNDED = "refunded"


class PaymentError(ValueError):
    pass


@dataclass(frozen=True)
class Bill:
    bill_number: str
    amount_due: int
    amount_paid: int
    amount_refunded: int
    state: State
    purpose: str
    reference: str
    kiosk_gave_up: bool
    late: bool

    @property
    def settled(self) -> bool:
        return self.state in (State.PAID, State.OVERPAID)

    @property
    def outstanding(self) -> int:
        return max(0, self.amount_due - self.amount_paid)


class Applied(StrEnum):
    """What one bank transaction did."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    UNKNOWN_BILL = "unknown_bill"


def _now() -> str:
    return datetime.now(TZ).isoformat(timespec="seconds")


def _state_for(due: int, paid: int, current: State) -> State:
    if current in (State.CANCELLED, State.REFUND_DUE):
        return State.REFUND_DUE if paid > 0 else State.CANCELLED
    if paid <= 0:
        return State.OPEN
    if paid < due:
        return State.PARTIAL
    return State.PAID if paid == due else State.OVERPAID


class PaymentService:
    def __init__(self, engine: Engine, config: PaymentConfig, kiosk_id: str = "") -> None:
        self.engine = engine
        self.config = config
        self.kiosk_id = kiosk_id
        from kiosk.queue.db import reader

        self._reader = reader(engine)  # SQLite: reads do not take the write lock
        create_tables(engine)

    @classmethod
    def from_config(cls, config: KioskConfig) -> PaymentService:
        """On the kiosk's own database (the queue's SQLite file or the shared PostgreSQL)."""
        from pathlib import Path

        from kiosk.queue import db
        from kiosk.queue.service import DB_FILE

        storage = config.storage
        url = storage.dsn.get_secret_value() or db.sqlite_url(Path(config.data_path) / DB_FILE)
        engine = db.make_engine(url, storage.busy_timeout_s, storage)
        return cls(engine, config.payment, config.kiosk_id)

    def close(self) -> None:
        self.engine.dispose()

    # -- bills --------------------------------------------------------------------------------

    def new_bill_number(self, now: datetime | None = None) -> str:
        day = (now or datetime.now(TZ)).strftime("%y%m%d")
        tail = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        return f"{self.config.bill_prefix}{day}{tail}"

    def open_bill(
        self, amount: int, purpose: str = "", reference: str = "", bill_number: str = ""
    ) -> Bill:
        """A new bill (or the same one again for the same bill number: idempotent)."""
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise PaymentError("the amount is a positive whole number of đồng")
        number = bill_number or self.new_bill_number()
        self.qr(number, amount, purpose)  # validates the fields before anything is stored
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(bills).values(
                        bill_number=number,
                        amount_due=amount,
                        amount_paid=0,
                        amount_refunded=0,
                        state=State.OPEN.value,
                        purpose=purpose,
                        reference=reference,
                        kiosk_id=self.kiosk_id,
                        created_at=now,
                        updated_at=now,
                        kiosk_gave_up=False,
                        late=False,
                    )
                )
                self._event(conn, number, "opened", f"due {amount}")
        except IntegrityError:
            existing = self.get(number)
            if existing.amount_due != amount:
                raise PaymentError(f"bill {number} exists with another amount") from None
            return existing
        log.info("payment: bill %s opened, due %d đ", number, amount)
        return self.get(number)

    def qr(self, bill_number: str, amount: int, purpose: str = "") -> str:
        c = self.config
        return VietQr(
            c.bank_bin, c.account, amount, bill_number, purpose, service=c.service
        ).payload()

    def get(self, bill_number: str) -> Bill:
        with self._reader.connect() as conn:
            row = conn.execute(select(bills).where(bills.c.bill_number == bill_number)).first()
        if row is None:
            raise KeyError(bill_number)
        m = row._mapping
        return Bill(
            bill_number=m["bill_number"],
            amount_due=int(m["amount_due"]),
            amount_paid=int(m["amount_paid"]),
            amount_refunded=int(m["amount_refunded"]),
            state=State(m["state"]),
            purpose=m["purpose"],
            reference=m["reference"],
            kiosk_gave_up=bool(m["kiosk_gave_up"]),
            late=bool(m["late"]),
        )

    def open_bills(self) -> list[Bill]:
        """Bills the counter must look at: not settled, or money to give back."""
        wanted = [State.OPEN, State.PARTIAL, State.OVERPAID, State.REFUND_DUE]
        with self._reader.connect() as conn:
            numbers = list(
                conn.execute(
                    select(bills.c.bill_number).where(bills.c.state.in_([s.value for s in wanted]))
                ).scalars()
            )
        return [self.get(n) for n in numbers]

    # -- what the patient does ----------------------------------------------------------------

    def give_up(self, bill_number: str) -> Bill:
        """The pay screen timed out (the patient walked away): the bill stays open."""
        with self.engine.begin() as conn:
            conn.execute(
                update(bills)
                .where(bills.c.bill_number == bill_number)
                .values(kiosk_gave_up=True, updated_at=_now())
            )
            self._event(conn, bill_number, "kiosk_gave_up")
        log.info("payment: bill %s: the kiosk stopped waiting; the bill stays open", bill_number)
        return self.get(bill_number)

    def cancel(self, bill_number: str) -> Bill:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(bills.c.state, bills.c.amount_paid).where(bills.c.bill_number == bill_number)
            ).first()
            if row is None:
                raise KeyError(bill_number)
            if State(row.state) in (State.PAID, State.OVERPAID):
                raise PaymentError("a paid bill cannot be cancelled; refund it at the counter")
            state = State.REFUND_DUE if row.amount_paid > 0 else State.CANCELLED
            conn.execute(
                update(bills)
                .where(bills.c.bill_number == bill_number)
                .values(state=state.value, updated_at=_now())
            )
            self._event(conn, bill_number, "cancelled", state.value)
        log.info("payment: bill %s cancelled (%s)", bill_number, state.value)
        return self.get(bill_number)

    # -- what the bank says -------------------------------------------------------------------

    def apply_transaction(
        self,
        txn_id: str,
        bill_number: str,
        amount: int,
        paid_at: str,
        source: str = "webhook",
    ) -> tuple[Applied, Bill | None]:
        """Records one bank transaction (a refund has a negative amount) exactly once and
        moves the bill's state. A duplicate changes nothing; an unknown bill is kept for the
        counter (state of no bill changes)."""
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise PaymentError("a transaction amount is a non-zero whole number of đồng")
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(transactions).values(
                        txn_id=txn_id,
                        bill_number=bill_number,
                        amount=amount,
                        paid_at=paid_at,
                        received_at=now,
                        source=source,
                    )
                )
                row = conn.execute(
                    select(bills).where(bills.c.bill_number == bill_number).with_for_update()
                ).first()
                if row is None:
                    self._event(conn, bill_number, "unknown_bill", f"{amount} from {source}")
                    log.warning("payment: %s for unknown bill %s", source, bill_number)
                    return Applied.UNKNOWN_BILL, None
                total = conn.execute(
                    select(func.coalesce(func.sum(transactions.c.amount), 0)).where(
                        transactions.c.bill_number == bill_number, transactions.c.amount > 0
                    )
                ).scalar_one()
                refunded = -conn.execute(
                    select(func.coalesce(func.sum(transactions.c.amount), 0)).where(
                        transactions.c.bill_number == bill_number, transactions.c.amount < 0
                    )
                ).scalar_one()
                m = row._mapping
                state = _state_for(int(m["amount_due"]), int(total), State(m["state"]))
                if refunded and refunded >= total:
                    state = State.REFUNDED
                late = bool(m["kiosk_gave_up"]) and state in (State.PAID, State.OVERPAID)
                conn.execute(
                    update(bills)
                    .where(bills.c.bill_number == bill_number)
                    .values(
                        amount_paid=int(total),
                        amount_refunded=int(refunded),
                        state=state.value,
                        late=late or bool(m["late"]),
                        updated_at=now,
                    )
                )
                self._event(conn, bill_number, "transaction", f"{amount} -> {state.value}")
        except IntegrityError:
            log.info("payment: duplicate transaction for bill %s ignored", bill_number)
            return Applied.DUPLICATE, self._maybe(bill_number)
        log.info("payment: bill %s %+d đ (%s) -> %s", bill_number, amount, source, state.value)
        return Applied.APPLIED, self.get(bill_number)

    def _maybe(self, bill_number: str) -> Bill | None:
        try:
            return self.get(bill_number)
        except KeyError:
            return None

    def note(self, bill_number: str, event: str, detail: str = "") -> None:
        """Records something that happened to a bill without changing it (invoice fetched,
        printed, failed): no personal data in `detail`."""
        with self.engine.begin() as conn:
            self._event(conn, bill_number, event[:32], detail[:200])

    def events(self, bill_number: str) -> list[dict[str, Any]]:
        with self._reader.connect() as conn:
            rows = conn.execute(
                select(events).where(events.c.bill_number == bill_number).order_by(events.c.id)
            )
            return [dict(r._mapping) for r in rows]

    def _event(self, conn: Any, bill_number: str, event: str, detail: str = "") -> None:
        conn.execute(
            insert(events).values(bill_number=bill_number, at=_now(), event=event, detail=detail)
        )
