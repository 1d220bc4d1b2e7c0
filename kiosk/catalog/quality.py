"""`kiosk bench search-quality`: a judged query set run through the price search.

A judged set is JSON: {"queries": {"what a patient types": {"names": [regex on the folded
name], "codes": [code prefixes], "kind": "service"|"drug" (optional filter)}}, "target":
{"top5_hit_rate": 0.9, "zero_result_rate_max": 0.02}}. The shipped set is
`assets/catalog/judged-queries.json`; IT can pass its own (`--queries FILE`) in the same
format. Figures: top-5 hit rate (an acceptable row among the first five), nP@5 (acceptable
rows in the first five over min(5, acceptable rows in the catalog)), zero-result rate, and
the worst queries; the same figures for the search before issue 18 (`legacy_search.py`),
measured in the same run on the same catalog, as the reference.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.catalog import store
from kiosk.catalog.legacy_search import Searcher as LegacySearcher
from kiosk.catalog.models import CatalogItem, Kind
from kiosk.catalog.service import CatalogService
from kiosk.catalog.text import code_key, folded_words

JUDGED = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "judged-queries.json"
TOP = 5


class Judgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    kind: Kind | None = None

    @field_validator("names")
    @classmethod
    def _regex(cls, names: list[str]) -> list[str]:
        for pattern in names:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
        return names


class JudgedSet(BaseModel):
    model_config = ConfigDict(extra="allow")

    queries: dict[str, Judgement] = Field(min_length=1)
    target: dict[str, float] = Field(
        default_factory=lambda: {"top5_hit_rate": 0.9, "zero_result_rate_max": 0.02}
    )

    @field_validator("queries")
    @classmethod
    def _answerable(cls, queries: dict[str, Judgement]) -> dict[str, Judgement]:
        empty = [q for q, j in queries.items() if not (j.names or j.codes)]
        if empty:
            raise ValueError(f"queries without names or codes: {', '.join(empty[:5])}")
        return queries


def load(path: Path = JUDGED) -> JudgedSet:
    return JudgedSet.model_validate(json.loads(path.read_text(encoding="utf-8")))


@dataclass
class Figures:
    queries: int = 0
    top5_hits: int = 0
    zero_results: int = 0
    top5_hit_rate: float = 0.0
    np_at_5: float = 0.0
    zero_result_rate: float = 0.0
    median_ms: float = 0.0
    p99_ms: float = 0.0
    worst: list[dict[str, object]] = field(default_factory=list)


@dataclass
class QualityResult:
    catalog: str
    rows: int
    new: Figures
    legacy: Figures
    target: dict[str, float]

    @property
    def meets_target(self) -> bool:
        return self.new.top5_hit_rate >= self.target.get(
            "top5_hit_rate", 0.9
        ) and self.new.zero_result_rate <= self.target.get("zero_result_rate_max", 0.02)

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["meets_target"] = self.meets_target
        return out


def _accepts(j: Judgement, patterns: Sequence[re.Pattern[str]]) -> Callable[[CatalogItem], bool]:
    keys = [code_key(c) for c in j.codes]

    def ok(item: CatalogItem) -> bool:
        if j.kind is not None and item.kind != j.kind:
            return False
        folded = folded_words(item.name)
        return any(p.search(folded) for p in patterns) or any(
            code_key(item.code).startswith(k) for k in keys
        )

    return ok


def evaluate(
    judged: JudgedSet,
    search: Callable[[str, str | None], list[CatalogItem]],
    everything: Sequence[CatalogItem],
    worst: int = 15,
) -> Figures:
    fig = Figures(queries=len(judged.queries))
    precision: list[float] = []
    timings: list[float] = []
    misses: list[tuple[int, dict[str, object]]] = []
    for query, j in judged.queries.items():
        ok = _accepts(j, [re.compile(p) for p in j.names])
        relevant = sum(1 for item in everything if ok(item))
        start = time.perf_counter()
        found = search(query, j.kind.value if j.kind else None)
        timings.append((time.perf_counter() - start) * 1000)
        top = found[:TOP]
        good = sum(1 for item in top if ok(item))
        precision.append(good / min(TOP, relevant) if relevant else 0.0)
        if not found:
            fig.zero_results += 1
        if good:
            fig.top5_hits += 1
        else:
            rank = next((i + 1 for i, item in enumerate(found) if ok(item)), 0)
            misses.append(
                (
                    rank or 999,
                    {
                        "query": query,
                        "first_acceptable_rank": rank or None,
                        "results": len(found),
                        "top": [i.name for i in top[:3]],
                        "acceptable_in_catalog": relevant,
                    },
                )
            )
    n = max(fig.queries, 1)
    fig.top5_hit_rate = fig.top5_hits / n
    fig.zero_result_rate = fig.zero_results / n
    fig.np_at_5 = statistics.fmean(precision) if precision else 0.0
    timings.sort()
    fig.median_ms = statistics.median(timings)
    fig.p99_ms = timings[int(0.99 * (len(timings) - 1))]
    misses.sort(key=lambda m: (-m[0], str(m[1]["query"])))
    fig.worst = [m[1] for m in misses[:worst]]
    return fig


def run(
    queries: Path = JUDGED, catalog: CatalogService | None = None, limit: int = 50
) -> QualityResult:
    """Runs the judged set on `catalog` (default: the demo catalog in a temporary directory,
    built as on a kiosk's first start)."""
    from kiosk.bootstrap import build_catalog
    from kiosk.config import KioskConfig

    judged = load(queries)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-quality-") as tmp:
        own = catalog is None
        if catalog is None:
            catalog = build_catalog(KioskConfig.model_validate({"data_dir": tmp}))
            reports = catalog.ensure_demo()
            if not all(r.ok for r in reports):
                raise RuntimeError(
                    "demo catalog import failed: " + "; ".join(r.summary() for r in reports)
                )
        try:
            catalog.warm_up()
            conn = store.connect(catalog.db_path)
            try:
                versions = store.active_versions(conn)
                everything = [
                    store.row_to_item(r)
                    for r in conn.execute(
                        f"SELECT {store._ITEM_COLUMNS} FROM items WHERE version_id IN "
                        f"({','.join(str(v.version_id) for v in versions)})"
                    )
                ]
                legacy = LegacySearcher(conn)

                def old(query: str, kind: str | None) -> list[CatalogItem]:
                    vs = [v for v in versions if kind is None or v.kind == kind]
                    return legacy.search(query, vs, None, limit)

                def new(query: str, kind: str | None) -> list[CatalogItem]:
                    assert catalog is not None
                    return catalog.search(query, kind=kind, limit=limit)

                legacy_fig = evaluate(judged, old, everything)
                new_fig = evaluate(judged, new, everything)
            finally:
                conn.close()
        finally:
            if own:
                catalog.close()
    name = "demo catalog" if own else str(catalog.db_path)
    return QualityResult(name, len(everything), new_fig, legacy_fig, judged.target)


def report_lines(result: QualityResult, queries: Path) -> list[str]:
    lines = [f"judged set: {queries} ({result.new.queries} queries) on the {result.catalog} "
             f"({result.rows:,} rows)"]  # fmt: skip
    for label, fig in (("search", result.new), ("legacy search (reference)", result.legacy)):
        lines.append(
            f"{label}: top-5 hit rate {fig.top5_hit_rate:.1%} ({fig.top5_hits}/{fig.queries}), "
            f"nP@5 {fig.np_at_5:.3f}, zero results {fig.zero_result_rate:.1%} "
            f"({fig.zero_results}); per query median {fig.median_ms:.2f} ms, p99 {fig.p99_ms:.2f} ms"
        )
    n, o = result.new, result.legacy
    lines.append(
        f"change: top-5 {n.top5_hit_rate - o.top5_hit_rate:+.1%}, nP@5 {n.np_at_5 - o.np_at_5:+.3f}, "
        f"zero results {n.zero_result_rate - o.zero_result_rate:+.1%}; target top-5 >= "
        f"{result.target.get('top5_hit_rate', 0.9):.0%} and zero results <= "
        f"{result.target.get('zero_result_rate_max', 0.02):.0%}: "
        + ("met" if result.meets_target else "NOT met")
    )
    if n.worst:
        lines.append("worst queries (search):")
        for w in n.worst:
            rank = w["first_acceptable_rank"]
            top = w["top"]
            names = "; ".join(str(t) for t in top) if isinstance(top, list) else ""
            lines.append(
                f"  {w['query']!r}: {'rank ' + str(rank) if rank else 'no acceptable row'} of "
                f"{w['results']} results; top: {names or '-'}"
            )
    return lines
