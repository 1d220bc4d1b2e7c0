"""The admin screen: the PIN page, then navigation and one view at a time; restart, leave.

Signals:
    closed: the technician left admin mode (back to the start screen).
    restart_requested: restart the kiosk application (systemd restarts it).
    quit_requested: leave kiosk mode (quit the application; only possible from here).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.pin import PinGuard
from ui.screens.admin.card import CardView
from ui.screens.admin.catalog import CatalogView
from ui.screens.admin.common import AdminPart, AdminView, admin_label, scrolled
from ui.screens.admin.log import LogView
from ui.screens.admin.pin import PinPage
from ui.screens.admin.printing import PrintView
from ui.screens.admin.status import StatusView
from ui.widgets.common import sized
from ui.workers import Workers

log = logging.getLogger(__name__)

CONFIRM_S = 4.0  # a second tap within this time confirms restart / leave
IDLE_S = 180  # admin mode closes itself after this long without a tap


class AdminScreen(AdminPart):
    closed = Signal()
    restart_requested = Signal()
    quit_requested = Signal()

    VIEWS = ("status", "print", "card", "catalog", "log")

    def __init__(
        self,
        services: Any,
        guard: PinGuard,
        log_lines: Callable[[], list[str]],
        workers: Workers | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, workers if workers is not None else Workers(), parent)
        if workers is None:
            self.workers.setParent(self)
        self.setObjectName("admin_screen")
        self.guard = guard
        self._confirm: dict[str, float] = {}

        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.pin = PinPage(services, self.workers, guard)
        self.pin.unlocked.connect(self._unlocked)
        self.pin.cancelled.connect(self.close_admin)
        self.pin.touched.connect(self._touch)
        self.status = StatusView(services, self.workers)
        self.printing = PrintView(services, self.workers)
        self.card = CardView(services, self.workers)
        self.catalog = CatalogView(services, self.workers)
        self.log = LogView(services, self.workers, log_lines)
        self.views_by_name: dict[str, AdminView] = dict(
            zip(
                self.VIEWS,
                (self.status, self.printing, self.card, self.catalog, self.log),
                strict=True,
            )
        )
        self.pages.addWidget(scrolled(self.pin))
        self.pages.addWidget(self._build_main_page())

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(IDLE_S * 1000)
        self.idle_timer.timeout.connect(self.close_admin)
        self.confirm_timer = QTimer(self)  # puts "Tap again to …" back to its first words
        self.confirm_timer.setSingleShot(True)
        self.confirm_timer.setInterval(int(CONFIRM_S * 1000))
        self.confirm_timer.timeout.connect(self.retranslate)
        self.lock()

    def _build_main_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(24)
        nav = QVBoxLayout()
        nav.setSpacing(12)
        self.nav_title = admin_label("", "title", "admin_title")
        nav.addWidget(self.nav_title)
        self.nav_group = QButtonGroup(self)
        self.nav: dict[str, QPushButton] = {}
        for index, view in enumerate(self.VIEWS):
            btn = self.button(
                "", "toggle", f"admin_nav_{view}", functools.partial(self.show_view, view)
            )
            btn.setCheckable(True)
            self.nav_group.addButton(btn, index)
            self.nav[view] = btn
            nav.addWidget(btn)
        nav.addStretch(1)
        self.restart_button = self.button("", "secondary", "admin_restart", self._restart)
        self.quit_button = self.button("", "danger", "admin_quit", self._quit)
        self.close_button = self.button("", "primary", "admin_close", self.close_admin)
        nav.addWidget(self.restart_button)
        nav.addWidget(self.quit_button)
        nav.addWidget(self.close_button)
        nav_box = QWidget()
        nav_box.setLayout(nav)
        nav_scroll = QScrollArea()  # large text must never push the screen past 1080 px
        nav_scroll.setWidgetResizable(True)
        nav_scroll.setFrameShape(QFrame.Shape.NoFrame)
        nav_scroll.setWidget(nav_box)
        sized(nav_scroll, width=440)
        self.nav_scroll = nav_scroll
        layout.addWidget(nav_scroll)
        self.views = QStackedWidget()
        for part in self.views_by_name.values():
            part.touched.connect(self._touch)
            self.views.addWidget(scrolled(part))
        layout.addWidget(self.views, 1)
        self.touched.connect(self._touch)
        return page

    # -- text ------------------------------------------------------------------------------

    @Slot()
    def retranslate(self) -> None:
        self.pin.retranslate()
        self.nav_title.setText(self.tr("Admin mode"))
        names = {
            "status": self.tr("Device status"),
            "print": self.tr("Test print"),
            "card": self.tr("Test card read"),
            "catalog": self.tr("Catalog import"),
            "log": self.tr("Recent log"),
        }
        for view, btn in self.nav.items():
            btn.setText(names[view])
        self.restart_button.setText(self.tr("Restart kiosk"))
        self.quit_button.setText(self.tr("Leave kiosk mode"))
        self.close_button.setText(self.tr("Close admin mode"))
        for part in self.views_by_name.values():
            part.retranslate()
        self._fit_nav()

    def _fit_nav(self) -> None:
        """The navigation column: its designed width, or wider when its longest button needs
        it (large text): a label is never cut."""
        from ui.theme import current_theme

        box = self.nav_scroll.widget()
        if box is None:
            return
        bar = self.nav_scroll.verticalScrollBar().sizeHint().width()
        width = max(current_theme().dp(440), box.sizeHint().width() + bar)
        self.nav_scroll.setFixedWidth(width)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- locking, navigation, idle ---------------------------------------------------------

    def lock(self) -> None:
        """Back to the PIN page, clearing everything typed."""
        self.pin.reset()
        self.card.clear()
        self._confirm.clear()
        self.pages.setCurrentIndex(0)
        if self.isVisible():  # the PIN page times out too: admin mode never blocks the kiosk
            self.idle_timer.start()
        self.retranslate()

    def unlocked(self) -> bool:
        return self.pages.currentIndex() == 1

    @Slot()
    def _unlocked(self) -> None:
        self.pages.setCurrentIndex(1)
        self._touch()
        self.show_view("status")

    def show_view(self, view: str) -> None:
        if not self.unlocked():
            return
        self.nav[view].setChecked(True)
        self.views.setCurrentIndex(self.VIEWS.index(view))
        self.views_by_name[view].shown()

    @Slot()
    def _touch(self) -> None:
        if self.isVisible():
            self.idle_timer.start()

    @Slot()
    def close_admin(self) -> None:
        self.lock()
        self.closed.emit()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        if self.unlocked():
            self.lock()
        self.idle_timer.stop()
        self.pin.stop()
        self.confirm_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self._fit_nav()
        self.idle_timer.start()
        if not self.unlocked():
            self.pin.reset()
        super().showEvent(event)

    # -- restart and leave (a second tap confirms) -----------------------------------------

    def _confirmed(self, key: str, button: QPushButton, again: str) -> bool:
        now = time.monotonic()
        if now - self._confirm.get(key, -1e9) <= CONFIRM_S:
            self._confirm.pop(key, None)
            return True
        self._confirm[key] = now
        button.setText(again)
        self.confirm_timer.start()
        return False

    def _restart(self) -> None:
        if self._confirmed("restart", self.restart_button, self.tr("Tap again to restart")):
            log.info("admin: restart requested")
            self.restart_requested.emit()

    def _quit(self) -> None:
        if self._confirmed("quit", self.quit_button, self.tr("Tap again to leave")):
            log.info("admin: leaving kiosk mode")
            data_path = self.services.config.data_path

            def work() -> bool:
                from kiosk.admin.watchdog import mark_leave_kiosk

                return mark_leave_kiosk(data_path)

            self.run(work, lambda _ok: self.quit_requested.emit())
