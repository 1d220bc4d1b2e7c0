"""The synonym and abbreviation table of the price search (`assets/catalog/synonyms.toml`,
extended by `<data dir>/catalog-synonyms.toml`): what patients type -> how lists word it.

Hand-written (a few dozen lines) because the matching is specific to a search box that is
being typed into: keys match whole folded words, and the last word may be a key still being
typed. Entries are validated on load; a broken file from IT is reported and ignored (the
shipped table stays in use), it never stops the search.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk.catalog.text import tokens

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "synonyms.toml"
LOCAL_NAME = "catalog-synonyms.toml"
MAX_ALTERNATIVES = 8
MAX_REWRITES = 6  # per query: each costs an index read per catalog
SCAN_REWRITES = 12  # per step, before those the catalog cannot match are left out
REWRITE_STEPS = 3  # a rewrite of a rewrite of a rewrite ("xn ctm" -> "xet nghiem ctm" -> …)
MIN_TYPED = 2  # letters of a key's word being typed before the key applies
DROP = "-"  # an alternative that drops the key's words ("xet nghiem men gan" -> "men gan")


class SynonymFile(BaseModel):
    """`[vi]` and `[en]` tables of "typed words" = ["list words", ...]; `[exam]`: "typed
    words" = ["specialty as the list names its exam row after 'Khám'", ...]; `filler`: words
    a query may carry that no row needs ("gia", "bao nhieu", "tre em")."""

    model_config = ConfigDict(extra="forbid")

    filler: list[str] = Field(default_factory=list)
    vi: dict[str, list[str]] = Field(default_factory=dict)
    en: dict[str, list[str]] = Field(default_factory=dict)
    exam: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("filler")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        for word in words:
            if not tokens(word):
                raise ValueError(f"filler {word!r} has no letters or digits")
        return words

    @field_validator("vi", "en", "exam")
    @classmethod
    def _check(cls, table: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, alternatives in table.items():
            if not tokens(key):
                raise ValueError(f"key {key!r} has no letters or digits")
            if len(alternatives) > MAX_ALTERNATIVES:
                raise ValueError(f"{key!r}: more than {MAX_ALTERNATIVES} alternatives")
            for alt in alternatives:
                if alt != DROP and not tokens(alt):
                    raise ValueError(f"{key!r}: alternative {alt!r} has no letters or digits")
        return table


@dataclass(frozen=True)
class Rewrite:
    words: tuple[str, ...]
    prefix_last: bool
    key: str  # the folded key that produced it ("" = the query as typed)
    fallback: bool = False  # an [exam] key's "every exam row": ranked below its own rows


Entries = dict[tuple[str, ...], tuple[tuple[str, ...], ...]]


def parse_file(path: Path) -> SynonymFile:
    """One file, validated. Raises ValueError with a readable reason."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return SynonymFile.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc.errors()[0]['msg']}") from exc


def _folded(table: Mapping[str, Sequence[str]]) -> Entries:
    return {
        tuple(tokens(key)): tuple(() if a == DROP else tuple(tokens(a)) for a in alternatives)
        for key, alternatives in table.items()
    }


EXAM_FALLBACK = ("kham",)


def exam_entries(parsed: SynonymFile) -> Entries:
    """`[exam]` as rewrites: "dermatologist" -> "kham da lieu", then "kham" (every exam row,
    a `Rewrite.fallback`: a hospital without that clinic's own row still shows its
    examination prices)."""
    return {
        key: (*(("kham", *name) for name in names), EXAM_FALLBACK)
        for key, names in _folded(parsed.exam).items()
    }


def read_file(path: Path) -> Entries:
    """The rewrite entries of one file ([vi], [en] and [exam]), folded. Raises ValueError
    with a readable reason."""
    parsed = parse_file(path)
    out = _folded(parsed.vi)
    out.update(_folded(parsed.en))
    out.update(exam_entries(parsed))
    return out


