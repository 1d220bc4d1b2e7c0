"""What the index reads of one search collected: item id -> the best bm25 and bonus per
(rewritten) query that found it; and the quoting of a word in an FTS5 expression."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.catalog.ranking import RankQuery


def quote(word: str, prefix: bool) -> str:
    return f'"{word}"' + (" *" if prefix else "")


class Candidates:
    """Item id -> {query: (best bm25, best bonus)} collected over the index reads."""

    def __init__(self) -> None:
        self.hits: dict[int, dict[RankQuery, tuple[float, float]]] = {}

    def add(self, rows: Iterable[tuple[int, float]], query: RankQuery, bonus: float = 0.0) -> None:
        for item_id, bm25 in rows:
            per = self.hits.setdefault(item_id, {})
            old = per.get(query)
            per[query] = (min(bm25, old[0]), max(bonus, old[1])) if old else (bm25, bonus)

    def __len__(self) -> int:
        return len(self.hits)
