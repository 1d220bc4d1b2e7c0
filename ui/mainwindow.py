"""The kiosk window: header, one screen per session step, footer, idle countdown overlay."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from kiosk.session import BUSY_STEPS, Session, Step
from ui.screens.appointment import AppointmentScreen
from ui.screens.consent import ConsentScreen
from ui.screens.identify import BusyScreen, IdentifyScreen
from ui.screens.patient import ConfirmIdentityScreen, InsuranceScreen
from ui.screens.start import StartScreen
from ui.screens.visit import ClinicScreen, ConfirmScreen, PriorityScreen, TicketScreen
from ui.widgets.common import apply_density, button, label, sized
from ui.widgets.header import clock_text, window_frame

log = logging.getLogger(__name__)


def join_sentences(parts: list[str]) -> str:
    """Texts said one after the other, each ending as a sentence (the voice pauses there)."""
    return " ".join(p if p[-1] in ".?!:…" else p + "." for p in parts if p)


class IdleOverlay(QFrame):
    """The visible countdown with a big "I need more time" button (WCAG 2.2.1)."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("idle_overlay")
        # opaque: during the countdown nobody passing by can read the patient's data behind it
        self.setStyleSheet("#idle_overlay { background: rgb(24, 24, 24); }")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        panel = QFrame()
        panel.setProperty("role", "card")
        sized(panel, max_width=1000)
        box = QVBoxLayout(panel)
        box.setContentsMargins(48, 40, 48, 40)
        box.setSpacing(24)
        self.title = label("", "title", name="idle_title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "subtitle", name="idle_countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.more = button("", "primary", name="idle_more_time")
        self.more.clicked.connect(session.more_time)
        self.leave = button("", "secondary", name="idle_leave")
        self.leave.clicked.connect(session.cancel)
        box.addWidget(self.title)
        box.addWidget(self.countdown)
        box.addWidget(self.more)
        box.addWidget(self.leave)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.hide()

    def refresh(self, session: Session) -> None:
        left = session.idle_seconds_left()
        if left is None:
            self.hide()
            return
        self.title.setText(self.tr("Are you still there?"))
        self.countdown.setText(
            self.tr("For your privacy, we will return to the start in {s} seconds.").format(
                s=int(left + 0.999)
            )
        )
        self.more.setText(self.tr("I need more time"))
        self.more.setEnabled(session.can_extend())
        self.leave.setText(self.tr("I am finished"))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()


class _ActivityFilter(QObject):
    """Any touch, click or key press anywhere counts as activity."""

    def __init__(self, session: Session, parent: QObject) -> None:
        super().__init__(parent)
        self.session = session

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        activity = event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
            QEvent.Type.KeyPress,
        )
        # While the countdown shows, only its own buttons answer (the overlay covers all).
        if activity:
            self.tapped()
            if self.session.countdown_started is None:
                self.session.touch()
        return False

    def tapped(self) -> None:
        """Any press (the window connects speech to it: a tap interrupts the voice)."""


