"""The price search: candidates from the FTS5 index, ranked by `ranking.score`.

Per keystroke, for the query as typed and for each synonym rewrite (`synonyms.py`):
- code: one token with a digit -> codes starting with it (dots ignored);
- intent: "kham…" / "giuong…" / "ngay giuong…" -> the (small) exam / bed-day category;
- specialty exams: "kham <clinic>" -> the exam price row the configuration maps the clinic to;
- the name starts with the words; all words in the name, active ingredient or TT23 name
  (the last word a prefix unless the query ends with a space).
Each index read is in rowid order (ids follow a static rank: category, then shorter names)
with a LIMIT, so broad prefixes stop early; the candidates are then scored (bm25 with
column weights and the ranking signals). Only when all that found nothing, typos are
corrected against the catalog's vocabulary (`typos.py`), and the corrected query is searched
the same way (with its synonyms).
"""

from __future__ import annotations

import functools
import math
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.catalog.candidates import Candidates, quote
from kiosk.catalog.drug_search import DrugSearch
from kiosk.catalog.drug_terms import DrugTerms
from kiosk.catalog.models import CatalogItem, Category, Kind
from kiosk.catalog.ranking import (
    ANY_WORD,
    BM25_WEIGHTS,
    DROPPED,
    FALLBACK,
    FILLER,
    SYNONYM,
    TYPO,
    RankQuery,
    Row,
    resolve,
    score,
    typed_marks,
)
from kiosk.catalog.store import _ITEM_COLUMNS, ActiveVersion, row_to_item
from kiosk.catalog.synonyms import SynonymTable
from kiosk.catalog.text import code_key, split_unit, tokens
from kiosk.catalog.typos import TypoIndex
from kiosk.catalog.version_words import VersionWords, required

ITEM_CACHE = 20_000  # items kept per searching thread (about 10 MB)
MMAP_BYTES = 256 * 2**20
READ_CACHE = 4_000  # index reads kept per searching thread (successive keystrokes repeat them)
CANDIDATES = 40  # rows read per index expression and version (in static-rank order)
TYPO_CANDIDATES = 80  # the OR-ed typo alternatives match many rows; read more of them
BM25_MIN_PREFIX = 3  # bm25 reads every row of each term: not for a 1-2 letter prefix
MAX_DROP_WORDS = 5  # longer queries: no word is dropped (each drop is a full search)
SPLIT_LETTERS = 5  # shorter unknown words are not split in two (but "20mg")
MAX_SPAN = 6  # longest run of words tried by the sentence tier
AND_WORDS = frozenset({"va", "and", "hoac", "or"})  # "sắt và ferritin": two things asked
SPAN_WORD = 5.0  # per word more left out by it
ANY_CANDIDATES = 40  # rows read per word and version by the any-word last resort
ANY_MIN_LETTERS = 2  # shorter words take no part in it
ANY_RARITY = 8.0  # times log10(rows / rows with the word), per word a row has
CODE_BONUS = 60.0
INTENT_BONUS = 25.0
EXAM_BONUS = 45.0
INTENTS: tuple[tuple[str, Category], ...] = (
    ("kham benh", Category.EXAM),
    ("ngay giuong", Category.BED),
    ("giuong benh", Category.BED),
)
_BM25 = ", ".join(str(w) for w in BM25_WEIGHTS)


@dataclass(frozen=True)
class ExamTarget:
    """A clinic's examination price row: the folded names patients use for the clinic."""

    code_key: str
    names: tuple[tuple[str, ...], ...]

    def matches(self, words: Sequence[str], prefix_last: bool) -> bool:
        last = len(words) - 1
        for name in self.names:
            if all(
                any((nw.startswith(w) if prefix_last and i == last else nw == w) for nw in name)
                for i, w in enumerate(words)
            ):
                return True
        return False


def exam_core(words: tuple[str, ...], prefix_last: bool) -> tuple[str, ...]:
    """ "kham benh nhi" (an examination of the children's clinic) as "kham nhi": once a
    word follows "kham benh", the patient names the clinic."""
    if (
        words[:2] == ("kham", "benh")
        and len(words) > 2
        and (len(words) > 3 or not prefix_last or len(words[2]) >= 2)
    ):
        return ("kham", *words[2:])
    return words


