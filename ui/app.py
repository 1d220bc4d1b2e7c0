"""Starts the kiosk window: builds services from the config, wires devices to the session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.bootstrap import Services, build_services
from kiosk.config import KioskConfig
from kiosk.session import Session, Step
from ui.bridges import DeviceBridge
from ui.language import use_language
from ui.launch import ensure_app
from ui.mainwindow import MainWindow
from ui.theme import Theme, apply_theme, density_for, load_fonts, stylesheet, use_theme
from ui.widgets.common import apply_density
from ui.workers import Workers

if TYPE_CHECKING:
    from ui.screens.prices import PricesScreen

log = logging.getLogger(__name__)


@dataclass
class KioskApp:
    """Everything the running window is made of (tests drive it through these)."""

    app: QApplication
    config: KioskConfig
    services: Services
    session: Session
    workers: Workers
    bridge: DeviceBridge
    window: MainWindow
    panel: QWidget | None
    translator: QTranslator
    theme: Theme
    speaker: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def set_language(self, language: str) -> None:
        use_language(self.app, self.translator, language)
        self.window.refresh()

    def set_theme(self, theme: Theme) -> None:
        """Large text / high contrast: restyles only what is on screen now (the other pages
        when shown), with the application-wide event filters out of the way meanwhile: each
        widget's restyle sends it a dozen events, and every one would cross into Python.
        A new density (another screen size) also rescales every layout's margins."""
        density_changed = theme.density != self.theme.density
        self.theme = theme
        use_theme(theme)
        filters = [self.window.activity_filter, self.extras.get("gesture")]
        for item in filters:
            if item is not None:
                self.app.removeEventFilter(item)
        try:
            self.window.apply_style(stylesheet(theme))
            if density_changed:
                apply_density(self.window, theme.density)
            self.window.refresh()
        finally:
            for item in filters:
                if item is not None:
                    self.app.installEventFilter(item)

    def fit_screen(self, width: int, height: int) -> None:
        """Lays every screen out for a screen of width x height (the window's fixed size)."""
        self.window.setFixedSize(width, height)
        density = density_for(width, height)
        if density != self.theme.density:
            self.set_theme(self.theme.with_density(density))

    def close(self) -> None:
        self.window.idle_timer.stop()
        purge_timer = self.extras.get("privacy_purge_timer")
        if purge_timer is not None:
            purge_timer.stop()
        gesture = self.extras.get("gesture")
        if gesture is not None:
            gesture.uninstall()
        self.app.removeEventFilter(self.window.activity_filter)
        if self.panel is not None:
            self.panel.close()
            self.panel.deleteLater()
        self.window.close()
        self.window.deleteLater()
        self.services.abandon_deferred()  # no worker waits for parts that were never built
        self.workers.shutdown()
        if self.speaker is not None:
            self.speaker.close()
        self.services.close()
        # Leave the process-wide Qt state as it was (tests build several kiosks in one process).
        self.app.removeTranslator(self.translator)
        QLocale.setDefault(QLocale.c())
        self.app.setStyleSheet("")


