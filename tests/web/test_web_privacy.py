"""The counter page's access log: every view of a registration's personal data is logged (who,
when, which ticket; never the patient), shown by `kiosk privacy report`, and a view that cannot
be logged is not shown. The server also runs the daily purge."""

from __future__ import annotations

import logging
from typing import Any

from fastapi.testclient import TestClient

from kiosk.config import KioskConfig
from kiosk.privacy import retention
from kiosk.queue.model import Registration, TicketRequest

NAME, CCCD, BIRTH = "Lê Văn Thử", "001050000001", "1950-03-04"


def _issue(app: Any) -> Any:
    reg = Registration(name=NAME, birth_date=BIRTH, gender="nam", citizen_id=CCCD)
    return app.state.service.issue(TicketRequest(clinic_id="noi", insured=False, registration=reg))


def test_every_registration_view_is_logged_without_patient_data(app: Any, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    shown, other = (
        _issue(app),
        app.state.service.issue(TicketRequest(clinic_id="noi", insured=False)),
    )
    c = TestClient(app)
    h = {"x-api-key": app.state.auth.new_api_key("counter-3", "counter")}
    with c:
        assert (
            c.get(f"/api/v1/tickets/{shown.number}/registration", headers=h).json()["registration"][
                "name"
            ]
            == NAME
        )
        assert (
            c.get(f"/api/v1/tickets/{other.id}/registration", headers=h).json()["registration"]
            is None
        )
    views = [e for e in app.state.auth.audit_log() if e["action"] == "registration_viewed"]
    assert [(v["actor"], v["number"], v["detail"]) for v in views] == [
        ("key:counter-3", other.number, "no record (purged or none kept)"),
        ("key:counter-3", shown.number, "record shown"),
    ]
    assert all(v["at"] and v["ticket_id"] for v in views)
    for value in (NAME, CCCD, BIRTH, "1950"):
        assert all(value not in str(v) for v in views)
        assert value not in caplog.text  # nor in the server's log lines
    engine = app.state.service.engine
    fields = {f.name: f for f in retention.report(engine, KioskConfig())}
    summary = fields["staff access log"].extra["registration_views"]
    assert summary["views"] == 2 and summary["by_staff"][0]["actor"] == "key:counter-3"
    assert [v["ticket"] for v in retention.recent_views(engine)] == [other.number, shown.number]


def test_a_view_that_cannot_be_logged_is_not_shown(app: Any) -> None:
    t = _issue(app)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("audit table unavailable")

    h = {"x-api-key": app.state.auth.new_api_key("counter-4", "counter")}
    app.state.auth.record = broken
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get(f"/api/v1/tickets/{t.number}/registration", headers=h)
    assert r.status_code == 500 and NAME not in r.text and CCCD not in r.text
