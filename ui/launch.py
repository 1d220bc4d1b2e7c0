"""`kiosk run`: the start screen first, then everything else.

Start-up order, so the patient sees the start screen as early as possible:
1. Qt, the fonts, the theme and the translation, and the start screen from the few values
   kiosk.start_config reads without pydantic (ui.start_preview): painted.
2. Then the configuration is validated (kiosk.config, pydantic) and the kiosk window built
   (ui.app.build_app, with the database, printer, catalog and HIS deferred); if the
   configuration is rejected, the start screen covers itself "out of service", the reason
   is logged, and the process stays up (systemd would otherwise restart it every 3 s into
   the same error).
3. When the kiosk window's start screen has been painted it takes over (what was tapped
   meanwhile is done on the session), then the devices start and `complete_start` builds
   the rest.
This module imports nothing of step 2 before the first paint: `kiosk bench startup` and
tests/ui/test_startup.py check which libraries were loaded by then.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.start_config import ConfigError, StartConfig
from ui.language import use_language
from ui.start_preview import StartPreview
from ui.theme import Theme, apply_theme, density_for, load_fonts

if TYPE_CHECKING:
    from kiosk.config import KioskConfig
    from ui.app import KioskApp

log = logging.getLogger(__name__)

# Imported once the start screen is painted (configuration validation, the session, the
# database, printer, PKI, camera decoding, the staff web app): the startup report says which
# were loaded at the first paint anyway.
DEFERRED_MODULES = (
    "pydantic",
    "kiosk.config",
    "kiosk.session",
    "kiosk.bootstrap",
    "ui.app",
    "ui.mainwindow",
    "sqlalchemy",
    "cryptography",
    "cv2",
    "zxingcpp",
    "fastapi",
    "PIL",
    "rapidfuzz",
    "httpx",
    "kiosk.queue.service",
    "kiosk.catalog.service",
    "kiosk.his.service",
)


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


class FirstPaint(QObject):
    """Runs `then` once `widget` has been painted for the first time (or after
    `FALLBACK_MS` if it never is, e.g. under the out-of-service cover)."""

    FALLBACK_MS = 3000

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then, self.done = then, False
        widget.installEventFilter(self)
        # a child timer, stopped when done: it dies with the widget (a parentless
        # singleShot timer outlived a window closed within 3 s)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(self.FALLBACK_MS)
        self._fallback.timeout.connect(self._fire)
        self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self.done and event.type() == QEvent.Type.Paint:
            # after this paint has reached the screen, not inside it
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        self._fallback.stop()
        if not self.done:
            self.done = True
            self.then()


def _write_startup_report(path: str, t0: float, painted_at: float, window: QWidget) -> None:
    import resource

    screen = window.screen()
    size = screen.size() if screen is not None else None
    report = {
        "first_paint_s": painted_at - t0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "window": [window.width(), window.height()],
        "screen": [size.width(), size.height()] if size is not None else None,
        "platform": QApplication.platformName(),
        "loaded_at_first_paint": sorted(m for m in DEFERRED_MODULES if m in sys.modules),
    }
    Path(path).write_text(json.dumps(report))


class Launch:
    """The windows of one `kiosk run`: the start screen painted first (`preview`), then the
    kiosk (`kiosk`, None until its configuration was accepted and it was built)."""

    def __init__(self, start: StartConfig, load: Callable[[], KioskConfig]) -> None:
        self.start, self.load = start, load
        self.full_screen = start.mode == "kiosk"
        if self.full_screen:
            # under cage: no client-side title bar (it would take 33 px of the screen's height)
            os.environ.setdefault("QT_WAYLAND_DISABLE_WINDOWDECORATION", "1")
        self.app = ensure_app()
        self.app.setApplicationName("hospital-kiosk")
        self.size: tuple[int, int] | None = None
        if self.full_screen:
            # Exactly the screen's size: the window must never grow to its tallest page (the
            # compositor would then show only its top-left part), screens lay out for it.
            screen = self.app.primaryScreen()
            if screen is not None:
                self.size = (screen.size().width(), screen.size().height())
        load_fonts()
        theme = Theme(density=density_for(*self.size) if self.size else 1.0)
        apply_theme(self.app, theme)
        self.translator = QTranslator(self.app)
        use_language(self.app, self.translator, start.default_language)
        self.preview = StartPreview(start, theme.density)
        self.kiosk: KioskApp | None = None
        self._show(self.preview)

    def window(self) -> QWidget:
        """The window on screen: the kiosk's once it is built."""
        return self.kiosk.window if self.kiosk is not None else self.preview

    def _show(self, window: QWidget) -> None:
        if self.size:
            window.setFixedSize(*self.size)
        if self.full_screen:
            window.showFullScreen()
        else:
            window.resize(1600, 900)
            window.show()

    def build(self) -> None:
        """After the first paint: validates the configuration and builds the kiosk window
        (it takes over once its own start screen is painted)."""
        try:
            config = self.load()
        except ConfigError as exc:
            log.error("configuration rejected, the kiosk is out of service: %s", exc)
            self.preview.show_out_of_service()
            return
        from ui.app import build_app

        kiosk = build_app(
            config, show_panel=False, size=self.size, attach_devices=False, deferred=True
        )
        self.app.removeTranslator(self.translator)  # the kiosk has its own from now on
        self.kiosk = kiosk
        if not self.full_screen:
            kiosk.window.move(self.preview.pos())
        self._show(kiosk.window)
        FirstPaint(kiosk.window.start, self._take_over)

    def _take_over(self) -> None:
        from ui.app import finish_start

        kiosk = self.kiosk
        assert kiosk is not None
        self.preview.hand_over(kiosk.window, kiosk.session)
        finish_start(kiosk, open_panel=not self.full_screen)

    def close(self) -> None:
        if self.kiosk is not None:
            self.kiosk.close()
        # leave the process-wide Qt state as it was (tests start several in one process)
        self.app.removeTranslator(self.translator)
        QLocale.setDefault(QLocale.c())
        self.preview.close()
        self.preview.deleteLater()
        self.app.setStyleSheet("")


