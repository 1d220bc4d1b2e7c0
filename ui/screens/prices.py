"""The price look-up screen: search services and drugs, see the estimated share to pay.

Left: the search field and the on-screen keyboard. Right: category buttons and the results
(kinetic scrolling), or the detail of one item: hospital price, insured price, what the fund
pays and what the patient pays, for the identified patient or for each benefit level
(100 / 95 / 80 % and not insured). Always labelled an estimate.

Searches run on the workers' "catalog" pool (one long-lived thread, so one SQLite connection
for the life of the window; never on the GUI thread); only the newest answer is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScroller,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog.models import CatalogItem, Category
from kiosk.insurance.benefits import CostEstimate, estimate_cost, format_vnd
from kiosk.text import Text
from ui.screens.base import PortraitFlip
from ui.widgets.common import FitScroll, TileGrid
from ui.widgets.keyboard import OnScreenKeyboard
from ui.workers import Workers

if TYPE_CHECKING:  # the service (SQLAlchemy, rapidfuzz) is imported after the first paint
    from kiosk.catalog.service import CatalogService

SEARCH_LIMIT = 50
BROWSE_LIMIT = 200
BENEFIT_LEVELS = (100, 95, 80)
RETRY_MS = 2000  # while the price list is still being imported
ITEM_ID = Qt.ItemDataRole.UserRole


def _label(role: str, name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    return widget


def _button(role: str, name: str) -> QPushButton:
    widget = QPushButton()
    widget.setProperty("role", role)
    widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setMinimumHeight(64)
    return widget


class PricesScreen(QWidget):
    """Signals:
    closed(): the patient pressed Close.
    listen_requested(): the patient pressed "Listen again" (speech says the screen).
    """

    closed = Signal()
    listen_requested = Signal()

    def __init__(
        self,
        catalog: CatalogService,
        workers: Workers | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("prices_screen")
        self.catalog = catalog
        self.language = "vi"
        self.coverage_percent: int | None = None
        self.patient_label: str | None = None
        self.rules: list[Text] = []  # the dated rules behind the patient's share
        self.category: str | None = None
        self.items: list[CatalogItem] = []
        self.current: CatalogItem | None = None
        self.error = False
        self.not_ready = False
        self._seq = 0
        self._running = False
        self._pending = False
        self.workers = workers if workers is not None else Workers(parent=self)
        self._warm_up()
        self._build()
        self.retranslate()
        self._show_hint()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.setSpacing(16)

        top = QHBoxLayout()
        self.title = _label("title", "prices_title", wrap=False)
        self.patient = _label("badge", "prices_patient")
        self.close_button = _button("secondary", "prices_close")
        self.close_button.clicked.connect(self.closed.emit)
        self.listen_button = _button("secondary", "prices_listen")
        self.listen_button.clicked.connect(self.listen_requested.emit)
        self.listen_button.hide()  # shown when speech guidance is on
        top.addWidget(self.title)
        top.addSpacing(24)
        # the badge wraps into whatever the title and "Đóng" leave (portrait has little room)
        self.patient.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top.addWidget(self.patient, 1)
        top.addWidget(self.listen_button)
        top.addWidget(self.close_button)
        outer.addLayout(top)

        body = QHBoxLayout()
        body.setSpacing(32)
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        left.setSpacing(16)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("prices_search")
        self.search_field.setClearButtonEnabled(False)
        self.search_field.textEdited.connect(self._typed_on_hardware)
        left.addWidget(self.search_field)
        self.hint = _label("body", "prices_hint")
        left.addWidget(self.hint)
        self.keyboard = OnScreenKeyboard(self)
        self.keyboard.setObjectName("prices_keyboard")
        self.keyboard.text_changed.connect(self._keyboard_text)
        left.addWidget(self.keyboard, 1)  # its keys take the height left (KEY_MAX_HEIGHT at most)
        left_host = QWidget()
        left_host.setLayout(left)
        left_host.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        body.addWidget(left_host, 9)

        self.pages = QStackedWidget()
        body.addWidget(self.pages, 11)
        self.pages.addWidget(self._build_results())
        self.pages.addWidget(FitScroll(self._build_detail()))  # scrolls on a short screen
        # the detail takes the whole screen (nothing to type while reading it): it fits
        # without scrolling on short screens and in portrait
        # "Back to results" sits in the top row, beside "Close", while the detail shows
        self.left_host = left_host
        top.insertWidget(top.indexOf(self.close_button), self.back_button)
        self.back_button.hide()
        self.pages.currentChanged.connect(self._page_changed)
        self.flip = PortraitFlip(self, body)  # portrait: the keyboard above the results

    def _build_results(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        # two columns; a long Vietnamese name takes a whole row rather than being cut
        self.category_grid = TileGrid(page, span_wide=True, portrait_columns=2)
        self.category_grid.setSpacing(10)
        self.category_buttons: dict[str, QPushButton] = {}
        for category in Category:
            btn = _button("toggle", f"category_{category.value}")
            btn.setCheckable(True)
            btn.clicked.connect(lambda checked, c=category.value: self._choose_category(c, checked))
            self.category_grid.add(btn)
            self.category_buttons[category.value] = btn
        layout.addLayout(self.category_grid)
        self.count_label = _label("muted", "prices_count")
        layout.addWidget(self.count_label)
        self.results = QListWidget()
        self.results.setObjectName("prices_results")
        self.results.setWordWrap(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemClicked.connect(self._open_item)
        QScroller.grabGesture(
            self.results.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        layout.addWidget(self.results, 1)
        return page

    def _build_detail(self) -> QWidget:
        page = QFrame()
        page.setProperty("role", "card")
        page.setObjectName("prices_detail")
        self.detail_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        self.back_button = _button("secondary", "prices_back")
        self.back_button.clicked.connect(self._back_to_results)
        self.detail_name = _label("subtitle", "detail_name")
        self.detail_meta = _label("muted", "detail_meta")
        layout.addWidget(self.detail_name)
        layout.addWidget(self.detail_meta)
        self.price_grid = QGridLayout()
        self.price_grid.setHorizontalSpacing(24)
        self.price_grid.setVerticalSpacing(10)
        self.price_grid.setColumnStretch(0, 1)
        layout.addLayout(self.price_grid)
        self.estimate_note = _label("notice", "detail_estimate")
        layout.addWidget(self.estimate_note)
        self.detail_note = _label("muted", "detail_note")
        layout.addWidget(self.detail_note)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ public API

    def set_language(self, lang: str) -> None:
        self.language = "vi" if lang == "vi" else "en"
        self.retranslate()

    def set_patient(self, coverage_percent: int | None, label: str | None) -> None:
        """The identified patient's fund share (0 = not covered), or None: not identified."""
        self.coverage_percent = coverage_percent
        self.patient_label = label
        self._update_patient()
        if self.current is not None:
            self._show_detail(self.current)

    def set_rules(self, rules: list[Text]) -> None:
        """The plain sentences of the rules behind the identified patient's share."""
        if rules != self.rules:
            self.rules = list(rules)
            if self.current is not None:
                self._show_detail(self.current)

    def reset(self) -> None:
        """Clears the query, the results, the detail and the patient's data."""
        self.rules = []
        self._seq += 1  # answers still on their way are dropped
        self._pending = False
        self.keyboard.set_text("")
        self.keyboard.set_layer("abc")
        self.search_field.clear()
        self.category = None
        for btn in self.category_buttons.values():
            btn.setChecked(False)
        self.items = []
        self.current = None
        self.error = False
        self.results.clear()
        self.coverage_percent = None
        self.patient_label = None
        self._clear_grid()
        self.detail_name.clear()
        self.detail_meta.clear()
        self.detail_note.clear()
        self.pages.setCurrentIndex(0)
        self._update_patient()
        self._show_hint()
        self._warm_up()  # a new catalog may be active

    def _warm_up(self) -> None:
        """Loads the typo vocabulary before the first key and learns which categories have
        rows (empty ones get no button); a failing catalog shows on the first search."""
        catalog = self.catalog

        def work() -> list[str]:
            catalog.warm_up()
            return [c for c, _ in catalog.categories()]

        self.workers.submit(work, self._on_categories, _ignore, pool="catalog")

    @Slot(list)
    def _on_categories(self, available: list[str]) -> None:
        for key, btn in self.category_buttons.items():
            btn.setVisible(not available or key in available)
        self.category_grid.reflow()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Prices"))
        self.close_button.setText(self.tr("Close"))
        self.listen_button.setText(self.tr("Listen again"))
        self.back_button.setText(self.tr("Back to results"))
        names = {
            "exam": self.tr("Examination"),
            "bed": self.tr("Bed days"),
            "imaging": self.tr("Imaging"),
            "laboratory": self.tr("Laboratory"),
            "procedure": self.tr("Procedures, surgery"),
            "drug": self.tr("Drugs"),
        }
        for key, btn in self.category_buttons.items():
            btn.setText(names[key])
        self.category_grid.reflow()
        self._category_names = names
        self.keyboard.retranslate()
        self._update_patient()
        self._render_results()
        if self.current is not None:
            self._show_detail(self.current)

    # ------------------------------------------------------------------ searching

    def _keyboard_text(self, text: str) -> None:
        self.search_field.setText(text)
        self._search()

    def _typed_on_hardware(self, text: str) -> None:
        self.keyboard.set_text(text)
        self._search()

    def _choose_category(self, category: str, checked: bool) -> None:
        self.category = category if checked else None
        for key, btn in self.category_buttons.items():
            btn.setChecked(key == self.category)
        self._search()

    def _search(self) -> None:
        self.pages.setCurrentIndex(0)
        self.current = None
        if not self.search_field.text().strip() and self.category is None:
            self._seq += 1
            self.items = []
            self.results.clear()
            self._show_hint()
            return
        if self._running:
            self._pending = True  # the newest query runs when the current one answers
            return
        self._start()

    def _start(self) -> None:
        self._seq += 1
        self._running = True
        self._pending = False
        seq, query, category, catalog = (
            self._seq,
            self.search_field.text(),
            self.category,
            self.catalog,
        )

        def work() -> list[CatalogItem] | None:
            limit = SEARCH_LIMIT if query.strip() else BROWSE_LIMIT
            items = catalog.search(query, category=category, limit=limit)
            # no result and no catalog at all: the price list is still being imported
            return items if items or catalog.counts() else None

        self.workers.submit(
            work,
            lambda result: self._on_results(seq, result),
            lambda exc: self._on_results(seq, exc),  # shown as "prices unavailable"
            pool="catalog",
        )

    def _on_results(self, seq: int, result: object) -> None:
        self._running = False
        if self._pending:
            self._start()
            return
        if seq != self._seq:
            return
        if isinstance(result, Exception) or result is None:
            self.error = True
            self.not_ready = result is None
            self.items = []
            if self.not_ready:  # the price list is being imported: ask again shortly
                QTimer.singleShot(RETRY_MS, self, lambda seq=self._seq: self._retry(seq))
        else:
            self.error = False
            self.items = list(result)  # type: ignore[call-overload]
        self._render_results()

    def _retry(self, seq: int) -> None:
        if seq == self._seq and self.not_ready and self.isVisible():
            self._search()

    def wait_idle(self, msecs: int = 5000) -> bool:
        """Waits for running searches (tests and shutdown)."""
        return bool(self.workers.pool("catalog").waitForDone(msecs))

    # ------------------------------------------------------------------ rendering

    def _show_hint(self) -> None:
        self.count_label.setText("")
        self.hint.setText(
            self.tr(
                "Type a service or drug name or code (accents are not needed), or choose a category."
            )
        )

    def _render_results(self) -> None:
        self.results.clear()
        query = self.search_field.text().strip()
        if self.error and self.not_ready:
            self.count_label.setText(
                self.tr("The price list is being prepared. Please try again in a minute.")
            )
            return
        if self.error:
            self.count_label.setText(
                self.tr("Prices are not available right now. Please ask at the counter.")
            )
            return
        if not query and self.category is None:
            self._show_hint()
            return
        self.hint.setText(self.tr("Tap a result to see the price and what you may pay."))
        for item in self.items:
            price = format_vnd(item.hospital_price, self.language)
            category = self._category_names.get(item.category, item.category)
            extra = f"{item.code}  ·  {category}" if item.code else category
            if item.kind == "drug" and item.unit:
                extra += f"  ·  {item.unit}"
            entry = QListWidgetItem(f"{item.name}\n{price}    {extra}")
            entry.setData(ITEM_ID, item.id)
            self.results.addItem(entry)
        limit = SEARCH_LIMIT if query else BROWSE_LIMIT
        if not self.items:
            self.count_label.setText(
                self.tr("Nothing found. Check the spelling or choose a category.")
            )
        elif len(self.items) >= limit:
            self.count_label.setText(
                self.tr("The first {count} results: type more letters to narrow them.").format(
                    count=len(self.items)
                )
            )
        else:
            self.count_label.setText(self.tr("{count} results").format(count=len(self.items)))
        self.results.scrollToTop()

    def _open_item(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(ITEM_ID)
        item = next((i for i in self.items if i.id == item_id), None)
        if item is not None:
            self._show_detail(item)

    def _page_changed(self, index: int) -> None:
        self.left_host.setVisible(index == 0)
        self.title.setVisible(index == 0)  # the item's name heads the detail
        self.back_button.setVisible(index == 1)

    def _back_to_results(self) -> None:
        self.current = None
        self.pages.setCurrentIndex(0)

    def _update_patient(self) -> None:
        if self.coverage_percent is None:
            self.patient.setText(self.tr("Not identified: estimates for each insurance level"))
        elif self.coverage_percent == 0:
            self.patient.setText(
                self.tr("{name}: not covered by insurance").format(name=self.patient_label or "")
            )
        else:
            self.patient.setText(
                self.tr("{name}: insurance pays {percent} %").format(
                    name=self.patient_label or self.tr("Patient"), percent=self.coverage_percent
                )
            )

    def _clear_grid(self) -> None:
        while self.price_grid.count():
            child = self.price_grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _cell(
        self, row: int, col: int, text: str, role: str = "body", name: str = "", span: int = 1
    ) -> None:
        cell = _label(role, name)
        cell.setText(text)
        if col > 0:
            cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.price_grid.addWidget(cell, row, col, 1, span)
        cell.show()  # added to a visible page: show now, not on the next event-loop turn

    def _money(self, amount: int) -> str:
        return format_vnd(amount, self.language)

    def _show_detail(self, item: CatalogItem) -> None:
        self.current = item
        self.pages.setCurrentIndex(1)
        self.detail_name.setText(item.name)
        meta = [self._category_names.get(item.category, item.category)]
        if item.code:
            meta.insert(0, self.tr("Code {code}").format(code=item.code))
        if item.kind == "drug":
            meta += [p for p in (item.strength, item.unit, item.route) if p]
        self.detail_meta.setText("  ·  ".join(meta))
        self._clear_grid()
        basis, assumed = item.estimate_basis()
        row = 0
        last = 1 if self.coverage_percent is not None else 2  # the price column
        self._cell(row, 0, self.tr("Hospital price"), span=last)
        self._cell(row, last, self._money(item.hospital_price), "subtitle", "detail_hospital_price")
        row += 1
        self._cell(row, 0, self.tr("Insured price (BHYT)"), span=last)
        insured = self._money(basis if item.insured_price is None else item.insured_price)
        self._cell(row, last, insured, "subtitle", "detail_insured_price")
        row += 1
        if self.coverage_percent is not None:
            estimate = estimate_cost(item.hospital_price, basis, self.coverage_percent)
            self._estimate_rows(row, estimate, self.patient_label)
        else:
            self._levels_table(row, item, basis)
        notes = [
            self.tr(
                "Estimate only: the cashier calculates the final amount from your card, the route of referral and what is actually done."
            )  # fmt: skip
        ]
        if assumed:
            notes.append(
                self.tr(
                    "This list gives no separate insured price: we assume it equals the hospital price."
                )
            )
        if item.insurance_rate is not None and item.insurance_rate < 100:
            notes.append(
                self.tr("Insurance covers {rate} % of this drug's insured price.").format(
                    rate=item.insurance_rate
                )
            )
        if self.coverage_percent is not None:
            notes += [rule.get(self.language) for rule in self.rules]  # the rules it applied
        if item.variant:
            notes.append(
                self.tr(
                    "Several prices are listed for this code; ask at the counter which applies."
                )
            )
        self.estimate_note.setText("\n".join(notes))
        self.detail_note.setText(item.note)
        self.detail_note.setVisible(bool(item.note))
        layout = self.detail_page.layout()
        if layout is not None:
            layout.activate()  # lay the new rows out now (wrapped notes get their height)

    def _estimate_rows(self, row: int, estimate: CostEstimate, name: str | None) -> None:
        if estimate.coverage_percent:
            self._cell(
                row,
                0,
                self.tr("Insurance pays ({percent} %)").format(percent=estimate.coverage_percent),
            )
            self._cell(row, 1, self._money(estimate.fund_pays), "subtitle", "detail_fund_pays")
            row += 1
        else:
            self._cell(row, 0, self.tr("Not covered by insurance"))
            self._cell(row, 1, self._money(0), "subtitle", "detail_fund_pays")
            row += 1
        self._cell(row, 0, self.tr("You pay (estimate)"), "subtitle")
        self._cell(row, 1, self._money(estimate.patient_pays), "title", "detail_patient_pays")

    def _levels_table(self, row: int, item: CatalogItem, basis: int) -> None:
        self._cell(row, 0, self.tr("Your insurance level"), "muted")
        self._cell(row, 1, self.tr("Insurance pays"), "muted")
        self._cell(row, 2, self.tr("You pay (estimate)"), "muted")
        row += 1
        for percent in BENEFIT_LEVELS:
            estimate = estimate_cost(item.hospital_price, basis, percent)
            self._cell(row, 0, self.tr("Insured, {percent} %").format(percent=percent))
            self._cell(row, 1, self._money(estimate.fund_pays), "body", f"level_{percent}_fund")
            self._cell(
                row, 2, self._money(estimate.patient_pays), "subtitle", f"level_{percent}_patient"
            )
            row += 1
        estimate = estimate_cost(item.hospital_price, basis, None)
        self._cell(row, 0, self.tr("Not insured"))
        self._cell(row, 1, self._money(0), "body", "level_none_fund")
        self._cell(row, 2, self._money(estimate.patient_pays), "subtitle", "level_none_patient")


def _ignore(_exc: BaseException) -> None:
    """A failing warm-up: the first search shows that prices are unavailable."""
