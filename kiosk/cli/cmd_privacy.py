"""`kiosk privacy report|purge|notice`: what personal data is stored, where, until when; the
purge of what is past its retention; the notice in use (deploy/README-IT.md "Personal data")."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.cli import CommandRegistry, config_from_args


def _report(args: argparse.Namespace) -> int:
    from kiosk.privacy import engine_for, retention, store

    config = config_from_args(args)
    engine = engine_for(config)
    try:
        fields = retention.report(engine, config)
        answers = store.counts(engine)
        views = retention.recent_views(engine, args.views)
    finally:
        engine.dispose()
    if args.json:
        data = {
            "notice_mode": config.privacy.notice_mode,
            "stored": [f.as_dict() for f in fields],
            "notice_answers": [
                {"notice_version": v, "answer": a, "count": n} for (v, a), n in answers.items()
            ],
            "recent_registration_views": views,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"personal data stored by kiosk {config.kiosk_id} (notice mode: "
          f"{config.privacy.notice_mode})")  # fmt: skip
    for f in fields:
        where = f.table if f.present or f.table.startswith("(") else f"{f.table} (not created)"
        print(f"\n{f.name}: {where}")
        print(f"  columns: {', '.join(f.columns)}")
        print(f"  rows: {f.rows}   oldest: {f.oldest or '-'}   erased by: {f.until or '-'}")
        print(f"  kept: {f.kept}")
        for key, value in f.extra.items():
            if key == "registration_views":
                print(f"  registration views, last {value['days']} days: {value['views']}")
                for s in value["by_staff"]:
                    print(f"    {s['actor']}: {s['views']} (last {s['last']})")
            else:
                print(f"  {key}: {value}")
    if answers:
        print("\nnotice answers (no person):")
        for (version, answer), n in sorted(answers.items()):
            print(f"  {version} {answer}: {n}")
    if views:
        print(f"\nlatest {len(views)} registration views (who, when, which ticket):")
        for v in views:
            print(f"  {v['at']}  {v['actor']}  ticket {v['ticket'] or '?'}  {v['detail']}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from kiosk.privacy import engine_for, retention

    config = config_from_args(args)
    engine = engine_for(config)
    try:
        done = retention.purge(engine, config)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(done, ensure_ascii=False))
    else:
        for name, n in done.items():
            print(f"{name}: {n} erased")
    return 0


def _notice(args: argparse.Namespace) -> int:
    from kiosk.privacy import notice

    config = config_from_args(args)
    try:
        loaded = notice.load(config)
    except notice.NoticeError as exc:
        print(f"kiosk privacy notice: {exc}", file=sys.stderr)
        return 1
    rendered = notice.render(loaded, config, args.language)
    print(f"notice {rendered.version} from {notice.path_for(config)} (mode {rendered.mode})")
    print(rendered.title)
    for heading, text in rendered.sections:
        print(f"  {heading}: {text}")
    print(f"  {rendered.question}")
    print(f"  [{rendered.refuse}]  [{rendered.accept}]")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.commands.add_parser(
        "privacy", help="personal data: what is stored and until when, purge, the notice"
    )
    sub = parser.add_subparsers(dest="privacy_command", metavar="ACTION")
    sub.required = True
    report = sub.add_parser("report", help="every stored personal field: where, rows, until")
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--views", type=int, default=20, metavar="N", help="latest registration views to list"
    )
    report.set_defaults(func=_report)
    purge = sub.add_parser("purge", help="erase what is past its retention (also run daily)")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(func=_purge)
    shown = sub.add_parser("notice", help="print the personal-data notice in use")
    shown.add_argument("--language", choices=("vi", "en"), default="vi")
    shown.set_defaults(func=_notice)
