"""Typo tolerance of the price search: words of the catalog's own vocabulary within a small
edit distance of a typed word, by rapidfuzz (optimal string alignment distance: a swap of two letters is one edit; C++), including the word
being typed (compared with prefixes of vocabulary words of about its length).

Used only when the query as typed (and its synonyms) found nothing: a correction never
replaces an exact hit. Short words get one edit too ("rag" -> "rang", "dy" -> "day"); among
the many candidates of a short word the frequent ones are tried first, and the index says
which combinations exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

MIN_LEN = 2  # a one-letter word is never corrected
MAX_CANDIDATES = 6  # per word
LONG_WORD = 8  # from this length two edits are allowed


@dataclass
class TypoIndex:
    """Vocabulary words with their row counts (from the FTS5 vocabulary)."""

    counts: dict[str, int]
    _words: list[str] = field(default_factory=list)
    _prefixes: dict[int, tuple[list[str], dict[str, int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> TypoIndex:
        counts: dict[str, int] = {}
        for word, n in pairs:
            if word and not word.startswith("_"):
                counts[word] = counts.get(word, 0) + n
        index = cls(counts)
        index._words = sorted(counts)
        return index

    def warm_up(self, longest: int = 12) -> None:
        """Builds the prefix tables the typed words will need (about 10 ms each)."""
        for length in range(1, longest + 1):
            self._prefix_table(length)

    def known(self, word: str, prefix: bool) -> bool:
        if not prefix:
            return word in self.counts
        return bool(self._prefix_table(len(word))[1].get(word))

    def _prefix_table(self, length: int) -> tuple[list[str], dict[str, int]]:
        """Prefixes of `length` letters of the vocabulary (whole shorter words included),
        with the rows they start a word of."""
        table = self._prefixes.get(length)
        if table is None:
            counts: dict[str, int] = {}
            for word, n in self.counts.items():
                key = word[:length]
                counts[key] = counts.get(key, 0) + n
            table = self._prefixes[length] = (list(counts), counts)
        return table

    def candidates(self, word: str, prefix: bool) -> list[str]:
        """Up to MAX_CANDIDATES corrections of `word`, nearest and most frequent first."""
        if len(word) < MIN_LEN or word.isdigit():
            return []
        limit = 2 if len(word) >= LONG_WORD else 1
        found: dict[str, tuple[int, int]] = {}
        if prefix:
            for length in range(max(len(word) - limit, 1), len(word) + limit + 1):
                choices, counts = self._prefix_table(length)
                for cand, dist, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=limit, limit=20
                ):
                    if cand != word:
                        best = found.get(cand, (99, 0))
                        found[cand] = min(best, (int(dist), -counts[cand]))
        else:
            for cand, dist, _ in process.extract(
                word, self._words, scorer=OSA.distance, score_cutoff=limit, limit=20
            ):
                if cand != word:
                    found[cand] = (int(dist), -self.counts[cand])
        ranked = sorted(found, key=lambda c: (found[c], c))
        return ranked[:MAX_CANDIDATES]
