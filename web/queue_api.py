"""Every call of the web app into `kiosk.queue`, in one place.

The queue's counter API (counters, recall, no-show, transfer, done, the call log, status
tokens, registrations) is being added by the queue work; this adapter uses it where the
installed `QueueService` has it and otherwise falls back to what main's service offers:
`call_next`/`get`/`status`, a read-only lookup by printed number, a web-side call log kept in
memory and an HMAC status token. Methods that need the missing domain raise `Unsupported`
(HTTP 501), never pretend.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from kiosk.queue.db import tickets
from kiosk.queue.lines import Line, all_lines
from kiosk.queue.service import TZ, QueueService, Ticket


class Unsupported(RuntimeError):
    """The installed queue package lacks this operation."""


@dataclass(frozen=True)
class Call:
    seq: int
    ticket_id: str
    number: str
    line_id: str
    counter: str
    priority: bool
    at: datetime
    recall: int = 0

    def public(self) -> dict[str, Any]:
        """What a board may show: no personal data."""
        return {
            "seq": self.seq,
            "number": self.number,
            "line_id": self.line_id,
            "counter": self.counter,
            "priority": self.priority,
            "at": self.at.isoformat(),
            "recall": self.recall,
        }


@dataclass
class QueueAPI:
    service: QueueService
    token_key: bytes
    _calls: deque[Call] = field(default_factory=lambda: deque(maxlen=200))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0

    @property
    def postgres(self) -> bool:
        return self.service.engine.dialect.name == "postgresql"

    @property
    def config(self) -> Any:
        return self.service.config

    def lines(self) -> list[Line]:
        return all_lines(self.config)

    def waiting(self) -> dict[str, int]:
        """Waiting tickets per line today, in one query (the board reads it on every change;
        `status()` costs several queries per line)."""
        day = datetime.now(TZ).date().isoformat()
        where_line = (
            func.coalesce(tickets.c.queue_line, tickets.c.line_id)
            if "queue_line" in tickets.c
            else tickets.c.line_id
        )
        with self.service.engine.connect() as conn:
            rows = conn.execute(
                select(where_line, func.count())
                .where(tickets.c.day == day, tickets.c.state == "waiting")
                .group_by(where_line)
            ).all()
        counts = {str(r[0]): int(r[1]) for r in rows}
        return {ln.id: counts.get(ln.id, 0) for ln in self.lines()}

    def status(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.service.status()]

    # -- tickets -------------------------------------------------------------------------

    def token(self, ticket: Ticket) -> str:
        own = getattr(ticket, "token", "")
        if own:
            return str(own)
        return hmac.new(self.token_key, ticket.id.encode(), hashlib.sha256).hexdigest()[:32]

    def by_token(self, token: str) -> Ticket:
        if hasattr(self.service, "by_token"):
            return self.service.by_token(token)
        ticket_id = self._token_index().get(token)
        if ticket_id is None:
            raise KeyError(token)
        return self.service.get(ticket_id)

    def _token_index(self) -> dict[str, str]:
        day = datetime.now(TZ).date().isoformat()
        with self.service.engine.connect() as conn:
            ids = conn.execute(select(tickets.c.id).where(tickets.c.day == day)).scalars().all()
        return {
            hmac.new(self.token_key, i.encode(), hashlib.sha256).hexdigest()[:32]: i for i in ids
        }

    def find(self, text: str) -> Ticket:
        """A ticket by printed number (today) or by id (the QR's payload or a status URL)."""
        text = text.strip()
        if "/t/" in text:  # a scanned phone-page URL
            return self.by_token(text.rsplit("/t/", 1)[1].strip("/"))
        if hasattr(self.service, "find"):
            return self.service.find(text)
        try:
            return self.service.get(text)
        except KeyError:
            pass
        day = datetime.now(TZ).date().isoformat()
        with self.service.engine.connect() as conn:
            ticket_id = conn.execute(
                select(tickets.c.id).where(
                    tickets.c.day == day, func.upper(tickets.c.number) == text.upper()
                )
            ).scalar()
        if ticket_id is None:
            raise KeyError(text)
        return self.service.get(ticket_id)

    def registration(self, ticket_id: str) -> Any:
        if not hasattr(self.service, "registration"):
            return None
        return self.service.registration(ticket_id)

    # -- calls ---------------------------------------------------------------------------

    def call_next(self, lines: list[str], counter: str) -> Ticket | None:
        """The next ticket for `counter` serving `lines` (the queue's fairness rule applies
        when it has counters; else the lines are tried in the given order)."""
        ticket: Ticket | None = None
        if hasattr(self.service, "set_counter"):
            self.service.set_counter(counter, counter, lines)
            ticket = self.service.call_next(None, counter=counter)
        else:
            for line_id in lines:
                ticket = self.service.call_next(line_id, counter=counter)
                if ticket is not None:
                    break
        if ticket is not None:
            self._log(ticket, counter, 0)
        return ticket

    def counter_of(self, ticket: Ticket) -> str:
        own = getattr(ticket, "counter_id", "")
        if own:
            return str(own)
        return next((c.counter for c in self._calls if c.ticket_id == ticket.id), "")

    def recall(self, ticket_id: str, counter: str) -> Ticket:
        if hasattr(self.service, "recall"):
            ticket = self.service.recall(ticket_id)
        else:
            ticket = self.service.get(ticket_id)
            if ticket.state != "called":
                raise ValueError("only a called ticket can be recalled")
        last = next((c for c in self._calls if c.ticket_id == ticket_id), None)
        self._log(ticket, counter, (last.recall + 1) if last else 1)
        return ticket

    def _unsupported(self, name: str) -> Unsupported:
        return Unsupported(f"the installed queue package has no {name}()")

    def skip(self, ticket_id: str) -> Ticket:
        if not hasattr(self.service, "skip"):
            raise self._unsupported("skip")
        return self.service.skip(ticket_id)

    def transfer(self, ticket_id: str, line_id: str | None, counter: str | None) -> Ticket:
        if not hasattr(self.service, "transfer"):
            raise self._unsupported("transfer")
        return self.service.transfer(ticket_id, line_id, counter)

    def done(self, ticket_id: str) -> Ticket:
        if not hasattr(self.service, "done"):
            raise self._unsupported("done")
        return self.service.done(ticket_id)

    def _log(self, ticket: Ticket, counter: str, recall: int) -> None:
        with self._lock:
            self._seq += 1
            self._calls.appendleft(
                Call(
                    self._seq,
                    ticket.id,
                    ticket.number,
                    ticket.line_id,
                    counter,
                    ticket.priority is not None,
                    datetime.now(TZ),
                    recall,
                )
            )

    def recent_calls(self, limit: int) -> list[Call]:
        """Newest first. From the queue's call log when it has one (every server sees every
        counter's calls), else this process's own calls."""
        if hasattr(self.service, "recent_calls"):
            return [
                Call(
                    r.id,
                    r.ticket_id,
                    r.number,
                    r.line_id,
                    r.counter_name or r.counter_id,
                    r.priority,
                    r.called_at,
                    r.recall,
                )
                for r in self.service.recent_calls(limit)
            ]
        with self._lock:
            return list(self._calls)[:limit]
