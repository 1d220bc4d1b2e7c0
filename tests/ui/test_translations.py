"""Every UI string has a Vietnamese translation, and the app really loads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[2]


def test_every_ui_string_is_translated():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_compiled_translation_loads(qapp):
    translator = QTranslator()
    assert translator.load(str(ROOT / "assets" / "translations" / "kiosk_vi.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert (
            QCoreApplication.translate("StartScreen", "Touch here to start")
            == "Chạm vào đây để bắt đầu"
        )
    finally:
        QCoreApplication.removeTranslator(translator)
