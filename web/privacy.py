"""The staff server's daily purge of stored personal data (kiosk.privacy.retention): at start,
then once a local day after `privacy.purge_hour`, off the event loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)
CHECK_S = 15 * 60


async def purge_daily(engine: Any, config: Any, check_s: float = CHECK_S) -> None:
    from kiosk.privacy import retention
    from kiosk.privacy.schedule import DailyPurge

    if getattr(config, "privacy", None) is None:  # a server without a kiosk configuration
        return
    schedule = DailyPurge(config.privacy.purge_hour)
    while True:
        if schedule.due():
            schedule.ran()
            try:
                await asyncio.to_thread(retention.purge, engine, config)
            except Exception as exc:  # retried the next day; the server keeps serving
                log.error("privacy purge failed: %s", type(exc).__name__)
        await asyncio.sleep(check_s)
