"""Payment routes of `kiosk serve`: the bank's signed notification and the counter's list of
bills to look at. The checks live in kiosk.payment (notify.receive): this module only mounts
them. The notification route is reachable without a login (the bank has no session); its
signature is the authentication, checked before anything is read or stored."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kiosk.payment.notify import MAX_BODY, receive
from kiosk.payment.service import PaymentService


def add_payment_routes(app: FastAPI, payments: PaymentService, staff: Any) -> None:
    @app.post("/api/payments/notify", tags=["payments"])
    async def payment_notify(request: Request) -> JSONResponse:
        """A bank's (or payment provider's) signed notification of a transfer."""
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"ok": False, "error": "body too large"}, status_code=413)
        status, data = await run_in_threadpool(receive, payments, body, dict(request.headers))
        return JSONResponse(data, status_code=status)

    @app.get("/api/v1/payments/open", tags=["payments"])
    def payments_open(who: Any = staff) -> list[dict[str, Any]]:
        """Bills the counter must look at: open, partial, overpaid, or paid after a cancel."""
        return [
            {**asdict(b), "state": b.state.value, "outstanding": b.outstanding}
            for b in payments.open_bills()
        ]
