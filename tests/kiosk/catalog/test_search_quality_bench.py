"""`kiosk bench search-quality`: the judged sets load, and the bench measures both searches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.catalog import quality
from kiosk.cli import main

ASSETS = Path(quality.JUDGED).parent


def test_shipped_judged_sets() -> None:
    judged = quality.load()
    assert len(judged.queries) >= 150
    holdout = quality.load(ASSETS / "judged-queries-holdout.json")
    assert len(holdout.queries) >= 50
    assert not set(holdout.queries) & set(judged.queries)  # held out: no shared query


def test_bad_judged_set_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"queries": {"x": {}}}), encoding="utf-8")
    with pytest.raises(ValueError, match="without names or codes"):
        quality.load(path)
    path.write_text(json.dumps({"queries": {"x": {"names": ["("]}}}), encoding="utf-8")
    with pytest.raises(ValueError):
        quality.load(path)


def test_bench_on_an_it_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "it.json"
    path.write_text(
        json.dumps(
            {
                "queries": {
                    "mri": {"names": ["^chup cong huong tu"]},  # the legacy search finds nothing
                    "sieu am tim": {"names": ["^sieu am tim"]},
                    "qqzzq wwxxw": {"names": ["^qqzzq"]},
                }
            }
        ),
        encoding="utf-8",
    )
    assert main(["bench", "search-quality", "--queries", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    new, legacy = result["new"], result["legacy"]
    assert new["queries"] == legacy["queries"] == 3
    assert new["top5_hits"] == 2 and legacy["top5_hits"] == 1
    assert new["top5_hit_rate"] == pytest.approx(2 / 3)
    assert [w["query"] for w in new["worst"]] == ["qqzzq wwxxw"]
    assert new["zero_results"] == 1 and result["meets_target"] is False
