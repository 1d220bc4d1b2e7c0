"""The start screen painted before the kiosk is built (`kiosk run`, ui.launch).

The window a patient sees first is the real start screen (the same StartScreen, header,
theme, translations and layout as the kiosk window's, from the few values
kiosk.start_config reads without pydantic). Behind it the configuration is validated and the
kiosk window built; when that window's start screen has been painted it takes over and this
one closes. What was tapped meanwhile (a language, start, prices, a display mode) is done
then, on the real session: nothing the patient did is lost. If the configuration is
rejected, this window covers itself "out of service" (ui.widgets.out_of_service) and stays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMainWindow

from kiosk.start_config import StartConfig
from ui.screens.start import StartScreen
from ui.widgets.common import apply_density
from ui.widgets.header import clock_text, window_frame
from ui.widgets.out_of_service import OutOfService

if TYPE_CHECKING:
    from kiosk.session import Session
    from ui.mainwindow import MainWindow


class PendingStart:
    """Stands in for the session on the start screen painted before the session exists:
    it has the configuration the screen shows, and keeps the calls tapped on it."""

    def __init__(self, config: StartConfig) -> None:
        self.config = config
        self.language = config.default_language
        self.calls: list[Callable[[Session], Any]] = []

    def set_language(self, language: str) -> None:
        self.calls.append(lambda session: session.set_language(language))

    def begin(self) -> None:
        self.calls.append(lambda session: session.begin())

    def open_prices(self) -> None:
        self.calls.append(lambda session: session.open_prices())

    def open_payment(self) -> None:
        self.calls.append(lambda session: session.open_payment())

    def replay(self, session: Session) -> None:
        """Does on `session`, in order, what was tapped before it existed."""
        calls, self.calls = self.calls, []
        for call in calls:
            call(session)


class StartPreview(QMainWindow):
    """The kiosk window's start step (header and start screen; its footer is hidden there)."""

    def __init__(self, config: StartConfig, density: float = 1.0) -> None:
        super().__init__()
        self.pending = PendingStart(config)
        frame = window_frame(self)  # as in the kiosk window: the same geometry
        self.header_title, self.clock = frame.title, frame.clock
        self.start = StartScreen(self.pending)
        frame.stack.addWidget(self.start)
        self.out_of_service: OutOfService | None = None
        if density != 1.0:
            apply_density(self, density)
        self.refresh()

    def refresh(self) -> None:
        pending = self.pending
        self.start.refresh(pending)
        self.header_title.setText(pending.config.hospital.name(pending.language))
        self.clock.setText(clock_text())

    def show_out_of_service(self) -> None:
        """The configuration was rejected: the whole window says where to go instead."""
        if self.out_of_service is None:
            central = self.centralWidget()
            assert central is not None
            self.out_of_service = OutOfService(central)
            self.out_of_service.state_changed.emit("config")

    def hand_over(self, window: MainWindow, session: Session) -> None:
        """The kiosk window is up: the display modes and taps made here go to it, and this
        window closes."""
        for mine, theirs in (
            (self.start.large_text, window.start.large_text),
            (self.start.high_contrast, window.start.high_contrast),
        ):
            if mine.isChecked() and not theirs.isChecked():
                theirs.setChecked(True)
        self.pending.replay(session)
        self.close()  # deleted with the launch (ui.launch.Launch.close)