def run(
    start: StartConfig,
    load: Callable[[], KioskConfig],
    screenshot: str | None = None,
    exit_after: float | None = None,
    startup_report: str | None = None,
    process_start: float | None = None,
) -> int:
    """`kiosk run`: `start` is what the start screen shows (kiosk.start_config), `load` the
    validated configuration (raises ConfigError)."""
    launch = Launch(start, load)
    app = launch.app

    def painted() -> None:
        """The start screen is up: with --startup-report, the report and quit; else the
        configuration and the kiosk."""
        painted_at = time.time()
        if startup_report:
            _write_startup_report(
                startup_report, process_start or painted_at, painted_at, launch.preview
            )
            app.quit()
            return
        launch.build()

    FirstPaint(launch.preview.start, painted)
    if screenshot:

        def shoot() -> None:
            launch.window().grab().save(screenshot)
            log.info("screenshot written")
            app.quit()

        QTimer.singleShot(int((exit_after or 1) * 1000), shoot)
    elif exit_after:
        QTimer.singleShot(int(exit_after * 1000), app.quit)
    if (
        "QT_QPA_PLATFORM" not in os.environ
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        log.warning("no display found; set QT_QPA_PLATFORM=offscreen to run headless")
    from kiosk.admin.watchdog import notify_ready, notify_stopping, notify_watchdog
    from kiosk.logging_setup import install_sigterm

    # systemd: SIGTERM quits cleanly; the watchdog is fed from the GUI thread, so a frozen UI
    # stops feeding it and gets restarted. The 1 s tick also lets Python run signal handlers.
    uninstall = install_sigterm(lambda: QTimer.singleShot(0, app.quit))
    watchdog = QTimer(app)
    watchdog.timeout.connect(notify_watchdog)
    watchdog.start(1000)
    QTimer.singleShot(0, lambda: notify_ready("start screen shown"))
    try:
        return app.exec()
    finally:
        notify_stopping()
        watchdog.stop()
        uninstall()
        launch.close()
