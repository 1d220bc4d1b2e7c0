"""When the daily purge runs: once at start, then once a local day after `privacy.purge_hour`.
Plain Python so the kiosk (a Qt timer) and the staff server (an asyncio task) share it."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.queue.model import TZ


class DailyPurge:
    def __init__(self, hour: int) -> None:
        self.hour = hour
        self.last_day: date | None = None  # None: not run yet (the first check runs it)

    def due(self, now: datetime | None = None) -> bool:
        local = (now or datetime.now(TZ)).astimezone(TZ)
        if self.last_day is None:
            return True
        return local.date() > self.last_day and local.hour >= self.hour

    def ran(self, now: datetime | None = None) -> None:
        self.last_day = (now or datetime.now(TZ)).astimezone(TZ).date()
