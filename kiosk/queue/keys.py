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