def build_app(
    config: KioskConfig,
    show_panel: bool | None = None,
    services: Services | None = None,
    size: tuple[int, int] | None = None,
    attach_devices: bool = True,
    deferred: bool = False,
) -> KioskApp:
    """The whole kiosk, laid out for a screen of `size` (width, height) when given (the
    design size otherwise; `KioskApp.fit_screen` changes it later); `attach_devices=False`
    leaves the devices stopped (`kiosk run` starts them once the start screen is painted,
    see `attach_devices`). With `deferred` (`kiosk run`) the queue database, printer,
    catalog and HIS are built after the first paint on a worker, the screens other than the
    start screen after it on the GUI thread: `complete_start`."""
    app = ensure_app()
    app.setApplicationName("hospital-kiosk")
    load_fonts()
    theme = Theme(density=density_for(*size) if size else 1.0)
    apply_theme(app, theme)

    # tests hand in services built with fakes
    services = services or build_services(config, deferred=deferred)
    workers = Workers()
    session = Session(services, workers.session_runner())
    workers.follow(lambda: session.generation, lambda: session.step.value)
    bridge = DeviceBridge()

    from hardware.codereader.base import ScannedCode
    from kiosk.identity.classify import classify
    from kiosk.identity.repeat_gate import RepeatGate

    pattern = config.hospital.appointment_pattern

    def patient_facing(handler: Callable[..., None]) -> Callable[..., None]:
        """Device events drive the session only while admin mode is not on screen."""

        def guarded(*args: object) -> None:
            if not window.admin_active:
                handler(*args)

        return guarded

    # a code still in view (a card left on the shelf) never identifies the next patient
    gate = RepeatGate(config.devices.camera.repeat_after_s)

    def code_received(data: bytes, lossy: bool) -> None:
        if not gate.accept(data):
            return
        result = classify(ScannedCode(data, lossy), pattern)
        if result.kind == "unknown":  # a transfer or re-exam slip (kiosk.his.config patterns)
            from kiosk.his.appointments import parse_slip

            slip = parse_slip(bytes(data).decode("utf-8", "replace"), config)
            if slip is not None:
                session.slip_scanned(slip)
                return
        session.code_scanned(result)

    bridge.code_received.connect(patient_facing(code_received))
    bridge.card_inserted.connect(patient_facing(session.card_inserted))
    bridge.card_removed.connect(session.card_removed)
    bridge.reader_unavailable.connect(session.reader_unavailable)
    bridge.reader_available.connect(session.reader_available)

    camera_view = None
    if services.camera is not None:
        from ui.widgets.camera_view import CameraView

        camera_view = CameraView(services.camera)
    payment = None
    if config.payment.enabled:
        from ui.screens.payment import build_payment_screen

        payment = build_payment_screen(services, workers)
    window = MainWindow(session, camera_view, None, payment_screen=payment, screens_later=True)
    if theme.density != 1.0:
        apply_density(window, theme.density)
    if size:
        window.setFixedSize(*size)

    translator = QTranslator(app)
    kiosk = KioskApp(
        app, config, services, session, workers, bridge, window, None, translator, theme
    )
    window.language_changed.connect(kiosk.set_language)

    def large_text(on: bool) -> None:
        kiosk.set_theme(kiosk.theme.with_large_text(on))
        if on:
            session.mark_start_changed()

    def high_contrast(on: bool) -> None:
        kiosk.set_theme(kiosk.theme.with_high_contrast(on))
        if on:
            session.mark_start_changed()

    window.start.large_text_toggled.connect(large_text)
    window.start.high_contrast_toggled.connect(high_contrast)
    if payment is not None:
        payment.closed.connect(session.back)
        window.language_changed.connect(payment.set_language)
        session.subscribe(_payment_sync(payment))
        if config.payment.status_url:
            # bills left open by a restart (a payment whose notification nobody received)
            from kiosk.payment.reconcile import reconcile

            def reconciled(report: Any) -> None:
                log.info(
                    "payment reconciliation at start: %d open bills, %d payments applied, "
                    "%d errors",
                    report.checked,
                    report.applied,
                    len(report.errors),
                )

            workers.submit(lambda: reconcile(payment.flow.service), reconciled)
    session.subscribe(_display_reset(kiosk))
    kiosk.set_language(session.language)

    _wire_speech(kiosk)
    if not deferred:
        _add_screens(kiosk)
    if not deferred:
        _wire_privacy_purge(kiosk)
    _wire_admin(kiosk)
    _wire_out_of_service(kiosk, starting_ok=deferred)

    if attach_devices:
        _attach_devices(kiosk)

    if not deferred:
        # Started a moment after the window is up, so it does not compete with the first paint.
        QTimer.singleShot(1000, window, lambda: _import_demo_catalog(kiosk))

    if show_panel if show_panel is not None else config.mode == "demo":
        from ui.simpanel import SimulatorPanel

        kiosk.panel = SimulatorPanel(services, session, workers)
    return kiosk


