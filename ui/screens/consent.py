"""The personal-data notice shown before the chip is read or the gateway asked (kiosk.privacy).

Consent mode: two equal answers, neither pre-selected nor highlighted (Decree 356/2025: no
default consent, no misleading choice); "do not agree" still gives a plain queue number.
Notice mode (the hospital relies on an exception of Law 91/2025 Art. 19): "Continue", and the
plain number stays available. The text is data (assets/privacy/notice.json), versioned.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.privacy import notice as notices
from kiosk.session import Session
from ui.screens.base import Screen
from ui.widgets.common import FitScroll, button, card, label

log = logging.getLogger(__name__)


def _load(session: Session) -> notices.Notice:
    try:
        return notices.load(session.config)
    except notices.NoticeError as exc:  # a broken hospital file: the shipped notice instead
        log.error("privacy notice file unusable, the shipped notice is shown: %s", exc)
        return notices.parse(notices.ASSET_PATH.read_text(encoding="utf-8"), "shipped notice")


class ConsentScreen(Screen):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, "consent", spacing=16, parent=parent)
        self.notice = _load(session)
        self.rendered: notices.RenderedNotice | None = None
        outer = self.outer
        frame, box = card()
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        self.headings = []
        self.texts = []
        for index, section in enumerate(self.notice.sections):
            heading = label("", "subtitle", name=f"consent_heading_{section.id}")
            text = label("", "body", name=f"consent_text_{section.id}")
            grid.addWidget(heading, index, 0)
            grid.addWidget(text, index, 1)
            self.headings.append(heading)
            self.texts.append(text)
        box.addLayout(grid)
        # the hospital's notice is a document of any length: it may scroll (in large text it
        # does on every size); the question and the answers stay on screen below it
        outer.addWidget(FitScroll(frame, long_list=True), 1)
        self.question = label("", "subtitle", name="consent_question")
        outer.addWidget(self.question)
        self.hint = label("", "muted", name="consent_hint")
        outer.addWidget(self.hint)
        # equal weight and the same look: nothing pre-selected, no answer pushed
        self.refuse = button("", "choice", name="consent_refuse")
        self.accept = button("", "choice", name="consent_accept")
        self.refuse.clicked.connect(self._refuse)
        self.accept.clicked.connect(self._accept)
        answers = QHBoxLayout()
        answers.setSpacing(24)
        answers.addWidget(self.refuse, 1)
        answers.addWidget(self.accept, 1)
        outer.addLayout(answers)

    def _accept(self) -> None:
        self.session.accept_privacy(self.notice.version)

    def _refuse(self) -> None:
        self.session.refuse_privacy(self.notice.version)

    def refresh(self, session: Session) -> None:
        rendered = notices.render(self.notice, session.config, session.language)
        self.rendered = rendered
        self.title.setText(rendered.title)
        for (heading, text), h, t in zip(rendered.sections, self.headings, self.texts, strict=True):
            h.setText(heading)
            t.setText(text)
        self.question.setText(rendered.question)
        self.hint.setText(rendered.hint)
        self.accept.setText(rendered.accept)
        self.refuse.setText(rendered.refuse)
