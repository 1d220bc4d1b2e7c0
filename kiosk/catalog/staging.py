"""Rows of an import on their way into a catalog version: a temporary SQLite table.

An import streams: rows are validated one by one and land here, never in a Python list, so
memory stays bounded whatever the file size (a 200 MB CSV held in lists peaked at 2.5 GB).
What needs the whole file happens here, in SQLite: appendix I/II of a decision-style list
(known only at the end) become exam/bed rows, rows sharing a code (or a name) are grouped
into price variants or duplicates and labelled by what tells them apart, and
`store.write_version` copies the rows into `items` sorted by static rank in one
INSERT … SELECT (SQLite sorts on disk when the table is large: `temp_store = FILE`).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from kiosk.catalog.categories import service_category
from kiosk.catalog.importing.issues import MAX_LISTED
from kiosk.catalog.models import ImportReport, Kind, VariantGroup

# the order of `items` columns after id and version_id (see store.SCHEMA)
ITEM_FIELDS = (
    "kind", "code", "code_key", "name", "name_folded", "alt_name", "variant", "price",
    "insured_price", "note", "category", "active_ingredient", "strength", "unit", "route",
    "insurance_rate", "effective_from", "effective_to", "srank", "source_line",
)  # fmt: skip
EXTRA_FIELDS = ("appendix", "gkey", "pack", "manufacturer", "registration")
# the `items_fts` columns that are not `items` columns already (see `store.write_version`)
SEARCH_FIELDS = ("fts_extra", "fts_alias", "fts_marked")
LABEL_FIELDS = ("strength", "pack", "manufacturer", "registration", "unit")
_COLUMNS = ITEM_FIELDS + EXTRA_FIELDS
# what a staged row holds, in this order (`importing.rows` builds these tuples): `kind` is
# the import's, `variant` is labelled later and `gkey` is computed by SQLite
STAGED_FIELDS = tuple(f for f in _COLUMNS if f not in ("kind", "variant", "gkey")) + SEARCH_FIELDS
# source_line (unique within a file) is the rowid: `store.write_version` finds a staged
# row from its item by it
_TABLE = f"""CREATE TEMP TABLE import_staging(
    {
    ", ".join(
        f + " INTEGER PRIMARY KEY" if f == "source_line" else f
        for f in _COLUMNS + SEARCH_FIELDS
        if f not in ("variant", "gkey")
    )
},
    variant TEXT NOT NULL DEFAULT '',
    gkey TEXT GENERATED ALWAYS AS (
        CASE WHEN code_key != '' THEN code_key ELSE 'name:' || name_folded END
    ) VIRTUAL
)"""
_BRACKET = re.compile(r"\[([^\]]+)\]\s*$")
StagedRow = tuple[Any, ...]  # STAGED_FIELDS
# what a staged row holds for "not given" in these columns, stored as NULL: Python's sqlite3
# binds None through its adapter lookup (about 0.3 us a value, 0.1 s per 100,000 rows)
NO_AMOUNT = -1  # insured_price, insurance_rate (never negative otherwise)
NO_DATE = ""  # effective_from, effective_to (ISO dates otherwise)
_NULLABLE = {
    "insured_price": f"NULLIF(?, {NO_AMOUNT})",
    "insurance_rate": f"NULLIF(?, {NO_AMOUNT})",
    "effective_from": f"NULLIF(?, '{NO_DATE}')",
    "effective_to": f"NULLIF(?, '{NO_DATE}')",
}


# temp pages kept in memory at most (56 MB: with the main cache and the search index's batch,
# `store.FTS_BATCH_KB`, 96 MB); the rest spills to a file
TEMP_CACHE_KB = 57_344


class StagedRows:
    """The temporary table of one import on one connection (create, load, finish); it goes
    with the connection."""

    def __init__(self, conn: sqlite3.Connection, kind: str) -> None:
        self.conn = conn
        self.kind = Kind(kind)
        self.count = 0
        self.vocab: set[str] = set()  # filled by the rows' producer (`importer.stream_catalog`)
        conn.execute("PRAGMA temp_store = FILE")  # large sorts spill to disk, not to RAM
        conn.execute(f"PRAGMA temp.cache_size = -{TEMP_CACHE_KB}")
        conn.execute("DROP TABLE IF EXISTS temp.import_staging")
        conn.execute("DROP TABLE IF EXISTS temp.import_groups")
        conn.execute(_TABLE)

    def load(self, rows: Iterable[StagedRow]) -> None:
        """Stores validated rows (`STAGED_FIELDS` tuples, as `importing.rows` makes them) in
        one transaction; SQLite reads them from the iterator itself (no Python step per row)."""
        insert = (
            f"INSERT INTO temp.import_staging(kind, {', '.join(STAGED_FIELDS)}) "
            f"VALUES('{self.kind}', {', '.join(_NULLABLE.get(f, '?') for f in STAGED_FIELDS)})"
        )
        conn = self.conn
        conn.execute("BEGIN")
        try:
            conn.executemany(insert, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.count = conn.execute("SELECT count(*) FROM temp.import_staging").fetchone()[0]

    def finish(self, report: ImportReport) -> None:
        """Appendix categories, then price variants and duplicates (into the report)."""
        conn = self.conn
        conn.execute("BEGIN")
        try:
            if self.kind == Kind.SERVICE and self._appendices() >= 3:
                self._appendix_categories()
            self._variants(report)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _appendices(self) -> int:
        """How many times the STT numbering restarted (+1): `importing.rows` counts them."""
        row = self.conn.execute("SELECT MAX(appendix) FROM temp.import_staging").fetchone()
        return int(row[0] or 1)

    def _appendix_categories(self) -> None:
        """Appendix I / II of a decision-style list (several STT restarts) without codes."""
        from kiosk.catalog.store import static_rank

        rows = self.conn.execute(
            "SELECT rowid, name, name_folded, appendix FROM temp.import_staging "
            "WHERE code = '' AND appendix IN (1, 2)"
        ).fetchall()
        updates = []
        for rowid, name, folded, appendix in rows:
            category = str(service_category(name, "", appendix, folded))
            updates.append((category, static_rank(category, folded), rowid))
        self.conn.executemany(
            "UPDATE temp.import_staging SET category = ?, srank = ? WHERE rowid = ?", updates
        )

    def _variants(self, report: ImportReport) -> None:
        conn = self.conn
        conn.execute(
            "CREATE TEMP TABLE import_groups(gkey TEXT PRIMARY KEY, first INTEGER) WITHOUT ROWID"
        )
        conn.execute(
            "INSERT INTO temp.import_groups SELECT gkey, MIN(source_line) FROM temp.import_staging"
            " GROUP BY gkey HAVING COUNT(*) > 1"
        )
        cursor = conn.execute(
            "SELECT s.rowid, s.gkey, s.code, s.name, s.source_line, s.price, "
            f"{', '.join('s.' + f for f in LABEL_FIELDS)} FROM temp.import_staging s "
            "JOIN temp.import_groups g ON g.gkey = s.gkey ORDER BY g.first, s.source_line"
        )
        updates: list[tuple[str, int]] = []
        for _key, group in itertools.groupby(cursor, key=lambda r: r[1]):
            members = list(group)
            raw = distinguishing(members)
            labels = numbered(raw) if any(raw) or len({m[5] for m in members}) > 1 else raw
            prices = tuple(m[5] for m in members)
            differ = len(set(prices)) > 1
            entry = VariantGroup(
                key=members[0][2] or members[0][3],
                lines=tuple(m[4] for m in members),
                prices=prices,
                labels=tuple(labels),
            )
            if differ:
                report.variant_groups += 1
                if len(report.variants) < MAX_LISTED:
                    report.variants.append(entry)
            else:
                report.duplicate_groups += 1
                if len(report.duplicates) < MAX_LISTED:
                    report.duplicates.append(entry)
            if differ:  # same price: one price, nothing to choose (the UI says "several prices")
                updates += [(label, m[0]) for label, m in zip(labels, members, strict=True)]
        conn.executemany("UPDATE temp.import_staging SET variant = ? WHERE rowid = ?", updates)
        conn.execute("DROP TABLE temp.import_groups")

    def min_effective_from(self) -> date | None:
        row = self.conn.execute("SELECT MIN(effective_from) FROM temp.import_staging").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def rows(self) -> Iterator[dict[str, Any]]:
        """The staged rows in file order (for `read_catalog` and tests)."""
        cursor = self.conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM temp.import_staging ORDER BY source_line"
        )
        for values in cursor:
            row = dict(zip(_COLUMNS, values, strict=True))
            for fld in ("effective_from", "effective_to"):
                row[fld] = date.fromisoformat(row[fld]) if row[fld] else None
            yield row


def distinguishing(members: list[tuple[Any, ...]]) -> list[str]:
    """What tells the rows of one group apart: the bracketed text of a name ("[Cơ sở 2]"),
    and the strength / pack / manufacturer / registration / unit values that differ within
    the group ("" for a row with nothing of the kind)."""
    differing = [i for i in range(len(LABEL_FIELDS)) if len({m[6 + i] for m in members}) > 1]
    labels = []
    for m in members:
        bracket = _BRACKET.search(m[3])
        parts = [bracket.group(1).strip()] if bracket else []
        parts += [m[6 + i] for i in differing if m[6 + i] and m[6 + i] not in parts]
        labels.append(", ".join(parts))
    return labels


def numbered(labels: list[str]) -> list[str]:
    """Labels made unique: an empty or repeated one gets "i/n" (its place in the group)."""
    n = len(labels)
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    out = []
    for i, label in enumerate(labels, start=1):
        if not label:
            out.append(f"{i}/{n}")
        elif counts[label] > 1:
            out.append(f"{label} ({i}/{n})")
        else:
            out.append(label)
    return out
