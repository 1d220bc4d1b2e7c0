"""The REST API over the queue: call, no-show, transfer, done, lookups, docs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from web_testing import issue


def client(app: Any) -> tuple[TestClient, dict[str, str]]:
    return TestClient(app), {"x-api-key": app.state.auth.new_api_key("his", "counter")}


def test_call_no_show_transfer_done(app: Any) -> None:
    svc = app.state.service
    first, second = issue(svc), issue(svc)
    c, h = client(app)
    with c:
        r = c.post("/api/v1/counters/2/call-next", json={"lines": ["noi"]}, headers=h)
        assert r.json()["ticket"]["number"] == first.number
        assert r.json()["ticket"]["counter"] == "2"
        r = c.post(f"/api/v1/tickets/{first.id}/no-show", headers=h)
        assert r.status_code == 200, r.text
        assert r.json()["ticket"]["state"] in {"waiting", "no_show"}
        r = c.post("/api/v1/counters/2/call-next", json={"lines": ["noi"]}, headers=h)
        called = r.json()["ticket"]
        r = c.post(f"/api/v1/tickets/{called['id']}/transfer", json={"line_id": "nhi"}, headers=h)
        assert r.status_code == 200, r.text
        r = c.post("/api/v1/counters/5/call-next", json={"lines": ["nhi"]}, headers=h)
        assert r.json()["ticket"]["id"] == called["id"]
        r = c.post(f"/api/v1/tickets/{called['id']}/done", headers=h)
        assert r.json()["ticket"]["state"] == "done"
        # recalling a served ticket is refused, not a crash
        assert c.post(f"/api/v1/tickets/{called['id']}/recall", headers=h).status_code == 409
        assert c.post("/api/v1/tickets/nope/done", headers=h).status_code == 404
        lines = {ln["line_id"]: ln for ln in c.get("/api/v1/lines", headers=h).json()}
        assert lines["noi"]["issued"] == 2
        assert (
            c.get(f"/api/v1/tickets/{second.number.lower()}", headers=h).json()["id"] == second.id
        )
        assert c.get("/api/v1/tickets/Z999", headers=h).status_code == 404
    actions = [e["action"] for e in app.state.auth.audit_log()]
    assert {"called", "no_show", "transferred", "done", "ticket_viewed"} <= set(actions)


def test_unknown_line_and_empty_lines_refused(app: Any) -> None:
    c, h = client(app)
    with c:
        assert (
            c.post("/api/v1/counters/1/call-next", json={"lines": []}, headers=h).status_code == 422
        )
        r = c.post("/api/v1/counters/1/call-next", json={"lines": ["nope"]}, headers=h)
        assert r.status_code == 422


def test_docs_served_offline(app: Any) -> None:
    c, h = client(app)
    with c:
        page = c.get("/docs", headers=h)
        assert page.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in page.text
        assert c.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
        spec = c.get("/openapi.json", headers=h).json()
        assert "/api/v1/counters/{counter}/call-next" in spec["paths"]


def test_registration_shown_to_staff_and_audited(app: Any) -> None:
    from kiosk.queue.model import Registration, TicketRequest

    reg = Registration(
        name="Lê Văn Thử", birth_date="1950", gender="nam", citizen_id="001050000001"
    )
    t = app.state.service.issue(TicketRequest(clinic_id="noi", insured=False, registration=reg))
    c, h = client(app)
    with c:
        body = c.get(f"/api/v1/tickets/{t.number}/registration", headers=h).json()
        assert body["registration"]["name"] == "Lê Văn Thử"
        assert body["registration"]["citizen_id"] == "001050000001"
        public = c.get(f"/t/{app.state.qapi.token(t)}").text + str(c.get("/board/state").json())
        assert "Lê Văn Thử" not in public and "001050000001" not in public
    viewed = [e for e in app.state.auth.audit_log() if e["action"] == "registration_viewed"]
    assert viewed and viewed[0]["actor"] == "key:his" and viewed[0]["number"] == t.number
