"""`kiosk run` (the window) and `kiosk bench startup` (next to a bare PySide6 window)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import CommandRegistry, config_from_args
from kiosk.memory import limit_malloc_arenas

if TYPE_CHECKING:
    from kiosk.config import KioskConfig


def _run(args: argparse.Namespace) -> int:
    """The start screen is painted from what kiosk.start_config reads; the configuration is
    validated after (ui.launch): a rejected one shows "out of service" and is logged."""
    limit_malloc_arenas()  # before any thread: an all-day process (kiosk/memory.py)
    from dataclasses import replace

    from kiosk.start_config import read_start_config

    mode = "kiosk" if args.fullscreen else "demo" if args.demo else None
    start = read_start_config(args.config, args.data_dir)
    if mode is not None:
        start = replace(start, mode=mode)

    def load() -> KioskConfig:
        from kiosk.config import ConfigError
        from kiosk.logging_setup import setup_from_config, setup_logging
        from kiosk.start_config import default_data_path

        try:
            config = config_from_args(args)
        except ConfigError:
            # the reason goes to the log the kiosk would have written (and the journal)
            setup_logging(default_data_path(args.data_dir) / "logs")
            raise
        if mode is not None:
            config = config.model_copy(update={"mode": mode})
        setup_from_config(config)
        return config

    from ui.launch import run

    process_start = None
    if args.startup_report:
        # Set by `kiosk bench startup` just before it spawned this process. (psutil's
        # create_time is built on the boot time in whole seconds: up to 1 s off.)
        process_start = float(os.environ["KIOSK_BENCH_T0"])
    return run(
        start,
        load,
        screenshot=args.screenshot,
        exit_after=args.exit_after,
        startup_report=args.startup_report,
        process_start=process_start,
    )


def _timed_start(command: list[str], env: dict[str, str], report: Path) -> dict[str, float]:
    env = {**env, "KIOSK_BENCH_T0": repr(time.time())}
    subprocess.run(
        command,
        env=env,
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    data: dict[str, float] = json.loads(report.read_text())
    return data


def _bench_startup(args: argparse.Namespace) -> int:
    """Cold start to the first painted start screen, in fresh processes and data dirs, each
    run next to a bare PySide6 window started the same way (ui/bare_window.py): the ratio
    is what the kiosk itself costs, whatever the machine."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    times, peaks, bare = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "startup.json"
            command = [
                sys.executable,
                "-m",
                "kiosk",
                "run",
                "--data-dir",
                str(Path(tmp) / "data"),
                "--startup-report",
                str(report),
            ]
            if args.config:
                command += ["--config", args.config]
            if args.fullscreen:
                command.append("--fullscreen")
            data = _timed_start(command, env, report)
            times.append(data["first_paint_s"])
            peaks.append(data["peak_rss_mb"])
            reference = Path(tmp) / "bare.json"
            command = [sys.executable, "-m", "ui.bare_window", str(reference)]
            bare.append(_timed_start(command, env, reference)["first_paint_s"])
    median, bare_median = statistics.median(times), statistics.median(bare)
    result = {
        "runs": args.runs,
        "first_paint_median_s": round(median, 3),
        "first_paint_max_s": round(max(times), 3),
        "bare_pyside6_median_s": round(bare_median, 3),
        "ratio": round(median / bare_median, 2),
        "peak_rss_max_mb": round(max(peaks), 1),
        "targets": {"first_paint_s": 1.0, "peak_rss_mb": 250},
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"startup: {args.runs} cold starts to the first painted start screen (fresh data dir each)"
        )
        print(
            f"  first paint: median {result['first_paint_median_s']:.3f} s, max {result['first_paint_max_s']:.3f} s (target <= 1 s)"
        )
        print(
            f"  bare PySide6 window, same runs: median {bare_median:.3f} s; "
            f"kiosk / bare = {result['ratio']:.2f}"
        )
        print(f"  peak RSS:    max {result['peak_rss_max_mb']:.1f} MB (target < 250 MB)")
    return 0


ALL_BENCHMARKS: list[list[str]] = [
    ["startup"],
    ["card"],
    ["qr"],
    ["camera-ui"],
    ["insurance"],
    ["catalog"],
    ["queue", "--backend", "sqlite", "--workers", "4", "--tickets", "500"],
    ["queue", "--backend", "postgres", "--workers", "8", "--tickets", "500"],
]


def _bench_all(args: argparse.Namespace) -> int:
    """Runs every benchmark in turn, each in its own process; prints their numbers."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    failed = []
    for bench in ALL_BENCHMARKS:
        print(f"\n=== kiosk bench {' '.join(bench)}", flush=True)
        code = subprocess.run([sys.executable, "-m", "kiosk", "bench", *bench], env=env).returncode
        if code != 0:
            failed.append(" ".join(bench))
    if failed:
        print(f"\nbenchmarks that failed to run: {', '.join(failed)}")
    return 1 if failed else 0


def register(registry: CommandRegistry) -> None:
    run = registry.commands.add_parser("run", help="open the kiosk window")
    run.add_argument(
        "--demo", action="store_true", help="windowed, with the tester's simulator panel"
    )
    run.add_argument("--fullscreen", action="store_true", help="full screen kiosk mode")
    run.add_argument("--screenshot", metavar="PATH", help="write a PNG of the window, then exit")
    run.add_argument(
        "--exit-after", metavar="SECONDS", type=float, help="exit after this many seconds"
    )
    run.add_argument("--startup-report", metavar="FILE", help=argparse.SUPPRESS)
    run.set_defaults(func=_run)

    bench = registry.bench.add_parser(
        "startup", help="cold start time to the first painted screen, peak memory"
    )
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument(
        "--fullscreen", action="store_true", help="the lobby's kiosk mode (no simulator panel)"
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench_startup)
    every = registry.bench.add_parser("all", help="run every benchmark, one after the other")
    every.set_defaults(func=_bench_all)
