"""The keyed hash that recognises a patient without storing the citizen ID.

HMAC-SHA256(key, citizen ID) with `storage.hash_key`, or a key generated once in
`<data dir>/queue-hash.key` (mode 0600) and shared by the processes using that directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Any

HASH_KEY_FILE = "queue-hash.key"


def patient_key(key: bytes, citizen_id: str) -> str:
    return hmac.new(key, citizen_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()


def load_or_create_key(data_dir: Path) -> bytes:
    """The per-data-dir HMAC key, created once (0600) and shared by processes using the dir."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / HASH_KEY_FILE
    for _ in range(100):
        try:
            raw = path.read_text(encoding="ascii").strip()
            if raw:
                return bytes.fromhex(raw)
        except FileNotFoundError:
            tmp = data_dir / f".{HASH_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # atomic; fails if another process won
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
            continue
        time.sleep(0.01)
    raise RuntimeError(f"cannot read the hash key {path}")


def fingerprint(key: bytes) -> str:
    """A public fingerprint of the key (an HMAC of a fixed label: reveals nothing of it)."""
    return hmac.new(key, b"kiosk-queue-key-fingerprint", hashlib.sha256).hexdigest()[:16]


def record_fingerprint(store: Any, kiosk_id: str, key: bytes) -> None:
    """Stores this kiosk's key fingerprint in the shared database (for `key_check`)."""
    from datetime import datetime

    from kiosk.queue.db import kiosk_keys
    from kiosk.queue.model import TZ, iso

    values = {"fingerprint": fingerprint(key), "seen_at": iso(datetime.now(TZ))}
    stmt = store.insert(kiosk_keys).values(kiosk_id=kiosk_id or "-", **values)
    stmt = stmt.on_conflict_do_update(index_elements=[kiosk_keys.c.kiosk_id], set_=values)
    with store.writer_lock(), store.engine.begin() as conn:
        conn.execute(stmt)


def key_check(store: Any, kiosk_id: str, key: bytes, days: int = 30) -> Any:
    """Doctor: kiosks sharing this database must use the same hash key, or "same patient,
    same ticket" silently fails across kiosks. Compares the fingerprints kiosks stored."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from hardware.status import DeviceStatus
    from kiosk.queue.db import kiosk_keys
    from kiosk.queue.model import TZ, iso

    mine = fingerprint(key)
    since = iso(datetime.now(TZ) - timedelta(days=days))
    with store.read.connect() as conn:
        rows = conn.execute(
            select(kiosk_keys.c.kiosk_id, kiosk_keys.c.fingerprint).where(
                kiosk_keys.c.seen_at >= since
            )
        ).all()
    others = sorted(k for k, fp in rows if fp != mine and k != (kiosk_id or "-"))
    if not others:
        return DeviceStatus(
            ok=True,
            summary=f"queue hash key shared by the {len(rows)} kiosk(s) using this database",
        )
    return DeviceStatus(
        ok=False,
        summary=f"kiosks with a different storage.hash_key share this database: "
        f"{', '.join(others)}",
        fix="set the same storage.hash_key on every kiosk sharing the database (copy it from "
        "one kiosk's configuration), then restart them",
        details={"kiosks": ",".join(others)},
    )
