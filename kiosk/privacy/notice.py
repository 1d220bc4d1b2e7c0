"""The personal-data notice as versioned data (assets/privacy/notice.json, or the file named by
`privacy.notice_file`), validated with pydantic, rendered for one language with the hospital's
own values filled in. The version is what an answer is recorded against."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

ASSET_PATH = Path(__file__).resolve().parents[2] / "assets" / "privacy" / "notice.json"
PLACEHOLDERS = ("{controller}", "{contact}", "{keep}")


class NoticeError(ValueError):
    """A notice file that cannot be used (the message says where and why)."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Literal["what", "why", "who", "keep", "rights"]
    heading_vi: str = Field(min_length=2, max_length=40)
    heading_en: str = Field(min_length=2, max_length=40)
    text_vi: str = Field(min_length=10, max_length=400)
    text_en: str = Field(min_length=10, max_length=400)


class Notice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal[1]
    version: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    note: str = ""
    title_vi: str = Field(min_length=2, max_length=60)
    title_en: str = Field(min_length=2, max_length=60)
    sections: list[Section] = Field(min_length=5, max_length=5)
    question_vi: str = Field(min_length=5, max_length=200)
    question_en: str = Field(min_length=5, max_length=200)
    basis_vi: str = Field(min_length=5, max_length=200)
    basis_en: str = Field(min_length=5, max_length=200)
    refuse_hint_vi: str = Field(min_length=5, max_length=200)
    refuse_hint_en: str = Field(min_length=5, max_length=200)
    accept_vi: str = Field(min_length=2, max_length=40)
    accept_en: str = Field(min_length=2, max_length=40)
    refuse_vi: str = Field(min_length=2, max_length=40)
    refuse_en: str = Field(min_length=2, max_length=40)
    continue_vi: str = Field(min_length=2, max_length=40)
    continue_en: str = Field(min_length=2, max_length=40)
    plain_vi: str = Field(min_length=2, max_length=40)
    plain_en: str = Field(min_length=2, max_length=40)
    keep_day_vi: str = Field(min_length=2, max_length=60)
    keep_day_en: str = Field(min_length=2, max_length=60)
    keep_hours_vi: str = Field(min_length=2, max_length=60, pattern=r"\{hours\}")
    keep_hours_en: str = Field(min_length=2, max_length=60, pattern=r"\{hours\}")

    def sections_cover_every_item(self) -> bool:
        return {s.id for s in self.sections} == {"what", "why", "who", "keep", "rights"}


@dataclass(frozen=True)
class RenderedNotice:
    """The notice in one language, ready for the screen."""

    version: str
    mode: str  # "consent" or "notice"
    title: str
    sections: list[tuple[str, str]]  # (heading, text)
    question: str  # consent mode: the question; notice mode: the legal basis
    hint: str  # what a refusal (or the plain ticket) still gives
    accept: str  # consent: "I agree"; notice: "Continue"
    refuse: str  # consent: "I do not agree: just a number"; notice: "Just give me a number"


def parse(text: str, where: str = "notice file") -> Notice:
    try:
        notice = Notice.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise NoticeError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise NoticeError(f"{where}: {loc}: {first['msg']}") from None
    if not notice.sections_cover_every_item():
        raise NoticeError(f"{where}: sections must be what, why, who, keep and rights, once each")
    return notice


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Notice:
    return parse(Path(path).read_text(encoding="utf-8"), path)


def path_for(config: KioskConfig) -> Path:
    return Path(config.privacy.notice_file) if config.privacy.notice_file else ASSET_PATH


def load(config: KioskConfig) -> Notice:
    """The notice this kiosk shows (cached per file version); NoticeError when unusable."""
    path = path_for(config)
    try:
        return _load(str(path), path.stat().st_mtime_ns)
    except OSError as exc:
        raise NoticeError(f"{path}: cannot read ({exc.strerror})") from None


def _keep(notice: Notice, config: KioskConfig, language: str) -> str:
    hours = config.privacy.retention.registrations_h or config.queue.registration_retention_h
    if config.privacy.retention.registrations_h and config.queue.registration_retention_h:
        hours = min(config.privacy.retention.registrations_h, config.queue.registration_retention_h)
    if hours is None:
        return notice.keep_day_vi if language == "vi" else notice.keep_day_en
    template = notice.keep_hours_vi if language == "vi" else notice.keep_hours_en
    return template.replace("{hours}", f"{hours:g}")


def render(notice: Notice, config: KioskConfig, language: str) -> RenderedNotice:
    vi = language == "vi"
    privacy = config.privacy
    controller = (privacy.controller_vi if vi else privacy.controller_en) or (
        config.hospital.name(language)
    )
    values = {
        "{controller}": controller,
        "{contact}": privacy.contact_vi if vi else privacy.contact_en,
        "{keep}": _keep(notice, config, language),
    }

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    consent = privacy.notice_mode == "consent"
    return RenderedNotice(
        version=notice.version,
        mode=privacy.notice_mode,
        title=notice.title_vi if vi else notice.title_en,
        sections=[
            (s.heading_vi if vi else s.heading_en, fill(s.text_vi if vi else s.text_en))
            for s in notice.sections
        ],
        question=(notice.question_vi if vi else notice.question_en)
        if consent
        else (notice.basis_vi if vi else notice.basis_en),
        hint=notice.refuse_hint_vi if vi else notice.refuse_hint_en,
        accept=(notice.accept_vi if vi else notice.accept_en)
        if consent
        else (notice.continue_vi if vi else notice.continue_en),
        refuse=(notice.refuse_vi if vi else notice.refuse_en)
        if consent
        else (notice.plain_vi if vi else notice.plain_en),
    )