class MainWindow(QMainWindow):
    """Signals:
    language_changed(str): the session language changed (the app swaps translators).
    step_shown(str): a screen was shown (speech guidance hooks here).
    announce(str): something new appeared on the screen shown (an error, the idle countdown):
        speech says it at once.
    tapped(): the patient touched the screen (speech stops: a tap interrupts it).
    """

    language_changed = Signal(str)
    step_shown = Signal(str)
    announce = Signal(str)
    tapped = Signal()

    def __init__(
        self,
        session: Session,
        camera_view: QWidget | None = None,
        prices_screen: QWidget | None = None,
        parent: QWidget | None = None,
        payment_screen: QWidget | None = None,
        screens_later: bool = False,
    ) -> None:
        """`screens_later`: only the start screen now, the others when `build_screens()` is
        called (`kiosk run`: after the start screen's first paint)."""
        super().__init__(parent)
        self.session = session
        frame = window_frame(self)
        layout = frame.layout
        self.header, self.header_title, self.clock = frame.header, frame.title, frame.clock
        self.stack = frame.stack
        self.start = StartScreen(session)
        self.screens: dict[Step, QWidget] = {Step.START: self.start}
        self.stack.addWidget(self.start)
        self._camera_view = camera_view
        self.prices = prices_screen
        self.payment = payment_screen

        footer = QFrame()
        footer.setProperty("role", "footer")
        footer_row = QHBoxLayout(footer)
        footer_row.setContentsMargins(24, 8, 24, 8)
        footer_row.setSpacing(20)
        self.back_button = button("", "secondary", name="back_button")
        self.back_button.clicked.connect(session.back)
        self.prices_button = button("", "secondary", name="footer_prices")
        self.prices_button.clicked.connect(session.open_prices)
        self.cancel_button = button("", "secondary", name="cancel_button")
        self.cancel_button.clicked.connect(session.cancel)
        self.repeat_button = button("", "secondary", name="repeat_button")
        self.volume_button = button("", "secondary", name="volume_button")
        self.extra_footer = QHBoxLayout()
        footer_row.addWidget(self.back_button)
        footer_row.addWidget(self.repeat_button)
        footer_row.addWidget(self.volume_button)
        footer_row.addStretch(1)
        footer_row.addLayout(self.extra_footer)
        footer_row.addWidget(self.prices_button)
        footer_row.addWidget(self.cancel_button)
        self.footer = footer
        layout.addWidget(footer)

        self.overlay = IdleOverlay(session, frame.central)
        # Theme changes restyle what is on screen at once and each other page when it is next
        # shown (ui.theme.apply_theme restyles every widget of every page: about 1 s).
        self._css: str | None = None
        self._styled: set[int] = set()
        self.themed: list[QWidget] = [self.header, footer, self.overlay]  # always restyled at once
        self.stack.currentChanged.connect(lambda _: self._style_page(self.stack.currentWidget()))
        self.activity_filter = _ActivityFilter(session, self)
        self.activity_filter.tapped = self.tapped.emit  # type: ignore[method-assign]
        self._said_message = ""
        self._countdown_shown = False
        app = QApplication.instance()
        assert app is not None, "the window needs a QApplication"
        app.installEventFilter(self.activity_filter)

        self._language = session.language
        self._last_step: Step | None = None
        self.admin_screen: QWidget | None = None
        self._admin_active = False
        self._generation = session.generation
        self.volume = session.config.accessibility.speech_volume
        session.subscribe(self._on_session)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(1000)
        self.idle_timer.timeout.connect(self._tick)
        self.idle_timer.start()
        if not screens_later:
            self.build_screens()
        self._on_session(session)

    def build_screens(self) -> None:
        """Every screen but the start screen (built in `__init__`); once."""
        if Step.CONSENT in self.screens:
            return
        session, camera_view = self.session, self._camera_view
        prices_screen, payment_screen = self.prices, self.payment
        self.consent = ConsentScreen(session)
        self.identify = IdentifyScreen(session, camera_view)
        self.busy = BusyScreen()
        self.confirm_identity = ConfirmIdentityScreen(session)
        self.insurance = InsuranceScreen(session)
        self.appointment = AppointmentScreen(session)
        self.clinic = ClinicScreen(session)
        self.priority = PriorityScreen(session)
        self.confirm = ConfirmScreen(session)
        self.ticket = TicketScreen(session)
        self.screens.update(
            {
                Step.CONSENT: self.consent,
                Step.IDENTIFY: self.identify,
                Step.CARD_KEY: self.identify,
                Step.READING_CARD: self.busy,
                Step.CHECKING_INSURANCE: self.busy,
                Step.ISSUING: self.busy,
                Step.CONFIRM_IDENTITY: self.confirm_identity,
                Step.INSURANCE_RESULT: self.insurance,
                Step.CHECKING_APPOINTMENT: self.busy,
                Step.APPOINTMENT: self.appointment,
                Step.CHOOSE_CLINIC: self.clinic,
                Step.CHOOSE_PRIORITY: self.priority,
                Step.CONFIRM: self.confirm,
                Step.TICKET: self.ticket,
            }
        )
        if prices_screen is not None:
            self.screens[Step.PRICES] = prices_screen
        if payment_screen is not None:
            self.screens[Step.PAYMENT] = payment_screen
        for screen in dict.fromkeys(self.screens.values()):
            if screen is not self.start:
                self.stack.addWidget(screen)
        if session.step is not Step.START:
            self.refresh()

    @Slot()
    def _tick(self) -> None:
        self.clock.setText(clock_text())
        self.session.tick()

    def _on_session(self, session: Session) -> None:
        if session.language != self._language:
            self._language = session.language
            self.language_changed.emit(session.language)
        if session.generation != self._generation:
            # A new patient (or none): every screen drops what it showed of the last one.
            self._generation = session.generation
            for screen in dict.fromkeys(self.screens.values()):
                refresh = getattr(screen, "refresh", None)
                if refresh is not None and screen not in (self.prices, self.payment):
                    refresh(session)
        self.refresh()

    # -- admin mode (entered by the hidden gesture, only between patients) -------------------

    def set_admin_screen(self, screen: QWidget) -> None:
        from ui.theme import current_theme

        self.admin_screen = screen
        self.stack.addWidget(screen)
        apply_density(screen, current_theme().density)  # built later than the rest

    @Slot()
    def show_admin(self) -> None:
        if self.admin_screen is None or self._admin_active:
            return
        self.session.wipe()  # never show a patient's data behind admin mode
        self._admin_active = True
        self.refresh()

    @property
    def admin_active(self) -> bool:
        """Admin mode is on screen (device events then wait): changed by show/hide_admin."""
        return self._admin_active

    @Slot()
    def hide_admin(self) -> None:
        self._admin_active = False
        self.session.wipe()
        self.refresh()

    def apply_style(self, css: str) -> None:
        """A new theme's style sheet: on the header, footer, overlay and the page shown now;
        on the other pages when they are shown (before they are painted)."""
        self._css = css
        self._styled = set()
        for widget in self.themed:
            widget.setStyleSheet(css)
        self._style_page(self.stack.currentWidget())

    def _style_page(self, page: QWidget | None) -> None:
        if self._css is None or page is None or id(page) in self._styled:
            return
        self._styled.add(id(page))
        page.setStyleSheet(self._css)

    def refresh(self) -> None:
        session = self.session
        if self._admin_active and self.admin_screen is not None:
            self._style_page(self.admin_screen)  # the theme (and density) of now, like a page
            self.stack.setCurrentWidget(self.admin_screen)
            self.footer.setVisible(False)
            self.overlay.hide()
            return
        screen = self.screens.get(session.step, self.start)
        if self.stack.currentWidget() is not screen:
            self._style_page(screen)
            self.stack.setCurrentWidget(screen)
        refresh = getattr(screen, "refresh", None)
        if refresh is not None and screen is not self.payment:  # it follows its own flow
            refresh(session)
        self.header_title.setText(session.config.hospital.name(session.language))
        self.clock.setText(clock_text())
        step = session.step
        self.footer.setVisible(step not in (Step.START, Step.PRICES, Step.PAYMENT))
        self.back_button.setVisible(
            step not in BUSY_STEPS and step not in (Step.TICKET, Step.INSURANCE_RESULT)
        )
        self.back_button.setText(self.tr("Back"))
        self.cancel_button.setText(self.tr("Start over"))
        # Not while the number is being issued: it would be taken and nobody would hold it.
        self.cancel_button.setVisible(step not in (Step.TICKET, Step.ISSUING))
        self.prices_button.setText(self.tr("Prices"))
        self.repeat_button.setText(self.tr("Listen again"))
        self.volume_button.setText(self.tr("Volume {v} %").format(v=self.volume))
        self.prices_button.setVisible(step not in BUSY_STEPS and step is not Step.TICKET)
        self.overlay.refresh(session)
        message = getattr(screen, "message", None)
        shown = (
            message.text()
            if message is not None and hasattr(message, "text") and not message.isHidden()
            else ""
        )
        countdown = self.overlay.isVisible()
        if step != self._last_step:
            self._last_step = step
            self._said_message = shown  # the whole screen is said, its message with it
            self.step_shown.emit(step.value)
        elif countdown and not self._countdown_shown:
            self.announce.emit(self.spoken_text())
        elif shown and shown != self._said_message:
            self._said_message = shown
            self.announce.emit(shown)  # an error that appeared on this screen
        elif not shown:
            self._said_message = ""
        self._countdown_shown = countdown

    def spoken_text(self) -> str:
        """What speech guidance says for the current screen: every text and choice on it, in
        reading order (ui.spoken), or the idle countdown while it shows."""
        from ui.spoken import utterance

        if self.overlay.isVisible():
            parts = utterance(self.overlay)
        else:
            screen = self.stack.currentWidget()
            parts = utterance(screen) if screen is not None else []
        return join_sentences(parts)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        central = self.centralWidget()
        if central is not None:
            self.overlay.setGeometry(central.rect())
