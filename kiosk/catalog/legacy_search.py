"""The search as it was before issue 18, kept only as the reference of `kiosk bench
search-quality` (and its latency as the reference of the keystroke measurement).

Tiers, in this order, each ranked by static rank (category weight, then shorter names):
0. code; 1. intent ("kham benh", "ngay giuong", "giuong benh" -> the whole small category);
2. the name starts with the words; 3. all words anywhere in the name or active ingredient;
4. only when nothing was found: one typo in each unknown word of 4+ letters (the typed
word from 5 letters on). It reads only the FTS columns `name`, `first`, `extra`, `cat`,
which the current schema still has with the same content.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from kiosk.catalog.models import CatalogItem, Category
from kiosk.catalog.store import _ITEM_COLUMNS, ActiveVersion, row_to_item
from kiosk.catalog.text import code_key, tokens

ITEM_CACHE = 20_000
FUZZY_MIN_LEN = 4
FUZZY_MIN_PREFIX = 5
INTENTS: tuple[tuple[str, Category], ...] = (
    ("kham benh", Category.EXAM),
    ("ngay giuong", Category.BED),
    ("giuong benh", Category.BED),
)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


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
