"""The price screen: type on the on-screen keyboard, tap a result, see both prices and the
estimate (per benefit level when nobody is identified, for the patient when identified)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScroller, QWidget

from kiosk.catalog.service import DEMO_SERVICES_CSV, CatalogService
from kiosk.catalog.text import fold
from ui.screens.prices import PricesScreen
from ui.theme import Theme, apply_theme, load_fonts
from ui.widgets.keyboard import OnScreenKeyboard

pytestmark = pytest.mark.gui
SHOTS = Path("/tmp")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CatalogService]:
    service = CatalogService(tmp_path_factory.mktemp("prices") / "catalog.sqlite3")
    assert all(r.ok for r in service.ensure_demo())
    yield service
    service.close()


@pytest.fixture
def screen(qtbot, catalog: CatalogService) -> Iterator[PricesScreen]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    load_fonts()
    apply_theme(app, Theme())
    widget = PricesScreen(catalog)
    qtbot.addWidget(widget)
    widget.resize(1920, 1080)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.wait_idle()
    catalog.close()  # the module's shared service: the worker threads' connections too


def type_text(qtbot, keyboard: OnScreenKeyboard, text: str) -> None:
    for ch in text:
        name = "space" if ch == " " else ch
        if name not in keyboard.keys:
            keyboard.keys["layer"].click()
        key = keyboard.keys[name]
        qtbot.mouseClick(key, Qt.MouseButton.LeftButton)
        if keyboard.layer != "abc":
            qtbot.mouseClick(keyboard.keys["layer"], Qt.MouseButton.LeftButton)


def label_text(screen: PricesScreen, name: str) -> str:
    found = screen.findChild(QLabel, name)
    assert found is not None, name
    return found.text()


def bring_into_screen(widget: QWidget, point: QPoint) -> None:
    """Moves the window so that `point` of `widget` is on the (800 x 800) offscreen screen:
    QScroller replays a tap to the widget found at the global position, and finds none off
    the screen."""
    window = widget.window()
    target = widget.mapTo(window, point)
    window.move(400 - target.x(), 400 - target.y())
    QApplication.processEvents()


def tap_result(qtbot, screen: PricesScreen, row: int = 0) -> None:
    rect = screen.results.visualItemRect(screen.results.item(row))
    bring_into_screen(screen.results.viewport(), rect.center())
    qtbot.mouseClick(screen.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: screen.pages.currentIndex() == 1, timeout=3000)


def test_type_tap_and_see_both_prices(qtbot, screen: PricesScreen) -> None:
    screen.grab().save(str(SHOTS / "prices-empty.png"))
    type_text(qtbot, screen.keyboard, "sieu am tim")
    assert screen.search_field.text() == "sieu am tim"
    qtbot.waitUntil(lambda: screen.results.count() > 0, timeout=5000)
    qtbot.waitUntil(
        lambda: screen.items and screen.items[0].name.startswith("Siêu âm tim"), timeout=5000
    )
    first = screen.items[0]
    assert screen.results.item(0).text().startswith(first.name)
    screen.grab().save(str(SHOTS / "prices-results.png"))
    tap_result(qtbot, screen)
    assert label_text(screen, "detail_name") == first.name
    hospital = f"{first.hospital_price:,}".replace(",", ".") + " đ"
    assert label_text(screen, "detail_hospital_price") == hospital
    # the shared list has no insured price: assumed equal, and the screen says so
    assert label_text(screen, "detail_insured_price") == hospital
    assert "assume" in label_text(screen, "detail_estimate") or "giả" in label_text(
        screen, "detail_estimate"
    )
    # not identified: an estimate per benefit level
    fund80 = (first.hospital_price * 80 + 50) // 100
    assert label_text(screen, "level_80_fund") == f"{fund80:,}".replace(",", ".") + " đ"
    assert label_text(screen, "level_100_patient") == "0 đ"
    assert label_text(screen, "level_none_patient") == hospital
    screen.grab().save(str(SHOTS / "prices-detail-levels.png"))


def test_identified_patient_and_english(qtbot, screen: PricesScreen) -> None:
    screen.set_language("en")
    screen.set_patient(80, "Nguyễn Văn An")
    type_text(qtbot, screen.keyboard, "amox")
    qtbot.waitUntil(lambda: bool(screen.items) and screen.items[0].kind == "drug", timeout=5000)
    tap_result(qtbot, screen)
    item = screen.current
    assert item is not None and item.insured_price is not None
    assert label_text(screen, "detail_hospital_price") == f"{item.hospital_price:,} VND"
    assert label_text(screen, "detail_insured_price") == f"{item.insured_price:,} VND"
    fund = (item.insured_price * 80 + 50) // 100
    assert label_text(screen, "detail_fund_pays") == f"{fund:,} VND"
    assert label_text(screen, "detail_patient_pays") == f"{item.hospital_price - fund:,} VND"
    assert "80 %" in screen.patient.text()
    assert screen.findChild(QLabel, "level_80_fund") is None
    screen.grab().save(str(SHOTS / "prices-detail-patient-en.png"))
    # back to the list, then reset wipes the query, the results and the patient
    qtbot.mouseClick(screen.back_button, Qt.MouseButton.LeftButton)
    assert screen.pages.currentIndex() == 0
    screen.reset()
    assert screen.search_field.text() == "" and screen.keyboard.text() == ""
    assert screen.results.count() == 0 and screen.coverage_percent is None
    assert screen.patient_label is None and screen.current is None


def test_category_browse_and_vietnamese_vowels(qtbot, screen: PricesScreen) -> None:
    qtbot.mouseClick(screen.category_buttons["bed"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.results.count() == 7, timeout=5000)
    assert {i.category for i in screen.items} == {"bed"}
    screen.grab().save(str(SHOTS / "prices-category-bed.png"))
    qtbot.mouseClick(screen.category_buttons["bed"], Qt.MouseButton.LeftButton)
    # "đ" on the first layer, "ư", "ơ" on the second
    type_text(qtbot, screen.keyboard, "đương")  # no tone keys needed: "đương" finds "Đường"
    assert screen.search_field.text() == "đương"
    qtbot.waitUntil(lambda: screen.results.count() > 0, timeout=5000)
    assert all("duong" in fold(i.name + " " + i.active_ingredient) for i in screen.items)
    screen.keyboard.keys["layer"].click()
    screen.grab().save(str(SHOTS / "prices-vowels.png"))


def test_keys_are_big_enough_and_scrolling_is_kinetic(screen: PricesScreen) -> None:
    for key in screen.keyboard.findChildren(QPushButton):
        if key.isVisible():
            assert key.height() >= 64 and key.width() >= 64, key.objectName()
    assert QScroller.hasScroller(screen.results.viewport())


def test_keyboard_signals(qtbot) -> None:
    keyboard = OnScreenKeyboard()
    qtbot.addWidget(keyboard)
    texts: list[str] = []
    keys: list[str] = []
    keyboard.text_changed.connect(texts.append)
    keyboard.key_pressed.connect(keys.append)
    for name in ("k", "h", "space", "space", "backspace", "clear"):
        keyboard.keys[name].click()
    assert texts == ["k", "kh", "kh ", "kh", ""]
    assert keys == ["k", "h", "space", "space", "backspace", "clear"]
    keyboard.keys["layer"].click()
    assert keyboard.layer == "viet" and "ơ" in keyboard.keys and "q" not in keyboard.keys


def test_scroll_by_dragging(qtbot, screen: PricesScreen) -> None:
    qtbot.mouseClick(screen.category_buttons["imaging"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.results.count() >= 100, timeout=5000)
    viewport = screen.results.viewport()
    bar = screen.results.verticalScrollBar()
    assert bar.value() == 0
    start = QPoint(viewport.width() // 2, viewport.height() - 20)
    bring_into_screen(viewport, QPoint(start.x(), start.y() - 200))
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 11):
        qtbot.mouseMove(viewport, QPoint(start.x(), start.y() - 40 * step))
        qtbot.wait(16)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(start.x(), start.y() - 400))
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=3000)
    assert screen.pages.currentIndex() == 0  # a drag is not a tap


TSV = Path(__file__).resolve().parents[2] / "assets" / "translations" / "vi" / "prices.tsv"
SOURCES = [
    Path(__file__).resolve().parents[2] / "ui" / "screens" / "prices.py",
    Path(__file__).resolve().parents[2] / "ui" / "widgets" / "keyboard.py",
]


def tsv_table() -> dict[str, str]:
    table = {}
    for line in TSV.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            source, _, target = line.partition("\t")
            table[source] = target
    return table


def test_every_string_has_a_vietnamese_translation() -> None:
    import re

    table = tsv_table()
    sources = set()
    for path in SOURCES:
        sources |= set(
            re.findall(r'self\.tr\(\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
        )
    assert sources and not sorted(sources - set(table))


class TsvTranslator(QTranslator):
    """What the app's compiled kiosk_vi.qm does, from the TSV directly."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self.table.get(source, "")


