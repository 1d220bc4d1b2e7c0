"""Admin mode for hospital IT: PIN, device status, test print, test card read, catalog import,
recent log lines, restart and leaving kiosk mode.

Embedded by the main window behind the hidden corner gesture (ui/widgets/gesture.py). Every
blocking call (PIN hash, doctor checks, printing, card reading, file search, import, reading
the log) runs on a worker thread; results come back through a queued signal. Hiding the
screen locks it again (back to the PIN page).

Signals:
    closed: the technician left admin mode (back to the start screen).
    restart_requested: restart the kiosk application (systemd restarts it: quit with status 0
        under Restart=always, or re-exec).
    quit_requested: leave kiosk mode (quit the application; only possible from here).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin.doctor import CheckResult, run_checks
from kiosk.admin.pin import PinGuard, PinResult
from kiosk.models import mask_id
from ui.theme import set_role

log = logging.getLogger(__name__)

CONFIRM_S = 4.0  # a second tap within this time confirms restart / leave
IDLE_S = 180  # admin mode closes itself after this long without a tap


# -- a small worker runner ---------------------------------------------------------------------


class _Relay(QObject):
    delivered = Signal(object, object)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay, done: Callable[[Any], None]) -> None:
        super().__init__()
        self.work, self.relay, self.done = work, relay, done

    def run(self) -> None:
        try:
            result: Any = self.work()
        except Exception as exc:  # delivered to the GUI thread as a value
            log.warning("admin task failed: %s", type(exc).__name__, exc_info=True)
            result = exc
        self.relay.delivered.emit(self.done, result)


class Jobs(QObject):
    """Runs blocking work on a thread pool; `done(result_or_exception)` runs on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(3)
        self.relay = _Relay(self)
        self.relay.delivered.connect(self._deliver)
        self.pending = 0

    def run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        self.pending += 1
        self.pool.start(_Task(work, self.relay, done))

    def _deliver(self, done: Callable[[Any], None], result: Any) -> None:
        self.pending -= 1
        try:
            done(result)
        except Exception:
            log.exception("admin callback failed")

    def wait(self, timeout_ms: int = 5000) -> bool:
        return bool(self.pool.waitForDone(timeout_ms))


# -- widgets -----------------------------------------------------------------------------------


