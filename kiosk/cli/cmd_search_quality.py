"""`kiosk bench search-quality [--queries FILE] [--json]`: judged queries through the price
search, with the search before issue 18 as the reference (see kiosk/catalog/quality.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kiosk.cli import CommandRegistry, config_from_args


def _bench(args: argparse.Namespace) -> int:
    from kiosk.catalog import quality

    queries = Path(args.queries) if args.queries else quality.JUDGED
    catalog = None
    if args.kiosk_catalog:
        from kiosk.bootstrap import build_catalog

        catalog = build_catalog(config_from_args(args))
    try:
        result = quality.run(queries, catalog)
    finally:
        if catalog is not None:
            catalog.close()
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print("\n".join(quality.report_lines(result, queries)))
    return 0


def register(registry: CommandRegistry) -> None:
    bench = registry.bench.add_parser(
        "search-quality", help="judged queries: top-5 hit rate, nP@5, zero results"
    )
    bench.add_argument("--queries", metavar="FILE", help="judged set (JSON; default: shipped)")
    bench.add_argument(
        "--kiosk-catalog",
        action="store_true",
        help="run on this kiosk's active catalog (--config/--data-dir) instead of the demo",
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench)