def checked_entries(path: Path) -> Entries:
    """What `dead_alternatives` checks: [vi] and [en] as written, and for [exam] the
    specialty names themselves (a hospital names its exam row by them, the demo list has no
    row for most clinics, but its other rows use the words)."""
    parsed = parse_file(path)
    out = _folded(parsed.vi)
    out.update(_folded(parsed.en))
    out.update({("exam", *k): v for k, v in _folded(parsed.exam).items()})
    return out


def filler_words(path: Path) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tokens(w)) for w in parse_file(path).filler)


class SynonymTable:
    def __init__(
        self,
        entries: Mapping[tuple[str, ...], Sequence[Sequence[str]]],
        filler: Iterable[Sequence[str]] = (),
    ) -> None:
        self.entries = {k: tuple(tuple(a) for a in v) for k, v in entries.items() if v}
        self.filler = frozenset(tuple(f) for f in filler if f)
        self._filler_longest = max((len(f) for f in self.filler), default=0)
        self.longest = max((len(k) for k in self.entries), default=0)
        self._single = [k for k in self.entries if len(k) == 1]
        self._single_by: dict[str, list[tuple[str, ...]]] = {}  # by their first letters
        for single in self._single:
            self._single_by.setdefault(single[0][:MIN_TYPED], []).append(single)
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for k in self.entries:
            if len(k) > 1:
                self._by_first.setdefault(k[0], []).append(k)

    @classmethod
    def load(cls, data_dir: Path | None = None, shipped: Path = SHIPPED) -> SynonymTable:
        entries: Entries = {}
        filler: set[tuple[str, ...]] = set()
        try:
            entries.update(read_file(shipped))
            filler |= filler_words(shipped)
        except ValueError as exc:
            log.error("shipped synonym table unusable: %s", exc)
        local = data_dir / LOCAL_NAME if data_dir else None
        if local is not None and local.exists():
            try:
                local_entries, local_filler = read_file(local), filler_words(local)
            except ValueError as exc:
                log.error("hospital synonym file ignored: %s", exc)
            else:
                entries.update(local_entries)  # an empty list removes a shipped entry
                filler |= local_filler
        return cls(entries, filler)

    def without_filler(self, words: Sequence[str]) -> tuple[tuple[str, ...], bool]:
        """The words without the filler phrases among them (longest first), and whether the
        last word was kept. The word being typed counts when it already is a whole filler
        word ("kham mat tre" -> "kham mat"); the query as typed is searched too, so "tren"
        still finds its rows."""
        out: list[str] = []
        i, n, last_kept = 0, len(words), False
        while i < n:
            for size in range(min(self._filler_longest, n - i), 0, -1):
                if size == 1 and self._starts_key(words, i):
                    continue  # "can" (cần, need) is filler, "can thi" (cận thị) a key
                if tuple(words[i : i + size]) in self.filler:
                    i += size
                    last_kept = False
                    break
            else:
                out.append(words[i])
                i += 1
                last_kept = True
        return tuple(out), last_kept

    def _starts_key(self, words: Sequence[str], i: int) -> bool:
        """Whether a key of two or more words starts at `i`."""
        return any(
            tuple(words[i : i + size]) in self.entries
            for size in range(2, min(self.longest, len(words) - i) + 1)
        )

    def dropped_words(self, words: Sequence[str]) -> frozenset[int]:
        """Positions of the words a key that drops its words covers ("xet nghiem", "thuoc"):
        they say what kind of row, not which."""
        out: set[int] = set()
        n = len(words)
        for size in range(min(self.longest, n), 0, -1):
            for start in range(n - size + 1):
                if () in self.entries.get(tuple(words[start : start + size]), ()):
                    out.update(range(start, start + size))
        return frozenset(out)

    def rewrites(
        self,
        words: Sequence[str],
        prefix_last: bool,
        usable: Callable[[Sequence[str], bool], bool] | None = None,
    ) -> list[Rewrite]:
        """The query with one key replaced by each of its alternatives (longest keys first),
        then those rewrites rewritten once more ("xet nghiem men gan" -> "men gan" -> "do hoat
        do alt"); at most MAX_REWRITES. A key ending the query may be cut off while typing.
        `usable(words, prefix_last)`: whether the catalog has every word of a rewrite; one it
        lacks ("xn hbsag": no row says "xn") is only rewritten further, it takes no place."""
        seen: set[tuple[str, ...]] = {tuple(words)}
        ok = usable or (lambda _words, _prefix: True)
        out: list[Rewrite] = []
        step = self._rewrites(words, prefix_last, seen, SCAN_REWRITES)
        for depth in range(REWRITE_STEPS):
            for r in step:
                if ok(r.words, r.prefix_last):
                    out.append(r)
                    if len(out) >= MAX_REWRITES:
                        return out
            if depth == REWRITE_STEPS - 1:
                break
            # the next step: the words an alternative put in are not being typed (no key is
            # completed from them), and each rewrite gets its turn before any gets two; a
            # rewrite the catalog cannot match ("xet nghiem ctm") is only a way further
            more = [
                self._rewrites(r.words, r.prefix_last, seen, SCAN_REWRITES, typing=False)
                for r in step
                if depth == 0 or not ok(r.words, r.prefix_last)
            ]
            step = [
                m[turn]
                for turn in range(max(map(len, more), default=0))
                for m in more
                if turn < len(m)
            ]
        return out

    def _rewrites(
        self,
        words: Sequence[str],
        prefix_last: bool,
        seen: set[tuple[str, ...]],
        room: int,
        typing: bool = True,
    ) -> list[Rewrite]:
        out: list[Rewrite] = []
        n = len(words)
        for size in range(min(self.longest, n), 0, -1):
            for start in range(n - size + 1):
                span = tuple(words[start : start + size])
                keys = [span] if span in self.entries else []
                if typing and prefix_last and start + size == n:
                    keys += self._typed_keys(span)
                for key in keys:
                    for alt in self.entries[key]:
                        head = tuple(words[:start])
                        if alt[:1] == EXAM_FALLBACK:  # "kham nha khoa": not "kham kham rang…"
                            head = _without_exam_word(head)
                        new = (*head, *alt, *words[start + size :])
                        if not new or new in seen:
                            continue
                        seen.add(new)
                        # the alternative completes a key being typed: its words are whole
                        last_open = prefix_last and (start + size < n or key == span or not alt)
                        fallback = alt == EXAM_FALLBACK  # "kham": every exam row
                        out.append(Rewrite(new, last_open, " ".join(key), fallback))
                        if len(out) >= room:
                            return out
        return out

    def _typed_keys(self, span: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Keys whose first words are `span` with its last word cut off while typing."""
        last = span[-1]
        if len(last) < MIN_TYPED:
            return []
        found = []
        keys = self._single_by.get(last[:MIN_TYPED], ()) if len(span) == 1 else None
        for key in keys if keys is not None else self._by_first.get(span[0], ()):
            if len(key) < len(span) or key == span:
                continue
            head = key[: len(span)]
            if head[:-1] != span[:-1] or not head[-1].startswith(last):
                continue
            if len(span) == 1 and (len(key) > 1 or 2 * len(last) < len(key[0])):
                continue  # "ph" is not yet "phoi", "th" not yet "thuoc ha sot"
            found.append(key)
        return sorted(found, key=len)


def _without_exam_word(head: tuple[str, ...]) -> tuple[str, ...]:
    if head[-2:] == ("kham", "benh"):
        return head[:-2]
    return head[:-1] if head[-1:] == EXAM_FALLBACK else head


def dead_alternatives(
    entries: Mapping[tuple[str, ...], Sequence[Sequence[str]]],
    search: Callable[..., Sequence[Any]],
) -> list[str]:
    """ "key -> alternative" lines whose alternative names no row (all its words in one row's
    name or active ingredient) among the first 200 results of searching it."""
    dead = []
    for key, alternatives in entries.items():
        for alt in alternatives:
            if not alt:  # DROP
                continue
            phrase = " ".join(alt)
            found = search(phrase + " ", limit=200)
            if not any(
                set(alt) <= set(tokens(i.name)) | set(tokens(i.active_ingredient)) for i in found
            ):
                dead.append(f"{' '.join(key)} -> {phrase}")
    return dead
