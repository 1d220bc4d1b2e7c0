"""Live queue events: PostgreSQL LISTEN/NOTIFY on the `queue_events` channel.

Every committed issue and call sends one notification in its own transaction (so it is
delivered exactly when the change is visible), a JSON object:

    {"kind": "issued" | "called" | "recalled" | "skipped" | "transferred" | "done" | "void",
     "ticket_id": ..., "number": "E051", "line_id": ..., "day": "YYYY-MM-DD", ...}

No personal data is ever in a payload. On SQLite nothing is sent: a reader polls
`QueueService.changes_since(call_id)` (one indexed query) or uses an in-process notifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

CHANNEL = "queue_events"


def notify(conn: Connection, payload: dict[str, Any]) -> None:
    """Queues a notification in `conn`'s transaction (PostgreSQL only; a no-op on SQLite)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": json.dumps(payload, ensure_ascii=False)},
    )


def subscribe(dsn: str, timeout_s: float | None = None) -> Iterator[dict[str, Any]]:
    """Yields the events as dicts, blocking (run it on a thread of its own). Ends after
    `timeout_s` without an event (None: never). `dsn`: the storage DSN (a SQLAlchemy URL is
    accepted). Raises psycopg.OperationalError when the server goes away: reconnect and read
    the current state, events sent while disconnected are not replayed."""
    import psycopg

    conninfo = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"LISTEN {CHANNEL}")
        for note in conn.notifies(timeout=timeout_s):
            try:
                yield json.loads(note.payload)
            except ValueError:
                continue
