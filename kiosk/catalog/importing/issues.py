"""Recording what happened to rows in the ImportReport, with bounded lists.

Counts are always exact; the lists of rejected rows, warnings and heading rows keep the first
`MAX_LISTED` entries each so that a huge broken file cannot exhaust memory (the report says
how many were left out).
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.catalog.models import ImportReport, RowIssue

MAX_LISTED = 5_000


def reject(report: ImportReport, line: int, column: str, reason: str, value: str = "") -> None:
    report.rows_rejected += 1
    if len(report.rejected) < MAX_LISTED:
        report.rejected.append(RowIssue(line, column, reason, value))
    else:
        report.rejected_not_listed += 1


def warn(report: ImportReport, line: int, column: str, reason: str, value: str = "") -> None:
    if len(report.warnings) < MAX_LISTED:
        report.warnings.append(RowIssue(line, column, reason, value))
    else:
        report.warnings_not_listed += 1


def heading(report: ImportReport, line: int, text: str) -> None:
    report.rows_headings += 1
    if len(report.headings) < MAX_LISTED:
        report.headings.append(RowIssue(line, "", "section heading skipped", text))


def iter_issue_lines(report: ImportReport) -> Iterable[str]:
    for issue in report.rejected:
        where = f"line {issue.line}" + (f", column {issue.column}" if issue.column else "")
        value = f" ({issue.value!r})" if issue.value else ""
        yield f"{where}: {issue.reason}{value}"
    if report.rejected_not_listed:
        yield f"... {report.rejected_not_listed:,} more rejected rows not listed"