def test_vietnamese_screen(qtbot, screen: PricesScreen) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = TsvTranslator(tsv_table())
    app.installTranslator(translator)
    try:
        screen.set_language("vi")
        assert screen.title.text() == "Tra cứu giá"
        type_text(qtbot, screen.keyboard, "xet nghiem mau")
        qtbot.waitUntil(lambda: screen.results.count() > 0, timeout=5000)
        tap_result(qtbot, screen)
        assert screen.findChild(QLabel, "level_95_patient") is not None
        assert "ước tính" in label_text(screen, "detail_estimate")
        screen.grab().save(str(SHOTS / "prices-detail-vi.png"))
        screen.set_patient(0, "Trần Thị Hoa")
        assert label_text(screen, "detail_patient_pays") == label_text(
            screen, "detail_hospital_price"
        )
        screen.grab().save(str(SHOTS / "prices-detail-not-covered-vi.png"))
    finally:
        app.removeTranslator(translator)


def test_empty_catalog_says_it_is_being_prepared(qtbot, tmp_path: Path) -> None:
    empty = CatalogService(tmp_path / "empty.sqlite3")
    widget = PricesScreen(empty)
    qtbot.addWidget(widget)
    widget.show()
    type_text(qtbot, widget.keyboard, "kham")
    qtbot.waitUntil(lambda: "prepared" in widget.count_label.text(), timeout=5000)
    assert widget.results.count() == 0
    # the import finishes: the screen asks again by itself
    empty.import_file(DEMO_SERVICES_CSV, "service")
    qtbot.waitUntil(lambda: widget.results.count() > 0, timeout=10000)
    assert widget.items[0].category == "exam"
    widget.wait_idle()
    empty.close()


