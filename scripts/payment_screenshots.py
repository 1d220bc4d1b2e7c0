"""Renders the payment screens at every supported size (offscreen), driven by the real flow.

The screen is grabbed on its own at the size it gets inside the window (the screen size less
the 68 px header): the window as a whole cannot shrink to 1080 px wide while the price screen
asks for more (the UI engineer's size work); the journey test drives it inside the window.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/payment_screenshots.py docs/screenshots
Simulators: the demo price list, the bank simulator (signed notifications to a real receiver),
the e-invoice simulator, the simulated printer. Writes pay-<page>-<size>[-en].png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402

from kiosk.catalog.service import DEMO_CATALOG  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.payment.banksim import BankSimulator  # noqa: E402
from kiosk.payment.einvoice_sim import EInvoiceSimulator  # noqa: E402
from kiosk.payment.flow import PayStep  # noqa: E402
from kiosk.queue.model import TicketRequest  # noqa: E402
from tests.kiosk.payment.test_payment_flow import Receiver  # noqa: E402
from ui.app import build_app  # noqa: E402
from ui.screens.payment import build_payment_screen  # noqa: E402

# landscape first: the portrait layout (QR above the details) needs more height than 768
SIZES = {"landscape": (1920, 1080), "small": (1366, 768), "portrait": (1080, 1920)}


def pump(ms: int = 200) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


def until(predicate, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise RuntimeError("timed out")
        pump(50)
    pump(250)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp())
    einvoice = EInvoiceSimulator().start()
    config = load_config(None, data)
    config = config.model_copy(
        update={
            "payment": config.payment.model_copy(
                update={"enabled": True, "einvoice_url": einvoice.url}
            ),
            "catalog": config.catalog.model_copy(update={"demo_catalog": False}),
        }
    )
    kiosk = build_app(config, show_panel=False)
    kiosk.services.catalog.ensure_demo(DEMO_CATALOG)
    screen = build_payment_screen(kiosk.services, kiosk.workers)
    window = kiosk.window
    window.stack.addWidget(screen)
    window.stack.setCurrentWidget(screen)
    window.footer.hide()
    window.show()
    receiver = Receiver(screen.flow.service)
    p = config.payment
    bank = BankSimulator(receiver.url, p.webhook_secret.get_secret_value(), p.account).start()
    ticket = kiosk.services.queue.issue(TicketRequest("noi", insured=False))
    flow = screen.flow

    window.stack.removeWidget(screen)
    screen.setParent(None)
    screen.show()

    wanted = [0, 0]
    problems: list[str] = []

    def shoot(name: str) -> None:
        pump(100)
        screen.resize(*wanted)  # the size this screen gets; it grows only if it cannot fit
        pump(300)
        path = out / f"{name}.png"
        screen.grab().save(str(path))
        fits = (screen.width(), screen.height()) == tuple(wanted)
        if not fits:
            problems.append(f"{name}: needs {screen.width()}x{screen.height()}")
        print(f"wrote {path} {screen.width()}x{screen.height()}" + ("" if fits else " TOO BIG"))

    try:
        for size_name, (w, h) in SIZES.items():
            wanted[:] = [w, h - 68]
            for language in ("vi", "en"):
                suffix = f"-{size_name}" + ("-en" if language == "en" else "")
                screen.set_language(language)
                screen.begin()
                screen.code_field.setText(ticket.number)
                shoot(f"pay-entry{suffix}")
                screen.begin(ticket.number)
                until(lambda: flow.step is PayStep.FEES)
                shoot(f"pay-fees{suffix}")
                flow.pay()
                until(lambda: flow.step is PayStep.PAYING)
                shoot(f"pay-qr{suffix}")
                bank.pay(flow.bill.bill_number, 20000)  # partial
                until(lambda: flow.bill is not None and flow.bill.amount_paid == 20000)
                shoot(f"pay-qr-partial{suffix}")
                bank.pay(flow.bill.bill_number, flow.bill.outstanding)
                until(lambda: flow.print_result is not None)
                shoot(f"pay-invoice{suffix}")
                screen.begin(ticket.number)
                until(lambda: flow.step is PayStep.FEES)
                flow.pay()
                until(lambda: flow.step is PayStep.PAYING)
                flow.deadline = flow.clock()  # the countdown ends now
                until(lambda: flow.step is PayStep.TIMED_OUT)
                shoot(f"pay-timeout{suffix}")
    finally:
        for problem in problems:
            print(f"does not fit: {problem}")
        bank.stop()
        receiver.close()
        kiosk.close()
        einvoice.stop()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
