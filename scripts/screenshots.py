"""Renders every screen of the kiosk to PNG files (for the README and for looking at them).

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py docs/screenshots
It drives the real window with the simulated devices, in a temporary data directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402

from kiosk.config import load_config  # noqa: E402
from kiosk.session import Step  # noqa: E402
from ui.app import KioskApp, build_app  # noqa: E402

SIZE = (1600, 900)


def pump(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


def wait(kiosk: KioskApp, step: Step, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while kiosk.session.step is not step:
        if time.monotonic() > end:
            raise RuntimeError(f"stuck at {kiosk.session.step}, waiting for {step}")
        pump(50)
    pump(200)


def shoot(kiosk: KioskApp, out: Path, name: str) -> None:
    pump(200)
    kiosk.window.grab().save(str(out / f"{name}.png"))
    print(f"wrote {out / name}.png")


def begin(kiosk: KioskApp, out: Path | None = None) -> None:
    """ "Bắt đầu", then "agree" on the personal-data notice, as the patient answers it."""
    kiosk.session.begin()
    wait(kiosk, Step.CONSENT)
    if out is not None:
        shoot(kiosk, out, "01b-consent")
    kiosk.window.consent.accept.click()
    wait(kiosk, Step.IDENTIFY)


def card_to_confirm(kiosk: KioskApp, person: str, citizen_id: str) -> None:
    begin(kiosk)
    kiosk.services.card_reader.insert(person)  # type: ignore[union-attr]
    wait(kiosk, Step.CARD_KEY)
    kiosk.session.submit_id(citizen_id)
    wait(kiosk, Step.CONFIRM_IDENTITY)


def journey(
    kiosk: KioskApp,
    out: Path,
    prefix: str,
    person: str,
    citizen_id: str,
    extra: Callable[[], None] | None = None,
) -> None:
    s = kiosk.session
    card_to_confirm(kiosk, person, citizen_id)
    shoot(kiosk, out, f"{prefix}04-confirm-identity")
    s.confirm_identity()
    wait(kiosk, Step.INSURANCE_RESULT)
    shoot(kiosk, out, f"{prefix}05-insurance")
    s.continue_after_insurance()
    wait(kiosk, Step.CHOOSE_CLINIC)
    shoot(kiosk, out, f"{prefix}06-clinic")
    s.choose_clinic("noi")
    wait(kiosk, Step.CHOOSE_PRIORITY)
    shoot(kiosk, out, f"{prefix}07-priority")
    s.choose_priority(s.data.priority)
    wait(kiosk, Step.CONFIRM)
    shoot(kiosk, out, f"{prefix}08-confirm")
    if extra:
        extra()
    s.confirm()
    wait(kiosk, Step.TICKET)
    shoot(kiosk, out, f"{prefix}09-ticket")
    s.finish()
    wait(kiosk, Step.START)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(None, tmp)
        kiosk = build_app(config, show_panel=True)
        kiosk.window.resize(*SIZE)
        kiosk.window.show()
        s = kiosk.session
        wait(kiosk, Step.START)
        shoot(kiosk, out, "01-start")
        begin(kiosk, out)
        kiosk.services.camera.clear()  # type: ignore[union-attr]  # the empty scene in view
        pump(500)
        shoot(kiosk, out, "02-identify")
        kiosk.services.card_reader.insert("binh-over-75")  # type: ignore[union-attr]
        wait(kiosk, Step.CARD_KEY)
        shoot(kiosk, out, "03-card-key")
        s.cancel()
        kiosk.services.card_reader.remove()  # type: ignore[union-attr]
        wait(kiosk, Step.START)
        journey(kiosk, out, "", "binh-over-75", "001148004321")
        kiosk.services.card_reader.remove()  # type: ignore[union-attr]

        # The same journey in English, registered elsewhere, with the printer out of paper.
        s.set_language("en")
        pump()
        shoot(kiosk, out, "10-start-en")
        kiosk.services.printer.set_paper_out(True)  # type: ignore[union-attr]
        journey(kiosk, out, "en-", "hoa-adult", "031195006789")
        kiosk.services.printer.set_paper_out(False)  # type: ignore[union-attr]
        kiosk.services.card_reader.remove()  # type: ignore[union-attr]

        # Idle countdown.
        begin(kiosk)
        s.countdown_started = s.clock()
        kiosk.window.refresh()
        shoot(kiosk, out, "11-idle-countdown")
        s.cancel()
        wait(kiosk, Step.START)

        # Prices: wait for the shipped price list, type on the on-screen keyboard, open a result.
        end = time.monotonic() + 60
        while sum(kiosk.services.catalog.counts().values()) == 0 and time.monotonic() < end:
            pump(200)
        s.open_prices()
        wait(kiosk, Step.PRICES)
        prices = kiosk.window.prices
        assert prices is not None
        keyboard = prices.keyboard  # type: ignore[attr-defined]
        for ch in "sieu am tim":  # typed key by key, as a patient would
            keyboard.keys["space" if ch == " " else ch].click()
            pump(60)
        pump(1500)
        shoot(kiosk, out, "12-prices")
        results = prices.results  # type: ignore[attr-defined]
        if results.count():
            prices._open_item(results.item(0))  # type: ignore[attr-defined]
            pump(500)
            shoot(kiosk, out, "12b-price-detail")
        prices.reset()  # type: ignore[attr-defined]
        s.back()
        wait(kiosk, Step.START)

        # Accessibility themes.
        kiosk.window.start.large_text.setChecked(True)
        shoot(kiosk, out, "13-large-text")
        kiosk.window.start.large_text.setChecked(False)
        kiosk.window.start.high_contrast.setChecked(True)
        shoot(kiosk, out, "14-high-contrast")
        begin(kiosk)
        shoot(kiosk, out, "15-high-contrast-identify")
        s.cancel()
        kiosk.window.start.high_contrast.setChecked(False)

        if kiosk.panel is not None:
            kiosk.panel.resize(420, 640)
            kiosk.panel.show()
            pump()
            kiosk.panel.grab().save(str(out / "16-simulator-panel.png"))
            print(f"wrote {out}/16-simulator-panel.png")
        kiosk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
