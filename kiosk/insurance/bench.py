"""`kiosk bench insurance`: the gateway client against the simulator, measured.

1. Overhead per check: a full `check_detailed` (warm token) vs. a bare `http.client` POST of
   the same card check to the same simulator; the difference is the client's own cost
   (requests, JSON, decision). Also the CPU time of the calling thread per check (less
   sensitive to a busy machine) and the decision code alone.
2. Throughput with N concurrent callers (default 8).
3. With a share of requests faulted (default 20 %, every fault kind at random): every call
   must end in a classified outcome, none may raise, none may wait past the budget.
"""

from __future__ import annotations

import http.client
import json
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

from kiosk.config import KioskConfig
from kiosk.insurance import decision
from kiosk.insurance.base import CheckOutcome, CheckResult
from kiosk.insurance.gateway import md5_hex
from kiosk.insurance.people import PeopleTable
from kiosk.insurance.simulator import GatewaySimulator
from kiosk.models import Identity, IdentitySource

AN = Identity(
    source=IdentitySource.CHIP,
    citizen_id="001090123456",
    full_name="Nguyễn Văn An",
    birth_date=date(1990, 1, 1),
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 3),
        "p95_ms": round(_pct(values, 0.95) * 1000, 3),
    }


def _bare_posts(url: str, token: dict[str, Any], username: str, md5: str, n: int) -> list[float]:
    """n card checks over one kept-alive http.client connection: the floor for any client."""
    parts = urlsplit(url)
    query = urlencode(
        {
            "token": token["access_token"],
            "id_token": token["id_token"],
            "username": username,
            "password": md5,
        }
    )
    body = json.dumps(
        {"maThe": "001090123456", "hoTen": "Nguyễn Văn An", "ngaySinh": "01/01/1990"},
        ensure_ascii=False,
    ).encode()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=5)
    times = []
    try:
        for _ in range(n):
            started = time.perf_counter()
            conn.request(
                "POST",
                f"/api/egw/KQNhanLichSuKCB2024?{query}",
                body,
                {"Content-Type": "application/json"},
            )
            json.loads(conn.getresponse().read())
            times.append(time.perf_counter() - started)
    finally:
        conn.close()
    return times


