"""The simulator itself, spoken to with plain requests: paths, shapes, tokens, control."""

from __future__ import annotations

import hashlib
import json
import socket
from datetime import date
from typing import Any

import pytest
import requests

from kiosk.insurance.people import PeopleTable
from kiosk.insurance.simulator import FAULTS, GatewaySimulator

MD5 = hashlib.md5(b"secret", usedforsecurity=False).hexdigest()
RESPONSE_FIELDS = [
    "maKetQua",
    "ghiChu",
    "maThe",
    "hoTen",
    "ngaySinh",
    "gioiTinh",
    "diaChi",
    "maDKBD",
    "cqBHXH",
    "gtTheTu",
    "gtTheDen",
    "maKV",
    "ngayDu5Nam",
    "maSoBHXH",
    "maTheCu",
    "maTheMoi",
    "gtTheTuMoi",
    "gtTheDenMoi",
    "maDKBDMoi",
    "tenDKBDMoi",
    "dsLichSuKCB2018",
    "dsLichSuKT2018",
]
AN_BODY = {
    "maThe": "001090123456",
    "hoTen": "Nguyễn Văn An",
    "ngaySinh": "01/01/1990",
    "hoTenCb": "Nguyễn Thị Hà",
    "cccdCb": "001080001234",
}


@pytest.fixture
def http() -> Any:
    with requests.Session() as session:
        session.trust_env = False
        yield session


def take_token(http: Any, sim: GatewaySimulator, **kw: Any) -> dict[str, Any]:
    body = {"username": "01001_BV", "password": MD5}
    r = http.post(f"{sim.url}/api/token/take", timeout=2, **(kw or {"json": body}))
    assert r.status_code == 200, r.text
    return r.json()["APIKey"]


def check(http: Any, sim: GatewaySimulator, key: dict[str, Any], body: dict[str, Any]) -> Any:
    params = {
        "token": key["access_token"],
        "id_token": key["id_token"],
        "username": "01001_BV",
        "password": MD5,
    }
    return http.post(f"{sim.url}/api/egw/KQNhanLichSuKCB2024", params=params, json=body, timeout=2)


def test_token_json_and_form(http: Any, sim: GatewaySimulator) -> None:
    key = take_token(http, sim)
    assert set(key) == {"access_token", "id_token", "token_type", "username", "expires_in"}
    assert key["username"] == "01001_BV"
    assert key["expires_in"].endswith("+07:00")
    form = take_token(http, sim, data={"username": "01001_BV", "password": MD5})
    assert form["access_token"] != key["access_token"]


@pytest.mark.parametrize("password", ["secret", "", MD5.upper()])
def test_token_wants_an_md5_password(http: Any, sim: GatewaySimulator, password: str) -> None:
    r = http.post(
        f"{sim.url}/api/token/take", json={"username": "u", "password": password}, timeout=2
    )
    assert r.status_code == 401 and r.json()["maKetQua"] == "401"


def test_token_checks_configured_credentials(http: Any, sim: GatewaySimulator) -> None:
    sim.credentials = ("01001_BV", "secret")
    take_token(http, sim)
    wrong = hashlib.md5(b"other", usedforsecurity=False).hexdigest()
    r = http.post(
        f"{sim.url}/api/token/take", json={"username": "01001_BV", "password": wrong}, timeout=2
    )
    assert r.status_code == 401


