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
  word), `extra` (folded drug active ingredient) and `cat` ("_" + the category), with prefix
  indexes for 1-3 characters. "_" is a token character, so `_`-words have doclists of their
  own: "names starting with n" reads only those rows instead of every row with an n-word.
- `vocab`: the folded words of each version, for the one-typo fallback.

Search tiers, in this order (each tier ranked by static rank):
0. code: the query is one token with a digit: codes starting with it (dots ignored);
1. intent: the query starts "kham benh", "ngay giuong" or "giuong benh": every row of that
   (small) category: examinations, bed days;
2. starts-with: the name starts with the query words (last word as a prefix);
3. all words anywhere (last word as a prefix);
4. one typo: only when tiers 0-3 found nothing, each word the catalog does not know (a
   complete word of 4+ letters, or the word being typed from 5 letters on, as a prefix) may
   be any vocabulary word at Damerau-Levenshtein distance 1.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.catalog.models import CatalogItem, Category
from kiosk.catalog.text import code_key, folded_words, tokens

if TYPE_CHECKING:
    from kiosk.catalog.staging import StagedRows

SCHEMA_VERSION = 2  # 2: `first` column, `_`-prefixed category tokens, no codes in `extra`
KEEP_VERSIONS = 3  # per kind: the active one and the two before it (for an admin roll-back)
ITEM_CACHE = 20_000  # items kept per searching thread (about 10 MB)
FUZZY_MIN_LEN = 4  # a complete word of 4+ letters may have one typo
FUZZY_MIN_PREFIX = 5  # the word being typed: only from 5 letters on (short prefixes match plenty)
CATEGORY_WEIGHT = {
    Category.EXAM: 0,
    Category.BED: 1,
    Category.IMAGING: 2,
    Category.LABORATORY: 2,
    Category.DRUG: 2,
    Category.PROCEDURE: 3,
}
INTENTS: tuple[tuple[str, Category], ...] = (
    ("kham benh", Category.EXAM),
    ("ngay giuong", Category.BED),
    ("giuong benh", Category.BED),
)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

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
    name, first, extra, cat,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'", prefix = '1 2 3'
);
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
    conn.execute("PRAGMA cache_size=-32000")
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        row = None
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is not None and int(row[0]) < SCHEMA_VERSION:
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
    rows = conn.execute("SELECT id, name_folded, active_ingredient, category FROM items").fetchall()
    conn.executemany(
        FTS_INSERT,
        (fts_row(i, folded, folded_words(ingredient), cat) for i, folded, ingredient, cat in rows),
    )


def _drop_version_rows(conn: sqlite3.Connection, version_id: int) -> None:
    row = conn.execute("SELECT id_lo, id_hi FROM versions WHERE id = ?", (version_id,)).fetchone()
    if row and row[1] >= row[0]:
        conn.execute("DELETE FROM items_fts WHERE rowid BETWEEN ? AND ?", row)
    conn.execute("DELETE FROM items WHERE version_id = ?", (version_id,))
    conn.execute("DELETE FROM vocab WHERE version_id = ?", (version_id,))


FTS_INSERT = "INSERT INTO items_fts(rowid, name, first, extra, cat) VALUES(?,?,?,?,?)"


