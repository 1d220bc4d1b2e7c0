"""Qt bridges: device callbacks become queued signals; blocking work runs on a thread pool.

Device threads never touch widgets: they only emit signals of a QObject that lives on the GUI
thread, and Qt queues the delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from hardware.cardreader.base import CardEvent, CardReader
from hardware.codereader.base import CodeReader, text_lossy

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    delivered = Signal(object, object)


class _Task(QRunnable):
    def __init__(
        self, work: Callable[[], Any], relay: _Relay, done: Callable, failed: Callable
    ) -> None:
        super().__init__()
        self.work, self.relay, self.done, self.failed = work, relay, done, failed

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # reported to the caller's thread, never lost
            self.relay.delivered.emit(self.failed, exc)
        else:
            self.relay.delivered.emit(self.done, result)


class QtRunner(QObject):
    """The session's Runner in the app: work on a QThreadPool, callbacks on the GUI thread.

    Signals:
        idle: emitted when the last running task has delivered its result.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(4)
        self.relay = _Relay(self)
        self.relay.delivered.connect(self._deliver)
        self.active = 0

    def __call__(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        self.active += 1
        self.pool.start(_Task(work, self.relay, done, failed))

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        self.active -= 1
        try:
            callback(value)
        except Exception:
            log.exception("worker callback failed")
        if self.active == 0:
            self.idle.emit()

    def shutdown(self, timeout_ms: int = 3000) -> None:
        self.pool.waitForDone(timeout_ms)


class DeviceBridge(QObject):
    """Turns device-thread callbacks into signals delivered on the GUI thread.

    Signals:
        card_inserted, card_removed, reader_unavailable, reader_available: card reader events.
        code_received(bytes, bool): a camera or scanner decoded a code (and whether the
            scanner may have lost its non-ASCII letters).
    """

    card_inserted = Signal()
    card_removed = Signal()
    reader_unavailable = Signal()
    reader_available = Signal()
    code_received = Signal(bytes, bool)

    def attach_card_reader(self, reader: CardReader) -> None:
        reader.start(self._on_card_event)

    def attach_code_reader(self, reader: CodeReader) -> None:
        reader.start(self._on_code)

    def _on_card_event(self, event: CardEvent) -> None:  # device thread
        {
            CardEvent.INSERTED: self.card_inserted,
            CardEvent.REMOVED: self.card_removed,
            CardEvent.READER_UNAVAILABLE: self.reader_unavailable,
            CardEvent.READER_AVAILABLE: self.reader_available,
        }[event].emit()

    def _on_code(self, data: bytes) -> None:  # device thread
        # a Qt signal carries plain bytes: rebuild the scanner's word on its text afterwards
        self.code_received.emit(bytes(data), text_lossy(data))
