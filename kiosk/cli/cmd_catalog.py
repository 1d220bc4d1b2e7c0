"""`kiosk catalog import|search|status|versions|activate` and `kiosk bench catalog`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import psutil

from kiosk.catalog.importer import iter_issue_lines
from kiosk.catalog.service import CatalogService
from kiosk.cli import CommandRegistry, config_from_args


def _service(args: argparse.Namespace) -> CatalogService:
    from kiosk.bootstrap import build_catalog

    return build_catalog(config_from_args(args))


def _import(args: argparse.Namespace) -> int:
    catalog = _service(args)
    column_map = dict(pair.split("=", 1) for pair in args.map or [])
    effective = date.fromisoformat(args.effective_from) if args.effective_from else None
    report = catalog.import_file(
        args.file,
        args.kind,
        column_map,
        effective_from=effective,
        activate=not args.no_activate,
        force=args.force,
    )
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        print(report.summary())
        if report.sheet:
            others = ", ".join(repr(s) for s in report.other_sheets) or "none"
            print(f"sheet: {report.sheet!r} (other sheets: {others})")
        if report.columns:
            print("columns: " + ", ".join(f"{k}={v}" for k, v in report.columns.items()))
        if report.columns_ignored:
            print("columns not imported: " + ", ".join(report.columns_ignored))
        if report.rows_headings:
            print(f"section headings skipped: {report.rows_headings}")
        if report.names_with_strength:
            print(f"strength added to {report.names_with_strength} names")
        for issue in report.warnings:
            if issue.line == 0:
                print("  note: " + issue.reason)
        for line in iter_issue_lines(report):
            print("  rejected " + line)
        for group in report.variants[: args.show_variants]:
            print(f"  variants {group.key}: lines {list(group.lines)} prices {list(group.prices)}")
        if len(report.variants) > args.show_variants:
            print(
                f"  ... {len(report.variants) - args.show_variants} more variant groups (--json for all)"
            )
    return 0 if (report.ok or (args.no_activate and not report.fatal)) else 1


def _search(args: argparse.Namespace) -> int:
    catalog = _service(args)
    items = catalog.search(args.query, kind=args.kind, category=args.category, limit=args.limit)
    if args.json:
        print(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
    else:
        for item in items:
            insured = "-" if item.insured_price is None else f"{item.insured_price:,}"
            print(
                f"{item.id:>7} {item.code:<14} {item.hospital_price:>12,} {insured:>12}  {item.name}"
            )
    return 0


def _status(args: argparse.Namespace) -> int:
    status = _service(args).status()
    if args.json:
        print(json.dumps({"ok": status.ok, "summary": status.summary, "fix": status.fix,
                          "details": status.details}, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        print(("ok: " if status.ok else "NOT OK: ") + status.summary)
        if status.fix:
            print("fix: " + status.fix)
        for k, v in status.details.items():
            print(f"  {k}: {v}")
    return 0 if status.ok else 1


def _versions(args: argparse.Namespace) -> int:
    rows = _service(args).versions(args.kind)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            mark = "*" if r["active"] else " "
            print(f"{mark} {r['id']:>4} {r['kind']:<8} {r['status']:<9} {r['rows_imported']:>7} rows "
                  f"{r['imported_at']}  effective {r['effective_from']}  {r['source']}")  # fmt: skip
    return 0


def _activate(args: argparse.Namespace) -> int:
    try:
        _service(args).activate(args.kind, args.version)
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    print(f"{args.kind} catalog version {args.version} is active")
    return 0


def _synonyms(args: argparse.Namespace) -> int:
    """Validates the synonym files and lists alternatives that find no active rows; validates
    the drug term files and lists ingredients the active drug list spells differently."""
    from kiosk.catalog import drug_terms, synonyms
    from kiosk.catalog.text import tokens

    catalog = _service(args)
    try:
        path = Path(args.file) if args.file else catalog.db_path.parent / synonyms.LOCAL_NAME
        files = [synonyms.SHIPPED] + ([path] if path.exists() else [])
        status = 0
        for file in files:
            try:
                entries = synonyms.checked_entries(file)
            except ValueError as exc:
                print(f"INVALID {exc}")
                status = 1
                continue
            dead = synonyms.dead_alternatives(entries, catalog.search)
            print(f"{file}: {len(entries)} entries, {len(dead)} alternatives without rows")
            for line in dead:
                print(f"  no rows: {line}")
            status = status or (1 if dead else 0)
        ingredients = {
            w for i in catalog.search("", category="drug", limit=100_000)
            for w in tokens(i.active_ingredient)
        }  # fmt: skip
        local = catalog.db_path.parent / drug_terms.LOCAL_NAME
        for file in [drug_terms.SHIPPED] + ([local] if local.exists() else []):
            try:
                terms, _ = drug_terms.read_file(file)
            except ValueError as exc:
                print(f"INVALID {exc}")
                status = 1
                continue
            odd = drug_terms.misspelt_ingredients(terms, ingredients)
            print(f"{file}: {len(terms)} classes and brands, {len(odd)} ingredients spelt "
                  "differently in the active drug list")  # fmt: skip
            for line in odd:
                print(f"  spelt differently: {line}")
        return status
    finally:
        catalog.close()


def _bench(args: argparse.Namespace) -> int:
    from kiosk.catalog import bench

    if args.size_mb:
        return _bench_memory(args)
    workdir = Path(args.workdir) if args.workdir else None
    result = bench.run(args.rows, workdir, rounds=args.rounds, repeats=args.repeat)
    if args.json:
        print(json.dumps(result.__dict__, indent=2))
        return 0
    print(f"catalog: {result.rows:,} rows ({result.services:,} services: the real list of 7,531 "
          f"plus price variants; {result.drugs:,} generated drugs); {result.rejected} rejected")  # fmt: skip
    print(f"import: {result.import_seconds:.2f} s (services {result.import_seconds_services:.2f} s, "
          f"drugs {result.import_seconds_drugs:.2f} s; CPU {result.import_cpu_seconds:.2f} s; "
          f"load average {result.load_average:.1f} on {psutil.cpu_count()} CPUs); target < 10 s")  # fmt: skip
    print(f"reference: plain CSV -> FTS5 load of the same {result.file_mb:.1f} MB: "
          f"{result.plain_seconds:.2f} s (CPU {result.plain_cpu_seconds:.2f} s); import / plain = "
          f"{result.import_ratio:.2f}x wall, {result.import_cpu_ratio:.2f}x CPU; target <= 1.5x")  # fmt: skip
    print(f"  (best of {len(result.import_cpu_ratios)} runs of each, in turn; CPU ratio of each "
          f"pair: {', '.join(f'{r:.2f}x' for r in result.import_cpu_ratios)})")  # fmt: skip
    print(f"memory: RSS {result.rss_before_mb:.0f} MB before, peak {result.rss_peak_mb:.0f} MB during "
          f"import (ru_maxrss {result.maxrss_mb:.0f} MB); database {result.db_mb:.1f} MB")  # fmt: skip
    print(f"search: {result.queries} typed prefixes (limit 50): median {result.median_ms:.2f} ms, "
          f"p90 {result.p90_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, max {result.max_ms:.2f} ms; "
          "target p99 < 10 ms")  # fmt: skip
    print(f"search CPU time per query (this thread): median {result.cpu_median_ms:.2f} ms, "
          f"p99 {result.cpu_p99_ms:.2f} ms (wall minus CPU = waiting for a CPU on a busy machine)")  # fmt: skip
    print("slowest: " + "; ".join(f"{p!r} {t} ms ({n} hits)" for p, t, n in result.slowest))
    print(f"reference (search before issue 18, same prefixes and catalog): median "
          f"{result.legacy_median_ms:.2f} ms, p99 {result.legacy_p99_ms:.2f} ms; CPU median "
          f"{result.legacy_cpu_median_ms:.2f} ms, p99 {result.legacy_cpu_p99_ms:.2f} ms; ratio p99 "
          f"{result.p99_ms / max(result.legacy_p99_ms, 1e-9):.1f}x, CPU p99 "
          f"{result.cpu_p99_ms / max(result.legacy_cpu_p99_ms, 1e-9):.1f}x")  # fmt: skip
    return 0


def _bench_memory(args: argparse.Namespace) -> int:
    """`--size-mb N`: the peak memory of importing a generated N MB drug CSV (issue 18)."""
    from kiosk.catalog.bench_import import memory_run

    run, file_mb = memory_run(args.size_mb, Path(args.workdir) if args.workdir else None)
    if args.json:
        print(json.dumps({**run.__dict__, "file_mb": file_mb, "growth_mb": run.growth_mb}))
        return 0 if run.ok else 1
    print(f"import of a generated {file_mb:.0f} MB drug CSV ({run.rows:,} rows) in a fresh "
          f"interpreter: {run.seconds:.1f} s; peak RSS {run.rss_peak_mb:.0f} MB (ru_maxrss; "
          f"{run.rss_before_mb:.0f} MB before, +{run.growth_mb:.0f} MB); target <= 300 MB")  # fmt: skip
    return 0 if run.ok else 1


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "catalog", help="import and search service and drug prices"
    )
    sub = parser.add_subparsers(dest="catalog_command", metavar="ACTION")
    sub.required = True

    imp = sub.add_parser("import", help="import a CSV/XLSX catalog as a new version")
    imp.add_argument("file")
    imp.add_argument("--kind", choices=["service", "drug"], required=True)
    imp.add_argument("--json", action="store_true")
    imp.add_argument(
        "--map", action="append", metavar="HEADER=EXPORT_NAME", help="extra column mapping"
    )
    imp.add_argument("--effective-from", metavar="YYYY-MM-DD")
    imp.add_argument(
        "--no-activate", action="store_true", help="store the version but keep the active one"
    )
    imp.add_argument(
        "--force",
        action="store_true",
        help="activate even when the new list is much smaller than the active one",
    )
    imp.add_argument("--show-variants", type=int, default=10, metavar="N")
    imp.set_defaults(func=_import)

    search = sub.add_parser("search", help="search the active catalogs")
    search.add_argument("query")
    search.add_argument("--kind", choices=["service", "drug"])
    search.add_argument(
        "--category", choices=["exam", "bed", "imaging", "laboratory", "procedure", "drug"]
    )
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=_search)

    status = sub.add_parser("status", help="the active catalogs")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)

    versions = sub.add_parser("versions", help="every imported version")
    versions.add_argument("--kind", choices=["service", "drug"])
    versions.add_argument("--json", action="store_true")
    versions.set_defaults(func=_versions)

    act = sub.add_parser("activate", help="switch back to an earlier complete version")
    act.add_argument("--kind", choices=["service", "drug"], required=True)
    act.add_argument("version", type=int)
    act.set_defaults(func=_activate)

    syn = sub.add_parser(
        "synonyms", help="check the synonym table (shipped + <data dir>/catalog-synonyms.toml)"
    )
    syn.add_argument("--file", help="check this file instead of the data dir's")
    syn.set_defaults(func=_synonyms)

    bench = registry.bench.add_parser(
        "catalog", help="100,000-row import and per-keystroke search latency"
    )
    bench.add_argument("--rows", type=int, default=100_000)
    bench.add_argument("--rounds", type=int, default=1, help="times each prefix is searched")
    bench.add_argument(
        "--repeat", type=int, default=3, help="runs of the import and its reference (best of)"
    )
    bench.add_argument(
        "--workdir", metavar="DIR", help="keep the generated files and database here"
    )
    bench.add_argument(
        "--size-mb",
        type=float,
        metavar="N",
        help="instead: import a generated N MB drug CSV and print its peak memory",
    )
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(func=_bench)