def test_categories_without_rows_have_no_button(qtbot, tmp_path: Path) -> None:
    services_only = CatalogService(tmp_path / "services.sqlite3")
    services_only.ensure_demo(drugs_path=None)
    widget = PricesScreen(services_only)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.category_buttons["drug"].isVisible(), timeout=5000)
    assert widget.category_buttons["exam"].isVisible()
    widget.wait_idle()
    services_only.close()


def test_the_estimate_says_which_rules_it_applied(qtbot, screen: PricesScreen) -> None:
    from kiosk.text import Text

    rule = Text("Theo Nghị định 161/2026/NĐ-CP, lương cơ sở là 2.530.000 đồng/tháng.",
                "Under Decree 161/2026, the base salary is 2,530,000 VND a month.")  # fmt: skip
    screen.set_patient(80, "Nguyễn Văn An")
    type_text(qtbot, screen.keyboard, "amox")
    qtbot.waitUntil(lambda: bool(screen.items), timeout=5000)
    tap_result(qtbot, screen)
    assert rule.vi not in label_text(screen, "detail_estimate")
    screen.set_rules([rule])  # the session's rules arrive: the open detail shows them
    assert rule.vi in label_text(screen, "detail_estimate")
    screen.set_language("en")
    screen.set_rules([rule])
    assert rule.en in label_text(screen, "detail_estimate")
    screen.reset()
    assert screen.rules == []
