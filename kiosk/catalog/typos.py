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
MAX_SLIPS = 2  # more, when rarer: a neighbouring key's slip
LONG_WORD = 8  # from this length two edits are allowed
FOUND_CACHE = 5_000  # typed words whose corrections are remembered
SPLIT_MIN = 2  # letters of the second half of a split word
# QWERTY, as on the kiosk's own keyboard (ui/widgets/keyboard.py) and hardware keyboards: a
# letter hit for its neighbour ("khan" for "kham") is the likeliest typo of all
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}


def _neighbour_keys(a: str, b: str) -> bool:
    if a not in _KEY_AT or b not in _KEY_AT:  # "đ", digits
        return False
    (ra, ca), (rb, cb) = _KEY_AT[a], _KEY_AT[b]
    if ra > rb:  # b is on the row above
        ra, ca, rb, cb = rb, cb, ra, ca
    # rows are staggered: below (r, c) are (r + 1, c - 1) and (r + 1, c)
    return (ra == rb and abs(ca - cb) == 1) or (rb == ra + 1 and ca - cb in (0, 1))


def _key_slip(word: str, cand: str) -> bool:
    """`cand` is `word` with one letter replaced by a neighbouring key."""
    if len(word) != len(cand):
        return False
    diff = [(a, b) for a, b in zip(word, cand, strict=True) if a != b]
    return len(diff) == 1 and _neighbour_keys(*diff[0])


@dataclass
class TypoIndex:
    """Vocabulary words with their row counts (from the FTS5 vocabulary)."""

    counts: dict[str, int]
    _words: list[str] = field(default_factory=list)
    _prefixes: dict[int, tuple[list[str], dict[str, int]]] = field(default_factory=dict)
    _found: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    _lengths: dict[tuple[int, int], list[str]] = field(default_factory=dict)

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
        """Builds the prefix tables the typed words will need (about 10 ms each) and their
        words by length."""
        for length in range(1, longest + 1):
            self._prefix_table(length)
        for length in range(MIN_LEN, longest + 1):
            limit = 2 if length >= LONG_WORD else 1
            self._near(0, self._words, length, limit)
            for table in range(max(length - limit, 1), length + limit + 1):
                self._near(table, self._prefix_table(table)[0], length, limit)

    def known(self, word: str, prefix: bool) -> bool:
        if not prefix:
            return word in self.counts
        return bool(self._prefix_table(len(word))[1].get(word))

    def split(self, word: str, prefix: bool) -> tuple[str, str] | None:
        """Two catalog words typed without the space between them ("sieuam", "dientim",
        "procalcito" while typing), the split whose rarer half is the most common; None when
        no split gives two known words. For a word the catalog does not have."""
        best: tuple[int, tuple[str, str]] | None = None
        for cut in range(1, len(word) - SPLIT_MIN + 1):
            head, tail = word[:cut], word[cut:]
            if len(head) < SPLIT_MIN and not head.isalpha():
                continue
            n = min(self.counts.get(head, 0), self.rows_with(tail, prefix))
            if n and (best is None or n > best[0]):
                best = (n, (head, tail))
        return best[1] if best else None

    def rows_with(self, word: str, prefix: bool) -> int:
        """About how many rows have the word (or a word it starts), in name or ingredient."""
        if not prefix:
            return self.counts.get(word, 0)
        return self._prefix_table(len(word))[1].get(word, 0)

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

    def _near(self, table: int, choices: list[str], length: int, limit: int) -> list[str]:
        """The choices within `limit` letters of `length` (in their order): no other can be
        within `limit` edits, and rapidfuzz then compares a fraction of the vocabulary."""
        key = (table, length)
        near = self._lengths.get(key)
        if near is None:
            near = self._lengths[key] = [c for c in choices if abs(len(c) - length) <= limit]
        return near

    def candidates(self, word: str, prefix: bool) -> list[str]:
        """Up to MAX_CANDIDATES corrections of `word`, nearest and most frequent first.
        Remembered: while a patient types, the words before the last come back every
        keystroke (the vocabulary of an index never changes)."""
        key = (word, prefix)
        found = self._found.get(key)
        if found is None:
            if len(self._found) >= FOUND_CACHE:
                self._found.clear()
            found = self._found[key] = self._candidates(word, prefix)
        return list(found)

    def _candidates(self, word: str, prefix: bool) -> list[str]:
        if len(word) < MIN_LEN or word.isdigit():
            return []
        limit = 2 if len(word) >= LONG_WORD else 1
        found: dict[str, tuple[int, int]] = {}
        if prefix:
            for length in range(max(len(word) - limit, 1), len(word) + limit + 1):
                choices, counts = self._prefix_table(length)
                for cand, dist, _ in process.extract(
                    word,
                    self._near(length, choices, len(word), limit),
                    scorer=OSA.distance,
                    score_cutoff=limit,
                    limit=20,
                ):
                    if cand != word:
                        best = found.get(cand, (99, 0))
                        found[cand] = min(best, (int(dist), -counts[cand]))
        else:
            near = self._near(0, self._words, len(word), limit)
            for cand, dist, _ in process.extract(
                word, near, scorer=OSA.distance, score_cutoff=limit, limit=20
            ):
                if cand != word:
                    found[cand] = (int(dist), -self.counts[cand])
        ranked = sorted(found, key=lambda c: (found[c], c))  # nearest, then most frequent
        # and a neighbouring key's slip ("khan" for "kham") even when rarer than those
        slips = [c for c in ranked[MAX_CANDIDATES:] if _key_slip(word, c[: len(word)])]
        return ranked[:MAX_CANDIDATES] + slips[:MAX_SLIPS]
