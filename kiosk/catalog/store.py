"""The catalog database: SQLite with an FTS5 index over folded names.

Layout (one file, `<data dir>/catalog.sqlite3`, WAL):

- `versions`: one row per import (kind, source, effective date, counts, the item-id block
  `id_lo..id_hi`, status building|complete|failed).
- `active`: kind -> version id. Switching catalogs is one UPDATE of this table in one
  transaction, after the new version is complete; readers never see half a catalog.
- `items`: the rows. Within a version, ids are given in "static rank" order (category
  weight, then shorter names first), so an FTS query read in rowid order with a LIMIT returns
  the best-ranked matches first and stops early: this keeps one-letter queries fast.
- `items_fts`: FTS5 over `name` (folded words of the name), `first` ("_" + the first folded
  word), `extra` (folded drug active ingredient), `cat` ("_" + the category), `alias` (the
  folded Thông tư 23 technique name), `code` (the code reduced to letters and digits) and
  `marked` (the name's words that carry tone marks, lower case with their marks: "gân" and
  "gan" both fold to "gan", a query typed with marks tells them apart here),
  with prefix indexes for 1-3 characters. "_" is a token character, so `_`-words have
  doclists of their own: "names starting with n" reads only those rows instead of every row
  with an n-word. `items_fts_terms` (fts5vocab) lists the indexed words with their row counts:
  the vocabulary of the typo tolerance.
- `vocab`: the folded words of each version (kept for older readers).

The search itself is `search.py` (tiers, ranking in `ranking.py`, synonyms in `synonyms.py`,
typos in `typos.py`); the search before issue 18 is `legacy_search.py` (bench reference).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.catalog.models import CatalogItem, Category
from kiosk.catalog.text import folded_words

if TYPE_CHECKING:
    from kiosk.catalog.staging import StagedRows

SCHEMA_VERSION = 3  # 2: `first`, `_`-categories; 3: `alias`, `code`, `marked`, `items_fts_terms`
CACHE_KB = 32_000  # page cache of a connection (an import's memory is bounded by it)
# the search-index terms an import gathers in memory before writing them as one segment
# (FTS5 `hashsize`, 1 MB by default): fewer, larger segments, 15 % less time in the index
FTS_BATCH_KB = 8_192
KEEP_VERSIONS = 3  # per kind: the active one and the two before it (for an admin roll-back)
CATEGORY_WEIGHT = {
    Category.EXAM: 0,
    Category.BED: 1,
    Category.IMAGING: 2,
    Category.LABORATORY: 2,
    Category.DRUG: 2,
    Category.PROCEDURE: 3,
}
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    effective_from TEXT,
    encoding TEXT NOT NULL DEFAULT '',
    rows_in_file INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    id_lo INTEGER NOT NULL DEFAULT 0,
    id_hi INTEGER NOT NULL DEFAULT -1,
    status TEXT NOT NULL DEFAULT 'building'
);
CREATE TABLE IF NOT EXISTS active(
    kind TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    activated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items(
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    alt_name TEXT NOT NULL DEFAULT '',
    variant TEXT NOT NULL DEFAULT '',
    price INTEGER NOT NULL,
    insured_price INTEGER,
    note TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL,
    active_ingredient TEXT NOT NULL DEFAULT '',
    strength TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    route TEXT NOT NULL DEFAULT '',
    insurance_rate INTEGER,
    effective_from TEXT,
    effective_to TEXT,
    srank INTEGER NOT NULL,
    source_line INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS items_code ON items(version_id, code_key);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
    name, first, extra, cat, alias, code, marked,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'", prefix = '1 2 3'
);
CREATE VIRTUAL TABLE IF NOT EXISTS items_fts_terms USING fts5vocab(items_fts, 'col');
CREATE TABLE IF NOT EXISTS vocab(
    version_id INTEGER NOT NULL, word TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(version_id, word)
) WITHOUT ROWID;
"""

_ITEM_COLUMNS = (
    "id, kind, code, name, price, insured_price, note, category, alt_name, variant, "
    "active_ingredient, strength, unit, route, insurance_rate, effective_from, effective_to, "
    "version_id, source_line, srank"
)


@dataclass(frozen=True)
class ActiveVersion:
    kind: str
    version_id: int
    id_lo: int
    id_hi: int


def static_rank(category: str, name: str) -> int:
    return CATEGORY_WEIGHT.get(category, 3) * 1000 + min(len(name), 999)  # type: ignore[call-overload]


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()  # noqa: UP017


