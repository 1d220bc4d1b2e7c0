"""Staff accounts, sessions, API keys, login throttling and the audit log.

Passwords: argon2id (argon2-cffi, memory-hard). Sessions: a random token in an HttpOnly,
SameSite=Strict cookie (Secure under TLS); only its SHA-256 is stored, with a per-session CSRF
token that every state-changing request must echo. API keys: random, stored as SHA-256 (high
entropy, so a fast hash is enough). Accounts lock after `lockout_failures` wrong passwords
for `lockout_minutes`; client IPs are throttled in memory. Tables live in the queue database.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from web.settings import WebSettings

ROLES = ("counter", "supervisor", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
metadata = MetaData()
users = Table(
    "web_users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", String(32)),
)
sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", String(32), nullable=False),
)
api_keys = Table(
    "web_api_keys",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
)
audit = Table(
    "web_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("ticket_id", String(36)),
    Column("number", String(32)),
    Column("detail", Text, nullable=False, default=""),
)
_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes
_DUMMY = _hasher.hash("not a password")


def _now() -> datetime:
    return datetime.now(UTC)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    name: str
    role: str
    csrf: str = ""  # empty for API keys (no cookies, so no CSRF)
    kind: str = "session"

    def has(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


class LoginRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "bad", "locked", "throttled"


class Auth:
    def __init__(self, engine: Engine, settings: WebSettings) -> None:
        self.engine = engine
        self.settings = settings
        metadata.create_all(engine)
        self._ip_hits: dict[str, deque[float]] = defaultdict(deque)
        self._ip_lock = threading.Lock()

    # -- accounts ------------------------------------------------------------------------

    def add_user(self, username: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise ValueError("passwords need at least 10 characters")
        with self.engine.begin() as conn:
            conn.execute(delete(users).where(users.c.username == username))
            conn.execute(
                insert(users).values(
                    username=username, password_hash=_hasher.hash(password), role=role, failures=0
                )
            )

    def list_users(self) -> list[tuple[str, str]]:
        with self.engine.connect() as conn:
            return [
                (r.username, r.role) for r in conn.execute(select(users).order_by(users.c.username))
            ]

    def new_api_key(self, name: str, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        key = "kq_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(insert(api_keys).values(key_hash=_sha(key), name=name, role=role))
        return key

    # -- logging in ----------------------------------------------------------------------

    def _throttle(self, ip: str) -> None:
        with self._ip_lock:
            hits = self._ip_hits[ip]
            now = time.monotonic()
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= self.settings.login_rate_per_minute:
                raise LoginRefused("throttled")
            hits.append(now)

    def login(self, username: str, password: str, ip: str) -> tuple[str, Principal]:
        """Returns (cookie token, principal) or raises LoginRefused."""
        self._throttle(ip)
        refused: str | None = None
        with self.engine.begin() as conn:  # refusals raise after the commit (keep the count)
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is None:
                with contextlib.suppress(VerificationError):  # same cost: no user enumeration
                    _hasher.verify(_DUMMY, password)
                refused = "bad"
            elif row.locked_until and datetime.fromisoformat(row.locked_until) > _now():
                refused = "locked"
            else:
                try:
                    _hasher.verify(row.password_hash, password)
                except VerificationError:
                    failures = row.failures + 1
                    values: dict[str, Any] = {"failures": failures}
                    refused = "bad"
                    if failures >= self.settings.lockout_failures:
                        until = _now() + timedelta(minutes=self.settings.lockout_minutes)
                        values = {"failures": 0, "locked_until": until.isoformat()}
                        refused = "locked"
                    conn.execute(update(users).where(users.c.username == username).values(**values))
                    self._audit(conn, username, "login_failed", None, None, "")
            if refused is None:
                assert row is not None
                conn.execute(
                    update(users)
                    .where(users.c.username == username)
                    .values(failures=0, locked_until=None)
                )
                token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
                expires = _now() + timedelta(hours=self.settings.session_hours)
                conn.execute(
                    insert(sessions).values(
                        token_hash=_sha(token),
                        username=username,
                        csrf=csrf,
                        expires_at=expires.isoformat(),
                    )
                )
                self._audit(conn, username, "login", None, None, "")
        if refused is not None:
            raise LoginRefused(refused)
        assert row is not None
        return token, Principal(username, row.role, csrf)

    def logout(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_hash == _sha(token)))

    def session(self, token: str | None) -> Principal | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sessions.c.username, sessions.c.csrf, sessions.c.expires_at, users.c.role)
                .join(users, users.c.username == sessions.c.username)
                .where(sessions.c.token_hash == _sha(token))
            ).first()
        if row is None or datetime.fromisoformat(row.expires_at) < _now():
            return None
        return Principal(row.username, row.role, row.csrf)

    def api_key(self, key: str | None) -> Principal | None:
        if not key:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.key_hash == _sha(key))).first()
        return None if row is None else Principal(f"key:{row.name}", row.role, kind="api_key")

    # -- audit ---------------------------------------------------------------------------

    def _audit(
        self,
        conn: Any,
        actor: str,
        action: str,
        ticket_id: str | None,
        number: str | None,
        detail: str,
    ) -> None:
        conn.execute(
            insert(audit).values(
                at=_now().isoformat(),
                actor=actor,
                action=action,
                ticket_id=ticket_id,
                number=number,
                detail=detail[:200],
            )
        )

    def record(
        self,
        actor: str,
        action: str,
        ticket_id: str | None = None,
        number: str | None = None,
        detail: str = "",
    ) -> None:
        with self.engine.begin() as conn:
            self._audit(conn, actor, action, ticket_id, number, detail)

    def audit_log(self, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).all()
        return [dict(r._mapping) for r in rows]
