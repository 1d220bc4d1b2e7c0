"""Benefit rules as dated data: the law in force on a day, with its source and a sentence.

The rules ship in `assets/rules/benefit-rules.json`; a file `rules/benefit-rules.json` in the
data dir (written by `kiosk rules import`) overrides it. Each rule has `valid_from`,
`valid_to` (inclusive, null = open), the legal source (document, article), a plain sentence in
Vietnamese and English for the screen, and `verified` (false: from secondary reports, IT must
confirm). Loading validates the file with pydantic and checks that rules of one kind (and one
facility class) never overlap in time, so exactly one applies on any day.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ASSET_PATH = Path(__file__).resolve().parents[2] / "assets" / "rules" / "benefit-rules.json"
DATA_NAME = Path("rules") / "benefit-rules.json"

Kind = Literal[
    "base_salary", "low_cost_visit", "five_year", "self_referral", "listed_disease",
    "high_cost_cap",
]  # fmt: skip


class RulesError(ValueError):
    """A rules file that cannot be used (the message says where and why)."""


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str = Field(min_length=3)
    article: str = Field(min_length=1)


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    kind: Kind
    valid_from: date
    valid_to: date | None = None
    source: Source
    text_vi: str = Field(min_length=10)
    text_en: str = Field(min_length=10)
    verified: bool = False
    amount: int | None = Field(default=None, gt=0)
    percent_of_base: int | None = Field(default=None, ge=0, le=100)
    months_of_base: int | None = Field(default=None, ge=1)
    times_base: int | None = Field(default=None, ge=1)
    benefit_levels: list[int] | None = None
    facility_level: Literal["basic", "specialised"] | None = None
    min_score: int | None = None
    max_score: int | None = None
    former_provincial: bool | None = None  # true: also applies to a former provincial hospital
    care: Literal["outpatient", "inpatient"] | None = None
    percent: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Rule:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.id}: valid_to before valid_from")
        need = {
            "base_salary": ("amount",),
            "low_cost_visit": ("percent_of_base",),
            "five_year": ("months_of_base",),
            "self_referral": ("facility_level", "care", "percent"),
            "listed_disease": (),
            "high_cost_cap": ("times_base",),
        }[self.kind]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.id}: a {self.kind} rule needs {', '.join(missing)}")
        return self

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def cite(self) -> str:
        return f"{self.source.document}, {self.source.article}"


class Facility(BaseModel):
    """This hospital's technical level and assessment score (config insurance.facility)."""

    model_config = ConfigDict(extra="forbid")
    level: Literal["basic", "specialised"] = Field(
        default="specialised", description="cấp chuyên môn kỹ thuật: basic or specialised"
    )
    score: int | None = Field(default=None, ge=0, le=100, description="assessment score")
    former_provincial: bool = Field(
        default=False, description="a provincial or central hospital before 2025"
    )


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1]
    version: str = Field(min_length=1)
    note: str = ""
    rules: list[Rule]

    @model_validator(mode="after")
    def _no_overlap(self) -> RuleSet:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("rule ids must be unique")
        for kind in ("base_salary", "low_cost_visit", "five_year", "high_cost_cap"):
            _check_overlap([r for r in self.rules if r.kind == kind], kind)
        for level in ("basic", "specialised"):
            for care in ("outpatient", "inpatient"):
                group = [
                    r for r in self.rules
                    if r.kind == "self_referral" and r.facility_level == level and r.care == care
                ]  # fmt: skip
                for a in group:
                    _check_overlap([b for b in group if _bands_meet(a, b)], f"{level} {care}")
        if not any(r.kind == "base_salary" for r in self.rules):
            raise ValueError("no base_salary rule")
        return self

    def one(self, kind: str, day: date) -> Rule | None:
        for rule in self.rules:
            if rule.kind == kind and rule.applies_on(day):
                return rule
        return None

    def base_salary(self, day: date) -> Rule:
        rule = self.one("base_salary", day)
        if rule is None:
            raise ValueError(f"no base salary known for {day.isoformat()}")
        return rule

    def self_referral(self, facility: Facility, care: str, day: date) -> Rule | None:
        for rule in self.rules:
            if (
                rule.kind == "self_referral"
                and rule.facility_level == facility.level
                and rule.care == care
                and rule.applies_on(day)
                and _facility_matches(rule, facility)
            ):
                return rule
        return None


def _in_band(rule: Rule, score: int | None) -> bool:
    if rule.min_score is None and rule.max_score is None:
        return True
    if score is None:
        return rule.min_score is None  # an unscored facility: the lowest band
    low = rule.min_score if rule.min_score is not None else -1
    high = rule.max_score if rule.max_score is not None else 101
    return low <= score <= high


def _facility_matches(rule: Rule, facility: Facility) -> bool:
    if rule.former_provincial and facility.former_provincial:
        return True
    if facility.former_provincial and rule.former_provincial is False:
        return False
    return _in_band(rule, facility.score)


def _bands_meet(a: Rule, b: Rule) -> bool:
    lo_a, hi_a = a.min_score or -1, 101 if a.max_score is None else a.max_score
    lo_b, hi_b = b.min_score or -1, 101 if b.max_score is None else b.max_score
    return lo_a <= hi_b and lo_b <= hi_a


def _check_overlap(rules: list[Rule], what: str) -> None:
    ordered = sorted(rules, key=lambda r: r.valid_from)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.valid_to is None or first.valid_to >= second.valid_from:
            raise ValueError(f"{what}: {first.id} and {second.id} overlap in time")


def parse(text: str, where: str = "rules file") -> RuleSet:
    try:
        return RuleSet.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise RulesError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise RulesError(f"{where}: {loc}: {first['msg']}") from None


def path_for(data_dir: Path | str | None) -> Path:
    """The data dir's imported file when there is one, else the shipped asset."""
    if data_dir is not None:
        candidate = Path(data_dir) / DATA_NAME
        if candidate.is_file():
            return candidate
    return ASSET_PATH


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int) -> RuleSet:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def load(data_dir: Path | str | None = None) -> RuleSet:
    """The rules in force for this kiosk (cached per file version)."""
    path = path_for(data_dir)
    return _load(str(path), path.stat().st_mtime_ns)


def import_file(source: Path, data_dir: Path | str) -> RuleSet:
    """Validates `source` and installs it as the data dir's rules (atomic replace)."""
    rules = parse(source.read_text(encoding="utf-8"), str(source))
    target = Path(data_dir) / DATA_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    tmp.replace(target)
    return rules
