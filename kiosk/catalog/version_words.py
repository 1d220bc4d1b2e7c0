"""Which folded words a catalog version's rows have: lets the search skip index reads that
cannot match (a services query on the drug list)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from kiosk.catalog.text import tokens

Need = Sequence[Sequence[tuple[str, bool]]]


def required(words: Sequence[str], prefix_last: bool) -> list[tuple[tuple[str, bool]]]:
    """What `VersionWords.has_all` needs for words all required: each as (word, is a prefix),
    the last a prefix while it is being typed."""
    last = len(words) - 1
    return [((w, prefix_last and i == last),) for i, w in enumerate(words)]


class VersionWords:
    """The folded words of one version's names, active ingredients and TT23 names (a
    superset of what its rows index in those columns): a read that requires a word none of
    its rows has is skipped (a services query on the drug list finds nothing, but FTS5 still
    walks the words' row lists)."""

    def __init__(self, words: set[str]) -> None:
        self.words = words
        self.sorted = sorted(words)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, str]]) -> VersionWords:
        words: set[str] = set()
        folded: dict[str, list[str]] = {}  # a few hundred ingredients for thousands of drugs
        for name, ingredient, alt_name in rows:
            words.update(name.split())
            for text in (ingredient, alt_name):
                if text:
                    got = folded.get(text)
                    if got is None:
                        got = folded[text] = tokens(text)
                    words.update(got)
        return cls(words)

    def has(self, word: str, prefix: bool) -> bool:
        if not (word.isascii() and word.isalnum()):
            return True  # the index's tokenizer may split it differently: read
        if not prefix:
            return word in self.words
        i = bisect.bisect_left(self.sorted, word)
        return i < len(self.sorted) and self.sorted[i].startswith(word)

    def has_all(self, need: Need) -> bool:
        return all(any(self.has(w, p) for w, p in options) for options in need)