def _import_demo_catalog(kiosk: KioskApp) -> None:
    """The shipped price list is imported on first start, off the GUI thread."""
    if not kiosk.config.catalog.demo_catalog:
        return
    services = kiosk.services

    def work() -> None:
        from kiosk.catalog.service import DEMO_CATALOG

        services.catalog.ensure_demo(DEMO_CATALOG)

    kiosk.workers.submit(
        work,
        lambda _: None,
        lambda e: log.error("demo catalog import failed: %s", type(e).__name__),
        pool="catalog",  # the catalog's own thread and connection
    )


def complete_start(kiosk: KioskApp, then: Callable[[], None] | None = None) -> None:
    """After the first paint of a `build_app(deferred=True)` kiosk: builds the rest of the
    services on a worker (connects the queue database; the out-of-service cover shows if it
    is down) and meanwhile the other screens; then, on the GUI thread, the privacy purge, the
    demo catalog import and `then`.
    A part that cannot be built stops the kiosk (exit status 1), as it would have at start."""

    def done(_: object) -> None:
        cover = getattr(kiosk.window, "out_of_service", None)
        state = getattr(kiosk.services.queue, "state", "up")
        if cover is not None and state == "starting":  # still connecting after its timeout
            cover.state_changed.emit(state)
        _wire_privacy_purge(kiosk)
        _import_demo_catalog(kiosk)
        if then is not None:
            then()

    def failed(exc: BaseException) -> None:
        log.error("kiosk start failed: %s: %s", type(exc).__name__, exc)
        kiosk.app.exit(1)

    kiosk.workers.submit(kiosk.services.complete, done, failed)
    _add_screens(kiosk)


def _attach_devices(kiosk: KioskApp) -> None:
    """Starts the card reader, camera and scanners (their threads, OpenCV, zxing)."""
    services, bridge = kiosk.services, kiosk.bridge
    if services.card_reader is not None:
        bridge.attach_card_reader(services.card_reader)
    if services.camera is not None:
        bridge.attach_code_reader(services.camera)
    for scanner in services.scanners:
        bridge.attach_code_reader(scanner)


EXIT_RESTART = 75  # the systemd unit restarts the kiosk on any exit; 75 = asked by IT
EXIT_LEAVE_KIOSK = 76  # listed in RestartPreventExitStatus=: IT left kiosk mode


def _wire_admin(kiosk: KioskApp) -> None:
    """Admin mode: the hidden corner gesture, then the PIN, then the IT views.

    The admin screen itself is built on the first gesture, not at start-up.
    """
    from ui.widgets.gesture import CornerTapDetector

    config, window = kiosk.config, kiosk.window

    def open_admin() -> None:
        if kiosk.session.step.value != "start":
            return  # never during a patient's session
        if window.admin_screen is None:
            from kiosk.admin.pin import PinGuard
            from kiosk.logging_setup import recent_lines
            from ui.screens.admin import AdminScreen

            admin = AdminScreen(
                kiosk.services,
                PinGuard.from_config(config),
                lambda: recent_lines(200),
                kiosk.workers,
            )
            window.set_admin_screen(admin)
            admin.closed.connect(window.hide_admin)
            admin.restart_requested.connect(lambda: kiosk.app.exit(EXIT_RESTART))
            admin.quit_requested.connect(lambda: kiosk.app.exit(EXIT_LEAVE_KIOSK))
        window.show_admin()

    gesture = CornerTapDetector.from_config(window, config.admin, parent=window)
    gesture.triggered.connect(open_admin)
    gesture.install()
    kiosk.extras["gesture"] = gesture


