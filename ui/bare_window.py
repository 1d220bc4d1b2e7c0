"""The reference for `kiosk bench startup`: a bare PySide6 window, started the same way.

`python -m ui.bare_window REPORT` opens a QWidget with one label, and when it is first
painted writes {"first_paint_s": ...} (measured from $KIOSK_BENCH_T0, set by the bench just
before it started this process) to REPORT and quits. Imports nothing of the kiosk: the
difference to `kiosk run` is what the kiosk itself costs, and the ratio means something on
another machine.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget


class _Painted(QObject):
    def __init__(self, path: Path, t0: float) -> None:
        super().__init__()
        self.path, self.t0, self.done = path, t0, False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            elapsed = time.time() - self.t0
            self.path.write_text(json.dumps({"first_paint_s": elapsed}))
            QTimer.singleShot(0, QApplication.quit)
        return False


def main(argv: list[str]) -> int:
    t0 = float(os.environ.get("KIOSK_BENCH_T0", time.time()))
    app = QApplication(argv[:1])
    window = QWidget()
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("Xin chào"))
    painted = _Painted(Path(argv[1]), t0)
    window.installEventFilter(painted)
    window.resize(1600, 900)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
