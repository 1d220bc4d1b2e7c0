"""Every route unauthenticated and with the wrong role; login lockout, throttling, CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_testing import PASSWORD, issue

PUBLIC = {
    "/",
    "/login",  # "/" only redirects to /counter
    "/board",
    "/board/events",
    "/board/state",
    "/audio/{key}.wav",
    "/t/{token}",
    "/t/{token}/events",
    "/healthz",
    "/static",
    "/static/swagger",
}
ROLE = {"/supervisor/audit": "supervisor", "/admin/users": "admin"}
RANK = ["counter", "supervisor", "admin"]


def routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for r in app.routes:
        for m in sorted(getattr(r, "methods", None) or {"GET"}):
            if m != "HEAD":
                out.append((m, r.path))
    return out


def fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def login(client: TestClient, user: str) -> str:
    r = client.post("/login", data={"username": user, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/counter")
    return re.search(r'data-csrf="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def test_every_staff_route_refuses_anonymous(app: Any) -> None:
    with TestClient(app) as c:
        checked = 0
        for method, path in routes(app):
            if path in PUBLIC:
                continue
            r = c.request(method, fill(path), json={}, follow_redirects=False)
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
        assert checked >= 12
        # an HTML client is sent to the login page instead
        r = c.get("/counter", headers={"accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


@pytest.mark.parametrize("user", ["counter", "supervisor"])
def test_wrong_role_is_refused(app: Any, user: str) -> None:
    with TestClient(app) as c:
        csrf = login(c, user)
        for method, path in routes(app):
            need = ROLE.get(path)
            if need is None or RANK.index(user) >= RANK.index(need):
                continue
            r = c.request(method, fill(path), json={}, headers={"x-csrf-token": csrf})
            assert r.status_code == 403, (user, method, path)


def test_public_pages_show_no_personal_data(app: Any) -> None:
    t = issue(app.state.service)
    with TestClient(app) as c:
        assert c.get("/board").status_code == 200
        state = c.get("/board/state").json()
        assert set(state) == {"calls", "waiting", "repeat"}
        assert c.get(f"/t/{app.state.qapi.token(t)}").status_code == 200
        assert c.get(f"/t/{t.id}").status_code == 200  # renders, but the id is no token:
    assert app.state.qapi.by_token(app.state.qapi.token(t)).id == t.id
    with pytest.raises(KeyError):
        app.state.qapi.by_token(t.id)


def test_csrf_required_for_session_posts(app: Any) -> None:
    issue(app.state.service)
    with TestClient(app) as c:
        csrf = login(c, "counter")
        url = "/api/v1/counters/1/call-next"
        assert c.post(url, json={"lines": ["noi"]}).status_code == 403
        assert (
            c.post(url, json={"lines": ["noi"]}, headers={"x-csrf-token": "x"}).status_code == 403
        )
        r = c.post(url, json={"lines": ["noi"]}, headers={"x-csrf-token": csrf})
        assert r.status_code == 200 and r.json()["ticket"]["number"] == "N001"
        assert [e["action"] for e in app.state.auth.audit_log()][0] == "called"


def test_api_key_needs_no_csrf_and_keeps_its_role(app: Any) -> None:
    key = app.state.auth.new_api_key("his", "counter")
    with TestClient(app) as c:
        h = {"x-api-key": key}
        assert c.get("/api/v1/lines", headers=h).status_code == 200
        assert c.get("/admin/users", headers=h).status_code == 403
        assert c.get("/api/v1/lines", headers={"x-api-key": key + "x"}).status_code == 401


def test_lockout_after_failures(app: Any) -> None:
    with TestClient(app) as c:
        for _ in range(5):
            r = c.post("/login", data={"username": "counter", "password": "wrong password!"})
            assert r.status_code == 401
        r = c.post(
            "/login", data={"username": "counter", "password": PASSWORD}, follow_redirects=False
        )
        assert r.status_code == 401 and "khoá" in r.text
    failed = [e for e in app.state.auth.audit_log() if e["action"] == "login_failed"]
    assert len(failed) == 5


def test_login_throttled_per_ip(app: Any) -> None:
    with TestClient(app) as c:
        codes = [
            c.post("/login", data={"username": f"nobody{i}", "password": "x"}).status_code
            for i in range(12)
        ]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]


def test_password_is_hashed_with_argon2(app: Any) -> None:
    from sqlalchemy import select

    from web.auth import users

    with app.state.service.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
