"""Relevance of one catalog row to one (rewritten) query: a weighted sum, highest first.

Hand-written because the signals are the catalog's own: FTS5 bm25 with column weights gives
the text match; on top of it the name starting with the query or holding it as a phrase,
how much of the name the query covers (short generic names before long special ones),
words typed with tone marks found with the same marks ("gân" is not "gan"), and a prior for
what outpatients usually ask about: examinations and common tests before surgery, cheaper
(routine) services before expensive (complex) ones of the same words. Rewrites pay a
penalty: synonyms a little, typo corrections a lot, so the words as typed come first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.catalog.models import CatalogItem, Category
from kiosk.catalog.store import marked_words
from kiosk.catalog.text import tokens

# bm25 column weights: name, first, extra (active ingredient), cat, alias (TT23 name), code,
# marked (the name's words with tone marks)
BM25_WEIGHTS = (10.0, 0.0, 6.0, 0.0, 2.0, 3.0, 4.0)
STARTS_WITH = 30.0  # the name starts with the query words
PHRASE = 14.0  # the query words in a row somewhere in the name
FIRST_WORD = 5.0  # the name starts with the first query word
IN_NAME = 6.0  # times the share of query words found in the name itself
COVERAGE = 4.0  # times the share of the name's words the query covers
INGREDIENT = 8.0  # a drug whose active ingredient starts with the query words
BM25 = 0.4  # times -bm25 (capped)
BM25_CAP = 25.0
MARKS = 40.0  # per word typed with tone marks that the row has only without those marks
PRICE = 3.0  # times log10(price): routine before complex (services only)
DRUG_PRICE = 4.5  # log10 of the price a drug is ranked as (unit prices are not comparable)
VARIANT = 2.0  # a bracketed price variant after the plain row
SYNONYM = -4.0  # a bonus: the table says what patients mean by the words
TYPO = 12.0  # per corrected word
DROPPED = 20.0  # a query word left out (only when the words together found nothing)
ANY_WORD = 40.0  # the last resort: rows with only some of the words (none had them all)
FALLBACK = 30.0  # "dermatologist" -> every exam row: below the dermatology exam row
FILLER = 3.0  # the query without its filler words ("gia", "tre em"): below the words as typed
DRUG_TERM = -6.0  # a drug of the class or brand typed (a bonus; below the words as typed)
DRUG_WORD = 24.0  # ... and the query said it wants a drug ("thuoc", "medicine")
DRUG_ORDER = 0.5  # per place down the class's list of ingredients (the usual ones first)
DRUG_ORDER_MAX = 8.0
CATEGORY_PRIOR = {
    Category.EXAM.value: 8.0,
    Category.BED.value: 3.0,
    Category.IMAGING.value: 4.0,
    Category.LABORATORY.value: 4.0,
    Category.DRUG.value: 3.0,
    Category.PROCEDURE.value: 0.0,
}


@dataclass(frozen=True)
class RankQuery:
    words: tuple[str, ...]  # folded
    prefix_last: bool
    penalty: float = 0.0
    marked: tuple[tuple[int, str], ...] = ()  # (index, word) typed with tone marks
    options: tuple[tuple[str, ...], ...] = ()  # typo tier: per word, typed word + corrections


@functools.lru_cache(maxsize=4096)
def _ingredient_words(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))  # a catalog has few distinct active ingredients


def typed_marks(query: str, words: Sequence[str]) -> tuple[tuple[int, str], ...]:
    raw = marked_words(query)
    if len(raw) != len(words):
        return ()
    return tuple((i, r) for i, (r, w) in enumerate(zip(raw, words, strict=True)) if r != w)


def _match(query_word: str, name_word: str, prefix: bool) -> bool:
    return name_word.startswith(query_word) if prefix else name_word == query_word


class Row:
    """What scoring needs of one item, computed once per item (items are cached)."""

    __slots__ = ("item", "words", "position", "prior", "ingredient", "_marked")

    def __init__(self, item: CatalogItem, folded_name: str | None = None) -> None:
        """`folded_name`: the name's folded words as stored (`items.name_folded`), so that
        they need not be folded again for every row read."""
        self.item = item
        self.words = tuple(folded_name.split() if folded_name is not None else tokens(item.name))
        self.position: dict[str, int] = {}
        for j, w in enumerate(self.words):
            self.position.setdefault(w, j)
        prior = CATEGORY_PRIOR.get(item.category, 0.0)
        if item.kind == "drug":
            prior -= PRICE * DRUG_PRICE
            self.ingredient = _ingredient_words(item.active_ingredient)
        else:
            prior -= PRICE * math.log10(max(item.hospital_price, 100))
            self.ingredient = ()
        if item.variant:
            prior -= VARIANT
        self.prior = prior
        self._marked: frozenset[str] | None = None

    @property
    def marked(self) -> frozenset[str]:
        if self._marked is None:
            self._marked = frozenset(marked_words(self.item.name))
        return self._marked

    def find(self, word: str, prefix: bool) -> int:
        if not prefix:
            return self.position.get(word, -1)
        for j, w in enumerate(self.words):
            if w.startswith(word):
                return j
        return -1


def score(row: Row, query: RankQuery, bm25: float = 0.0, bonus: float = 0.0) -> float:
    if query.options:
        query = resolve(query, row)
    words, n = query.words, len(query.words)
    last = n - 1
    name_words = row.words
    s = bonus - query.penalty + row.prior + BM25 * min(-bm25, BM25_CAP)
    found = [row.find(w, query.prefix_last and i == last) for i, w in enumerate(words)]
    in_name = n - found.count(-1)
    s += IN_NAME * in_name / n
    if n == 1 and found[0] >= 0:  # one word: the phrase is the word, where it was found
        s += STARTS_WITH if found[0] == 0 else PHRASE
    elif in_name == n and len(name_words) >= n:
        if found[0] == 0 and _phrase_at(words, name_words, 0, query.prefix_last):
            s += STARTS_WITH
        elif any(
            _phrase_at(words, name_words, j, query.prefix_last)
            for j in range(1, len(name_words) - n + 1)
            if name_words[j] == words[0] or (n == 1 and query.prefix_last)
        ):
            s += PHRASE
    if found[0] == 0:
        s += FIRST_WORD
    if name_words:
        s += COVERAGE * min(in_name, len(name_words)) / len(name_words)
    if query.marked:
        raw = row.marked
        for i, typed in query.marked:
            prefix = query.prefix_last and i == last
            if not (typed in raw if not prefix else any(r.startswith(typed) for r in raw)):
                s -= MARKS
    if (
        row.ingredient
        and sum(map(len, words)) >= 4
        and _phrase_at(words, row.ingredient, 0, query.prefix_last)
    ):
        s += INGREDIENT
    return s


def _phrase_at(words: Sequence[str], name_words: Sequence[str], start: int, prefix: bool) -> bool:
    if start + len(words) > len(name_words):
        return False
    last = len(words) - 1
    return all(_match(w, name_words[start + i], prefix and i == last) for i, w in enumerate(words))


def resolve(query: RankQuery, row: Row) -> RankQuery:
    """A typo-tier query for one row: each word as typed if the name has it, else the first
    correction the name has; each correction costs TYPO."""
    last = len(query.options) - 1
    words, changed = [], 0
    for i, options in enumerate(query.options):
        prefix = query.prefix_last and i == last
        pick = next((o for o in options if row.find(o, prefix) >= 0), None)
        words.append(pick or options[0])
        changed += pick is not None and pick != options[0]
    return RankQuery(tuple(words), query.prefix_last, query.penalty + TYPO * max(changed, 1))