def _wire_out_of_service(kiosk: KioskApp, starting_ok: bool = False) -> None:
    """While the queue database cannot be reached, the whole window says so (and says it
    aloud); it comes back by itself when the database does. `starting_ok`: a handle that
    has not begun connecting yet (`deferred`) is not "down" (`complete_start` checks again
    once it has had its time)."""
    queue: Any = kiosk.services.queue
    if not hasattr(queue, "on_change"):
        return  # a plain QueueService (tests hand one in): it is up or the kiosk did not start
    from ui.widgets.out_of_service import MESSAGE, OutOfService

    cover = OutOfService(kiosk.window)
    kiosk.window.out_of_service = cover  # type: ignore[attr-defined]
    kiosk.window.themed.append(cover)

    def spoken(down: bool) -> None:
        if down and kiosk.speaker is not None:
            kiosk.speaker.say(MESSAGE.get(kiosk.session.language), kiosk.session.language)

    cover.shown_changed = spoken  # type: ignore[method-assign]
    queue.on_change(cover.state_changed.emit)  # from the handle's thread: queued
    if queue.state != "up" and not (starting_ok and queue.state == "starting"):
        cover.state_changed.emit(queue.state)


def _wire_speech(kiosk: KioskApp) -> None:
    """Speech guidance: each new screen is said whole (its texts and choices, in order, see
    ui.spoken), errors and the idle countdown when they appear; a tap stops the voice;
    "Listen again" (footer, prices) says the screen again; volume."""
    from kiosk.session import Step
    from kiosk.speech import Speaker

    speaker = kiosk.services.speaker or Speaker(enabled=False)
    kiosk.speaker = speaker
    window, session = kiosk.window, kiosk.session

    def say_screen() -> None:
        speaker.say(window.spoken_text(), session.language)

    def speak(step: str) -> None:
        if step == Step.START.value:
            speaker.stop()
            speaker.forget()  # the last patient's words are not repeated to the next one
        # after the screen has laid out its texts (next event-loop turn)
        QTimer.singleShot(0, window, say_screen)

    def language_changed(_language: str) -> None:
        if session.step is Step.START:  # the start screen, said again in the chosen language
            QTimer.singleShot(0, window, say_screen)

    def cycle_volume() -> None:
        levels = [40, 70, 100]
        window.volume = next((v for v in levels if v > window.volume), levels[0])
        speaker.set_volume(window.volume)
        window.refresh()
        say_screen()

    window.step_shown.connect(speak)
    window.language_changed.connect(language_changed)
    window.announce.connect(lambda text: speaker.say(text, session.language))
    window.tapped.connect(speaker.stop)  # a tap interrupts; the tapped button may speak anew
    window.repeat_button.clicked.connect(say_screen)
    window.volume_button.clicked.connect(cycle_volume)
    window.repeat_button.setVisible(speaker.enabled)
    window.volume_button.setVisible(speaker.enabled)
    kiosk.extras["say_screen"] = say_screen  # the price screen's "Listen again" too


def _add_screens(kiosk: KioskApp) -> None:
    """The price screen, then every screen but the start screen (`kiosk run`: after the
    start screen's first paint, see `complete_start`)."""
    from ui.screens.prices import PricesScreen

    window, session = kiosk.window, kiosk.session
    if window.prices is not None:
        return
    prices = PricesScreen(kiosk.services.catalog, kiosk.workers)
    window.prices = prices
    prices.closed.connect(session.back)
    window.language_changed.connect(prices.set_language)
    session.subscribe(_prices_sync(prices))
    prices.set_language(session.language)
    say_screen = kiosk.extras.get("say_screen")
    if say_screen is not None and kiosk.speaker is not None:
        prices.listen_requested.connect(say_screen)
        prices.listen_button.setVisible(kiosk.speaker.enabled)
    window.build_screens()
    if kiosk.theme.density != 1.0:  # laid out for this screen like the rest of the window
        apply_density(window, kiosk.theme.density)


