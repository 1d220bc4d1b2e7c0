"""The drug rows of a drug class or brand among the query's words (`drug_terms.py`): one
index read of the rows whose name or active ingredient holds one of its ingredients (OR-ed),
or that have one of its routes; the query's other words required in the row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk.catalog.candidates import Candidates, quote
from kiosk.catalog.drug_terms import Match
from kiosk.catalog.models import Category, Kind
from kiosk.catalog.ranking import DRUG_ORDER, DRUG_ORDER_MAX, DRUG_TERM, DRUG_WORD, RankQuery, Row
from kiosk.catalog.store import ActiveVersion
from kiosk.catalog.text import tokens
from kiosk.catalog.version_words import required

if TYPE_CHECKING:
    from kiosk.catalog.search import Searcher

DRUG_CANDIDATES = 80  # a drug class matches many rows (ingredients OR-ed)


class DrugSearch:
    """The drug-term part of one `Searcher` (its connection, index reads and item cache)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._routes: dict[int, dict[tuple[str, ...], list[int]]] = {}

    def collect(
        self,
        words: Sequence[str],
        prefix_last: bool,
        versions: Sequence[ActiveVersion],
        category: str | None,
        found: Candidates,
        penalty: float = 0.0,
    ) -> None:
        """A drug class or brand among the words ("thuoc ha sot", "augmentin 625"): the drug
        rows whose name or active ingredient holds one of its ingredients (one index read,
        the ingredients OR-ed) or that have one of its routes; the other words required."""
        if category not in (None, Category.DRUG.value):
            return
        match = self.searcher.drug_terms.match(words, prefix_last)
        drugs = [v for v in versions if v.kind == Kind.DRUG]
        if match is None or not drugs:
            return
        self._collect_match(match, drugs, found, penalty)

    def _collect_match(
        self,
        match: Match,
        drugs: Sequence[ActiveVersion],
        found: Candidates,
        penalty: float = 0.0,
    ) -> int:
        """The drug rows of one class or brand match; returns how many were added."""
        term, rest = match.term, match.rest
        last = len(rest) - 1
        need = required(rest, match.rest_prefix_last)
        rest_expr = " AND ".join(
            quote(w, match.rest_prefix_last and i == last) for i, w in enumerate(rest)
        )
        ids: list[int] = []
        if term.ingredients:
            alternatives = " OR ".join(
                "(" + " AND ".join(f'"{" ".join(part)}"' for part in ingredient) + ")"
                for ingredient in term.ingredients
            )
            expr = "{name extra} : (" + alternatives + ")"
        else:  # routes only: the route column, and the words in the name ("… nhỏ mắt")
            expr = "name : (" + " OR ".join(f'"{" ".join(r)}"' for r in term.routes) + ")"
            for v in drugs:
                for route, route_ids in self.routes_of(v).items():
                    if term.has_route(route):
                        ids += route_ids[:DRUG_CANDIDATES]
        if rest_expr:
            expr += " AND {name extra} : (" + rest_expr + ")"
        ids += [r[0] for r in self.searcher._fts(expr, drugs, DRUG_CANDIDATES, False, need)]
        fetched = self.searcher._fetch(ids)
        added = 0
        for item_id in dict.fromkeys(ids):
            row = fetched.get(item_id)
            if row is not None:
                added += self._add_row(row, match, found, penalty)
        return added

    def _add_row(self, row: Row, match: Match, found: Candidates, penalty: float = 0.0) -> bool:
        term = match.term
        if term.routes and not (
            term.has_route(tokens(row.item.route)) or term.has_route(row.words)
        ):
            return False
        last = len(match.rest) - 1
        if any(
            row.find(w, match.rest_prefix_last and i == last) < 0 and w not in row.ingredient
            for i, w in enumerate(match.rest)
        ):
            return False
        bonus = DRUG_TERM + (DRUG_WORD if match.drug_word else 0.0) - penalty
        words: tuple[str, ...] = ()
        if term.ingredients:
            k = term.ingredient_of(row.words + row.ingredient)
            if k < 0:
                return False
            words = tuple(w for part in term.ingredients[k] for w in part)
            bonus -= min(DRUG_ORDER * k, DRUG_ORDER_MAX)
        else:
            words = next((r for r in term.routes if r and row.find(r[0], False) >= 0), ())
            words = words or term.routes[0]
        found.add(((row.item.id, 0.0),), RankQuery((*words, *match.rest), False), bonus)
        return True

    def routes_of(self, version: ActiveVersion) -> dict[tuple[str, ...], list[int]]:
        """A drug version's routes (folded words) -> its row ids in static-rank order: the
        route column is not indexed, and a list has a few dozen distinct routes."""
        routes = self._routes.get(version.version_id)
        if routes is None:
            routes = {}
            folded: dict[str, tuple[str, ...]] = {}
            for item_id, route in self.searcher.conn.execute(
                "SELECT id, route FROM items WHERE id BETWEEN ? AND ? AND route != '' ORDER BY id",
                (version.id_lo, version.id_hi),
            ):
                key = folded.get(route)
                if key is None:
                    key = folded[route] = tuple(tokens(route))
                routes.setdefault(key, []).append(item_id)
            self._routes[version.version_id] = routes
        return routes
