"""Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): the notice shown before the chip is
read or the gateway asked (`notice`), the answers recorded without the person (`store`), the
retention of every stored personal field with its purge and report (`retention`).

See deploy/README-IT.md, "Personal data", for the legal reading behind the defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk.config import KioskConfig


def engine_for(config: KioskConfig) -> Engine:
    """An engine on the kiosk's database (the queue's SQLite file or the shared PostgreSQL)."""
    from pathlib import Path

    from kiosk.queue import db
    from kiosk.queue.service import DB_FILE

    storage = config.storage
    url = storage.dsn.get_secret_value() or db.sqlite_url(Path(config.data_path) / DB_FILE)
    return db.make_engine(url, storage.busy_timeout_s, storage)
