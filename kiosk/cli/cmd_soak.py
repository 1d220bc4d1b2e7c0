"""`kiosk bench soak --journeys N [--json]`: a lobby day in one process (ui.soak).

Prints RSS, open file descriptors (and those on SQLite files), threads, live QObjects and
child processes every `--every` journeys, then the growth from journey `--warmup` to the
end (target: at most 5 %), and glibc's heap: in use and free (kept by the malloc arenas).
Data go to a fresh temporary folder unless --data-dir is given. The malloc arenas are capped
as `kiosk run` caps them (kiosk/memory.py); `MALLOC_ARENA_MAX=16` measures glibc's default
on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from kiosk.cli import CommandRegistry, config_from_args
from kiosk.config import KioskConfig
from kiosk.memory import limit_malloc_arenas

TARGET_GROWTH = 0.05


def _bench_soak(args: argparse.Namespace) -> int:
    limit_malloc_arenas()  # as `kiosk run` does (MALLOC_ARENA_MAX=16 for glibc's default)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp:
        if not args.data_dir:
            args.data_dir = str(Path(tmp) / "data")
        config = config_from_args(args)
        if args.no_speech:
            config.accessibility.speech = False
        # patients come seconds apart here, not minutes: the same simulated QR comes back
        # within the 3 s the camera and the repeat gate hold it (as the next patient's card)
        config.devices.camera.repeat_after_s = min(config.devices.camera.repeat_after_s, 0.3)
        return _soak(config, args)


def _soak(config: KioskConfig, args: argparse.Namespace) -> int:
    from kiosk.logging_setup import setup_from_config
    from ui.app import build_app
    from ui.soak import Sample, SoakError, soak

    setup_from_config(config)
    kiosk = build_app(config, show_panel=False)
    kiosk.window.resize(*args.size)
    kiosk.window.show()

    def show(s: Sample) -> None:
        if not args.json:
            print(
                f"{s.journeys:6d} journeys {s.elapsed_s:8.1f} s  RSS {s.rss_mb:7.1f} MB  "
                f"fds {s.fds:4d} (sqlite {s.sqlite_fds:2d})  threads {s.threads:3d}  "
                f"QObjects {s.qobjects:5d}  python objects {s.python_objects:7d}  "
                f"children {s.children}  heap {s.heap_in_use_mb:.0f} MB in use, "
                f"{s.heap_free_mb:.0f} MB free",
                flush=True,
            )

    try:
        result = soak(kiosk, args.journeys, every=args.every, warmup=args.warmup, on_sample=show)
    except SoakError as exc:
        print(f"kiosk bench soak: {exc}")
        return 1
    finally:
        kiosk.close()
    growth = result.growth()
    checked = {k: growth[k] for k in ("rss_mb", "fds", "sqlite_fds", "threads", "qobjects")}
    ok = all(v <= TARGET_GROWTH for v in checked.values())
    if args.json:
        print(json.dumps({**result.to_dict(), "target_growth": TARGET_GROWTH, "ok": ok}))
    else:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(result.kinds.items()))
        print(f"journeys: {kinds}")
        since = f"after the first {result.warmup}" if args.journeys > result.warmup else "overall"
        print(
            f"growth {since}: "
            + ", ".join(f"{k} {v * 100:+.1f} %" for k, v in checked.items())
            + f"  (target <= {TARGET_GROWTH * 100:.0f} %: {'met' if ok else 'NOT met'})"
        )
    return 0


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def register(registry: CommandRegistry) -> None:
    bench = registry.bench.add_parser(
        "soak", help="many complete journeys in one window: memory, fds, threads, QObjects"
    )
    bench.add_argument("--journeys", type=int, default=1000)
    bench.add_argument("--every", type=int, default=100, help="sample every N journeys")
    bench.add_argument("--warmup", type=int, default=200, help="growth is measured after this")
    bench.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH")
    bench.add_argument("--no-speech", action="store_true", help="do not start espeak-ng")
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench_soak)
