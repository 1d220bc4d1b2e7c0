"""Guards against a broken Qt binding: PySide6 6.12.0 on CPython 3.11 dropped a reference to
None on every void-returning call and aborted the process after a few thousand calls, which
would crash a kiosk within minutes. pyproject.toml excludes it; this test proves the installed
binding survives a long run of such calls."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(50000):
    label.setText(str(i))
    label.update()
print("survived")
"""


def test_many_void_calls_do_not_abort_the_process():
    result = subprocess.run(
        [sys.executable, "-c", CODE],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0 and "survived" in result.stdout, result.stderr[-2000:]