def _each_left_out(
    words: Sequence[str], prefix_last: bool
) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The words without each one in turn, and whether the last left is still being typed."""
    last = len(words) - 1
    for i in range(len(words)):
        yield tuple(w for j, w in enumerate(words) if j != i), prefix_last and i != last


def _each_part(words: Sequence[str], prefix_last: bool) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The parts between "va" / "and" … ("sat va ferritin": "sat", "ferritin"), and whether
    the part is still being typed (only the last can be)."""
    start = 0
    for i, w in enumerate(words):
        if w in AND_WORDS and i > 0:
            if i > start:
                yield tuple(words[start:i]), False
            start = i + 1
    if start < len(words):
        yield tuple(words[start:]), prefix_last


class Searcher:
    """Runs the search on one connection (one per thread)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        synonyms: SynonymTable | None = None,
        exams: Sequence[ExamTarget] = (),
        drug_terms: DrugTerms | None = None,
    ) -> None:
        self.conn = conn
        # the index is read in many small random reads: memory-mapped, they need no copy
        conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        self.synonyms = synonyms or SynonymTable({})
        self.drug_terms = drug_terms or DrugTerms({})
        self.exams = tuple(exams)
        self._typos: dict[tuple[int, ...], TypoIndex] = {}
        self._items: dict[int, Row] = {}
        self._reads: dict[tuple[str, int, int, int, bool], list[tuple[int, float]]] = {}
        self._reads_for: frozenset[int] = frozenset()
        self._version_words: dict[int, VersionWords] = {}
        self._lock = threading.Lock()
        self.drugs = DrugSearch(self)

    # ------------------------------------------------------------------ vocabulary

    def typo_index(self, versions: Sequence[ActiveVersion]) -> TypoIndex:
        key = tuple(sorted(v.version_id for v in versions))
        with self._lock:
            index = self._typos.get(key)
            if index is None:
                rows = self.conn.execute(
                    "SELECT term, doc FROM items_fts_terms WHERE col IN ('name', 'extra')"
                )
                index = TypoIndex.build(rows)
                self._typos = {key: index}
                for v in versions:  # loaded with the vocabulary (at warm-up)
                    self._words_of(v)
                    if v.kind == Kind.DRUG:
                        self.drugs.routes_of(v)
            return index

    # ------------------------------------------------------------------ search

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
        words = tuple(tokens(query))
        if not words:
            return self.browse(versions, category, limit) if category else []
        prefix_last = bool(query) and not query[-1].isspace()
        words = self._split_words(words, prefix_last, versions)
        cat_filter = f' AND cat : "_{Category(category).value}"' if category else ""
        today = today or date.today()
        found = Candidates()
        typed = RankQuery(words, prefix_last, 0.0, typed_marks(query, words))
        key = code_key(query)
        if " " not in query.strip() and len(key) >= 2 and any(ch.isdigit() for ch in key):
            found.add(
                ((i, 0.0) for i in self._codes(key, versions, category, limit)), typed, CODE_BONUS
            )
        self._collect(typed, versions, category, cat_filter, found, synonyms=True)
        core, last_kept = self.synonyms.without_filler(words)
        core_prefix = prefix_last and last_kept
        core = exam_core(core, core_prefix)
        if core and core != words:  # "kham mat tre em", "gia kham noi bao nhieu"
            stripped = RankQuery(core, core_prefix, FILLER)
            self._collect(stripped, versions, category, cat_filter, found, synonyms=True)
        if core:
            self.drugs.collect(core, core_prefix, versions, category, found)
        if typed.marked:  # words typed with tone marks: rows with those very words
            parts = [quote(w, prefix_last and i == len(words) - 1) for i, w in enumerate(words)]
            for i, raw in typed.marked:
                parts[i] = "marked : " + quote(raw, prefix_last and i == len(words) - 1)
            expr = " AND ".join(
                p if p.startswith("marked") else "{name extra alias} : " + p for p in parts
            )
            found.add(self._fts(expr + cat_filter, versions, CANDIDATES, bm25=False), typed)
        items = self._ranked(found, today, limit)
        words, prefix_last = (core, core_prefix) if core else (words, prefix_last)
        split = self._split_words(words, prefix_last, versions, True) if not items else words
        if split != words:  # "sieuam bung", "dientim": two words typed without the space
            words = split
            joined = RankQuery(split, prefix_last, TYPO)
            self._collect(joined, versions, category, cat_filter, found, synonyms=True)
            items = self._ranked(found, today, limit)
        typed_words, as_typed_found = words, bool(items)
        if not items:  # typos: only when nothing was found as typed
            words = self._collect_typos(words, prefix_last, versions, category, cat_filter, found)
            brand = self.drug_terms.corrected(typed_words)  # "nexiun", "zitromax"
            if brand is not None:
                self.drugs.collect(brand, prefix_last, versions, category, found, TYPO)
            items = self._ranked(found, today, limit)
        if not items and any(w in AND_WORDS for w in words[1:-1]):
            # two things asked at once ("sat va ferritin", "ure and creatinine"), which no row
            # has together: each part on its own ("nạo VA" was found as typed)
            asked = _each_part(words, prefix_last)
            self._collect_each(asked, DROPPED, versions, category, cat_filter, found)
            items = self._ranked(found, today, limit)
        if not items and 1 < len(words) <= MAX_DROP_WORDS:  # (with the corrections)
            # the query without one of its words: a word no row has together with the
            # others ("duong huyet luc doi", "blood sugar test") no longer empties the answer
            rests = _each_left_out(words, prefix_last)
            self._collect_each(rests, DROPPED, versions, category, cat_filter, found)
            self._collect_dropped_drugs(typed_words, prefix_last, versions, category, found)
            items = self._ranked(found, today, limit)
        if not as_typed_found and len(words) > 3:  # (also when a correction found rows)
            self._collect_spans(words, prefix_last, versions, category, cat_filter, found)
            items = self._ranked(found, today, limit)
        if not items and len(words) > 1:
            self._collect_any(words, prefix_last, versions, cat_filter, found)
            items = self._ranked(found, today, limit)
        return items

    def _collect_spans(
        self,
        words: Sequence[str],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        category: str | None,
        cat_filter: str,
        found: Candidates,
    ) -> None:
        """A sentence around what the patient wants ("chau bi sau rang can kham rang", "kham
        ngoai cho chau bi nga"): its runs of consecutive words, longest first (with their
        synonyms), down to two words; the first length that finds rows ends it. Below the
        query without one word, each word more left out costs more."""
        n, last = len(words), len(words) - 1
        for size in range(min(n - 2, MAX_SPAN), 1, -1):
            before = len(found)
            for start in range(n - size + 1):
                span = tuple(words[start : start + size])
                prefix = prefix_last and start + size - 1 == last
                penalty = DROPPED + SPAN_WORD * (n - size - 1)
                query = RankQuery(span, prefix, penalty)
                self._collect(query, versions, category, cat_filter, found, synonyms=True)
            if len(found) > before:
                return

    def _collect_any(
        self,
        words: Sequence[str],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        cat_filter: str,
        found: Candidates,
    ) -> None:
        """The last resort, when no row has all the words, nor all but one: rows with any of
        them (each word's first rows), each ranked by the words it has, weighed by how rare
        each is in the catalog ("bilirubin", "g6pd" before "so sinh"), far below every other
        tier. Words the synonym table drops ("xet nghiem", "thuoc") take no part. A patient
        who typed a sentence sees the rows of its telling words, not nothing."""
        last = len(words) - 1
        generic = self.synonyms.dropped_words(words)
        useful = [
            (i, w)
            for i, w in enumerate(words)
            if (len(w) >= ANY_MIN_LETTERS or w.isdigit()) and i not in generic
        ]
        if not useful or len(words) < 2:
            return
        ids: list[int] = []
        for i, w in useful:
            expr = "{name extra} : " + quote(w, prefix_last and i == last) + cat_filter
            ids += [r[0] for r in self._fts(expr, versions, ANY_CANDIDATES, bm25=False)]
        ids = list(dict.fromkeys(ids))
        index = self.typo_index(versions)
        rows_in_all = sum(v.id_hi - v.id_lo + 1 for v in versions)
        rarity = {
            w: math.log10(max(rows_in_all, 2) / (1 + index.rows_with(w, prefix_last and i == last)))
            for i, w in useful
        }
        fetched = self._fetch(ids)
        for item_id in ids:
            row = fetched.get(item_id)
            if row is None:
                continue
            hit = [
                (i, w)
                for i, w in useful
                if row.find(w, prefix_last and i == last) >= 0 or w in row.ingredient
            ]
            if hit:  # the whole query: no phrase bonus for the one or two words a row has
                bonus = ANY_RARITY * sum(rarity[w] for _, w in hit)
                found.add(((item_id, 0.0),), RankQuery(tuple(words), prefix_last, ANY_WORD), bonus)

    def _split_words(
        self,
        words: tuple[str, ...],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        compounds: bool = False,
    ) -> tuple[str, ...]:
        """A word no row has, that is two words typed without their space: "500mg" as
        "500 mg" (lists space strengths); with `compounds` (only once nothing was found: a
        brand or a key may be such a word) "sieuam" as "sieu am" (`TypoIndex.split`), and
        the other way round, a word no row has that with the next makes a word of the list
        ("rota virus" as "rotavirus")."""
        index = self.typo_index(versions)
        last = len(words) - 1
        out: list[str] = []
        i = 0
        while i <= last:
            word, prefix = words[i], prefix_last and i == last
            i += 1
            if len(word) < 3 or index.known(word, prefix):
                out.append(word)
                continue
            pair = word + words[i] if compounds and i <= last else ""
            if pair and index.known(pair, prefix_last and i == last):
                out.append(pair)
                i += 1
                continue
            parts = split_unit(word, prefix)
            if len(parts) == 1 and compounds and len(word) >= SPLIT_LETTERS:
                parts = index.split(word, prefix) or parts
            out += parts
        return tuple(out)

    def _collect_each(
        self,
        variants: Iterable[tuple[tuple[str, ...], bool]],
        penalty: float,
        versions: Sequence[ActiveVersion],
        category: str | None,
        cat_filter: str,
        found: Candidates,
    ) -> None:
        """Each variant of the query (its words, the last still being typed), with synonyms,
        `penalty` below the words as typed."""
        for words, prefix_last in variants:
            query = RankQuery(words, prefix_last, penalty)
            self._collect(query, versions, category, cat_filter, found, synonyms=True)

    def _collect_dropped_drugs(
        self,
        words: Sequence[str],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        category: str | None,
        found: Candidates,
    ) -> None:
        """A brand or class whose drugs lack one of the other words ("motilium siro": the
        list has a suspension; "thuoc tri tieu duong"), the words as typed (a brand is no
        typo). The brand is the telling part: half the cost of another word left out."""
        for rest, rest_prefix in _each_left_out(words, prefix_last):
            self.drugs.collect(rest, rest_prefix, versions, category, found, DROPPED / 2)

    def _collect(
        self,
        query: RankQuery,
        versions: Sequence[ActiveVersion],
        category: str | None,
        cat_filter: str,
        found: Candidates,
        synonyms: bool,
    ) -> None:
        self._collect_one(query, versions, category, cat_filter, found)
        if synonyms:
            usable = functools.partial(self._has_words, versions)
            for rewrite in self.synonyms.rewrites(query.words, query.prefix_last, usable):
                penalty = query.penalty + SYNONYM + (FALLBACK if rewrite.fallback else 0.0)
                self._collect_one(
                    RankQuery(rewrite.words, rewrite.prefix_last, penalty),
                    versions,
                    category,
                    cat_filter,
                    found,
                    broad=False,
                )

    def _collect_one(
        self,
        query: RankQuery,
        versions: Sequence[ActiveVersion],
        category: str | None,
        cat_filter: str,
        found: Candidates,
        broad: bool = True,
    ) -> None:
        """`broad`: also read the rows whose name starts with the words (the all-words read
        stops after CANDIDATES rows; rewrites are specific enough without it)."""
        words, prefix_last = query.words, query.prefix_last
        text = " ".join(words)
        for phrase, cat in INTENTS:
            if len(text) >= 3 and phrase.startswith(text) and category in (None, cat.value):
                rows = self._fts(f'cat : "_{cat.value}"', versions, CANDIDATES, bm25=False)
                found.add(rows, query, INTENT_BONUS)
        if words[0] == "kham" and len(words) > 1 and category in (None, Category.EXAM.value):
            codes = [e.code_key for e in self.exams if e.matches(words[1:], prefix_last)]
            for code in codes:
                found.add(
                    ((i, 0.0) for i in self._codes(code, versions, None, 5, exact=True)),
                    query,
                    EXAM_BONUS,
                )
        bm25 = not prefix_last or len(words[-1]) >= BM25_MIN_PREFIX
        need = required(words, prefix_last)
        if broad:
            star = " *" if prefix_last and len(words) == 1 else ""
            expr = f'first : "_{words[0]}"{star}'
            if len(words) > 1:
                phrase_words = " ".join(words)
                expr += f' AND name : ^ "{phrase_words}"' + (" *" if prefix_last else "")
            found.add(self._fts(expr + cat_filter, versions, CANDIDATES, bm25, need), query)
        parts = [quote(w, prefix_last and i == len(words) - 1) for i, w in enumerate(words)]
        expr = "{name extra alias} : (" + " AND ".join(parts) + ")"
        found.add(self._fts(expr + cat_filter, versions, CANDIDATES, bm25, need), query)

    def _collect_typos(
        self,
        words: Sequence[str],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        category: str | None,
        cat_filter: str,
        found: Candidates,
    ) -> tuple[str, ...]:
        """Each word as typed or one of its corrections, in one index read (the index says
        which combinations exist); and the query with each unknown word replaced by its best
        correction, with its synonyms ("xet nghim mau" -> "xet nghiem mau" -> the blood count).
        Returns the words with those corrections (for leaving out a word next)."""
        index = self.typo_index(versions)
        last = len(words) - 1
        options = [
            (w, *index.candidates(w, prefix_last and i == last)) for i, w in enumerate(words)
        ]
        if all(len(o) == 1 for o in options):
            return tuple(words)
        unknown = [i for i, w in enumerate(words) if not index.known(w, prefix_last and i == last)]
        best = list(words)
        for i in unknown:
            if len(options[i]) > 1:
                best[i] = options[i][1]
        if unknown and all(len(options[i]) > 1 for i in unknown):
            query = RankQuery(tuple(best), prefix_last, TYPO * len(unknown))
            self._collect(query, versions, category, cat_filter, found, synonyms=True)
        groups = [
            "(" + " OR ".join(quote(o, prefix_last and i == last) for o in opts) + ")"
            for i, opts in enumerate(options)
        ]
        expr = "{name extra alias} : (" + " AND ".join(groups) + ")"
        query = RankQuery(tuple(words), prefix_last, 0.0, options=tuple(options))
        need = [
            tuple((o, prefix_last and i == last) for o in opts) for i, opts in enumerate(options)
        ]
        rows = self._fts(expr + cat_filter, versions, TYPO_CANDIDATES, False, need)
        found.add(rows, query)
        if not unknown and rows:  # known words that found nothing together: the best row
            fetched = self._fetch([r[0] for r in rows])
            top = max(fetched.values(), key=lambda row: score(row, query))
            if top:
                best_words = resolve(query, top).words
                if best_words != tuple(words):
                    changed = sum(a != b for a, b in zip(best_words, words, strict=True))
                    query = RankQuery(best_words, prefix_last, TYPO * changed)
                    self._collect(query, versions, category, cat_filter, found, synonyms=True)
        return tuple(best)

    def _ranked(self, found: Candidates, today: date, limit: int) -> list[CatalogItem]:
        if not found:
            return []
        fetched = self._fetch(list(found.hits))
        scored = []
        for item_id, hits in found.hits.items():
            entry = fetched.get(item_id)
            if entry is None:
                continue
            item = entry.item
            if item.effective_to is not None and item.effective_to < today:
                continue
            best = max(score(entry, q, bm25, bonus) for q, (bm25, bonus) in hits.items())
            scored.append((-best, item.id, item))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [t[2] for t in scored[:limit]]

    # ------------------------------------------------------------------ index reads

    def _fts(
        self,
        expr: str,
        versions: Sequence[ActiveVersion],
        limit: int,
        bm25: bool = True,
        need: Sequence[Sequence[tuple[str, bool]]] = (),
    ) -> list[tuple[int, float]]:
        """(rowid, bm25) of the first `limit` matches per version in rowid order. bm25 needs
        the row count of every term of the expression, which FTS5 gets by reading all their
        rows: `bm25=False` (0.0) for broad prefixes and OR-ed typo alternatives. `need`: per
        required word of the expression (in name, ingredient or TT23 name), its alternatives as
        (folded word, is a prefix); a version that has none of one word's is not read."""
        rank = f"bm25(items_fts, {_BM25})" if bm25 else "0.0"
        rows: list[tuple[int, float]] = []
        cache = self._read_cache(versions)
        for v in versions:
            if need and not self._words_of(v).has_all(need):
                continue  # a word the expression requires is in none of this version's rows
            key = (expr, v.id_lo, v.id_hi, limit, bm25)
            part = cache.get(key)
            if part is None:
                part = self.conn.execute(
                    f"SELECT rowid, {rank} FROM items_fts WHERE items_fts MATCH ? "
                    "AND rowid BETWEEN ? AND ? LIMIT ?",
                    (expr, v.id_lo, v.id_hi, limit),
                ).fetchall()
                if len(cache) >= READ_CACHE:
                    cache.clear()
                cache[key] = part
            rows += part
        return rows

    def _has_words(
        self, versions: Sequence[ActiveVersion], words: Sequence[str], prefix_last: bool
    ) -> bool:
        """Whether one of the versions has every word (in a name, ingredient or TT23 name)."""
        need = required(words, prefix_last)
        return any(self._words_of(v).has_all(need) for v in versions)

    def _words_of(self, version: ActiveVersion) -> VersionWords:
        words = self._version_words.get(version.version_id)
        if words is None:
            rows = self.conn.execute(
                "SELECT name_folded, active_ingredient, alt_name FROM items "
                "WHERE id BETWEEN ? AND ?",
                (version.id_lo, version.id_hi),
            )
            words = self._version_words[version.version_id] = VersionWords.build(rows)
        return words

    def _read_cache(
        self, versions: Sequence[ActiveVersion]
    ) -> dict[tuple[str, int, int, int, bool], list[tuple[int, float]]]:
        """The index reads of the versions. A version's rows never change (ids are never
        reused), but bm25 counts over the whole index, which changes only with an import:
        the cache is emptied when a version not seen before is searched."""
        if any(v.version_id not in self._reads_for for v in versions):
            self._reads.clear()
            self._reads_for = frozenset(v.version_id for v in versions)
        return self._reads

    def _codes(
        self,
        key: str,
        versions: Sequence[ActiveVersion],
        category: str | None,
        limit: int,
        exact: bool = False,
    ) -> list[int]:
        upper = key if exact else key[:-1] + chr(ord(key[-1]) + 1)
        op = "<=" if exact else "<"
        ids: list[int] = []
        for v in versions:
            sql = f"SELECT id FROM items WHERE version_id = ? AND code_key >= ? AND code_key {op} ?"
            args: list[Any] = [v.version_id, key, upper]
            if category:
                sql += " AND category = ?"
                args.append(category)
            ids += [
                r[0] for r in self.conn.execute(sql + " ORDER BY code_key LIMIT ?", (*args, limit))
            ]
        return ids

    def browse_ids(self, versions: Sequence[ActiveVersion], category: str, limit: int) -> list[int]:
        expr = f'cat : "_{Category(category).value}"'
        return [r[0] for r in self._fts(expr, versions, limit, bm25=False)]

    def browse(
        self, versions: Sequence[ActiveVersion], category: str, limit: int
    ) -> list[CatalogItem]:
        ids = self.browse_ids(versions, category, limit)
        fetched = self._fetch(ids)
        return [fetched[i].item for i in ids if i in fetched][:limit]  # ids are in static rank

    def _fetch(self, ids: Sequence[int]) -> dict[int, Row]:
        """Items (and their folded name words) by id. Ids are never reused (a new version gets
        new ids), so the items read for one keystroke are kept for the next ones."""
        cache = self._items
        missing = [i for i in ids if i not in cache]
        if missing:
            if len(cache) + len(missing) > ITEM_CACHE:
                cache.clear()
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for r in self.conn.execute(
                    f"SELECT {_ITEM_COLUMNS}, name_folded FROM items WHERE id IN ({marks})", chunk
                ):
                    cache[r[0]] = Row(row_to_item(r), r[-1])
        return {i: cache[i] for i in ids if i in cache}

    def get(self, item_id: int) -> CatalogItem | None:
        row = self.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return row_to_item(row) if row else None