def test_card_check_answer_has_every_reference_field(http: Any, sim: GatewaySimulator) -> None:
    r = check(http, sim, take_token(http, sim), AN_BODY)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    data = r.json()
    assert set(data) == set(RESPONSE_FIELDS)
    assert data["maKetQua"] == "000"
    assert data["maThe"] == "DN4010190123456"
    assert data["maDKBD"] == "01001"
    assert data["gioiTinh"] == "Nam"
    assert data["maSoBHXH"] == "0190123456"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"token": "nope", "id_token": "x", "username": "01001_BV", "password": MD5},
        "wrong id_token",
        "wrong password",
    ],
)
def test_card_check_needs_a_valid_token(http: Any, sim: GatewaySimulator, params: Any) -> None:
    key = take_token(http, sim)
    if params == "wrong id_token":
        key = {**key, "id_token": "x"}
    elif params == "wrong password":
        params = {
            "token": key["access_token"],
            "id_token": key["id_token"],
            "username": "01001_BV",
            "password": "0" * 32,
        }
    if isinstance(params, dict):
        r = http.post(
            f"{sim.url}/api/egw/KQNhanLichSuKCB2024", params=params, json=AN_BODY, timeout=2
        )
    else:
        r = check(http, sim, key, AN_BODY)
    assert r.status_code == 401 and r.json()["maKetQua"] == "401"


def test_tokens_expire(http: Any) -> None:
    with GatewaySimulator(token_ttl_s=0.5) as sim, requests.Session() as s:
        s.trust_env = False
        key = take_token(s, sim)
        assert check(s, sim, key, AN_BODY).status_code == 200
        import time

        time.sleep(0.55)
        assert check(s, sim, key, AN_BODY).status_code == 401


def test_expire_tokens_and_control_endpoints(http: Any, sim: GatewaySimulator) -> None:
    key = take_token(http, sim)
    health = http.get(f"{sim.url}/_sim/health", timeout=2).json()
    assert health["ok"] and health["fault"] is None and health["live_tokens"] == 1
    assert set(health["faults"]) == set(FAULTS)
    r = http.post(f"{sim.url}/_sim/expire-tokens", timeout=2)
    assert r.json()["live_tokens"] == 0
    assert check(http, sim, key, AN_BODY).status_code == 401
    r = http.post(f"{sim.url}/_sim/fault", json={"fault": "http500", "rate": 0.5}, timeout=2)
    assert (r.json()["fault"], r.json()["rate"]) == ("http500", 0.5)
    assert sim.fault == "http500"
    r = http.post(f"{sim.url}/_sim/fault", json={"fault": "nonsense"}, timeout=2)
    assert r.status_code == 400 and "unknown fault" in r.json()["error"]
    r = http.post(f"{sim.url}/_sim/fault", json={"fault": None}, timeout=2)
    assert r.json()["fault"] is None
    assert http.get(f"{sim.url}/nowhere", timeout=2).status_code == 404
    assert http.post(f"{sim.url}/_sim/nowhere", timeout=2).status_code == 404


def test_set_fault_refuses_unknown_names() -> None:
    sim = GatewaySimulator()
    with pytest.raises(ValueError):
        sim.set_fault("bogus")
    with pytest.raises(ValueError):
        sim.set_fault("slow", rate=2)


@pytest.mark.parametrize(
    ("fault", "status", "ctype"),
    [
        ("http500", 500, "text/plain"),
        ("html_error", 200, "text/html"),
        ("wrong_content_type", 200, "text/plain"),
        ("malformed_json", 200, "application/json"),
    ],
)
def test_fault_answers(
    http: Any, sim: GatewaySimulator, fault: str, status: int, ctype: str
) -> None:
    key = take_token(http, sim)
    sim.set_fault(fault)
    r = check(http, sim, key, AN_BODY)
    assert r.status_code == status and r.headers["Content-Type"].startswith(ctype)
    if fault == "malformed_json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.text)
    if fault == "wrong_content_type":
        assert json.loads(r.text)["maKetQua"] == "000"


def test_dropped_connection_and_timeout(http: Any) -> None:
    with GatewaySimulator(hang_s=1.0) as sim, requests.Session() as s:
        s.trust_env = False
        key = take_token(s, sim)
        sim.set_fault("dropped_connection")
        with pytest.raises(requests.ConnectionError):
            check(s, sim, key, AN_BODY)
        sim.set_fault("timeout")
        with pytest.raises(requests.ReadTimeout):
            s.post(
                f"{sim.url}/api/token/take", json={"username": "u", "password": MD5}, timeout=0.2
            )


