"""The ASGI app: routes, authorisation and the SSE streams (see web/__init__.py).

Roles rank counter < supervisor < admin; every route names the least role it needs in
`ROUTE_ROLES` (the tests walk that table). Public: the board, the phone page, login, static
files and the health check; nothing public shows personal data.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sse_starlette.sse import EventSourceResponse

from kiosk.queue.lines import line_by_id
from kiosk.queue.service import QueueService, Ticket
from web.auth import ROLES, Auth, LoginRefused, Principal
from web.events import Hub, notify
from web.privacy import purge_daily
from web.queue_api import QueueAPI, Unsupported
from web.settings import WebSettings
from web.voice import Voice, display_text, spoken_text

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "kq_session"
BOARD_CALLS = 40  # enough that a burst between two board updates is not lost


class CallBody(BaseModel):
    lines: list[str]


class NewUser(BaseModel):
    username: str
    password: str
    role: str


class TransferBody(BaseModel):
    line_id: str | None = None
    counter: str | None = None


def line_name(config: Any, line_id: str, lang: str = "vi") -> str:
    try:
        line = line_by_id(config, line_id)
        clinic = config.clinic(line.clinic_id)
    except KeyError:
        return line_id
    name = clinic.name(lang)
    return name if line.kind == "general" else f"{name} · {line.kind_name(lang)}"


def create_app(config: Any, settings: WebSettings, service: QueueService | None = None) -> FastAPI:
    service = service or QueueService.from_config(config)
    data = Path(config.data_path)
    secret_file = data / "web-secret.key"
    if not secret_file.exists():
        data.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_hex(32))
        secret_file.chmod(0o600)
    qapi = QueueAPI(service, hashlib.sha256(secret_file.read_bytes()).digest())
    auth = Auth(service.engine, settings)
    voice = Voice(data / "web-voice", settings.voice)
    secure = (
        settings.cookie_secure
        if settings.cookie_secure is not None
        else bool(settings.tls_certfile)
    )
    hospital = (
        settings.hospital_name if settings.hospital_name != "Bệnh viện" else config.hospital.name_vi
    )
    own_notify = qapi.postgres and not _queue_notifies()

    def snapshot() -> dict[str, Any]:
        calls = []
        for c in qapi.recent_calls(BOARD_CALLS):
            calls.append(
                {
                    **c.public(),
                    "text": display_text(c.number, c.counter),
                    "audio": voice.register(spoken_text(c.number, c.counter)),
                }
            )
        kinds = {ln.id: ln.kind for ln in qapi.lines()}
        waiting = [
            {
                "line_id": line_id,
                "name": line_name(config, line_id),
                "name2": line_name(config, line_id, "en"),
                "waiting": count,
                "priority": kinds[line_id] == "priority",
            }
            for line_id, count in qapi.waiting().items()
        ]
        return {"calls": calls, "waiting": waiting, "repeat": settings.announce_repeat}

    hub = Hub(snapshot)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(hub.run())
        purge = asyncio.create_task(purge_daily(service.engine, config))  # kiosk.privacy
        if qapi.postgres:
            hub.listen_postgres(config.storage.dsn.get_secret_value())
        else:
            hub.poll_sqlite(service.engine, settings.sqlite_poll_s)
        yield
        hub.stop()
        task.cancel()
        purge.cancel()

    app = FastAPI(
        title="Hospital queue",
        description="Lines, waiting counts, tickets, calls. Machines send `X-API-Key`; "
        "people sign in at /login.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.hub, app.state.auth, app.state.qapi, app.state.voice = hub, auth, qapi, voice
    templates = Jinja2Templates(directory=HERE / "templates")
    import swagger_ui_bundle

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # -- authorisation -------------------------------------------------------------------

    def require(role: str) -> Any:
        async def dep(request: Request) -> Principal:
            who = auth.api_key(request.headers.get("x-api-key")) or auth.session(
                request.cookies.get(COOKIE)
            )
            if who is None:
                if request.headers.get("accept", "").startswith("text/html"):
                    raise HTTPException(
                        303, headers={"Location": f"/login?next={request.url.path}"}
                    )
                raise HTTPException(401, "sign in or send X-API-Key")
            if not who.has(role):
                raise HTTPException(403, f"needs role {role}")
            if who.kind == "session" and request.method not in ("GET", "HEAD"):
                sent = request.headers.get("x-csrf-token")
                if sent is None and request.headers.get("content-type", "").startswith(
                    "application/x-www-form-urlencoded"
                ):
                    field = (await request.form()).get("csrf")
                    sent = field if isinstance(field, str) else None
                if not sent or not secrets.compare_digest(str(sent), who.csrf):
                    raise HTTPException(403, "CSRF token missing or wrong")
            return who

        return Depends(dep)

    counter_role, supervisor_role, admin_role = (require(r) for r in ROLES)

    def ticket_public(t: Ticket) -> dict[str, Any]:
        rng = getattr(t, "wait_range_min", None)
        return {
            "id": t.id,
            "number": t.number,
            "line_id": t.line_id,
            "line": line_name(config, t.line_id),
            "state": t.state,
            "priority": t.priority is not None,
            "people_ahead": t.people_ahead,
            "wait_min": list(rng)
            if rng
            else (
                None
                if t.estimated_wait_min is None
                else [t.estimated_wait_min, t.estimated_wait_min]
            ),
            "counter": qapi.counter_of(t) if t.state == "called" else "",
            "issued_at": t.issued_at.isoformat(),
        }

    async def after_call(kind: str, t: Ticket) -> None:
        if own_notify:
            await asyncio.to_thread(notify, service.engine, {"kind": kind, "ticket_id": t.id})
        hub.wake()

    def find(q: str) -> Ticket:
        try:
            return qapi.find(q)
        except KeyError:
            raise HTTPException(404, f"no ticket {q[:40]} today") from None

    # -- public --------------------------------------------------------------------------

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        status = service.health()
        return {"ok": status.ok, "summary": status.summary}

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/counter", error: str = "") -> Response:
        return templates.TemplateResponse(request, "login.html", {"next": next, "error": error})

    @app.post("/login", include_in_schema=False)
    async def login(
        request: Request,
        username: str = Form(),
        password: str = Form(),
        next: str = Form("/counter"),
    ) -> Response:
        ip = request.client.host if request.client else "?"
        target = next if next.startswith("/") and not next.startswith("//") else "/counter"
        try:
            token, _who = await asyncio.to_thread(auth.login, username, password, ip)
        except LoginRefused as exc:
            msg = {
                "bad": "Sai tên hoặc mật khẩu / Wrong user name or password",
                "locked": "Tài khoản tạm khoá / Account locked for a while",
                "throttled": "Thử lại sau một phút / Too many attempts, wait a minute",
            }[exc.reason]
            code = 429 if exc.reason == "throttled" else 401
            return templates.TemplateResponse(
                request, "login.html", {"next": target, "error": msg}, status_code=code
            )
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure,
            max_age=int(settings.session_hours * 3600),
        )
        return resp

    @app.get("/board", response_class=HTMLResponse, include_in_schema=False)
    def board(request: Request, lang2: str | None = None) -> Response:
        return templates.TemplateResponse(
            request,
            "board.html",
            {
                "hospital": hospital,
                "lang2": settings.second_language if lang2 is None else lang2,
                "history": settings.board_history,
            },
        )

    async def stream(request: Request, render: Any) -> AsyncIterator[dict[str, str]]:
        q = hub.subscribe()
        try:
            last = None
            state = hub.state
            while True:
                if state is not None:
                    out = await render(state)
                    if out != last:
                        last = out
                        yield {"event": "state", "data": json.dumps(out, ensure_ascii=False)}
                state = await q.get()
        finally:
            hub.unsubscribe(q)

    @app.get("/board/events", include_in_schema=False)
    async def board_events(request: Request) -> EventSourceResponse:
        async def same(state: dict[str, Any]) -> dict[str, Any]:
            return state

        return EventSourceResponse(stream(request, same), ping=10)

    @app.get("/board/state", include_in_schema=False)
    def board_state() -> dict[str, Any]:
        return hub.state or snapshot()

    @app.get("/audio/{key}.wav", include_in_schema=False)
    async def audio(key: str) -> Response:
        path = await asyncio.to_thread(voice.wav, key) if key.isalnum() else None
        if path is None or not path.exists():
            raise HTTPException(404)
        return FileResponse(path, media_type="audio/wav")

    def phone_view(token: str) -> dict[str, Any]:
        try:
            t = qapi.by_token(token)
        except KeyError:
            return {"found": False}
        view = ticket_public(t)
        view.pop("id")
        return {"found": True, **view}

    @app.get("/t/{token}", response_class=HTMLResponse, include_in_schema=False)
    def phone(request: Request, token: str) -> Response:
        return templates.TemplateResponse(
            request, "phone.html", {"token": token, "hospital": hospital}
        )

    @app.get("/t/{token}/events", include_in_schema=False)
    async def phone_events(request: Request, token: str) -> EventSourceResponse:
        async def view(_state: dict[str, Any]) -> dict[str, Any]:
            return await asyncio.to_thread(phone_view, token)

        return EventSourceResponse(stream(request, view), ping=10)

    # -- staff pages ---------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/counter", status_code=303)

    @app.get("/counter", response_class=HTMLResponse, include_in_schema=False)
    def counter_page(request: Request, who: Principal = counter_role) -> Response:
        lines = [{"id": ln.id, "name": line_name(config, ln.id)} for ln in qapi.lines()]
        return templates.TemplateResponse(
            request, "counter.html", {"who": who, "lines": lines, "hospital": hospital}
        )

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, who: Principal = counter_role) -> Response:
        auth.logout(request.cookies.get(COOKIE, ""))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(COOKIE)
        return resp

    @app.get("/docs", include_in_schema=False)
    def docs(who: Principal = counter_role) -> Response:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Hospital queue API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
        )

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(who: Principal = counter_role) -> dict[str, Any]:
        return app.openapi()

    @app.get("/supervisor/audit", tags=["supervisor"])
    def audit_log(who: Principal = supervisor_role) -> list[dict[str, Any]]:
        """Who called or viewed which ticket and registration (newest first)."""
        return auth.audit_log()

    @app.get("/admin/users", tags=["admin"])
    def users(who: Principal = admin_role) -> list[dict[str, str]]:
        return [{"username": u, "role": r} for u, r in auth.list_users()]

    @app.post("/admin/users", tags=["admin"], status_code=201)
    def add_user(body: NewUser, who: Principal = admin_role) -> dict[str, str]:
        try:
            auth.add_user(body.username, body.password, body.role)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        auth.record(who.name, "user_added", detail=f"{body.username} {body.role}")
        return {"username": body.username, "role": body.role}

    # -- REST API ------------------------------------------------------------------------

    @app.get("/api/v1/lines", tags=["queue"])
    def api_lines(who: Principal = counter_role) -> list[dict[str, Any]]:
        """Lines with today's issued, waiting and called counts."""
        return [{**s, "name": line_name(config, s["line_id"])} for s in qapi.status()]

    @app.get("/api/v1/tickets/{query}", tags=["queue"])
    def api_ticket(query: str, who: Principal = counter_role) -> dict[str, Any]:
        """A ticket by printed number (today), id, or scanned QR text. No personal data."""
        t = find(query)
        auth.record(who.name, "ticket_viewed", t.id, t.number)
        return ticket_public(t)

    @app.get("/api/v1/tickets/{query}/registration", tags=["queue"])
    def api_registration(query: str, who: Principal = counter_role) -> dict[str, Any]:
        """The registration kept with the ticket (staff only; every read is audited)."""
        t = find(query)
        reg = qapi.registration(t.id)
        # the access log (kiosk privacy report): who, when, which ticket; never the patient.
        # Written before the answer: a view that cannot be logged is not shown.
        shown = "record shown" if reg is not None else "no record (purged or none kept)"
        auth.record(who.name, "registration_viewed", t.id, t.number, shown)
        if reg is None:
            return {
                "ticket": ticket_public(t),
                "registration": None,
                "insurance_verified": t.insurance_verified,
                "staff_note": t.staff_note,
            }
        return {
            "ticket": ticket_public(t),
            "registration": _as_dict(reg),
            "insurance_verified": t.insurance_verified,
            "staff_note": t.staff_note,
        }

    @app.post("/api/v1/counters/{counter}/call-next", tags=["calls"])
    async def api_call_next(
        counter: str, body: CallBody, who: Principal = counter_role
    ) -> dict[str, Any]:
        """Calls the next ticket for `counter` over `lines` (priority first, fairness rule)."""
        if not body.lines:
            raise HTTPException(422, "choose at least one line")
        for ln in body.lines:
            if qapi.config and line_name(config, ln) == ln:
                raise HTTPException(422, f"unknown line {ln}")
        t = await asyncio.to_thread(qapi.call_next, body.lines, counter)
        if t is None:
            return {"ticket": None}
        await asyncio.to_thread(
            auth.record, who.name, "called", t.id, t.number, f"counter {counter}"
        )
        await after_call("called", t)
        return {"ticket": ticket_public(t)}

    async def act(
        who: Principal, action: str, ticket_id: str, fn: Any, *args: Any
    ) -> dict[str, Any]:
        try:
            t = await asyncio.to_thread(fn, ticket_id, *args)
        except KeyError:
            raise HTTPException(404, "no such ticket") from None
        except Unsupported as exc:
            raise HTTPException(501, str(exc)) from None
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        await asyncio.to_thread(auth.record, who.name, action, t.id, t.number)
        await after_call(action, t)
        return {"ticket": ticket_public(t)}

    @app.post("/api/v1/tickets/{ticket_id}/recall", tags=["calls"])
    async def api_recall(
        ticket_id: str, request: Request, who: Principal = counter_role
    ) -> dict[str, Any]:
        counter = request.query_params.get("counter", "")
        return await act(who, "recalled", ticket_id, qapi.recall, counter)

    @app.post("/api/v1/tickets/{ticket_id}/no-show", tags=["calls"])
    async def api_skip(ticket_id: str, who: Principal = counter_role) -> dict[str, Any]:
        return await act(who, "no_show", ticket_id, qapi.skip)

    @app.post("/api/v1/tickets/{ticket_id}/done", tags=["calls"])
    async def api_done(ticket_id: str, who: Principal = counter_role) -> dict[str, Any]:
        return await act(who, "done", ticket_id, qapi.done)

    @app.post("/api/v1/tickets/{ticket_id}/transfer", tags=["calls"])
    async def api_transfer(
        ticket_id: str, body: TransferBody, who: Principal = counter_role
    ) -> dict[str, Any]:
        return await act(who, "transferred", ticket_id, qapi.transfer, body.line_id, body.counter)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if exc.status_code == 303 and headers:
            return RedirectResponse(headers["Location"], status_code=303)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    if config.payment.enabled:
        from kiosk.payment.service import PaymentService
        from web.payments import add_payment_routes

        payments = PaymentService(service.engine, config.payment, config.kiosk_id)
        add_payment_routes(app, payments, counter_role)
        app.state.payments = payments

    app.state.phone_url = lambda t: f"{settings.public_base_url.rstrip('/')}/t/{qapi.token(t)}"
    return app


def _as_dict(obj: Any) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    return asdict(obj) if is_dataclass(obj) and not isinstance(obj, type) else dict(obj)


def _queue_notifies() -> bool:
    try:
        import kiosk.queue.events  # noqa: F401  (the queue sends pg_notify itself)
    except ImportError:
        return False
    return True
