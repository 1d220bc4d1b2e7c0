"""The interface language: Qt's translator (assets/translations) and the default locale."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

TRANSLATIONS = Path(__file__).resolve().parent.parent / "assets" / "translations"


def use_language(app: QApplication, translator: QTranslator, language: str) -> None:
    """Makes `translator` translate into `language` (English is the source: none)."""
    app.removeTranslator(translator)
    if language != "en" and translator.load(str(TRANSLATIONS / f"kiosk_{language}.qm")):
        app.installTranslator(translator)
    QLocale.setDefault(
        QLocale(QLocale.Language.Vietnamese if language == "vi" else QLocale.Language.English)
    )