def run(
    checks: int = 400, concurrency: int = 8, fault_rate: float = 0.2, read_timeout_s: float = 0.5
) -> dict[str, Any]:
    from kiosk.bootstrap import build_gateway

    results: dict[str, Any] = {"checks": checks, "concurrency": concurrency}
    with GatewaySimulator(slow_ms=int(read_timeout_s * 500), hang_s=read_timeout_s * 4) as sim:
        config = KioskConfig.model_validate(
            {
                "insurance": {
                    "backend": "gateway",
                    "base_url": sim.url,
                    "username": "01001_BV",
                    "connect_timeout_s": 1.0,
                    "read_timeout_s": read_timeout_s,
                    "total_timeout_s": read_timeout_s * 4,
                    "retry_backoff_s": 0.05,
                    "breaker_failures": 5,
                    "breaker_cooldown_s": 0.5,
                }
            }
        )
        checker = build_gateway(config)
        try:
            checker.check_detailed(AN)  # warm: token and connection
            # 1. overhead per check
            full, cpu = [], []
            for _ in range(checks):
                cpu_started = time.thread_time()
                full.append(checker.check_detailed(AN).elapsed_s)
                cpu.append(time.thread_time() - cpu_started)
            token = sim.issue_token("01001_BV", md5_hex(""))
            assert token is not None
            bare = _bare_posts(sim.url, token["APIKey"], "01001_BV", md5_hex(""), checks)
            people = PeopleTable.load()
            answer = people.answer(
                {"maThe": "001090123456", "hoTen": "Nguyễn Văn An", "ngaySinh": "01/01/1990"},
                today=date.today(),
            )
            pure = []
            for _ in range(checks):
                started = time.perf_counter()
                decision.run_check(
                    lambda _fields: answer,
                    AN,
                    today=date.today(),
                    hospital_code=config.hospital.code,
                    config=config.insurance,
                )
                pure.append(time.perf_counter() - started)
            results["check"] = _ms(full)
            results["bare_http"] = _ms(bare)
            results["overhead"] = {
                "median_ms": round((statistics.median(full) - statistics.median(bare)) * 1000, 3),
                "p95_ms": round((_pct(full, 0.95) - _pct(bare, 0.95)) * 1000, 3),
            }
            results["decision_only"] = _ms(pure)
            results["client_cpu"] = _ms(cpu)

            # 2. throughput
            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                done = list(pool.map(lambda _: checker.check_detailed(AN), range(checks)))
            wall = time.perf_counter() - started
            results["throughput"] = {
                "checks_per_s": round(checks / wall, 1),
                "wall_s": round(wall, 3),
                "answered": sum(1 for r in done if r.answered),
                **_ms([r.elapsed_s for r in done]),
            }

            # 3. faults
            sim.set_fault("mixed", fault_rate)
            raised: list[str] = []

            def one(_: int) -> CheckResult | None:
                try:
                    return checker.check_detailed(AN)
                except Exception as exc:  # the contract says this never happens
                    raised.append(type(exc).__name__)
                    return None

            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                faulted = list(pool.map(one, range(checks)))
            wall = time.perf_counter() - started
            sim.set_fault(None)
            ok = [r for r in faulted if r is not None]
            outcomes = Counter(str(r.outcome) for r in ok)
            classified = all(isinstance(r.outcome, CheckOutcome) for r in ok)
            budget = config.insurance.total_timeout_s
            longest = max(r.elapsed_s for r in ok) if ok else 0.0
            results["faulted"] = {
                "fault_rate": fault_rate,
                "wall_s": round(wall, 3),
                "calls": len(faulted),
                "raised": len(raised),
                "classified": classified and len(ok) == len(faulted),
                "outcomes": dict(sorted(outcomes.items())),
                "injected": {
                    k.removeprefix("fault:"): v
                    for k, v in sorted(sim.stats.items())
                    if k.startswith("fault:")
                },
                "unverified_tickets": sum(1 for r in ok if not r.eligibility.verified),
                "longest_ms": round(longest * 1000, 1),
                "budget_ms": round(budget * 1000, 1),
                "within_budget": longest <= budget + 0.25,
            }
        finally:
            checker.close()
    return results


def report(results: dict[str, Any]) -> str:
    c, b, o, d, u = (
        results[k] for k in ("check", "bare_http", "overhead", "decision_only", "client_cpu")
    )
    t, f = results["throughput"], results["faulted"]
    lines = [
        f"insurance gateway client vs simulator ({results['checks']} checks per phase)",
        f"  full check (HTTP + decision): median {c['median_ms']:.2f} ms, p95 {c['p95_ms']:.2f} ms",
        f"  bare http.client POST:        median {b['median_ms']:.2f} ms, p95 {b['p95_ms']:.2f} ms",
        f"  client overhead per check:    median {o['median_ms']:.2f} ms, p95 {o['p95_ms']:.2f} ms",
        f"  client CPU per check:         median {u['median_ms']:.2f} ms, p95 {u['p95_ms']:.2f} ms",
        f"  decision code alone:          median {d['median_ms']:.3f} ms, p95 {d['p95_ms']:.3f} ms",
        f"  throughput, {results['concurrency']} concurrent callers: {t['checks_per_s']} checks/s "
        f"({t['answered']}/{results['checks']} answered, median {t['median_ms']:.1f} ms, "
        f"p95 {t['p95_ms']:.1f} ms)",
        f"  with {f['fault_rate']:.0%} of requests faulted: {f['calls']} calls, raised "
        f"{f['raised']}, all classified: {'yes' if f['classified'] else 'NO'}, not-verified "
        f"tickets {f['unverified_tickets']}",
        f"    outcomes: {json.dumps(f['outcomes'])}",
        f"    faults injected: {json.dumps(f['injected'])}",
        f"    longest call {f['longest_ms']:.0f} ms (budget {f['budget_ms']:.0f} ms): "
        f"{'within' if f['within_budget'] else 'OVER'}",
    ]
    return "\n".join(lines)
