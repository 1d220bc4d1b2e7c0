"""Renders every screen of the kiosk at kiosk screen sizes and checks that each one fits.

`kiosk screens --size WxH ...` calls `render_all`; the tests and `make screenshots` call
`render_many`, which shares one window across sizes (the window is re-fitted with
`KioskApp.fit_screen`, so one start-up and one price-list import serve every size). The real
window, built with the simulated devices in a temporary data folder, is stepped through the
journey the way the GUI tests drive it, then through the screens a journey does not reach by
itself (busy, idle countdown, out of service, prices, payment, admin); each screen is saved as
a PNG of exactly WxH and checked by `ui.fitcheck.check_fit`.

Pages that need an outside party (the bank's confirmation, the e-invoice) are shown by giving
the payment flow that state directly: this module renders screens, it does not test flows
(tests/ui/test_payment_screen.py does, with the simulators).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEventLoop

from kiosk.config import KioskConfig
from kiosk.session import Step
from ui.fitcheck import Finding, _name, as_dicts, check_fit

if TYPE_CHECKING:
    from ui.app import KioskApp

__all__ = [
    "SUPPORTED",
    "Finding",
    "Options",
    "as_dicts",
    "check_fit",
    "render_all",
    "render_many",
    "render_on",
    "screens_kiosk",
]

# The kiosk screen sizes every screen must fit (issue 12 §2); 3840x2160 at density 2.
SUPPORTED = ((1080, 1920), (1920, 1080), (1366, 768), (1280, 1024), (1280, 800), (3840, 2160))


def pump(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.01)


def settle() -> None:
    """Lets posted layout requests, polishes and deferred deletes run (nested layouts take a
    few rounds); timers and worker answers need `pump` or a condition to wait for."""
    for _ in range(6):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def pump_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        pump(20)
    settle()


@dataclass(frozen=True)
class Options:
    width: int
    height: int
    large_text: bool = False
    high_contrast: bool = False
    language: str = "vi"

    @property
    def name(self) -> str:
        parts = [f"{self.width}x{self.height}"]
        parts += ["large"] if self.large_text else []
        parts += ["contrast"] if self.high_contrast else []
        parts += [self.language] if self.language != "vi" else []
        return "-".join(parts)


class _Driver:
    def __init__(self, kiosk: KioskApp, shoot: Callable[[str], None]) -> None:
        self.kiosk, self.shoot = kiosk, shoot
        self.s = kiosk.session
        devices: Any = kiosk.services  # the simulated devices' test controls
        self.reader, self.printer, self.camera = (
            devices.card_reader,
            devices.printer,
            devices.camera,
        )
        self.last_ticket = ""

    def wait(self, step: Step, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while self.s.step is not step:
            if time.monotonic() > end:
                raise RuntimeError(f"stuck at {self.s.step}, waiting for {step}")
            pump(20)
        settle()

    def begin(self) -> None:
        self.s.begin()
        self.wait(Step.CONSENT)
        self.kiosk.window.consent.accept.click()
        self.wait(Step.IDENTIFY)

    def card_to_confirm(self, person: str, citizen_id: str) -> None:
        self.begin()
        self.reader.insert(person)
        self.wait(Step.CARD_KEY)
        self.s.submit_id(citizen_id)
        self.wait(Step.CONFIRM_IDENTITY)

    def journey(self) -> None:
        s, shoot, wait = self.s, self.shoot, self.wait
        wait(Step.START)
        shoot("01-start")
        s.begin()
        wait(Step.CONSENT)
        shoot("01b-consent")
        self.kiosk.window.consent.accept.click()
        wait(Step.IDENTIFY)
        if self.camera is not None:
            self.camera.clear()
        pump(300)
        shoot("02-identify")
        s.submit_id("999999999999")  # 12 digits that cannot be an ID: the keypad stays whole
        pump_until(lambda: s.data.message is not None, 3)
        shoot("02b-identify-id-error")
        self.reader.insert("an-adult")
        wait(Step.CARD_KEY)
        shoot("03-card-key")
        s.submit_id("001090999999")  # a valid ID, but not this card's: an error message
        pump_until(lambda: s.data.message is not None)
        shoot("03b-card-key-error")
        s.submit_id("001090123456")
        wait(Step.CONFIRM_IDENTITY)
        shoot("04-confirm-identity")
        s.confirm_identity()
        wait(Step.INSURANCE_RESULT)
        shoot("05-insurance")
        s.continue_after_insurance()
        wait(Step.APPOINTMENT)  # the HIS simulator has a booking for this patient
        shoot("05c-appointment")
        s.decline_appointment()
        wait(Step.CHOOSE_CLINIC)
        shoot("06-clinic")
        s.choose_clinic("noi")
        wait(Step.CHOOSE_PRIORITY)
        shoot("07-priority")
        s.choose_priority(s.data.priority)
        wait(Step.CONFIRM)
        shoot("08-confirm")
        s.confirm()
        wait(Step.TICKET)
        shoot("09-ticket")
        s.finish()
        self.reader.remove()
        wait(Step.START)

        # over 75 (a proposed priority), registered elsewhere, the printer out of paper
        self.printer.set_paper_out(True)
        self.card_to_confirm("binh-over-75", "001148004321")
        s.confirm_identity()
        wait(Step.INSURANCE_RESULT)
        shoot("05b-insurance-elsewhere")
        s.continue_after_insurance()
        wait(Step.CHOOSE_CLINIC)  # no booking: "no appointment found" above the clinics
        shoot("06b-clinic-no-appointment")
        s.choose_clinic("noi")
        wait(Step.CHOOSE_PRIORITY)
        shoot("07b-priority-proposed")
        s.choose_priority(s.data.priority)
        wait(Step.CONFIRM)
        shoot("08b-confirm-priority")
        s.confirm()
        wait(Step.TICKET)
        ticket = s.data.ticket
        self.last_ticket = ticket.number if ticket is not None else ""
        shoot("10-ticket-not-printed")
        s.finish()
        self.printer.set_paper_out(False)
        self.reader.remove()
        wait(Step.START)

    def busy_and_idle(self) -> None:
        window = self.kiosk.window
        for step, name in (
            (Step.READING_CARD, "reading-card"),
            (Step.CHECKING_INSURANCE, "checking-insurance"),
            (Step.ISSUING, "issuing"),
        ):
            window.stack.setCurrentWidget(window.busy)
            window.busy.refresh(SimpleNamespace(step=step))  # type: ignore[arg-type]
            self.shoot(f"11-busy-{name}")
        window.refresh()
        self.s.begin()
        self.wait(Step.CONSENT)
        self.s.countdown_started = self.s.clock()
        window.refresh()
        self.shoot("11-idle-countdown")
        self.s.cancel()
        self.wait(Step.START)
        cover = getattr(window, "out_of_service", None)
        if cover is not None:
            cover._apply("down")
            self.shoot("11-out-of-service")
            cover._apply("up")

    def prices(self) -> None:
        s, kiosk = self.s, self.kiosk
        pump_until(lambda: sum(kiosk.services.catalog.counts().values()) > 0, 60)
        s.open_prices()
        self.wait(Step.PRICES)
        prices: Any = kiosk.window.prices
        if prices is None:
            return
        settle()
        self.shoot("12a-prices-empty")
        for ch in "sieu am":
            prices.keyboard.keys["space" if ch == " " else ch].click()
        pump_until(lambda: prices.results.count() > 0 and not prices._running, 10)
        self.shoot("12-prices")
        if prices.results.count():
            prices._open_item(prices.results.item(0))
            self.shoot("13-price-detail")
        prices.keyboard.keys["layer"].click()
        self.shoot("13b-prices-vowels")
        prices.reset()
        s.back()
        self.wait(Step.START)

    def payment(self) -> None:
        from kiosk.payment.fees import EstimateFees, ticket_services
        from kiosk.payment.flow import PayStep

        window = self.kiosk.window
        screen: Any = window.payment
        if screen is None:
            return
        s, shoot = self.s, self.shoot
        s.open_payment()
        self.wait(Step.PAYMENT)
        shoot("14-pay-entry")
        flow = screen.flow
        # the screens tool's HIS simulator has no fees for this visit: the catalog's estimate,
        # as a kiosk without a HIS shows it (fees from a HIS are laid out the same way)
        services = self.kiosk.services
        flow.fees = EstimateFees(services.catalog, ticket_services(services.queue))
        flow.start(self.last_ticket)
        pump_until(lambda: flow.step is not PayStep.FEES_LOADING)
        shoot("14b-pay-fees")
        flow.pay()
        pump_until(lambda: flow.step is not PayStep.OPENING)
        shoot("14c-pay-qr")
        bill = flow.bill
        if bill is not None:
            screen.timer.stop()
            flow.bill = replace(bill, amount_paid=bill.amount_due // 2)
            flow._changed()
            shoot("14d-pay-partial")
            flow.bill = replace(bill, amount_paid=bill.amount_due)
            flow._set(PayStep.PAID)
            shoot("14e-paid")
            flow.invoice = SimpleNamespace(
                title="HÓA ĐƠN GIÁ TRỊ GIA TĂNG",
                series="1C26TAA",
                number="00001234",
                amount=bill.amount_due,
                lookup_code="KIOSK-4F7Q-2M9X",
                lookup_url="https://hoadon.example.vn/tra-cuu?ma=KIOSK-4F7Q-2M9X",
            )
            flow.printing = False
            flow.print_result = SimpleNamespace(
                ok=False,
                message=lambda language: (
                    "Máy in hết giấy. Vui lòng nhận hóa đơn tại quầy thu ngân."
                    if language == "vi"
                    else "The printer is out of paper. Please get the invoice at the cashier."
                ),
            )
            flow._set(PayStep.INVOICE)
            shoot("14f-pay-invoice")
            flow._set(PayStep.TIMED_OUT)
            shoot("14g-pay-timed-out")
        flow.reset()
        s.back()
        self.wait(Step.START)

    def admin(self) -> None:
        window = self.kiosk.window
        gesture = self.kiosk.extras.get("gesture")
        if gesture is None:
            return
        gesture.triggered.emit()
        settle()
        admin: Any = window.admin_screen
        if admin is None:
            return
        self.shoot("15-admin-pin")
        admin._unlocked()  # the PIN check itself is tested in tests/ui/test_admin.py
        pool = admin.workers.pool("admin")
        for view in admin.VIEWS:
            admin.show_view(view)
            pump(50)
            pump_until(lambda: pool.activeThreadCount() == 0, 10)
            pump(50)  # the answers' slots run
            self.shoot(f"16-admin-{view}")
        admin.close_admin()
        settle()


def _drive(kiosk: KioskApp, shoot: Callable[[str], None]) -> None:
    driver = _Driver(kiosk, shoot)
    driver.journey()
    driver.busy_and_idle()
    driver.prices()
    driver.payment()
    driver.admin()


@contextmanager
def screens_kiosk(config: KioskConfig, size: tuple[int, int]) -> Iterator[KioskApp]:
    """The kiosk `render_on` drives: the real window with the simulated devices, payment on,
    speech off, its data in a temporary folder (never the configured one), shown at `size`."""
    from datetime import datetime

    from kiosk.his.config import HisConfig
    from kiosk.his.simulator import VN, HisSimulator
    from ui.app import build_app

    # a local HIS simulator with one booking, so the appointment screen is rendered too
    his = HisSimulator(secret="screens")
    his.add_appointment("LH00000001", datetime.now(VN), "noi", "Khám Nội", "001090123456")
    his.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            payment = config.payment.model_copy(update={"enabled": True})
            config = config.model_copy(update={"data_dir": tmp, "payment": payment}, deep=True)
            config.accessibility.speech = False
            config.his = HisConfig(backend="rest", url=his.url, secret="screens")
            kiosk = build_app(config, show_panel=False, size=size)
            try:
                kiosk.window.show()
                pump(300)
                yield kiosk
            finally:
                kiosk.close()
    finally:
        his.stop()


def render_on(
    kiosk: KioskApp, options: Options, out: Path | None = None
) -> tuple[list[Finding], list[Path]]:
    """Re-fits `kiosk` (from `screens_kiosk`) to `options` and renders every screen; PNGs go
    to `out` when given. Returns the findings and the PNGs."""
    return _render(kiosk, options, out or Path(tempfile.gettempdir()), save=out is not None)


def render_many(
    config: KioskConfig, sizes: list[Options], out: Path | None
) -> dict[Options, tuple[list[Finding], list[Path]]]:
    """Renders every screen at each of `sizes` in one window; PNGs go to `out`/<name>/ (or
    `out` itself for a single size). Returns the findings and the PNGs per size."""
    results: dict[Options, tuple[list[Finding], list[Path]]] = {}
    if not sizes:
        return results
    with screens_kiosk(config, (sizes[0].width, sizes[0].height)) as kiosk:
        for options in sizes:
            target = out
            if out is not None and len(sizes) > 1:
                target = out / options.name
            results[options] = render_on(kiosk, options, target)
    return results


def _render(
    kiosk: KioskApp, options: Options, target: Path, save: bool
) -> tuple[list[Finding], list[Path]]:
    window = kiosk.window
    kiosk.fit_screen(options.width, options.height)
    theme = kiosk.theme.with_large_text(options.large_text).with_high_contrast(
        options.high_contrast
    )
    if theme != kiosk.theme:
        kiosk.set_theme(theme)
    kiosk.session.set_language(options.language)
    settle()
    target.mkdir(parents=True, exist_ok=True)
    findings: list[Finding] = []
    written: list[Path] = []

    def shoot(name: str) -> None:
        settle()
        # without PNGs the window's own size is what a grab would measure
        image = window.grab().toImage() if save else None
        size = (
            (image.width(), image.height())
            if image is not None
            else (window.width(), window.height())
        )
        if size != (options.width, options.height):
            findings.append(
                Finding(name, "size", _name(window), "", f"window is {size[0]}x{size[1]}")
            )
        if image is not None:
            path = target / f"{name}.png"
            image.save(str(path))
            written.append(path)
        findings.extend(check_fit(window, name))

    _drive(kiosk, shoot)
    return findings, written


def render_all(
    config: KioskConfig, options: Options, out: Path | None
) -> tuple[list[Finding], list[Path]]:
    """Renders every screen at the size in `options`; returns the findings and the PNGs."""
    return render_many(config, [options], out)[options]