def _label(text: str = "", role: str = "body", name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    return widget


def _scrolled(widget: QWidget) -> QScrollArea:
    """The widget in a frameless vertical scroll area: never taller than the window allows."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class DigitPad(QWidget):
    """Digits, Delete and OK; a display that masks the digits (PIN) or groups them (ID/CAN).

    Signals: submitted(str) on OK.
    """

    submitted = Signal(str)

    def __init__(self, masked: bool, max_digits: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.masked = masked
        self.max_digits = max_digits
        self.digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.display = _label("", "display", "pad_display", wrap=False)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMinimumHeight(80)
        layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
        ):
            btn = QPushButton(key if key.isdigit() else "")
            btn.setObjectName(f"pad_{key}")
            # "Delete" is a word, not a digit: the smaller button font keeps it whole in large text.
            btn.setProperty("role", {"ok": "primary", "del": "secondary"}.get(key, "key"))
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.setMinimumSize(120, 80)
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(btn, index // 3, index % 3)
            self.keys[key] = btn
        layout.addLayout(grid)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.keys["del"].setText(self.tr("Delete"))
        self.keys["ok"].setText(self.tr("OK"))

    def press(self, key: str) -> None:
        if key == "del":
            self.digits = self.digits[:-1]
        elif key == "ok":
            if self.digits:
                self.submitted.emit(self.digits)
            return
        elif len(self.digits) < self.max_digits:
            self.digits += key
        self._update()

    def clear(self) -> None:
        self.digits = ""
        self._update()

    def set_enabled(self, on: bool) -> None:
        for btn in self.keys.values():
            btn.setEnabled(on)

    def _update(self) -> None:
        if self.masked:
            self.display.setText(" ".join("●" for _ in self.digits) or "—")
        else:
            self.display.setText(
                " ".join(self.digits[i : i + 3] for i in range(0, len(self.digits), 3)) or "—"
            )


class CheckRow(QFrame):
    """One doctor check: name, OK/FAIL badge, summary, and for failures the reason and fix."""

    def __init__(self, result: CheckResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setProperty("role", "card")
        self.setObjectName(f"check_{result.name}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(20)
        self.badge = _label(
            self.tr("OK") if result.ok else self.tr("FAIL"),
            "badge" if result.ok else "badge-warn",
            f"badge_{result.name}",
            wrap=False,
        )
        self.badge.setMinimumWidth(110)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(_label(result.name, "subtitle", wrap=False))
        self.summary = _label(result.summary, "body", f"summary_{result.name}")
        text.addWidget(self.summary)
        if not result.ok:
            if result.reason and result.reason != result.summary:
                text.addWidget(_label(self.tr("Reason: {0}").format(result.reason), "muted"))
            if result.fix:
                text.addWidget(
                    _label(self.tr("Fix: {0}").format(result.fix), "muted", f"fix_{result.name}")
                )
        layout.addLayout(text, 1)


# -- the screen --------------------------------------------------------------------------------


class AdminScreen(QWidget):
    closed = Signal()
    restart_requested = Signal()
    quit_requested = Signal()

    VIEWS = ("status", "print", "card", "catalog", "log")

    def __init__(
        self,
        services: Any,
        guard: PinGuard,
        log_lines: Callable[[], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("admin_screen")
        self.services = services
        self.guard = guard
        self.log_lines = log_lines
        self.jobs = Jobs(self)
        self.check_results: list[CheckResult] = []
        self.catalog_files: list[Path] = []
        self._confirm: dict[str, float] = {}
        self._checking_pin = False

        self.pages = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.pages)
        self.pin_page = self._build_pin_page()
        self.main_page = self._build_main_page()
        self.pages.addWidget(_scrolled(self.pin_page))
        self.pages.addWidget(self.main_page)

        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self._refresh_lock)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(IDLE_S * 1000)
        self.idle_timer.timeout.connect(self.close_admin)
        self.lock()

    # -- building --------------------------------------------------------------------------

    def _button(self, text: str, role: str, name: str, slot: Callable[[], None]) -> QPushButton:
        btn = QPushButton(text)
        btn.setObjectName(name)
        btn.setProperty("role", role)
        btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        btn.setMinimumHeight(72)

        def clicked() -> None:
            self._touch()
            slot()

        btn.clicked.connect(clicked)
        return btn

    def _build_pin_page(self) -> QWidget:
        # Side by side (text | keypad) so that it fits a 1600x900 window in large text too.
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.addStretch(1)
        card = QFrame()
        card.setProperty("role", "card")
        card.setMaximumWidth(1240)
        box = QHBoxLayout(card)
        box.setContentsMargins(40, 32, 40, 32)
        box.setSpacing(40)
        text = QVBoxLayout()
        text.setSpacing(18)
        self.pin_title = _label("", "title", "admin_pin_title")
        self.pin_status = _label("", "body", "admin_pin_status")
        self.pin_pad = DigitPad(masked=True, max_digits=12)
        self.pin_pad.setMinimumWidth(420)
        self.pin_pad.submitted.connect(self._submit_pin)
        self.pin_cancel = self._button("", "secondary", "admin_pin_cancel", self.close_admin)
        text.addWidget(self.pin_title)
        text.addWidget(self.pin_status)
        text.addStretch(1)
        text.addWidget(self.pin_cancel)
        box.addLayout(text, 1)
        box.addWidget(self.pin_pad, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 8)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        return page

    def _build_main_page(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(24)
        nav = QVBoxLayout()
        nav.setSpacing(12)
        self.nav_title = _label("", "title", "admin_title")
        nav.addWidget(self.nav_title)
        self.nav_group = QButtonGroup(self)
        self.nav: dict[str, QPushButton] = {}
        for index, view in enumerate(self.VIEWS):
            btn = self._button(
                "", "toggle", f"admin_nav_{view}", functools.partial(self.show_view, view)
            )
            btn.setCheckable(True)
            self.nav_group.addButton(btn, index)
            self.nav[view] = btn
            nav.addWidget(btn)
        nav.addStretch(1)
        self.restart_button = self._button("", "secondary", "admin_restart", self._restart)
        self.quit_button = self._button("", "danger", "admin_quit", self._quit)
        self.close_button = self._button("", "primary", "admin_close", self.close_admin)
        nav.addWidget(self.restart_button)
        nav.addWidget(self.quit_button)
        nav.addWidget(self.close_button)
        nav_box = QWidget()
        nav_box.setLayout(nav)
        nav_scroll = QScrollArea()  # large text must never push the screen past 1080 px
        nav_scroll.setWidgetResizable(True)
        nav_scroll.setFrameShape(QFrame.Shape.NoFrame)
        nav_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        nav_scroll.setWidget(nav_box)
        nav_scroll.setFixedWidth(440)
        layout.addWidget(nav_scroll)

        self.views = QStackedWidget()
        self.views.addWidget(_scrolled(self._build_status_view()))
        self.views.addWidget(_scrolled(self._build_print_view()))
        self.views.addWidget(_scrolled(self._build_card_view()))
        self.views.addWidget(_scrolled(self._build_catalog_view()))
        self.views.addWidget(_scrolled(self._build_log_view()))
        layout.addWidget(self.views, 1)
        return page

    def _view(self, title_name: str) -> tuple[QWidget, QVBoxLayout, QLabel]:
        view = QWidget()
        box = QVBoxLayout(view)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(16)
        title = _label("", "title", title_name)
        box.addWidget(title)
        return view, box, title

    def _build_status_view(self) -> QWidget:
        view, box, self.status_title = self._view("admin_status_title")
        top = QHBoxLayout()
        self.status_summary = _label("", "body", "admin_status_summary")
        self.status_refresh = self._button(
            "", "secondary", "admin_status_refresh", self.refresh_status
        )
        top.addWidget(self.status_summary, 1)
        top.addWidget(self.status_refresh)
        box.addLayout(top)
        self.status_list = QWidget()
        self.status_layout = QVBoxLayout(self.status_list)
        self.status_layout.setContentsMargins(0, 0, 12, 0)
        self.status_layout.setSpacing(10)
        self.status_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.status_list)
        box.addWidget(scroll, 1)
        return view

    def _build_print_view(self) -> QWidget:
        view, box, self.print_title = self._view("admin_print_title")
        self.print_help = _label("", "body")
        self.print_button = self._button("", "primary", "admin_print_button", self.test_print)
        self.print_result = _label("", "body", "admin_print_result")
        box.addWidget(self.print_help)
        box.addWidget(self.print_button)
        box.addWidget(self.print_result)
        box.addStretch(1)
        return view

    def _build_card_view(self) -> QWidget:
        view, box, self.card_title = self._view("admin_card_title")
        row = QHBoxLayout()
        row.setSpacing(28)
        self.card_pad = DigitPad(masked=False, max_digits=12)
        self.card_pad.setMinimumWidth(460)
        self.card_pad.setMaximumWidth(560)
        self.card_pad.submitted.connect(self.test_card_read)
        text = QVBoxLayout()
        text.setSpacing(14)
        self.card_help = _label("", "body")
        self.card_state = _label("", "muted", "admin_card_state")
        self.card_result = _label("", "body", "admin_card_result")
        self.card_result.setAlignment(Qt.AlignmentFlag.AlignTop)
        text.addWidget(self.card_help)
        text.addWidget(self.card_state)
        text.addWidget(self.card_result, 1)
        row.addWidget(self.card_pad, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        box.addLayout(row, 1)
        return view

    def _build_catalog_view(self) -> QWidget:
        view, box, self.catalog_title = self._view("admin_catalog_title")
        self.catalog_help = _label("", "body")
        box.addWidget(self.catalog_help)
        self.catalog_list = QListWidget()
        self.catalog_list.setObjectName("admin_catalog_files")
        box.addWidget(self.catalog_list, 1)
        row = QHBoxLayout()
        self.catalog_rescan = self._button(
            "", "secondary", "admin_catalog_rescan", self.scan_catalog_files
        )
        self.kind_group = QButtonGroup(self)
        self.kind_service = self._button("", "toggle", "admin_kind_service", lambda: None)
        self.kind_drug = self._button("", "toggle", "admin_kind_drug", lambda: None)
        for index, btn in enumerate((self.kind_service, self.kind_drug)):
            btn.setCheckable(True)
            self.kind_group.addButton(btn, index)
        self.kind_service.setChecked(True)
        self.catalog_import = self._button(
            "", "primary", "admin_catalog_import", self.import_selected
        )
        row.addWidget(self.catalog_rescan)
        row.addWidget(self.kind_service)
        row.addWidget(self.kind_drug)
        row.addStretch(1)
        row.addWidget(self.catalog_import)
        box.addLayout(row)
        self.catalog_result = _label("", "body", "admin_catalog_result")
        box.addWidget(self.catalog_result)
        return view

    def _build_log_view(self) -> QWidget:
        view, box, self.log_title = self._view("admin_log_title")
        self.log_refresh = self._button("", "secondary", "admin_log_refresh", self.refresh_log)
        box.addWidget(self.log_refresh, 0, Qt.AlignmentFlag.AlignLeft)
        self.log_text = QPlainTextEdit()
        self.log_text.setObjectName("admin_log_text")
        self.log_text.setReadOnly(True)
        self.log_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        # The application style sheet sets one font family for every widget: override it here.
        self.log_text.setStyleSheet(
            "QPlainTextEdit { font-family: 'DejaVu Sans Mono', monospace; font-size: 18px; }"
        )
        box.addWidget(self.log_text, 1)
        return view

    # -- text ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.pin_title.setText(self.tr("Admin mode"))
        self.pin_cancel.setText(self.tr("Cancel"))
        self.pin_pad.retranslate()
        self.card_pad.retranslate()
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
        self.status_title.setText(self.tr("Device status"))
        self.status_refresh.setText(self.tr("Refresh"))
        self.print_title.setText(self.tr("Test print"))
        self.print_help.setText(
            self.tr("Prints a test ticket with Vietnamese text and a ruler across the paper width.")
        )
        self.print_button.setText(self.tr("Print a test ticket"))
        self.card_title.setText(self.tr("Test card read"))
        self.card_help.setText(
            self.tr(
                "Place a citizen ID card on the reader, type its 12-digit number or the "
                "6-digit CAN, then press OK."
            )
        )
        self.catalog_title.setText(self.tr("Catalog import"))
        self.catalog_help.setText(
            self.tr("Files found on USB sticks and mounted folders. Choose one and its kind.")
        )
        self.catalog_rescan.setText(self.tr("Search again"))
        self.kind_service.setText(self.tr("Services"))
        self.kind_drug.setText(self.tr("Drugs"))
        self.catalog_import.setText(self.tr("Import"))
        self.log_title.setText(self.tr("Recent log"))
        self.log_refresh.setText(self.tr("Refresh"))
        self._refresh_lock()

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- PIN -------------------------------------------------------------------------------

    def lock(self) -> None:
        """Back to the PIN page, clearing everything typed."""
        self.pin_pad.clear()
        self.card_pad.clear()
        self.card_result.setText("")
        self._confirm.clear()
        self.pages.setCurrentIndex(0)
        if self.isVisible():  # the PIN page times out too: admin mode never blocks the kiosk
            self.idle_timer.start()
        self.retranslate()
        self.lock_timer.start()

    def unlocked(self) -> bool:
        return self.pages.currentIndex() == 1

    def _refresh_lock(self) -> None:
        if not self.guard.enabled:
            self.pin_status.setText(
                self.tr("Admin mode is disabled: no PIN is configured (kiosk admin hash-pin).")
            )
            self.pin_pad.set_enabled(False)
            return
        remaining = self.guard.retry_after()
        if remaining > 0:
            minutes, seconds = divmod(int(remaining + 0.999), 60)
            self.pin_status.setText(
                self.tr("Too many wrong PINs. Try again in {0}:{1:02d}.").format(minutes, seconds)
            )
            set_role(self.pin_status, "notice")
            self.pin_pad.set_enabled(False)
            return
        if self._checking_pin:
            return
        set_role(self.pin_status, "body")
        self.pin_pad.set_enabled(True)
        left = self.guard.attempts_left()
        if left < self.guard.max_attempts:
            self.pin_status.setText(self.tr("Wrong PIN. {0} attempt(s) left.").format(left))
        else:
            self.pin_status.setText(self.tr("Enter the admin PIN."))

    def _submit_pin(self, pin: str) -> None:
        if self._checking_pin:
            return
        self._checking_pin = True
        self.pin_pad.set_enabled(False)
        self.pin_status.setText(self.tr("Checking…"))
        self.jobs.run(lambda: self.guard.check(pin), self._pin_checked)

    def _pin_checked(self, result: PinResult | Exception) -> None:
        self._checking_pin = False
        self.pin_pad.clear()
        if isinstance(result, PinResult) and result.ok:
            self.lock_timer.stop()
            self.pages.setCurrentIndex(1)
            self._touch()
            self.show_view("status")
            return
        self._refresh_lock()

    # -- navigation ------------------------------------------------------------------------

    def show_view(self, view: str) -> None:
        if not self.unlocked():
            return
        index = self.VIEWS.index(view)
        self.nav[view].setChecked(True)
        self.views.setCurrentIndex(index)
        if view == "status":
            self.refresh_status()
        elif view == "card":
            self._refresh_card_state()
        elif view == "catalog":
            self.scan_catalog_files()
        elif view == "log":
            self.refresh_log()

    def _touch(self) -> None:
        if self.isVisible():
            self.idle_timer.start()

    def close_admin(self) -> None:
        self.lock()
        self.closed.emit()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        if self.unlocked():
            self.lock()
        self.idle_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        self.idle_timer.start()
        super().showEvent(event)

    def _confirmed(self, key: str, button: QPushButton, again: str) -> bool:
        now = time.monotonic()
        if now - self._confirm.get(key, -1e9) <= CONFIRM_S:
            self._confirm.pop(key, None)
            return True
        self._confirm[key] = now
        button.setText(again)
        QTimer.singleShot(int(CONFIRM_S * 1000), self.retranslate)
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

            self.jobs.run(work, lambda _ok: self.quit_requested.emit())

    # -- device status ---------------------------------------------------------------------

    def refresh_status(self) -> None:
        self.status_refresh.setEnabled(False)
        self.status_summary.setText(self.tr("Checking devices…"))
        self.jobs.run(lambda: run_checks(self.services), self._status_done)

    def _status_done(self, results: list[CheckResult] | Exception) -> None:
        self.status_refresh.setEnabled(True)
        if isinstance(results, Exception):
            self.status_summary.setText(self.tr("The checks failed: {0}").format(results))
            return
        self.check_results = results
        while self.status_layout.count() > 1:
            item = self.status_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        # Failures first: IT must see what is wrong without scrolling.
        ordered = [r for r in results if not r.ok] + [r for r in results if r.ok]
        for index, result in enumerate(ordered):
            self.status_layout.insertWidget(index, CheckRow(result))
        failed = [r.name for r in results if not r.ok]
        if failed:
            self.status_summary.setText(
                self.tr("{0} check(s) failed: {1}.").format(len(failed), ", ".join(failed))
            )
        else:
            self.status_summary.setText(self.tr("All checks passed."))

    # -- test print ------------------------------------------------------------------------

    def test_print(self) -> None:
        printer = getattr(self.services, "printer", None)
        if printer is None:
            self.print_result.setText(self.tr("No printer is configured."))
            return
        config = self.services.config
        self.print_button.setEnabled(False)
        self.print_result.setText(self.tr("Printing…"))

        def work() -> str:
            from kiosk.admin.tools import render_test_ticket, sample_qr_payload

            printer.print_ticket(render_test_ticket(config), sample_qr_payload(config))
            return str(printer.status().summary)

        self.jobs.run(work, self._print_done)

    def _print_done(self, result: str | Exception) -> None:
        self.print_button.setEnabled(True)
        if isinstance(result, Exception):
            self.print_result.setText(
                self.tr("Printing failed: {0}").format(str(result) or type(result).__name__)
            )
            set_role(self.print_result, "notice")
        else:
            self.print_result.setText(self.tr("Printed. Printer: {0}").format(result))
            set_role(self.print_result, "good")

    # -- test card read --------------------------------------------------------------------

    def _refresh_card_state(self) -> None:
        reader = getattr(self.services, "card_reader", None)
        if reader is None:
            self.card_state.setText(self.tr("No card reader is configured."))
            return

        def work() -> str:
            return str(reader.status().summary)

        self.jobs.run(work, lambda s: self.card_state.setText(str(s)))

    def test_card_read(self, digits: str) -> None:
        reader = getattr(self.services, "card_reader", None)
        if reader is None:
            self.card_result.setText(self.tr("No card reader is configured."))
            return
        if len(digits) not in (6, 12):
            self.card_result.setText(self.tr("Type the 12-digit ID number or the 6-digit CAN."))
            return
        from hardware.cardreader.base import AccessKey

        key = AccessKey(can=digits[-6:])
        self.card_pad.clear()
        self.card_pad.set_enabled(False)
        self.card_result.setText(self.tr("Reading the card…"))
        self.jobs.run(lambda: reader.read(key), self._card_done)

    def _card_done(self, result: Any) -> None:
        self.card_pad.set_enabled(True)
        if isinstance(result, Exception):
            self.card_result.setText(
                self.tr("Read failed ({0}): {1}").format(type(result).__name__, result)
            )
            set_role(self.card_result, "notice")
            return
        stats = getattr(result, "stats", {}) or {}
        ms = stats.get("ms") or stats.get("total_ms")
        lines = [
            self.tr("Card read."),
            self.tr("ID: {0}").format(mask_id(getattr(result, "citizen_id", ""))),
            self.tr("Authenticity: {0}").format(getattr(result, "authenticity", "?")),
            self.tr("Access: {0}").format(getattr(result, "access", "") or "-"),
            self.tr("Photo: {0}").format(self.tr("yes") if result.photo else self.tr("no")),
        ]
        if ms:
            lines.append(self.tr("Read time: {0:.0f} ms").format(float(ms)))
        self.card_result.setText("\n".join(lines))
        set_role(self.card_result, "good")

    # -- catalog import --------------------------------------------------------------------

    def scan_catalog_files(self) -> None:
        roots = list(getattr(self.services.config.admin, "import_roots", ["/media", "/mnt"]))
        self.catalog_list.clear()
        self.catalog_result.setText(self.tr("Searching {0}…").format(", ".join(roots)))

        def work() -> list[Path]:
            from kiosk.admin.tools import find_catalog_files

            return find_catalog_files(roots)

        self.jobs.run(work, self._files_found)

    def _files_found(self, files: list[Path] | Exception) -> None:
        if isinstance(files, Exception):
            self.catalog_result.setText(str(files))
            return
        self.catalog_files = files
        self.catalog_list.clear()
        for path in files:
            item = QListWidgetItem(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.catalog_list.addItem(item)
        if files:
            self.catalog_list.setCurrentRow(0)
            self.catalog_result.setText(self.tr("{0} file(s) found.").format(len(files)))
        else:
            self.catalog_result.setText(
                self.tr("No CSV or XLSX file found. Insert a USB stick and search again.")
            )

    def import_selected(self) -> None:
        item = self.catalog_list.currentItem()
        if item is None:
            self.catalog_result.setText(self.tr("Choose a file first."))
            return
        path = str(item.data(Qt.ItemDataRole.UserRole))
        kind = "drug" if self.kind_drug.isChecked() else "service"
        catalog = self.services.catalog
        self.catalog_import.setEnabled(False)
        self.catalog_result.setText(self.tr("Importing {0}…").format(Path(path).name))
        self.jobs.run(lambda: catalog.import_file(path, kind), self._import_done)

    def _import_done(self, report: Any) -> None:
        self.catalog_import.setEnabled(True)
        if isinstance(report, Exception):
            self.catalog_result.setText(self.tr("Import failed: {0}").format(report))
            set_role(self.catalog_result, "notice")
            return
        lines = [
            self.tr("{0} rows: {1} imported, {2} rejected. {3}").format(
                report.rows_in_file,
                report.rows_imported,
                report.rows_rejected,
                self.tr("Now active.") if report.activated else self.tr("NOT activated."),
            )
        ]
        if getattr(report, "fatal", ""):
            lines.append(self.tr("Not imported: {0}").format(report.fatal))
        for issue in list(getattr(report, "rejected", []))[:8]:
            lines.append(
                self.tr("line {0} {1}: {2}").format(issue.line, issue.column, issue.reason)
            )
        self.catalog_result.setText("\n".join(lines))
        set_role(self.catalog_result, "good" if getattr(report, "ok", False) else "notice")

    # -- log -------------------------------------------------------------------------------

    def refresh_log(self) -> None:
        self.jobs.run(self.log_lines, self._log_done)

    def _log_done(self, lines: list[str] | Exception) -> None:
        if isinstance(lines, Exception):
            self.log_text.setPlainText(str(lines))
            return
        self.log_text.setPlainText("\n".join(lines))
        bar = self.log_text.verticalScrollBar()
        bar.setValue(bar.maximum())
