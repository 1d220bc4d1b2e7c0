"""`kiosk ticket issue`, `kiosk queue call|status|lines`, `kiosk bench queue`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.queue import db
from kiosk.queue.bench import run_bench
from tests.support.pgserver import TempPostgres


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_issue_call_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    d = ["--data-dir", str(tmp_path)]
    code, out = _run(capsys, "ticket", "issue", "--line", "noi", "--json", *d)
    first = json.loads(out)
    assert code == 0 and first["number"] == "N001" and first["line_id"] == "noi"
    code, out = _run(
        capsys,
        "ticket",
        "issue",
        "--line",
        "noi.ut",
        "--priority",
        "age_75_plus",
        "--insured",
        "--json",
        *d,
    )
    prio = json.loads(out)
    assert prio["number"] == "N-ƯT001" and prio["insured"] is True
    code, out = _run(capsys, "ticket", "issue", "--line", "noi", "--print", "--json", *d)
    printed = json.loads(out)
    assert printed["number"] == "N002" and printed["print"]["ok"] is True
    assert printed["print_status"] == "printed"
    assert list((tmp_path / "printed").glob("*.png"))
    code, out = _run(capsys, "queue", "call", "--line", "noi", *d)
    assert code == 0 and "N-ƯT001" in out  # priority first
    code, out = _run(capsys, "queue", "status", "--json", *d)
    status = {row["line_id"]: row for row in json.loads(out)["lines"]}
    assert status["noi"]["issued"] == 2 and status["noi"]["waiting"] == 2
    assert status["noi"]["current_number"] == "N-ƯT001"
    code, out = _run(capsys, "queue", "status", *d)
    assert "noi.ut" in out and f"schema {db.SCHEMA_VERSION}" in out
    code, out = _run(capsys, "queue", "lines", "--json", *d)
    lines = json.loads(out)
    assert {"id": "noi.ut", "example": "N-ƯT001"}.items() <= next(
        ln for ln in lines["lines"] if ln["id"] == "noi.ut"
    ).items()
    code, out = _run(capsys, "ticket", "reprint", first["id"], "--json", *d)
    assert code == 0 and json.loads(out)["ok"] is True
    assert main(["ticket", "issue", "--line", "nope", *d]) == 2
    assert main(["ticket", "issue", "--line", "noi.ut", *d]) == 2  # needs --priority


def test_bench_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        capsys,
        "bench",
        "queue",
        "--backend",
        "sqlite",
        "--workers",
        "2",
        "--tickets",
        "25",
        "--json",
    )
    result = json.loads(out)
    assert code == 0
    assert (result["total"], result["duplicates"], result["gaps"]) == (50, 0, 0)
    for key in ("tickets_per_s", "p50_ms", "p99_ms"):
        assert result[key] > 0


@pytest.mark.postgres
def test_bench_postgres_on_a_given_database(pg_server: TempPostgres) -> None:
    import psycopg

    given = pg_server.create_database()
    result = run_bench("postgres", workers=3, tickets=30, dsn=given, lines=2)
    counts = (result["total"], result["stored"], result["duplicates"], result["gaps"])
    assert counts == (90, 90, 0, 0)
    dbname = given.rsplit("/", 1)[1]
    conninfo = f"host=127.0.0.1 port={pg_server.port} user=kiosk dbname={dbname}"
    with psycopg.connect(conninfo) as conn:
        # the bench ran in a scratch database (dropped), not in the one it was given
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database")]
        assert not [n for n in names if n.startswith("kiosk_bench_")]
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'queue_%'")
        assert tables.fetchone() == (0,)


@pytest.mark.postgres
@pytest.mark.slow
def test_bench_postgres_starts_its_own_server(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        capsys,
        "bench",
        "queue",
        "--backend",
        "postgres",
        "--workers",
        "2",
        "--tickets",
        "10",
        "--json",
    )
    result = json.loads(out)
    assert code == 0 and result["total"] == 20 and "temporary PostgreSQL" in result["database"]


def test_ticket_printed_by_the_escpos_backend_on_the_network_simulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket
    import subprocess
    import sys
    import time

    import zxingcpp
    from PIL import Image

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "net"
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sim", "printer", "--port", str(port), "--out", str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None and "simulator on" in sim.stdout.readline()
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[devices.printer]\nbackend = "escpos"\nconnection = "network:127.0.0.1:{port}"\n'
        )
        code, text_out = _run(
            capsys,
            "ticket",
            "issue",
            "--line",
            "tmh",
            "--print",
            "--json",
            "--config",
            str(config),
            "--data-dir",
            str(tmp_path / "data"),
        )
        ticket = json.loads(text_out)
        assert code == 0 and ticket["print"]["ok"] and ticket["print_status"] == "printed"
        image = None
        for _ in range(100):  # the simulator may still be writing the PNG
            pngs = list(out.glob("*.png"))
            if pngs:
                try:
                    image = Image.open(pngs[0])
                    image.load()
                    break
                except (OSError, SyntaxError):
                    image = None
            time.sleep(0.05)
        assert image is not None and len(list(out.glob("*.png"))) == 1
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [ticket["id"]]
    finally:
        sim.terminate()
        sim.wait(10)
        if sim.stdout is not None:
            sim.stdout.close()


def test_status_with_the_database_down_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[storage]\ndsn = "postgresql+psycopg://kiosk@127.0.0.1:{port}/q"\n')
    for args in (
        ["queue", "status"],
        ["ticket", "issue", "--line", "noi"],
        ["queue", "call", "--line", "noi"],
    ):
        code = main([*args, "--config", str(config), "--data-dir", str(tmp_path / "d")])
        captured = capsys.readouterr()
        err = captured.err
        assert code == 3 and captured.out == "" and err.count("\n") == 1
        assert "queue database unreachable" in err and f"127.0.0.1:{port}" in err


def test_bench_wait_reports_both_estimators(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "bench", "wait", "--days", "1", "--json")
    result = json.loads(out)
    assert code == 0 and set(result["scenarios"]) == {
        "steady",
        "burst after quiet",
        "counters open and close",
        "priority arrivals",
    }
    for row in result["scenarios"].values():
        assert row["tickets"] > 50  # patients were really served
        assert set(row["new"]) == set(row["old"]) >= {"median_pct", "p90_pct", "median_min"}
