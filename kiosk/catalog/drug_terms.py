"""Drug classes and brand names -> active ingredients (`assets/catalog/drug-terms.toml`,
extended by `<data dir>/catalog-drug-terms.toml`): "thuoc ha sot", "allergy medicine",
"Augmentin" find the drug rows whose name or active ingredient holds one of the
ingredients, on any hospital's drug list.

Hand-written because it is a lookup specific to a search box being typed into (keys are
whole folded words, the last may still be typed) and to how drug lists are written (one
row per product, the ingredient in its own column, combinations joined by "+" or ";").
The synonym table (`synonyms.py`) rewrites words one alternative at a time; a class has
dozens of ingredients, which this table reads in one index expression instead.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rapidfuzz import process
from rapidfuzz.distance import OSA

from kiosk.catalog.text import tokens

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "drug-terms.toml"
LOCAL_NAME = "catalog-drug-terms.toml"
MIN_TYPED = 3  # letters of a key's last word typed before the key applies
SHORT_KEY = 3  # a key of one word this short ("ho", "sot") applies once the word is complete
TYPO_MIN = 5  # letters of a word before a misspelt brand is put right
MAX_INGREDIENTS = 60

T = TypeVar("T")
Ingredient = tuple[tuple[str, ...], ...]  # the parts of a combination, each folded words


def parse_ingredient(text: str) -> Ingredient:
    """ "amoxicilin + acid clavulanic" -> (("amoxicilin",), ("acid", "clavulanic"))."""
    return tuple(tuple(tokens(part)) for part in text.replace(";", "+").split("+") if tokens(part))


class DrugClass(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str] = Field(min_length=1)
    ingredients: list[str] = Field(default_factory=list, max_length=MAX_INGREDIENTS)
    routes: list[str] = Field(default_factory=list)

    @field_validator("names", "ingredients", "routes")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        for value in values:
            if not tokens(value):
                raise ValueError(f"{value!r} has no letters or digits")
        return values


class DrugTermFile(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    drug_words: list[str] = Field(default_factory=list)
    classes: list[DrugClass] = Field(default_factory=list, alias="class")
    brand: dict[str, list[str]] = Field(default_factory=dict)


@dataclass(frozen=True)
class Term:
    """What one key means: ingredients (any of them, in order) and/or routes (any)."""

    ingredients: tuple[Ingredient, ...]
    routes: tuple[tuple[str, ...], ...] = ()

    def ingredient_of(self, words: Iterable[str]) -> int:
        """Index of the first ingredient all of whose parts are phrases of `words` (a row's
        name and active ingredient words), -1 when none is."""
        have = tuple(words)
        for k, ingredient in enumerate(self.ingredients):
            if all(_has_phrase(have, part) for part in ingredient):
                return k
        return -1

    def has_route(self, route_words: Sequence[str]) -> bool:
        return any(_has_phrase(route_words, r) for r in self.routes)


@dataclass(frozen=True)
class Match:
    term: Term
    rest: tuple[str, ...]  # the query's other words (each required in the row)
    rest_prefix_last: bool  # the last of `rest` is being typed
    drug_word: bool  # the query said "a drug" ("thuoc", "medicine")
    key: tuple[str, ...]


def _both(a: Term, b: Term) -> Term | None:
    """What two classes both mean: the first's ingredients the second has too (in the
    first's order), the routes both allow; None when that is nothing."""
    ingredients, routes = _common(a.ingredients, b.ingredients), _common(a.routes, b.routes)
    if ingredients is None or routes is None:
        return None
    return Term(ingredients, routes)


def _common(first: tuple[T, ...], second: tuple[T, ...]) -> tuple[T, ...] | None:
    """The items of `first` that `second` has; either when the other is empty (no limit);
    None when both limit and nothing is in both."""
    if not (first and second):
        return first or second
    return tuple(x for x in first if x in second) or None


def _has_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


Entries = dict[tuple[str, ...], Term]