def _payment_sync(payment: Any) -> Callable[[Session], None]:
    """Entering the payment step starts it afresh (with the session's reference); a new
    patient never sees the last one's bill."""
    seen: dict[str, Any] = {"step": None, "generation": -1}

    def sync(session: Session) -> None:
        entered = session.step is Step.PAYMENT and seen["step"] is not Step.PAYMENT
        if entered or (session.generation != seen["generation"] and seen["generation"] != -1):
            payment.set_language(session.language)
            payment.begin(session.payment_reference if entered else "")
        seen["step"], seen["generation"] = session.step, session.generation

    return sync


def _wire_privacy_purge(kiosk: KioskApp) -> None:
    """Erases stored personal data past its retention: at start, then daily (kiosk.privacy)."""
    from kiosk.privacy import retention
    from kiosk.privacy.schedule import DailyPurge

    schedule = DailyPurge(kiosk.config.privacy.purge_hour)
    engine = kiosk.services.queue.engine

    def check() -> None:
        if not schedule.due():
            return
        schedule.ran()
        kiosk.workers.submit(
            lambda: retention.purge(engine, kiosk.config),
            lambda _: None,
            lambda e: log.error("privacy purge failed: %s", type(e).__name__),
        )

    timer = QTimer(kiosk.window)
    timer.setInterval(15 * 60 * 1000)
    timer.timeout.connect(check)
    timer.start()
    kiosk.extras["privacy_purge_timer"] = timer
    check()


def _prices_sync(prices: PricesScreen) -> Callable[[Session], None]:
    """Gives the price screen the identified patient's coverage; wipes it with the session."""
    seen = [-1]

    def sync(session: Session) -> None:
        e = session.data.eligibility
        identity = session.data.identity
        if session.generation != seen[0]:
            seen[0] = session.generation
            prices.reset()
            prices.set_patient(None, None)
        elif identity is not None and e is not None and e.verified:
            prices.set_patient(e.coverage_percent if session.insured else 0, identity.full_name)
            prices.set_rules(session.data.rules_applied)

    return sync


def _display_reset(kiosk: KioskApp) -> Callable[[Session], None]:
    """A new patient starts with the default display modes and speech volume."""
    seen = [kiosk.session.generation]

    def reset(session: Session) -> None:
        if session.generation == seen[0] or session.step is not Step.START:
            return
        seen[0] = session.generation
        start = kiosk.window.start
        for toggle in (start.large_text, start.high_contrast):
            if toggle.isChecked():
                toggle.setChecked(False)
        if kiosk.speaker is not None:
            kiosk.window.volume = kiosk.config.accessibility.speech_volume
            kiosk.speaker.set_volume(kiosk.window.volume)

    return reset


def _open_panel(kiosk: KioskApp) -> None:
    """The tester's panel at the screen's right edge, the kiosk window left of it: both whole
    on the screen (the window is narrowed if it would overlap)."""
    from ui.simpanel import SimulatorPanel, place_beside

    window = kiosk.window
    kiosk.panel = panel = SimulatorPanel(kiosk.services, kiosk.session, kiosk.workers)
    screen = window.screen() or kiosk.app.primaryScreen()
    if screen is not None:
        frame = window.frameGeometry().size() - window.size()  # title bar and borders
        available = screen.availableGeometry()
        kiosk_rect, panel_rect = place_beside(
            available, window.frameGeometry().size(), panel.sizeHint().height()
        )
        window.resize(kiosk_rect.size() - frame)
        window.move(kiosk_rect.topLeft())
        panel.setFixedWidth(panel_rect.width() - frame.width())
        panel.resize(panel.width(), panel_rect.height() - frame.height())
        panel.move(panel_rect.topLeft())
    panel.show()


def finish_start(kiosk: KioskApp, open_panel: bool) -> None:
    """`kiosk run`, once the start screen is up: the devices (threads, OpenCV, zxing), the
    rest of the services and screens (`complete_start`), then for a demo the tester's panel."""
    _attach_devices(kiosk)
    complete_start(kiosk, (lambda: _open_panel(kiosk)) if open_panel else None)
