"""The admin PIN: a slow scrypt hash in the configuration and a guard that locks out guessers.

The hash is one self-describing string, ``scrypt$n=16384,r=8,p=1$<salt>$<hash>`` (salt and
hash in unpadded URL-safe base64), made by ``kiosk admin hash-pin`` and stored as
``admin.pin_hash``. The PIN itself is never stored or logged.

`PinGuard` counts wrong PINs; after ``max_attempts`` in a row it refuses every PIN (even the
right one) for ``lockout_s`` seconds. Its state is written to ``<data dir>/admin-lockout.json``
so that restarting the kiosk does not reset a lockout.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

SCHEME = "scrypt"
DEFAULT_N = 2**14
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 12
STATE_FILE = "admin-lockout.json"


class PinFormatError(ValueError):
    """The PIN or the stored hash is malformed."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_pin_format(pin: str) -> str:
    """Returns the PIN if it is 4-12 digits; raises PinFormatError otherwise."""
    if not (pin.isascii() and pin.isdigit()):
        raise PinFormatError("the PIN must be digits only")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise PinFormatError(f"the PIN must have {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits")
    return pin


def hash_pin(
    pin: str,
    *,
    n: int = DEFAULT_N,
    r: int = DEFAULT_R,
    p: int = DEFAULT_P,
    salt: bytes | None = None,
) -> str:
    """Hashes a PIN with scrypt and a random salt; returns the encoded string for the config."""
    check_pin_format(pin)
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES, maxmem=2**26)
    return f"{SCHEME}$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


@dataclass(frozen=True)
class ParsedHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def parse_hash(encoded: str) -> ParsedHash:
    """Parses an encoded hash; raises PinFormatError naming what is wrong."""
    parts = encoded.strip().split("$")
    if len(parts) != 4 or parts[0] != SCHEME:
        raise PinFormatError("expected 'scrypt$n=N,r=R,p=P$SALT$HASH' (run `kiosk admin hash-pin`)")
    try:
        params = dict(item.split("=", 1) for item in parts[1].split(","))
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        salt, key = _unb64(parts[2]), _unb64(parts[3])
    except (ValueError, KeyError) as exc:
        raise PinFormatError(f"malformed scrypt hash ({exc})") from None
    if n < 2**10 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16:
        raise PinFormatError("scrypt parameters out of range (n a power of two >= 1024)")
    if len(salt) < 8 or len(key) < 16:
        raise PinFormatError("scrypt salt or hash too short")
    return ParsedHash(n, r, p, salt, key)


def verify_pin(pin: str, encoded: str) -> bool:
    """True if the PIN matches the hash; compares in constant time; never raises."""
    try:
        parsed = parse_hash(encoded)
    except PinFormatError:
        return False
    try:
        key = hashlib.scrypt(
            pin.encode(), salt=parsed.salt, n=parsed.n, r=parsed.r, p=parsed.p,
            dklen=len(parsed.key), maxmem=2**27,
        )  # fmt: skip
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(key, parsed.key)


@dataclass(frozen=True)
class PinResult:
    ok: bool
    locked: bool  # True when the guard refused because of a lockout (now or as a result)
    attempts_left: int
    retry_after_s: float  # > 0 while locked


class PinGuard:
    """Checks PINs against the configured hash, with a lockout after repeated failures.

    Thread-safe. `clock` returns wall-clock seconds (persisted lockouts must survive restarts).
    """

    def __init__(
        self,
        pin_hash: str,
        *,
        max_attempts: int = 5,
        lockout_s: float = 300,
        state_path: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._hash = pin_hash
        self.max_attempts = max(1, max_attempts)
        self.lockout_s = lockout_s
        self._state_path = state_path
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._locked_until = 0.0
        self._load()

    @classmethod
    def from_config(cls, config: KioskConfig) -> PinGuard:
        """A guard for a KioskConfig, persisting its state in the data directory."""
        admin = config.admin
        data_path = config.data_path
        return cls(
            admin.pin_hash,
            max_attempts=admin.max_attempts,
            lockout_s=admin.lockout_s,
            state_path=data_path / STATE_FILE,
        )

    @property
    def enabled(self) -> bool:
        """False when no (valid) PIN hash is configured: admin mode cannot be entered."""
        try:
            parse_hash(self._hash)
        except PinFormatError:
            return False
        return True

    def retry_after(self) -> float:
        """Seconds until PINs are accepted again; 0 when not locked."""
        with self._lock:
            return max(0.0, self._locked_until - self._clock())

    def attempts_left(self) -> int:
        with self._lock:
            return self.max_attempts - self._failures

    def check(self, pin: str) -> PinResult:
        """Verifies a PIN (slow: ~50 ms; call off the GUI thread if that matters)."""
        with self._lock:
            now = self._clock()
            if self._locked_until > now:
                return PinResult(False, True, 0, self._locked_until - now)
            if self._locked_until:  # a lockout has expired: a fresh series of attempts
                self._locked_until = 0.0
                self._failures = 0
        ok = self.enabled and verify_pin(pin, self._hash)
        with self._lock:
            now = self._clock()
            if ok:
                self._failures = 0
                self._locked_until = 0.0
                self._save()
                log.info("admin PIN accepted")
                return PinResult(True, False, self.max_attempts, 0.0)
            self._failures += 1
            if self._failures >= self.max_attempts:
                self._locked_until = now + self.lockout_s
                self._save()
                log.warning(
                    "admin PIN wrong %d times: locked for %d s", self._failures, self.lockout_s
                )
                return PinResult(False, True, 0, float(self.lockout_s))
            self._save()
            log.warning("admin PIN wrong (%d of %d)", self._failures, self.max_attempts)
            return PinResult(False, False, self.max_attempts - self._failures, 0.0)

    def reset(self) -> None:
        with self._lock:
            self._failures = 0
            self._locked_until = 0.0
            self._save()

    def _load(self) -> None:
        if self._state_path is None:
            return
        try:
            data = json.loads(self._state_path.read_text(encoding="utf-8"))
            self._failures = max(0, int(data.get("failures", 0)))
            self._locked_until = float(data.get("locked_until", 0.0))
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            # A damaged state file must not unlock a guesser: treat it as a fresh lockout.
            log.warning("admin lockout state unreadable (%s): locking", exc)
            self._failures = self.max_attempts
            self._locked_until = self._clock() + self.lockout_s
        # A clock set backwards must not extend a lockout for ever.
        self._locked_until = min(self._locked_until, self._clock() + self.lockout_s)

    def _save(self) -> None:
        if self._state_path is None:
            return
        data = {"failures": self._failures, "locked_until": self._locked_until}
        try:
            self._state_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._state_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self._state_path)
        except OSError as exc:
            log.warning("cannot persist admin lockout state: %s", exc)
