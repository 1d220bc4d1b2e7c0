"""`kiosk bench board`: kiosks issuing, counters calling and SSE boards on PostgreSQL.

One `kiosk serve` process (its CPU is measured with psutil); `--kiosks` threads issue tickets
straight into the database (as kiosks do), `--counters` threads call through the REST API,
`--boards` SSE clients read /board/events. Latency: from sending a call's HTTP request to the
first board event that shows it (the call's own transaction, NOTIFY, the hub's read, the SSE
write; a board often shows the call before the counter has read its own HTTP answer). The
reference is a bare NOTIFY -> LISTEN round trip on the same server in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] if s else float("nan")


def _notify_reference(dsn: str, n: int = 200) -> list[float]:
    import psycopg

    conninfo = dsn.replace("postgresql+psycopg://", "postgresql://", 1)
    out = []
    with (
        psycopg.connect(conninfo, autocommit=True) as lis,
        psycopg.connect(conninfo, autocommit=True) as snd,
    ):
        lis.execute("LISTEN bench_ref")
        for i in range(n):
            t0 = time.perf_counter()
            snd.execute("SELECT pg_notify('bench_ref', %s)", (str(i),))
            next(iter(lis.notifies(timeout=5, stop_after=1)))
            out.append(time.perf_counter() - t0)
    return out


def run(args: argparse.Namespace) -> int:
    import httpx
    import psutil

    from kiosk.config import KioskConfig
    from kiosk.queue import bench as qbench
    from kiosk.queue.service import QueueService, TicketRequest
    from web.auth import Auth
    from web.settings import WebSettings

    server = None
    admin = getattr(args, "dsn", "") or ""
    if not admin:
        server = qbench._temp_postgres()
        server.start()
        admin = server.dsn()
    dsn = qbench._scratch_database(admin)
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-board-"))
    clinics = [
        {"id": f"c{i}", "name_vi": f"Phòng {i}", "name_en": f"Room {i}", "prefix": f"A{i}"}
        for i in range(5)
    ]
    raw = {
        "data_dir": str(tmp / "data"),
        "clinics": clinics,
        "storage": {"dsn": dsn, "hash_key": "bench"},
    }
    cfg_file = tmp / "kiosk.toml"
    cfg_file.write_text(_toml(raw))
    config = KioskConfig.model_validate(raw)
    service = QueueService.from_config(config)
    key = Auth(service.engine, WebSettings()).new_api_key("bench", "counter")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "serve", "--config", str(cfg_file), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        ps = psutil.Process(proc.pid)
        seen: dict[str, float] = {}  # number -> first time any board showed it
        board_lock = threading.Lock()
        stop = threading.Event()
        connected = threading.Barrier(args.boards + 1, timeout=30)

        def board() -> None:
            try:
                read_board()
            except httpx.HTTPError:
                if not stop.is_set():
                    raise

        def read_board() -> None:
            with httpx.Client(timeout=None) as c, c.stream("GET", f"{url}/board/events") as r:
                connected.wait()
                for line in r.iter_lines():
                    if stop.is_set():
                        return
                    if line.startswith("data:"):
                        now = time.perf_counter()
                        for call in json.loads(line[5:])["calls"]:
                            with board_lock:
                                seen.setdefault(call["number"] + f"#{call['recall']}", now)

        boards = [threading.Thread(target=board, daemon=True) for _ in range(args.boards)]
        for t in boards:
            t.start()
        connected.wait()
        per_kiosk = max(1, args.calls // args.kiosks)

        def kiosk(i: int) -> None:
            svc = QueueService.from_config(config)
            for j in range(per_kiosk):
                svc.issue(TicketRequest(clinic_id=f"c{(i + j) % 5}", insured=True))
                time.sleep(0.02)
            svc.close()

        answered: dict[str, float] = {}
        round_trips: list[float] = []

        def counter(i: int) -> None:
            with httpx.Client(base_url=url, headers={"x-api-key": key}, timeout=30) as c:
                idle = 0
                while idle < 40:
                    sent = time.perf_counter()
                    r = c.post(f"/api/v1/counters/{i}/call-next", json={"lines": [f"c{i % 5}"]})
                    t = r.json().get("ticket")
                    if t is None:
                        idle += 1
                        time.sleep(0.05)
                        continue
                    idle = 0
                    answered[t["number"] + "#0"] = sent
                    round_trips.append(time.perf_counter() - sent)
                    time.sleep(0.05)

        ps.cpu_percent(None)
        cpu0 = ps.cpu_times()
        t0 = time.perf_counter()
        work = [threading.Thread(target=kiosk, args=(i,)) for i in range(args.kiosks)]
        work += [threading.Thread(target=counter, args=(i,)) for i in range(args.counters)]
        for t in work:
            t.start()
        for t in work:
            t.join()
        time.sleep(1.0)  # last events
        wall = time.perf_counter() - t0
        cpu1 = ps.cpu_times()
        stop.set()
        lat = [max(0.0, seen[n] - at) for n, at in answered.items() if n in seen]
        missing = [n for n in answered if n not in seen]
        ref = _notify_reference(dsn)
        cpu_s = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        print(f"kiosks {args.kiosks}, counters {args.counters}, boards {args.boards} on PostgreSQL")
        print(
            f"calls answered: {len(answered)}; seen on boards: {len(lat)}; never seen: {len(missing)}"
        )
        print(
            f"call -> board latency: p50 {_pct(lat, 50) * 1000:.1f} ms, p99 {_pct(lat, 99) * 1000:.1f} ms, max {max(lat, default=0) * 1000:.1f} ms"
        )
        print(
            f"call HTTP round trip alone: p50 {_pct(round_trips, 50) * 1000:.1f} ms, "
            f"p99 {_pct(round_trips, 99) * 1000:.1f} ms"
        )
        rp50, rp99 = _pct(ref, 50), _pct(ref, 99)
        print(
            f"reference bare NOTIFY -> LISTEN: p50 {rp50 * 1000:.2f} ms, p99 {rp99 * 1000:.2f} ms"
        )
        if lat:
            print(f"ratio p50 {_pct(lat, 50) / rp50:.0f}x, p99 {_pct(lat, 99) / rp99:.0f}x")
        print(
            f"server CPU: {cpu_s:.2f} s over {wall:.1f} s wall = {100 * cpu_s / wall:.0f} % of one core"
        )
        print(
            f"mean call -> board: {statistics.mean(lat) * 1000:.1f} ms" if lat else "no calls seen"
        )
        return 0 if lat and not missing else 1
    finally:
        proc.terminate()
        proc.wait(10)
        service.close()
        qbench._drop_database(admin, dsn)
        if server is not None:
            server.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _toml(raw: dict[str, Any]) -> str:
    lines = [f'data_dir = "{raw["data_dir"]}"', "", "[storage]"]
    lines += [f'{k} = "{v}"' for k, v in raw["storage"].items()]
    for c in raw["clinics"]:
        lines += ["", "[[clinics]]"] + [f'{k} = "{v}"' for k, v in c.items()]
    return "\n".join(lines) + "\n"
