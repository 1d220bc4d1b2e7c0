"""`kiosk screens`: every screen of the journey rendered at one screen size, and what does not fit."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from kiosk.cli import CommandRegistry, config_from_args


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected WxH, e.g. 1080x1920, not {text!r}") from exc
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"screen size out of range: {text}")
    return width, height


def _screens(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    config = config_from_args(args)
    from ui.screenshots import Options, as_dicts, render_many

    sizes = [
        Options(width, height, args.large_text, args.high_contrast, args.language)
        for width, height in args.size
    ]
    # one window for every size; with several sizes the PNGs go to DIR/<WxH...>/
    results = render_many(config, sizes, Path(args.out) if args.out else None)
    everything = [f for findings, _ in results.values() for f in findings]
    if args.json:
        if len(sizes) == 1:
            print(json.dumps(as_dicts(everything), ensure_ascii=False, indent=1))
        else:
            by_size = {o.name: as_dicts(f) for o, (f, _) in results.items()}
            print(json.dumps(by_size, ensure_ascii=False, indent=1))
        return 1 if everything else 0
    for options, (findings, written) in results.items():
        for path in written:
            print(f"wrote {path}")
        print(f"{len(findings)} findings at {options.name}")
        if findings:
            print(f"{'screen':<24} {'kind':<9} {'widget':<36} {'text':<32} detail")
            for f in findings:
                text = f.text.replace("\n", " ")
                print(f"{f.screen:<24} {f.kind:<9} {f.widget:<36} {text:<32} {f.detail}")
    return 1 if everything else 0


def register(registry: CommandRegistry) -> None:
    cmd = registry.commands.add_parser(
        "screens", help="render every screen at a screen size, report what does not fit"
    )
    cmd.add_argument(
        "--size",
        type=_size,
        required=True,
        action="append",
        metavar="WxH",
        help="screen size; repeat it for several sizes (one window serves them all)",
    )
    cmd.add_argument("--large-text", action="store_true")
    cmd.add_argument("--high-contrast", action="store_true")
    cmd.add_argument("--language", choices=["vi", "en"], default="vi")
    cmd.add_argument("--out", metavar="DIR", help="write one PNG per screen here")
    cmd.add_argument("--json", action="store_true", help="print the findings as a JSON list")
    cmd.set_defaults(func=_screens)
