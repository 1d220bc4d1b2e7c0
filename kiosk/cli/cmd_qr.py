"""`kiosk scan-image FILE... [--json]`, `kiosk bench qr` and `kiosk bench camera-ui`.

scan-image is for hospital IT and testers: it decodes their own images and prints the text,
its kind and parsed fields (patient data goes to their terminal only, never to a log).

bench qr measures the decoder on a seeded set of hard synthetic 1280x720 frames (or a folder
of images) and prints measured numbers; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.cli import CommandRegistry, config_from_args
from kiosk.identity.classify import classify

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
PPM_BUCKETS = [(0.0, 3.0), (3.0, 4.0), (4.0, 5.0), (5.0, 6.0), (6.0, 8.0), (8.0, 99.0)]


def _load_image(path: Path) -> Any:
    from hardware.codereader.images import load_rgb

    return load_rgb(path)


def _decoder(name: str) -> Any:
    from hardware.codereader.decoder import OpenCvDecoder, ZxingDecoder

    if name == "opencv":
        return OpenCvDecoder()
    if name == "opencv-aruco":
        return OpenCvDecoder(aruco=True)
    return ZxingDecoder()


def _scan_one(path: Path, decoder: Any, pattern: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"file": str(path)}
    from hardware.codereader.images import ImageTooLarge

    try:
        image = _load_image(path)
    except ImageTooLarge as exc:
        out.update(ok=False, reason=str(exc))
        return out
    except Exception as exc:  # a corrupt file must not stop the batch
        image = None
        out["detail"] = type(exc).__name__
    if image is None:
        out.update(ok=False, reason="cannot read the image file")
        return out
    started = time.perf_counter()
    data = decoder.decode(image)
    out["ms"] = round((time.perf_counter() - started) * 1000, 2)
    if data is None:
        out.update(ok=False, reason="no QR code found")
        return out
    result = classify(data, pattern)
    try:
        out["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        out["text"] = None
        out["bytes_hex"] = data.hex()
    out.update(
        ok=result.ok,
        kind=result.kind,
        detected=result.detected,
        error=result.error,
        message_en=result.message("en"),
        message_vi=result.message("vi"),
        fields=result.fields,
    )
    if not result.ok:
        out["reason"] = result.error or result.kind
    return out


def _scan_images(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    decoder = _decoder(args.decoder)
    results = [_scan_one(Path(f), decoder, config.hospital.appointment_pattern) for f in args.files]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for r in results:
            print(f"{r['file']}:")
            if "kind" not in r:
                print(f"  failed: {r['reason']}")
                continue
            print(f"  kind: {r['kind']}" + (f" ({r['error']})" if r.get("error") else ""))
            print(
                f"  text: {r['text'] if r['text'] is not None else '(not UTF-8) ' + r['bytes_hex']}"
            )
            for key, value in r["fields"].items():
                print(f"  {key}: {value}")
            print(f"  message: {r['message_en']}")
    return 0 if all(r.get("kind") for r in results) else 1


# -- bench qr


@dataclass
class Tally:
    name: str
    frames: int = 0
    ok: int = 0
    wrong: int = 0
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # thread CPU time: robust to a busy machine
    buckets: dict[str, list[int]] = field(default_factory=dict)  # label -> [ok, total]

    def add(
        self, expected: bytes | None, got: bytes | None, ms: float, cpu_ms: float, ppm: float | None
    ) -> None:
        self.frames += 1
        self.times_ms.append(ms)
        self.cpu_ms.append(cpu_ms)
        good = got is not None and (expected is None or got == expected)
        self.ok += good
        self.wrong += got is not None and expected is not None and got != expected
        if ppm is not None:
            label = _bucket(ppm)
            slot = self.buckets.setdefault(label, [0, 0])
            slot[0] += good
            slot[1] += 1

    def summary(self) -> dict[str, Any]:
        times = sorted(self.times_ms) or [0.0]
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        return {
            "decoder": self.name,
            "frames": self.frames,
            "success_rate": round(self.ok / self.frames, 4) if self.frames else 0.0,
            "decoded_ok": self.ok,
            "wrong_payloads": self.wrong,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(p95, 2),
            "median_cpu_ms": round(statistics.median(self.cpu_ms or [0.0]), 2),
            "by_pixels_per_module": {
                label: {"ok": v[0], "frames": v[1], "rate": round(v[0] / v[1], 3)}
                for label, v in sorted(self.buckets.items(), key=lambda kv: _bucket_order(kv[0]))
            },
        }


def _bucket(ppm: float) -> str:
    for lo, hi in PPM_BUCKETS:
        if lo <= ppm < hi:
            return f"{lo:g}-{hi:g}" if hi < 99 else f">={lo:g}"
    return "?"


def _bucket_order(label: str) -> float:
    return float(label.lstrip(">=").split("-")[0])


Sample = tuple[str, Any, bytes | None, float | None]  # name, rgb frame, expected, ppm


def _generated(count: int, seed: int, clean: bool) -> Any:
    import numpy as np

    from hardware.codereader.frames import clean_spec, random_spec, render_frame
    from kiosk.identity.samples import random_payloads

    payloads = random_payloads(count, seed + (7919 if clean else 0))
    rng = np.random.default_rng(seed + (104729 if clean else 0))
    for i, payload in enumerate(payloads):
        spec = clean_spec(float(rng.uniform(0.15, 0.40))) if clean else random_spec(rng, hard=True)
        frame, ppm = render_frame(payload, spec, rng)
        yield (f"{'clean' if clean else 'hard'}-{i:04d}", frame, payload.encode("utf-8"), ppm)


def _from_dir(folder: Path) -> Any:
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        expected: bytes | None = None
        for side in (path.with_suffix(".bin"), path.with_suffix(".txt")):
            if side.is_file():
                raw = side.read_bytes()
                expected = raw if side.suffix == ".bin" else raw.rstrip(b"\r\n")
                break
        frame = _load_image(path)
        if frame is not None:
            yield (path.name, frame, expected, None)


def _run_set(
    samples: Any,
    decoders: list[Any],
    opencv_limit: int,
    save: Path | None,
    progress: Callable[[int], None],
) -> list[Tally]:
    tallies = [Tally(d.name) for d in decoders]
    for index, (name, frame, expected, ppm) in enumerate(samples):
        if save is not None:
            import cv2

            cv2.imwrite(str(save / f"{name}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
            if expected is not None:
                (save / f"{name}.bin").write_bytes(expected)
        for i, decoder in enumerate(decoders):
            if decoder.name.startswith("opencv") and index >= opencv_limit:
                continue
            started, cpu = time.perf_counter(), time.thread_time()
            got = decoder.decode(frame)
            elapsed, cpu_used = time.perf_counter() - started, time.thread_time() - cpu
            tallies[i].add(expected, got, elapsed * 1000, cpu_used * 1000, ppm)
        progress(index + 1)
    return tallies


def _print_tally(title: str, tallies: list[Tally]) -> None:
    print(f"\n{title}")
    for t in tallies:
        s = t.summary()
        print(
            f"  {s['decoder']:<14} {s['decoded_ok']:>4}/{s['frames']:<4} ok = {100 * s['success_rate']:5.1f} %"
            f"   wrong payloads {s['wrong_payloads']}   median {s['median_ms']:.1f} ms   p95 {s['p95_ms']:.1f} ms"
            f"   (CPU median {s['median_cpu_ms']:.1f} ms)"
        )
        if s["by_pixels_per_module"]:
            cells = "  ".join(
                f"{label} px: {v['ok']}/{v['frames']} ({100 * v['rate']:.0f} %)"
                for label, v in s["by_pixels_per_module"].items()
            )
            print(f"  {'':<14} by pixels per module: {cells}")


def _load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def _bench_qr(args: argparse.Namespace) -> int:
    import cv2

    from hardware.codereader.decoder import OpenCvDecoder, ZxingDecoder

    cv2.setNumThreads(1)  # single thread: the numbers compare decoders, not cores
    decoders: list[Any] = [ZxingDecoder(), ZxingDecoder(retries=False)]
    if args.opencv > 0:
        decoders += [OpenCvDecoder(aruco=True), OpenCvDecoder()]
    save = Path(args.save) if args.save else None
    if save is not None:
        save.mkdir(parents=True, exist_ok=True)

    def progress(n: int) -> None:
        if sys.stderr.isatty() and n % 25 == 0:
            print(f"\r  {n} frames", end="", file=sys.stderr, flush=True)

    report: dict[str, Any] = {"single_thread": True, "opencv_frames": args.opencv}
    if args.dir:
        hard = _run_set(_from_dir(Path(args.dir)), decoders, args.opencv, None, progress)
        report["dir"] = args.dir
        report["set"] = [t.summary() for t in hard]
        if not args.json:
            _print_tally(f"Images in {args.dir}", hard)
    else:
        started = time.perf_counter()
        hard = _run_set(
            _generated(args.count, args.seed, False), decoders, args.opencv, save, progress
        )
        clean = _run_set(
            _generated(args.clean, args.seed, True), decoders, args.opencv, save, progress
        )
        report.update(seed=args.seed, count=args.count, clean_count=args.clean)
        report["hard"] = [t.summary() for t in hard]
        report["clean"] = [t.summary() for t in clean]
        report["wall_s"] = round(time.perf_counter() - started, 1)
        report["load_average"] = _load()
        if not args.json:
            print(
                f"QR decode benchmark: {args.count} hard + {args.clean} clean synthetic 1280x720 frames, "
                f"seed {args.seed}, single thread (OpenCV on the first {args.opencv} of each set)"
            )
            _print_tally(
                "Hard frames (rotation, perspective, blur, noise, glare, JPEG; QR 15-40 % of width)",
                hard,
            )
            _print_tally("Clean frames (straight, sharp, QR 15-40 % of width)", clean)
            z_hard, z_clean = hard[0].summary(), clean[0].summary()
            print(
                f"\nzxing-cpp vs targets: hard {100 * z_hard['success_rate']:.1f} % (>= 93 %), "
                f"wrong {z_hard['wrong_payloads'] + z_clean['wrong_payloads']} (0), "
                f"clean {100 * z_clean['success_rate']:.1f} % (100 %), median {z_hard['median_ms']:.1f} ms "
                f"wall / {z_hard['median_cpu_ms']:.1f} ms CPU (< 10 ms)"
            )
            print(f"load average during the run: {_load()}")
    if args.json:
        print(json.dumps(report, indent=2))
    if sys.stderr.isatty():
        print("", file=sys.stderr)
    return 0


def _bench_camera_ui(args: argparse.Namespace) -> int:
    from ui.widgets.camera_view import measure_gui_stall  # lazy: only this bench needs Qt

    result = measure_gui_stall(seconds=args.seconds, fps=args.fps)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"Camera preview at {args.fps} fps for {args.seconds:g} s (simulated camera, a new CCCD/BHYT "
            f"QR every second: {result['payloads_shown']} shown, {result['codes']} decoded)\n"
            f"  preview repaints: {result['repaints']} ({result['preview_fps']:.1f} fps)\n"
            f"  GUI event-loop lateness (5 ms timer): max {result['max_stall_ms']:.1f} ms, "
            f"p99 {result['p99_stall_ms']:.1f} ms, median {result['median_stall_ms']:.1f} ms\n"
            f"  same timer with no camera (baseline): max {result['baseline_max_stall_ms']:.1f} ms, "
            f"p99 {result['baseline_p99_stall_ms']:.1f} ms\n"
            f"  GUI-thread work per preview tick: median {result['median_frame_ms']:.2f} ms, "
            f"max {result['max_frame_ms']:.2f} ms\n"
            f"  target: max stall < 50 ms; load average {_load()}"
        )
    return 0


def register(registry: CommandRegistry) -> None:
    scan = registry.commands.add_parser(
        "scan-image",
        help="decode QR codes in image files and say what they are (for IT and testers)",
    )
    scan.add_argument("files", nargs="+", metavar="FILE")
    scan.add_argument("--json", action="store_true", help="one JSON array with a record per image")
    scan.add_argument("--decoder", choices=["zxing", "opencv", "opencv-aruco"], default="zxing")
    scan.set_defaults(func=_scan_images)

    bench = registry.bench.add_parser(
        "qr", help="QR decoding: success rate, wrong payloads, ms per frame"
    )
    bench.add_argument(
        "--dir", metavar="DIR", help="images to decode (expected payload in NAME.bin or NAME.txt)"
    )
    bench.add_argument(
        "--count", type=int, default=300, help="hard frames to generate (default 300)"
    )
    bench.add_argument(
        "--clean", type=int, default=60, help="clean frames to generate (default 60)"
    )
    bench.add_argument("--seed", type=int, default=2024)
    bench.add_argument(
        "--opencv",
        type=int,
        default=60,
        metavar="N",
        help="also run OpenCV's detectors on the first N frames of each set (0 = off)",
    )
    bench.add_argument(
        "--save", metavar="DIR", help="write the generated frames (PNG + .bin payload) for --dir"
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench_qr)

    ui = registry.bench.add_parser(
        "camera-ui", help="GUI-thread stalls while the camera preview runs"
    )
    ui.add_argument("--seconds", type=float, default=5.0)
    ui.add_argument("--fps", type=int, default=30)
    ui.add_argument("--json", action="store_true")
    ui.set_defaults(func=_bench_camera_ui)