def fts_row(item_id: int, folded: str, extra: str, category: str) -> tuple[int, str, str, str, str]:
    first = folded.split(" ", 1)[0]
    return (item_id, folded, "_" + first if first else "", extra, "_" + category)


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
    docstring), then read back in id order, a batch at a time, for the search index and the
    vocabulary: nothing holds the whole catalog in Python."""
    from kiosk.catalog.staging import ITEM_FIELDS

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
        fields = ", ".join(ITEM_FIELDS)
        conn.execute(
            f"INSERT INTO items(id, version_id, {fields}) "
            f"SELECT ? - 1 + row_number() OVER (ORDER BY srank, name_folded, source_line), ?, "
            f"{fields} FROM temp.import_staging",
            (lo, version_id),
        )
        vocab: set[str] = set()
        fts_rows = _fts_rows(conn, lo, lo + staged.count - 1, vocab)
        try:
            conn.executemany(FTS_INSERT, fts_rows)
        finally:
            fts_rows.close()  # its cursor: a rollback or DROP must not find it still reading
        conn.executemany(
            "INSERT INTO vocab(version_id, word, n) VALUES(?,?,?)",
            ((version_id, w, 1) for w in vocab),
        )
        conn.execute("UPDATE versions SET status = 'complete' WHERE id = ?", (version_id,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version_id


def _fts_rows(
    conn: sqlite3.Connection, lo: int, hi: int, vocab: set[str]
) -> Generator[tuple[int, str, str, str, str], None, None]:
    """Search-index rows of the items lo..hi (their folded words go into `vocab`)."""
    extras: dict[str, str] = {}
    cursor = conn.execute(
        "SELECT id, name_folded, active_ingredient, category FROM items "
        "WHERE id BETWEEN ? AND ? ORDER BY id",
        (lo, hi),
    )
    update = vocab.update
    for item_id, folded, ingredient, category in cursor:
        extra = extras.get(ingredient)
        if extra is None:  # a few hundred ingredients for thousands of drugs
            if len(extras) > 50_000:
                extras.clear()
            extra = extras[ingredient] = folded_words(ingredient)
        update(folded.split())
        if extra:
            update(extra.split())
        yield fts_row(item_id, folded, extra, category)


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


class Vocabulary:
    """Folded words of one catalog version, for the one-typo fallback."""

    def __init__(self, words: Iterable[str]) -> None:
        self.sorted = sorted(set(words))
        self.words = set(self.sorted)

    def has_prefix(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.sorted, prefix)
        return i < len(self.sorted) and self.sorted[i].startswith(prefix)

    def near(self, word: str, prefix: bool) -> list[str]:
        """Vocabulary words (or prefixes of words) one edit away from `word`."""
        found = []
        for candidate in edits1(word):
            if candidate == word:
                continue
            if self.has_prefix(candidate) if prefix else candidate in self.words:
                found.append(candidate)
        return sorted(found)


def edits1(word: str) -> set[str]:
    """Damerau-Levenshtein distance-1 strings (delete, transpose, replace, insert)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    return out


def _phrase(words: Sequence[str], prefix_last: bool) -> str:
    return '"' + " ".join(words) + '"' + (" *" if prefix_last else "")


def _all_words(words: Sequence[str], prefix_last: bool) -> str:
    parts = [f'"{w}"' for w in words]
    if prefix_last:
        parts[-1] += " *"
    return " AND ".join(parts)


