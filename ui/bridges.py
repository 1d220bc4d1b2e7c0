"""Qt bridge: device callbacks become queued signals (blocking work: ui/workers.py).

Device threads never touch widgets: they only emit signals of a QObject that lives on the GUI
thread, and Qt queues the delivery.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from hardware.cardreader.base import CardEvent, CardReader
from hardware.codereader.base import CodeReader, text_lossy

log = logging.getLogger(__name__)


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