def connect(path: Path) -> sqlite3.Connection:
    """A connection for one thread (check_same_thread is off only so that close() may run
    from the owner's thread at exit; connections are never shared while in use)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = None
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            conn.execute("DROP TABLE IF EXISTS items_fts_terms")
            conn.execute("DROP TABLE IF EXISTS items_fts")  # rebuilt from `items` below
        for statement in SCHEMA.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        if row is not None and int(row[0]) < SCHEMA_VERSION:
            _reindex(conn)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        # versions left 'building' by a crash are never active: mark them failed and drop rows
        for (vid,) in conn.execute("SELECT id FROM versions WHERE status = 'building'").fetchall():
            _drop_version_rows(conn, vid)
            conn.execute("UPDATE versions SET status = 'failed' WHERE id = ?", (vid,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _reindex(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT id, name_folded, active_ingredient, category, alt_name, code_key, name FROM items"
    ).fetchall()
    conn.executemany(
        FTS_INSERT,
        (
            fts_row(i, folded, folded_words(ingredient), cat, alias=alt, code=key, name=name)
            for i, folded, ingredient, cat, alt, key, name in rows
        ),
    )


def _drop_version_rows(conn: sqlite3.Connection, version_id: int) -> None:
    row = conn.execute("SELECT id_lo, id_hi FROM versions WHERE id = ?", (version_id,)).fetchone()
    if row and row[1] >= row[0]:
        conn.execute("DELETE FROM items_fts WHERE rowid BETWEEN ? AND ?", row)
    conn.execute("DELETE FROM items WHERE version_id = ?", (version_id,))
    conn.execute("DELETE FROM vocab WHERE version_id = ?", (version_id,))


FTS_INSERT = (
    "INSERT INTO items_fts(rowid, name, first, extra, cat, alias, code, marked) "
    "VALUES(?,?,?,?,?,?,?,?)"
)
_MARKED_WORD = re.compile(r"[^\W_]+")


def marked_words(text: str) -> list[str]:
    """Lower-case words with their tone marks (NFC)."""
    return _MARKED_WORD.findall(unicodedata.normalize("NFC", text.lower()))


def marked_text(name: str) -> str:
    """The `marked` column of a name: its words with tone marks, each once."""
    return " ".join(dict.fromkeys(w for w in marked_words(name) if not w.isascii()))


def fts_row(
    item_id: int,
    folded: str,
    extra: str,
    category: str,
    *,
    alias: str = "",
    code: str = "",
    name: str = "",
) -> tuple[int, str, str, str, str, str, str, str]:
    """One `items_fts` row. `alias`: the TT23 technique name (folded here; dropped when it
    says the same as the name); `code`: code_key; `name`: the name as listed (its words
    with tone marks go to `marked`). An import computes the same columns while reading
    (`importing.words`, `importing.rows`, `_FTS_FROM_STAGED`; a test holds them equal); this
    one serves the reindex and the bench baseline (`bench_import.plain_load`)."""
    first = folded.split(" ", 1)[0]
    alias_words = folded_words(alias)
    if alias_words == folded:
        alias_words = ""
    marked = " ".join(dict.fromkeys(w for w in marked_words(name) if not w.isascii()))
    return (
        item_id, folded, "_" + first if first else "", extra, "_" + category, alias_words, code,
        marked,
    )  # fmt: skip


def write_version(
    conn: sqlite3.Connection,
    kind: str,
    source: str,
    staged: StagedRows,
    *,
    effective_from: date | None,
    encoding: str,
    rows_in_file: int,
    rows_rejected: int,
) -> int:
    """Writes a complete new version (not active yet) in one transaction; returns its id.

    `staged` holds the importer's validated rows (`kiosk.catalog.staging`). They are copied
    into `items` by SQLite in static-rank order (ids follow that order, see the module
    docstring), then into the search index by SQLite too (`_FTS_FROM_STAGED`); the
    vocabulary was collected while reading: nothing holds the whole catalog in Python."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        lo = conn.execute(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM items), 0), "
            "COALESCE((SELECT MAX(id_hi) FROM versions), 0)) + 1"
        ).fetchone()[0]
        cur = conn.execute(
            "INSERT INTO versions(kind, source, imported_at, effective_from, encoding, rows_in_file,"
            " rows_imported, rows_rejected, id_lo, id_hi, status) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
            (
                kind,
                source,
                now_iso(),
                effective_from.isoformat() if effective_from else None,
                encoding,
                rows_in_file,
                staged.count,
                rows_rejected,
                lo,
                lo + staged.count - 1,
                "building",
            ),
        )
        version_id = int(cur.lastrowid or 0)
        _copy_staged(conn, lo, version_id)
        conn.execute(
            "INSERT INTO items_fts(items_fts, rank) VALUES('hashsize', ?)",
            (min(FTS_BATCH_KB, CACHE_KB // 4) * 1024,),  # a quarter of the page cache at most
        )
        conn.execute(_FTS_FROM_STAGED, (lo, lo + staged.count - 1))
        conn.executemany(
            "INSERT INTO vocab(version_id, word, n) VALUES(?,?,?)",
            ((version_id, w, 1) for w in staged.vocab),
        )
        conn.execute("UPDATE versions SET status = 'complete' WHERE id = ?", (version_id,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version_id


def _copy_staged(conn: sqlite3.Connection, lo: int, version_id: int) -> None:
    """The staged rows into `items` with ids lo, lo + 1 … in static-rank order.

    The ids are SQLite's own: an INTEGER PRIMARY KEY given NULL is the largest id + 1, and
    INSERT … SELECT … ORDER BY inserts in that order. When the largest id is below lo - 1
    (the top versions were pruned), a placeholder row at lo - 1 starts the count and is
    deleted again. (A row_number() window sorted the rows into a second temporary table:
    a third of the copy's time.)"""
    from kiosk.catalog.staging import ITEM_FIELDS

    top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM items").fetchone()[0]
    if top < lo - 1:
        conn.execute(
            "INSERT INTO items(id, version_id, kind, code, code_key, name, name_folded, price, "
            "category, srank) VALUES(?, ?, '', '', '', '', '', 0, '', 0)",
            (lo - 1, version_id),
        )
    fields = ", ".join(ITEM_FIELDS)
    conn.execute(
        f"INSERT INTO items(id, version_id, {fields}) SELECT NULL, ?, {fields} "
        "FROM temp.import_staging ORDER BY srank, name_folded, source_line",
        (version_id,),
    )
    if top < lo - 1:
        conn.execute("DELETE FROM items WHERE id = ?", (lo - 1,))


# the `fts_row` of each new item, in SQL: the importer computed the columns that need Python
# (`staging.SEARCH_FIELDS`) while reading; the rest are the item's own
_FTS_FROM_STAGED = (
    "INSERT INTO items_fts(rowid, name, first, extra, cat, alias, code, marked) "
    "SELECT i.id, i.name_folded, CASE WHEN i.name_folded = '' THEN '' ELSE '_' || "
    "substr(i.name_folded, 1, instr(i.name_folded || ' ', ' ') - 1) END, s.fts_extra, "
    "'_' || i.category, s.fts_alias, i.code_key, s.fts_marked "
    "FROM items i JOIN temp.import_staging s ON s.source_line = i.source_line "
    "WHERE i.id BETWEEN ? AND ? ORDER BY i.id"
)


def activate(conn: sqlite3.Connection, kind: str, version_id: int) -> None:
    """Makes a complete version the active one (one transaction), then prunes old versions."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        status = conn.execute(
            "SELECT status FROM versions WHERE id = ? AND kind = ?", (version_id, kind)
        ).fetchone()
        if not status or status[0] != "complete":
            raise ValueError(f"version {version_id} is not a complete {kind} catalog")
        conn.execute(
            "INSERT INTO active(kind, version_id, activated_at) VALUES(?,?,?) "
            "ON CONFLICT(kind) DO UPDATE SET version_id = excluded.version_id, "
            "activated_at = excluded.activated_at",
            (kind, version_id, now_iso()),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    prune(conn, kind)


def prune(conn: sqlite3.Connection, kind: str, keep: int = KEEP_VERSIONS) -> None:
    active = conn.execute("SELECT version_id FROM active WHERE kind = ?", (kind,)).fetchone()
    active_id = active[0] if active else -1
    old = conn.execute(
        "SELECT id FROM versions WHERE kind = ? AND status = 'complete' AND id != ? "
        "ORDER BY id DESC LIMIT -1 OFFSET ?",
        (kind, active_id, max(keep - 1, 0)),
    ).fetchall()
    for (vid,) in old:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _drop_version_rows(conn, vid)
            conn.execute("UPDATE versions SET status = 'pruned' WHERE id = ?", (vid,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def active_versions(conn: sqlite3.Connection) -> list[ActiveVersion]:
    rows = conn.execute(
        "SELECT a.kind, v.id, v.id_lo, v.id_hi FROM active a JOIN versions v ON v.id = a.version_id "
        "ORDER BY a.kind DESC"
    ).fetchall()
    return [ActiveVersion(*r) for r in rows]


def row_to_item(row: Sequence[Any]) -> CatalogItem:
    return CatalogItem(
        id=row[0],
        kind=row[1],
        code=row[2],
        name=row[3],
        hospital_price=row[4],
        insured_price=row[5],
        note=row[6],
        category=row[7],
        alt_name=row[8],
        variant=row[9],
        active_ingredient=row[10],
        strength=row[11],
        unit=row[12],
        route=row[13],
        insurance_rate=row[14],
        effective_from=date.fromisoformat(row[15]) if row[15] else None,
        effective_to=date.fromisoformat(row[16]) if row[16] else None,
        version_id=row[17],
        source_line=row[18],
    )