class Searcher:
    """Runs the search tiers on one connection (one per thread)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._vocab: dict[int, Vocabulary] = {}
        self._items: dict[int, tuple[CatalogItem, int]] = {}
        self._lock = threading.Lock()

    def vocabulary(self, version_id: int) -> Vocabulary:
        with self._lock:
            vocab = self._vocab.get(version_id)
            if vocab is None:
                words = (
                    w
                    for (w,) in self.conn.execute(
                        "SELECT word FROM vocab WHERE version_id = ?", (version_id,)
                    )
                )
                vocab = self._vocab[version_id] = Vocabulary(words)
            return vocab

    def _fts(self, expr: str, versions: Sequence[ActiveVersion], limit: int) -> list[int]:
        ids: list[int] = []
        for v in versions:
            ids += [
                r[0]
                for r in self.conn.execute(
                    "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?",
                    (expr, v.id_lo, v.id_hi, limit),
                )
            ]
        return ids

    def search(
        self,
        query: str,
        versions: Sequence[ActiveVersion],
        category: str | None,
        limit: int,
        today: date | None = None,
    ) -> list[CatalogItem]:
        if not versions or limit <= 0:
            return []
        words = tokens(query)
        if not words:
            return self.browse(versions, category, limit) if category else []
        prefix_last = bool(query) and not query[-1].isspace()
        cat_filter = f' AND cat : "_{Category(category).value}"' if category else ""
        tiers: dict[int, int] = {}

        def add(ids: Iterable[int], tier: int) -> None:
            for item_id in ids:
                tiers.setdefault(item_id, tier)

        # 0: code lookup
        key = code_key(query)
        if " " not in query.strip() and len(key) >= 2 and any(ch.isdigit() for ch in key):
            add(self._codes(key, versions, category, limit), 0)
        # 1: intent: the query starts the name of a small category ("kham" -> examinations):
        # the whole category first (bed-day rows such as "Loại 1: Các khoa …" do not say
        # "giường" in their names)
        text = " ".join(words)
        all_words = "{name extra} : (" + _all_words(words, prefix_last) + ")"
        for phrase, cat in INTENTS:
            if len(text) >= 3 and phrase.startswith(text) and category in (None, cat.value):
                add(self.browse_ids(versions, cat.value, limit), 1)
        # 2: name starts with the words (lower tiers never outrank a full list: skip them)
        if len(tiers) < limit:
            star = " *" if prefix_last and len(words) == 1 else ""
            expr = f'first : "_{words[0]}"{star}'
            if len(words) > 1:
                expr += " AND name : ^ " + _phrase(words, prefix_last)
            add(self._fts(expr + cat_filter, versions, limit), 2)
        # 3: all words anywhere in the name or the active ingredient
        if len(tiers) < limit:
            add(self._fts(all_words + cat_filter, versions, limit + len(tiers)), 3)
        # 4: one typo per longer word, only when nothing was found
        if not tiers:
            expr4 = self._fuzzy_expr(words, prefix_last, versions)
            if expr4:
                add(self._fts("{name extra} : (" + expr4 + ")" + cat_filter, versions, limit), 4)
        items, srank = self._fetch(list(tiers))
        today = today or date.today()
        items = [i for i in items if i.effective_to is None or i.effective_to >= today]
        items.sort(key=lambda i: (tiers[i.id], srank[i.id], i.id))
        return items[:limit]

    def _fuzzy_expr(
        self, words: Sequence[str], prefix_last: bool, versions: Sequence[ActiveVersion]
    ) -> str:
        parts, changed = [], False
        for index, word in enumerate(words):
            is_prefix = prefix_last and index == len(words) - 1
            star = " *" if is_prefix else ""
            options = [word]
            vocabularies = [self.vocabulary(v.version_id) for v in versions]
            known = any(
                (vocab.has_prefix(word) if is_prefix else word in vocab.words)
                for vocab in vocabularies
            )
            if (
                not known  # a word the catalog has is taken as typed
                and len(word) >= (FUZZY_MIN_PREFIX if is_prefix else FUZZY_MIN_LEN)
                and not word.isdigit()
            ):
                near: set[str] = set()
                for vocab in vocabularies:
                    near.update(vocab.near(word, is_prefix))
                if near:
                    changed = True
                    options += sorted(near)[:40]
            parts.append("(" + " OR ".join(f'"{o}"{star}' for o in options) + ")")
        return " AND ".join(parts) if changed else ""

    def _codes(
        self, key: str, versions: Sequence[ActiveVersion], category: str | None, limit: int
    ) -> list[int]:
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        ids: list[int] = []
        for v in versions:
            sql = "SELECT id FROM items WHERE version_id = ? AND code_key >= ? AND code_key < ?"
            args: list[Any] = [v.version_id, key, upper]
            if category:
                sql += " AND category = ?"
                args.append(category)
            ids += [
                r[0] for r in self.conn.execute(sql + " ORDER BY code_key LIMIT ?", (*args, limit))
            ]
        return ids

    def browse_ids(self, versions: Sequence[ActiveVersion], category: str, limit: int) -> list[int]:
        return self._fts(f'cat : "_{Category(category).value}"', versions, limit)

    def browse(
        self, versions: Sequence[ActiveVersion], category: str, limit: int
    ) -> list[CatalogItem]:
        items, srank = self._fetch(self.browse_ids(versions, category, limit))
        items.sort(key=lambda i: (srank[i.id], i.id))
        return items[:limit]

    def _fetch(self, ids: Sequence[int]) -> tuple[list[CatalogItem], dict[int, int]]:
        """Items by id. Ids are never reused (a new version gets new ids), so the items read
        for one keystroke are kept for the next ones (most results repeat while typing)."""
        cache = self._items
        missing = [i for i in ids if i not in cache]
        if missing:
            if len(cache) + len(missing) > ITEM_CACHE:
                cache.clear()
            marks = ",".join("?" * len(missing))
            for r in self.conn.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE id IN ({marks})", missing
            ):
                cache[r[0]] = (row_to_item(r), r[19])
        found = [cache[i] for i in ids if i in cache]
        return [f[0] for f in found], {f[0].id: f[1] for f in found}

    def get(self, item_id: int) -> CatalogItem | None:
        row = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return row_to_item(row) if row else None
