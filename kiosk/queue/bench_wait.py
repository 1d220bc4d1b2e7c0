"""`kiosk bench wait`: how good is the wait a ticket promises?

Replays simulated days against the real QueueService on a fresh SQLite database (simulated
time goes in through the `now=` arguments): patients arrive, counters call, serve (log-normal
service times) and sit idle when nobody waits. For every ticket the estimate given at issue is
compared with the wait that followed (issue → call): absolute error in minutes over all
tickets, relative error (|estimate - wait| / wait) over the waits of 5 minutes or more (for a
30-second wait a percentage says nothing). The same run computes the previous
estimator (people ahead × mean interval between the line's recent calls, gaps over 60 min
dropped, else service_time_min / counters) on the same database state, as the reference.

Scenarios: steady (two counters, no counter registration: open counters are inferred from
calls), burst after quiet (a quiet hour, then 30 patients in 10 minutes, three counters),
counters opening and closing (one counter, two more open 40 s apart, one closes later) and
priority arrivals (20 % priority, one normal after every 3 priority calls).
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from kiosk.queue.db import tickets
from kiosk.queue.model import TZ, parse_ts

MEAN_SERVICE_MIN = 4.0


@dataclass
class Scenario:
    name: str
    minutes: float
    arrivals: Callable[[float], float]  # rate per minute at minute t
    counters: list[tuple[float, float | None]]  # (opens at, closes at) minutes
    priority_share: float = 0.0
    register_counters: bool = True
    settings: dict[str, Any] = field(default_factory=dict)


def scenarios() -> list[Scenario]:
    return [
        Scenario("steady", 180, lambda t: 0.48, [(0, None), (0, None)], register_counters=False),
        Scenario(
            "burst after quiet",
            150,
            lambda t: 0.05 if t < 60 else (3.0 if t < 70 else 0.5),
            [(0, None), (0, None), (0, None)],
        ),
        Scenario(
            "counters open and close",
            180,
            lambda t: 0.6,
            [(0, None), (30, None), (30 + 40 / 60, 120)],
        ),
        Scenario(
            "priority arrivals",
            180,
            lambda t: 0.48,
            [(0, None), (0, None)],
            priority_share=0.2,
            settings={"priority_run": 3},
        ),
    ]


def _config(data_dir: str, settings: dict[str, Any]) -> Any:
    from kiosk.config import KioskConfig

    clinic = {
        "id": "noi",
        "name_vi": "Khám Nội",
        "name_en": "Internal medicine",
        "prefix": "N",
        "service_time_min": MEAN_SERVICE_MIN,
        "counters": 2,
    }
    return KioskConfig.model_validate(
        {"data_dir": data_dir, "clinics": [clinic], "queue": settings}
    )


def old_estimate(service: Any, ahead: int, line_id: str) -> int | None:
    """The previous estimator (reference): ahead × mean interval between recent calls."""
    line = line_id if not line_id.endswith(".ut") else line_id[: -len(".ut")]
    with service.engine.connect() as conn:
        rows = conn.execute(
            select(tickets.c.called_at)
            .where(tickets.c.called_by == line, tickets.c.called_at.is_not(None))
            .order_by(tickets.c.called_at.desc())
            .limit(11)
        ).all()
    times = [parse_ts(r[0]) for r in rows]
    gaps = [(a - b).total_seconds() / 60 for a, b in zip(times, times[1:], strict=False)]
    gaps = [g for g in gaps if g <= 60]
    per = sum(gaps) / len(gaps) if gaps else MEAN_SERVICE_MIN / 2
    return int(math.ceil(ahead * per - 1e-9))


def run_day(scenario: Scenario, seed: int, day: date) -> list[dict[str, Any]]:
    from kiosk.queue.service import QueueService, TicketRequest

    rng = random.Random(seed)
    t0 = datetime.combine(day, datetime.min.time(), TZ) + timedelta(hours=7)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-wait-") as tmp:
        service = QueueService.from_config(_config(tmp, scenario.settings))
        service.waits.cache_s = 0.0  # simulated time: never reuse a measure
        try:
            return _simulate(service, scenario, rng, t0, TicketRequest)
        finally:
            service.close()


def _simulate(
    service: Any, scenario: Scenario, rng: random.Random, t0: datetime, request: Any
) -> list[dict[str, Any]]:
    events: list[tuple[float, int, str, Any]] = []
    order = 0

    def push(at: float, kind: str, data: Any = None) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, kind, data))

    t = 0.0
    while True:  # arrivals: a non-homogeneous Poisson process by thinning
        t += rng.expovariate(3.0)
        if t >= scenario.minutes:
            break
        if rng.random() < scenario.arrivals(t) / 3.0:
            push(t, "arrive")
    for index, (opens, closes) in enumerate(scenario.counters):
        push(opens, "open", index)
        if closes is not None:
            push(closes, "close", index)
    busy: dict[int, bool] = {}
    open_: dict[int, bool] = {}
    issued: dict[str, dict[str, Any]] = {}
    sigma = 0.45
    mu = math.log(MEAN_SERVICE_MIN) - sigma**2 / 2

    def at(minute: float) -> datetime:
        return t0 + timedelta(minutes=minute)

    def try_call(index: int, now: float) -> None:
        if busy.get(index) or not open_.get(index):
            return
        ticket = service.call_next("noi", now=at(now), counter=str(index + 1))
        if ticket is None:
            return
        busy[index] = True
        record = issued.get(ticket.id)
        if record is not None:
            record["actual"] = now - record["at"]
        push(now + rng.lognormvariate(mu, sigma), "served", (index, ticket.id))

    while events:
        now, _, kind, data = heapq.heappop(events)
        if kind == "arrive":
            priority = "age_75_plus" if rng.random() < scenario.priority_share else None
            ticket = service.issue(request("noi", False, priority=priority), now=at(now))
            issued[ticket.id] = {
                "at": now,
                "new": ticket.estimated_wait_min,
                "range": ticket.wait_range_min,
                "old": old_estimate(service, ticket.people_ahead, ticket.line_id),
                "actual": None,
            }
            for index in open_:
                try_call(index, now)
        elif kind == "served":
            index, ticket_id = data
            service.done(ticket_id, now=at(now))
            busy[index] = False
            try_call(index, now)
        elif kind == "open":
            open_[data] = True
            if scenario.register_counters:
                service.set_counter(str(data + 1), f"Quầy {data + 1}", ["noi"])
            try_call(data, now)
        elif kind == "close":
            open_[data] = False
            if scenario.register_counters:
                service.set_counter(str(data + 1), f"Quầy {data + 1}", ["noi"], is_open=False)
    return [r for r in issued.values() if r["actual"] is not None]


MIN_RELATIVE_WAIT = 5.0  # minutes: below, a percentage says nothing (30 s vs 1 min = 100 %)


def _errors(records: list[dict[str, Any]], key: str) -> dict[str, float]:
    rel = []
    absolute = []
    for r in records:
        est = r[key] if r[key] is not None else 0
        actual = r["actual"]
        absolute.append(abs(est - actual))
        if actual >= MIN_RELATIVE_WAIT:
            rel.append(abs(est - actual) / actual)
    if not absolute:
        return {}
    if not rel:
        rel = [0.0]
    if not rel:
        return {}
    q = statistics.quantiles(rel, n=10, method="inclusive") if len(rel) > 1 else [rel[0]] * 9
    qa = (
        statistics.quantiles(absolute, n=10, method="inclusive")
        if len(absolute) > 1
        else [absolute[0]] * 9
    )
    return {
        "waits_5min_plus": len(rel),
        "median_pct": round(100 * statistics.median(rel), 1),
        "p90_pct": round(100 * q[8], 1),
        "median_min": round(statistics.median(absolute), 1),
        "p90_min": round(qa[8], 1),
    }


def run_bench(days: int = 3, seed: int = 1) -> dict[str, Any]:
    out: dict[str, Any] = {"days_per_scenario": days, "scenarios": {}}
    every: list[dict[str, Any]] = []
    for number, scenario in enumerate(scenarios()):
        records: list[dict[str, Any]] = []
        for d in range(days):
            day = date(2026, 3, 2) + timedelta(days=d)
            records += run_day(scenario, seed * 1000 + number * 100 + d, day)
        every += records
        in_range = sum(
            1 for r in records if r["range"] and r["range"][0] <= r["actual"] <= r["range"][1]
        )
        out["scenarios"][scenario.name] = {
            "tickets": len(records),
            "new": _errors(records, "new"),
            "old": _errors(records, "old"),
            "in_range_pct": round(100 * in_range / max(1, len(records)), 1),
        }
    out["all"] = {"tickets": len(every), "new": _errors(every, "new"), "old": _errors(every, "old")}
    return out