def test_stop_releases_held_requests() -> None:
    sim = GatewaySimulator(hang_s=30).start()
    sim.set_fault("timeout")
    url = sim.url
    host, port = url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=2)
    conn.sendall(b"POST /api/token/take HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    import time

    time.sleep(0.1)
    started = time.monotonic()
    sim.stop()
    assert time.monotonic() - started < 2
    conn.close()


def test_officers_enable_054_and_055(http: Any, sim: GatewaySimulator) -> None:
    sim.officers = {"001080001234": "Nguyễn Thị Hà"}
    key = take_token(http, sim)
    assert check(http, sim, key, AN_BODY).json()["maKetQua"] == "000"
    unknown = {**AN_BODY, "cccdCb": "001080009999"}
    assert check(http, sim, key, unknown).json()["maKetQua"] == "054"
    wrong_name = {**AN_BODY, "hoTenCb": "Trần Văn Hùng"}
    assert check(http, sim, key, wrong_name).json()["maKetQua"] == "055"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ngaySinh": "1990-01-01"}, "205"),
        ({"ngaySinh": 1990}, "205"),
        ({"hoTen": ""}, "205"),
        ({"maThe": ""}, "205"),
        ({"maThe": "12345"}, "051"),
    ],
)
def test_parameter_format(http: Any, sim: GatewaySimulator, change: dict, code: str) -> None:
    r = check(http, sim, take_token(http, sim), {**AN_BODY, **change})
    assert r.json()["maKetQua"] == code


def test_form_encoded_card_check(http: Any, sim: GatewaySimulator) -> None:
    key = take_token(http, sim)
    params = {
        "token": key["access_token"],
        "id_token": key["id_token"],
        "username": "01001_BV",
        "password": MD5,
    }
    r = http.post(f"{sim.url}/api/egw/KQNhanLichSuKCB2024", params=params, data=AN_BODY, timeout=2)
    assert r.json()["maKetQua"] == "000"


def test_latency(http: Any) -> None:
    import time

    with GatewaySimulator(latency_ms=150) as sim, requests.Session() as s:
        s.trust_env = False
        started = time.monotonic()
        take_token(s, sim)
        assert time.monotonic() - started >= 0.15


def test_expiry_by_date_uses_today() -> None:
    table = PeopleTable.load()
    body = {"maThe": "036070002468", "hoTen": "Hoàng Đức Thắng", "ngaySinh": "14/02/1970"}
    assert table.answer(body, today=date(2025, 12, 31))["maKetQua"] == "000"
    assert table.answer(body, today=date(2026, 1, 1))["maKetQua"] == "010"


def test_people_file_must_have_known_keys(tmp_path: Any) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            [
                {
                    "card_number": "X",
                    "citizen_id": "",
                    "name": "A",
                    "birth_date": "1990",
                    "shoe_size": "42",
                }
            ]
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="shoe_size"):
        PeopleTable.load(path)


def test_demo_people_are_in_the_people_file() -> None:
    from pathlib import Path

    table = PeopleTable.load()
    demo = Path(__file__).resolve().parents[3] / "assets" / "demo" / "people"
    files = sorted(demo.glob("*.json"))
    assert len(files) == 5
    for file in files:
        info = json.loads(file.read_text(encoding="utf-8"))
        row = table.find(info["id"])
        assert row is not None, info["name"]
        assert (row.name, row.birth_date, row.gender) == (info["name"], info["dob"], info["gender"])


def test_simulator_control_for_the_tester_panel(sim: GatewaySimulator) -> None:
    from kiosk.insurance.simulator import SimulatorControl

    control = SimulatorControl(sim.url)
    ids = [i for i, _ in control.outcomes()]
    assert ids[0] == "none" and set(FAULTS) <= set(ids)
    control.set_outcome("timeout")
    assert sim.fault == "timeout" and control.health()["fault"] == "timeout"
    control.set_outcome("none")
    assert sim.fault is None
    with pytest.raises(requests.HTTPError):
        control.set_outcome("bogus")
    control.close()
