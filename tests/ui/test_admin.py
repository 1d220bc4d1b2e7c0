"""Admin mode in the real widgets: PIN entry, lockout, device status with a failing printer,
test print, test card read, catalog import, log view, restart/leave, and the corner gesture."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.admin.pin import PinGuard, hash_pin
from kiosk.config import KioskConfig
from kiosk.logging_setup import recent_lines, setup_logging, teardown_logging
from ui.screens.admin import AdminScreen, CheckRow
from ui.widgets.gesture import CornerTapDetector

pytestmark = pytest.mark.gui

PIN = "246810"
SHOTS = Path("/tmp")


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def services(demo_config: KioskConfig) -> Iterator[object]:
    from kiosk.admin.doctor import start_devices
    from kiosk.bootstrap import build_services

    services = build_services(demo_config)
    start_devices(services, settle_s=1.0)  # as the running kiosk has them
    yield services
    services.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def screen(
    qtbot: QtBot, services: object, demo_config: KioskConfig, clock: Clock
) -> Iterator[AdminScreen]:
    from ui.theme import Theme, apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, Theme())
    guard = PinGuard(
        hash_pin(PIN, n=1024),
        max_attempts=3,
        lockout_s=120,
        state_path=demo_config.data_path / "admin-lockout.json",
        clock=clock,
    )
    setup_logging(demo_config.data_path / "logs", console=False, faults=False)
    demo_log = logging.getLogger("kiosk.demo")
    demo_log.info("card read", extra={"citizen_id": "001090123456", "ms": 812})
    demo_log.info("insurance check for card %s: answered in %d ms", "DN4010123456789", 420)
    demo_log.info("ticket issued", extra={"line": "noi", "number": "N012"})
    demo_log.warning("print failed: paper out (ticket N013 shown on screen)")
    widget = AdminScreen(services, guard, lambda: recent_lines(200))
    qtbot.addWidget(widget)
    widget.resize(1920, 1080)
    widget.show()
    yield widget
    widget.workers.wait()
    teardown_logging()


def _enter(qtbot: QtBot, screen: AdminScreen, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(screen.pin.pad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.pin.pad.keys["ok"], Qt.MouseButton.LeftButton)


def _shot(widget: QWidget, name: str) -> None:
    widget.grab().save(str(SHOTS / name))


def test_wrong_pins_lock_out_and_the_right_pin_opens(
    qtbot: QtBot, screen: AdminScreen, clock: Clock
) -> None:
    assert not screen.unlocked()
    assert "Enter the admin PIN" in screen.pin.status.text()
    _enter(qtbot, screen, "1111")
    qtbot.waitUntil(lambda: "2 attempt(s) left" in screen.pin.status.text())
    assert screen.pin.pad.display.text() == "—"  # cleared, and digits were never shown
    _enter(qtbot, screen, "2222")
    qtbot.waitUntil(lambda: "1 attempt(s) left" in screen.pin.status.text())
    _enter(qtbot, screen, "3333")
    qtbot.waitUntil(lambda: "Too many wrong PINs" in screen.pin.status.text())
    assert "2:00" in screen.pin.status.text()
    assert not screen.pin.pad.keys["5"].isEnabled()
    _shot(screen, "admin-lockout.png")
    # Even the right PIN is refused while locked (typing is disabled; a direct submit too).
    screen.pin.submit(PIN)
    qtbot.waitUntil(lambda: not screen.pin.checking)
    assert not screen.unlocked()
    clock.t += 121
    screen.pin.refresh_lock()
    assert screen.pin.pad.keys["5"].isEnabled()
    _enter(qtbot, screen, PIN)
    qtbot.waitUntil(screen.unlocked)


def test_pin_screenshot(qtbot: QtBot, screen: AdminScreen) -> None:
    for digit in "2468":
        qtbot.mouseClick(screen.pin.pad.keys[digit], Qt.MouseButton.LeftButton)
    assert screen.pin.pad.display.text() == "● ● ● ●"
    _shot(screen, "admin-pin.png")


def _open(qtbot: QtBot, screen: AdminScreen) -> None:
    _enter(qtbot, screen, PIN)
    qtbot.waitUntil(screen.unlocked)
    qtbot.waitUntil(lambda: bool(screen.status.results), timeout=15000)


def test_device_status_shows_a_failing_printer(
    qtbot: QtBot, screen: AdminScreen, services: object
) -> None:
    services.catalog.ensure_demo()  # type: ignore[attr-defined]  # as after the first start
    _open(qtbot, screen)
    services.printer.set_paper_out(True)  # type: ignore[attr-defined]
    screen.status.results = []
    qtbot.mouseClick(screen.status.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(screen.status.results), timeout=15000)
    rows = {row.result.name: row for row in screen.status.rows.findChildren(CheckRow)}
    printer = rows["printer"]
    assert not printer.result.ok
    assert printer.badge.text() == "FAIL"
    assert "paper" in printer.summary.text().lower()
    fix = screen.findChild(QWidget, "fix_printer")
    assert fix is not None and "paper" in fix.text().lower()  # type: ignore[attr-defined]
    assert rows["database"].badge.text() == "OK"
    assert screen.status.summary.text() == "1 check(s) failed: printer."
    first = screen.status.rows_layout.itemAt(0).widget()
    assert isinstance(first, CheckRow) and first.result.name == "printer"  # failures first
    _shot(screen, "admin-status.png")


def test_test_print_reports_paper_out_then_prints(
    qtbot: QtBot, screen: AdminScreen, services: object
) -> None:
    _open(qtbot, screen)
    qtbot.mouseClick(screen.nav["print"], Qt.MouseButton.LeftButton)
    services.printer.set_paper_out(True)  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.printing.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "failed" in screen.printing.result.text(), timeout=15000)
    services.printer.set_paper_out(False)  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.printing.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.printing.result.text().startswith("Printed"), timeout=15000)
    printed = list((screen.services.config.data_path / "printed").glob("*.png"))  # type: ignore[attr-defined]
    assert printed
    _shot(screen, "admin-print.png")


def test_card_read_shows_the_authenticity_level(
    qtbot: QtBot, screen: AdminScreen, services: object
) -> None:
    reader = services.card_reader  # type: ignore[attr-defined]
    person = next(iter(reader.people))
    citizen_id = reader.people[person]["id"]
    reader.insert(person)
    _open(qtbot, screen)
    qtbot.mouseClick(screen.nav["card"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "card present" in screen.card.state.text())
    for digit in citizen_id:
        qtbot.mouseClick(screen.card.pad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.card.pad.keys["ok"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Authenticity" in screen.card.result.text(), timeout=15000)
    text = screen.card.result.text()
    assert citizen_id not in text and citizen_id[:4] in text  # masked
    assert any(level in text for level in ("read", "consistent", "trusted"))
    _shot(screen, "admin-card.png")
    # A wrong CAN is reported, not raised.
    for digit in "000000":
        qtbot.mouseClick(screen.card.pad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.card.pad.keys["ok"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Read failed" in screen.card.result.text(), timeout=15000)


def test_catalog_import_from_a_usb_folder(
    qtbot: QtBot, screen: AdminScreen, tmp_path: Path
) -> None:
    usb = tmp_path / "media" / "KIOSK-USB" / "bang-gia"
    usb.mkdir(parents=True)
    header = "MA_DICH_VU,TEN_DICH_VU,DON_GIA,DON_GIA_BH\n"
    (usb / "a-broken.csv").write_text(
        header + "01.0001.0001,Khám nội,150000,38700\n03.0003.0003,Xét nghiệm máu,abc,1000\n",
        encoding="utf-8",
    )
    (usb / "b-good.csv").write_text(
        header + "01.0001.0001,Khám nội,150000,38700\n02.0002.0002,Siêu âm tim,300000,250000\n",
        encoding="utf-8",
    )
    (usb / "notes.pdf").write_bytes(b"%PDF")
    screen.services.config.admin.import_roots = [str(tmp_path / "media")]  # type: ignore[attr-defined]
    _open(qtbot, screen)
    qtbot.mouseClick(screen.nav["catalog"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.catalog.files.count() == 2)
    # The broken file: counted, reported by line and column, not activated.
    screen.catalog.files.setCurrentRow(0)
    qtbot.mouseClick(screen.catalog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "rows:" in screen.catalog.result.text(), timeout=15000)
    text = screen.catalog.result.text()
    assert "2 rows: 1 imported, 1 rejected. NOT activated." in text
    assert "line 3 DON_GIA" in text
    _shot(screen, "admin-catalog.png")
    # The good file becomes the active catalog.
    screen.catalog.files.setCurrentRow(1)
    screen.catalog.result.setText("")
    qtbot.mouseClick(screen.catalog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "rows:" in screen.catalog.result.text(), timeout=15000)
    assert "2 rows: 2 imported, 0 rejected. Now active." in screen.catalog.result.text()


def test_log_view_and_leaving(qtbot: QtBot, screen: AdminScreen) -> None:
    _open(qtbot, screen)
    qtbot.mouseClick(screen.nav["log"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ticket issued" in screen.log.text.toPlainText())
    text = screen.log.text.toPlainText()
    assert "001090123456" not in text and "DN4010123456789" not in text
    assert "DN40*********89" in text and "citizen_id=***" in text
    _shot(screen, "admin-log.png")
    with qtbot.assertNotEmitted(screen.quit_requested):
        qtbot.mouseClick(screen.quit_button, Qt.MouseButton.LeftButton)  # first tap only asks
    assert "again" in screen.quit_button.text()
    with qtbot.waitSignal(screen.quit_requested):
        qtbot.mouseClick(screen.quit_button, Qt.MouseButton.LeftButton)
    # The marker that stops kiosk.service from restarting the kiosk (see deploy/kiosk.service).
    assert (screen.services.config.data_path / "leave-kiosk-mode").exists()  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.restart_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.restart_requested):
        qtbot.mouseClick(screen.restart_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.closed):
        qtbot.mouseClick(screen.close_button, Qt.MouseButton.LeftButton)
    assert not screen.unlocked()


def test_hiding_locks_again(qtbot: QtBot, screen: AdminScreen) -> None:
    _open(qtbot, screen)
    screen.hide()
    assert not screen.unlocked()


def test_disabled_without_a_pin(qtbot: QtBot, services: object) -> None:
    widget = AdminScreen(services, PinGuard(""), list)
    qtbot.addWidget(widget)
    widget.show()
    assert "disabled" in widget.pin.status.text()
    assert not widget.pin.pad.keys["1"].isEnabled()


# -- the corner gesture -----------------------------------------------------------------------


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    win = QWidget()
    win.resize(1000, 600)
    child = QPushButton("child", win)
    child.setObjectName("child")
    child.setGeometry(0, 0, 200, 200)  # covers the top-left corner: taps land on a child
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_five_taps_in_the_corner_trigger(qtbot: QtBot, window: QWidget) -> None:
    now = [0.0]
    detector = CornerTapDetector(
        window, "top_left", taps=5, window_s=3.0, size_px=120, clock=lambda: now[0]
    )
    detector.install()
    child = window.findChild(QPushButton, "child")
    assert child is not None
    try:
        with qtbot.waitSignal(detector.triggered, timeout=1000):
            for _ in range(5):
                now[0] += 0.4
                qtbot.mouseClick(child, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
        # Too slow: 5 taps over more than 3 s.
        with qtbot.assertNotEmitted(detector.triggered):
            for _ in range(5):
                now[0] += 0.9
                qtbot.mouseClick(child, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
        # A tap outside the corner breaks the series.
        now[0] += 10
        with qtbot.assertNotEmitted(detector.triggered):
            for i in range(5):
                now[0] += 0.2
                where = QPoint(150, 150) if i == 2 else QPoint(10, 10)
                qtbot.mouseClick(child, Qt.MouseButton.LeftButton, pos=where)
    finally:
        detector.uninstall()


@pytest.mark.parametrize(
    ("corner", "point", "inside"),
    [
        ("top_right", QPoint(990, 5), True),
        ("top_right", QPoint(5, 5), False),
        ("bottom_left", QPoint(5, 595), True),
        ("bottom_right", QPoint(950, 550), True),
        ("bottom_right", QPoint(500, 300), False),
    ],
)
def test_corner_geometry(window: QWidget, corner: str, point: QPoint, inside: bool) -> None:
    detector = CornerTapDetector(window, corner, size_px=120)
    assert detector.in_corner(window.mapToGlobal(point)) is inside


def test_bad_corner_is_refused(window: QWidget) -> None:
    with pytest.raises(ValueError):
        CornerTapDetector(window, "middle")


def test_every_admin_string_has_a_vietnamese_translation() -> None:
    import ast

    root = Path(__file__).resolve().parents[2]
    table = {}
    for line in (
        (root / "assets/translations/vi/admin.tsv").read_text(encoding="utf-8").splitlines()
    ):
        if line and not line.startswith("#"):
            source, _, target = line.partition("\t")
            table[source] = target
    missing = []
    for module in (
        *sorted(p.relative_to(root).as_posix() for p in (root / "ui/screens/admin").glob("*.py")),
        "ui/widgets/gesture.py",
    ):
        for node in ast.walk(ast.parse((root / module).read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                text = node.args[0].value
                if not table.get(text):
                    missing.append(text)
                elif "{" in text:  # placeholders survive translation
                    assert sorted(re.findall(r"\{[^}]*\}", text)) == sorted(
                        re.findall(r"\{[^}]*\}", table[text])
                    )
    assert missing == []


def test_fits_a_small_window_in_large_text_and_high_contrast(
    qtbot: QtBot, services: object
) -> None:
    from ui.theme import Theme, apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, Theme().with_large_text(True).with_high_contrast(True))
    try:
        widget = AdminScreen(services, PinGuard(hash_pin(PIN, n=1024)), list)
        qtbot.addWidget(widget)
        widget.resize(1600, 760)  # a 1600x900 window less its header and footer
        widget.show()
        assert widget.minimumSizeHint().height() <= 760
        assert widget.minimumSizeHint().width() <= 1600
        assert widget.pin.minimumSizeHint().height() <= 760  # the PIN page needs no scrolling
        _shot(widget, "admin-pin-large-hc.png")
    finally:
        apply_theme(app, Theme())