def read_file(path: Path) -> tuple[Entries, frozenset[tuple[str, ...]]]:
    """(key -> term, drug words) of one file, folded. Raises ValueError with a readable
    reason."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = DrugTermFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc.errors()[0]['msg']}") from exc
    entries: Entries = {}
    for cls in parsed.classes:
        term = Term(
            tuple(parse_ingredient(i) for i in cls.ingredients),
            tuple(tuple(tokens(r)) for r in cls.routes),
        )
        for name in cls.names:
            entries[tuple(tokens(name))] = term
    for brand, ingredients in parsed.brand.items():
        if not tokens(brand):
            raise ValueError(f"{path}: brand {brand!r} has no letters or digits")
        entries[tuple(tokens(brand))] = Term(tuple(parse_ingredient(i) for i in ingredients))
    words = frozenset(tuple(tokens(w)) for w in parsed.drug_words if tokens(w))
    return entries, words


class DrugTerms:
    def __init__(
        self, entries: Mapping[tuple[str, ...], Term], drug_words: Iterable[Sequence[str]] = ()
    ) -> None:
        self.drug_words = frozenset(tuple(w) for w in drug_words if w)
        self._longest_word = max((len(w) for w in self.drug_words), default=0)
        # keys are matched without the drug words ("thuoc khang sinh" = "khang sinh")
        self.entries = {
            (self._without_drug_words(k)[0] or k): t
            for k, t in entries.items()
            if t.ingredients or t.routes
        }
        self._longest = max((len(k) for k in self.entries), default=0)
        self._single: list[str] | None = None
        self._by_head: dict[tuple[tuple[str, ...], str], list[tuple[str, ...]]] | None = None

    @classmethod
    def load(cls, data_dir: Path | None = None, shipped: Path = SHIPPED) -> DrugTerms:
        entries: dict[tuple[str, ...], Term] = {}
        words: set[tuple[str, ...]] = set()
        try:
            shipped_entries, shipped_words = read_file(shipped)
            entries.update(shipped_entries)
            words |= shipped_words
        except ValueError as exc:
            log.error("shipped drug term table unusable: %s", exc)
        local = data_dir / LOCAL_NAME if data_dir else None
        if local is not None and local.exists():
            try:
                local_entries, local_words = read_file(local)
            except ValueError as exc:
                log.error("hospital drug term file ignored: %s", exc)
            else:
                entries.update(local_entries)  # an empty list removes a shipped entry
                words |= local_words
        return cls(entries, words)

    def match(self, words: Sequence[str], prefix_last: bool) -> Match | None:
        """The longest key among the query's words (drug words set aside; the last key word
        may still be typed: "efferal"), with the words left over."""
        rest, drug_word = self._without_drug_words(words)
        if not rest or not self.entries:
            return None
        n = len(rest)
        for size in range(min(self._longest, n), 0, -1):
            for start in range(n - size + 1):
                span = rest[start : start + size]
                at_end = start + size == n
                key = span if span in self.entries else None
                short = key is not None and len(key) == 1 and len(key[0]) <= SHORT_KEY
                if short and prefix_last and at_end and not drug_word:
                    key = None  # "ho" is still becoming "hong", "hoi"; "ho " is cough
                if key is None and prefix_last and at_end:
                    key = self._typed_key(span)
                if key is None:
                    continue
                term, left = self._absorbed(self.entries[key], rest[:start] + rest[start + size :])
                open_last = prefix_last and not at_end and bool(left)
                return Match(term, left, open_last, drug_word, key)
        return None

    def _absorbed(self, term: Term, words: tuple[str, ...]) -> tuple[Term, tuple[str, ...]]:
        """The term with the other class names among `words` taken in, and the words left.
        A name of the same class is said twice ("thuốc dạ dày trào ngược", "eye drops for
        pink eye"); another class narrows it ("thuốc giảm đau hạ sốt": what is both;
        "saline nasal drops": saline by the nose's routes). No word the rows must have."""
        n = len(words)
        for size in range(min(self._longest, n), 0, -1):
            for start in range(n - size + 1):
                other = self.entries.get(words[start : start + size])
                both = other if other is None or other == term else _both(term, other)
                if both is not None:
                    return self._absorbed(both, words[:start] + words[start + size :])
        return term, words

    def corrected(self, words: Sequence[str]) -> tuple[str, ...] | None:
        """The words with one misspelt brand or class word put right ("nexiun" -> "nexium",
        "zitromax" -> "zithromax"): brand names are in no catalog's vocabulary, so the typo
        tier cannot know them. One edit (two from 8 letters), on words of 5+ letters that
        are no key themselves; None when there is nothing to correct."""
        if self._single is None:
            self._single = sorted(k[0] for k in self.entries if len(k) == 1)
        out = list(words)
        for i, word in enumerate(words):
            if len(word) < TYPO_MIN or (word,) in self.entries:
                continue
            limit = 2 if len(word) >= 8 else 1
            near = [k for k in self._single if abs(len(k) - len(word)) <= limit]
            best = process.extractOne(word, near, scorer=OSA.distance, score_cutoff=limit)
            if best is not None:
                out[i] = best[0]
                return tuple(out)
        return None

    def _typed_key(self, span: tuple[str, ...]) -> tuple[str, ...] | None:
        last = span[-1]
        if len(last) < MIN_TYPED:
            return None
        if self._by_head is None:  # keys by their words but the last, and its first letters
            self._by_head = {}
            for k in self.entries:
                self._by_head.setdefault((k[:-1], k[-1][:MIN_TYPED]), []).append(k)
        found = [
            k
            for k in self._by_head.get((span[:-1], last[:MIN_TYPED]), ())
            if k[-1].startswith(last) and 2 * len(last) >= len(k[-1])
        ]
        return min(found, key=lambda k: (len(k[-1]), k)) if found else None

    def _without_drug_words(self, words: Sequence[str]) -> tuple[tuple[str, ...], bool]:
        out: list[str] = []
        i, n, dropped = 0, len(words), False
        while i < n:
            for size in range(min(self._longest_word, n - i), 0, -1):
                if tuple(words[i : i + size]) in self.drug_words:
                    i += size
                    dropped = True
                    break
            else:
                out.append(words[i])
                i += 1
        return tuple(out), dropped


def misspelt_ingredients(
    entries: Mapping[tuple[str, ...], Term], list_words: Iterable[str], max_edits: int = 1
) -> list[str]:
    """Ingredient words of the table that a drug list spells slightly differently
    ("amoxicillin" where the list says "amoxicilin"): such an entry would find nothing on
    that list. `list_words`: the folded words of the list's active ingredients."""
    from rapidfuzz.distance import OSA

    have = {w for w in list_words if len(w) >= 5 and not w.isdigit()}
    out = set()
    for term in entries.values():
        for ingredient in term.ingredients:
            for part in ingredient:
                for word in part:
                    if word in have or len(word) < 6:
                        continue
                    near = [w for w in have if OSA.distance(word, w) <= max_edits]
                    if near:
                        out.add(f"{word} (the list: {', '.join(sorted(near))})")
    return sorted(out)
