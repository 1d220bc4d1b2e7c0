"""Small building blocks shared by the screens, and the layout tools every screen uses.

Layout tools (for new screens too):
- Design every distance at 1920x1080 (landscape) / 1080x1920 (portrait) in plain pixels:
  layout margins and spacing are scaled by `apply_density` (the window calls it for every
  widget in its stack, and the admin screen) whenever the screen's density changes.
- A widget's own pixel size (a photo, a QR, a minimum width) goes through `sized(...)`, so it
  scales too; `Pictogram` does it itself.
- Content that may be taller than a short screen: `FitScroll` (only for long lists: on every
  supported size the checker `kiosk screens` reports a FitScroll that scrolls unless it was
  made with `long_list=True`).
- Side by side in landscape, stacked in portrait: `ui.screens.base.PortraitFlip`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

_LAYOUT_DESIGN = "design_box"  # a layout's margins and spacing at density 1
_WIDGET_DESIGN = "design_size"  # sizes given to `sized` at density 1


def _density() -> float:
    from ui.theme import current_theme

    return current_theme().density


def _scaled(value: int, density: float) -> int:
    return value if value < 0 else round(value * density)


def sized(
    widget: QWidget,
    *,
    width: int | None = None,
    height: int | None = None,
    min_width: int | None = None,
    min_height: int | None = None,
    max_width: int | None = None,
    max_height: int | None = None,
) -> QWidget:
    """Gives `widget` sizes designed at density 1 (fixed width/height, or minimums), now and
    after every density change (`apply_density`). Returns the widget."""
    widget.setProperty(
        _WIDGET_DESIGN, [width, height, min_width, min_height, max_width, max_height]
    )
    _apply_size(widget, _density())
    return widget


def _apply_size(widget: QWidget, density: float) -> None:
    width, height, min_width, min_height, max_width, max_height = widget.property(_WIDGET_DESIGN)
    if width is not None:
        widget.setFixedWidth(round(width * density))
    if height is not None:
        widget.setFixedHeight(round(height * density))
    if min_width is not None:
        widget.setMinimumWidth(round(min_width * density))
    if min_height is not None:
        widget.setMinimumHeight(round(min_height * density))
    if max_width is not None:
        widget.setMaximumWidth(round(max_width * density))
    if max_height is not None:
        widget.setMaximumHeight(round(max_height * density))


def apply_density(root: QWidget, density: float) -> None:
    """Scales every layout's margins and spacing under `root` (and `root`'s own) from their
    designed values, and every widget given sizes by `sized`. Idempotent: the designed
    values are kept on each object the first time it is seen."""
    layouts = root.findChildren(QLayout)
    own = root.layout()
    if own is not None and own not in layouts:
        layouts.append(own)
    for layout in layouts:
        design = layout.property(_LAYOUT_DESIGN)
        if design is None:
            m = layout.contentsMargins()
            if isinstance(layout, QGridLayout):
                spacing = [layout.horizontalSpacing(), layout.verticalSpacing()]
            else:
                spacing = [layout.spacing(), layout.spacing()]
            design = [m.left(), m.top(), m.right(), m.bottom(), *spacing]
            layout.setProperty(_LAYOUT_DESIGN, design)
        left, top, right, bottom, h_spacing, v_spacing = (_scaled(v, density) for v in design)
        layout.setContentsMargins(left, top, right, bottom)
        if isinstance(layout, QGridLayout):
            layout.setHorizontalSpacing(h_spacing)
            layout.setVerticalSpacing(v_spacing)
        else:
            layout.setSpacing(h_spacing)
    for widget in root.findChildren(QWidget):
        if widget.property(_WIDGET_DESIGN) is not None:
            _apply_size(widget, density)
        if isinstance(widget, Pictogram):
            widget.refresh()


def label(text: str = "", role: str = "body", wrap: bool = True, name: str = "") -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    return widget


KEY_MAX_HEIGHT = 110  # px at density 1: keypad keys grow to this on tall screens


def button(text: str = "", role: str = "secondary", name: str = "") -> QPushButton:
    """A touch button; never narrower than its text (a layout that has no room then shows
    it as off-screen in `kiosk screens`, rather than clipping the words)."""
    widget = QPushButton(text)
    widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    if name:
        widget.setObjectName(name)
    return widget


def card(parent: QWidget | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(24, 18, 24, 18)
    layout.setSpacing(12)
    return frame, layout


def pixmap_from_bytes(data: bytes | None) -> QPixmap | None:
    if not data:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(data) else None


class NumericKeypad(QWidget):
    """An on-screen keypad for the 12-digit ID, with a display that groups the digits.

    `set_lengths((6, 12))` accepts either length (the chip's access number is the ID's last 6
    digits): the display shows 6 places until a 7th digit is typed, then 12.

    Signals:
        submitted(str): the patient pressed OK with the digits typed.
        changed(str): the digits changed.
    """

    submitted = Signal(str)
    changed = Signal(str)

    def __init__(self, max_digits: int = 12, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lengths: tuple[int, ...] = (max_digits,)
        self.max_digits = max_digits
        self.digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.display = label("", "display", wrap=False, name="keypad_display")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # as tall as its text needs (a fixed minimum would clip it in large text)
        self.display.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.display)
        grid = QGridLayout()
        grid.setSpacing(8)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(keys):
            role = "primary" if key == "ok" else "key"
            btn = button("", role, name=f"keypad_{key}")
            # as tall as the card allows, between the touch minimum and the designed height
            btn.setProperty("compact", True)
            btn.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Expanding)
            sized(btn, max_height=KEY_MAX_HEIGHT)
            btn.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(btn, index // 3, index % 3)
            self.keys[key] = btn
        for digit in "0123456789":
            self.keys[digit].setText(digit)
        layout.addLayout(grid)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.keys["del"].setText(self.tr("Delete"))
        self.keys["ok"].setText(self.tr("OK"))

    def set_lengths(self, lengths: tuple[int, ...]) -> None:
        """The digit counts OK accepts (ascending); more digits than the last are not taken."""
        if lengths == self.lengths:
            return
        self.lengths = lengths
        self.max_digits = max(lengths)
        self.digits = self.digits[: self.max_digits]
        self._update()

    def clear(self) -> None:
        self.digits = ""
        self._update()

    def _press(self, key: str) -> None:
        if key == "del":
            self.digits = self.digits[:-1]
        elif key == "ok":
            if len(self.digits) in self.lengths:
                self.submitted.emit(self.digits)
            return
        elif len(self.digits) < self.max_digits:
            self.digits += key
        self._update()
        self.changed.emit(self.digits)

    def _update(self) -> None:
        places = next((n for n in self.lengths if n >= len(self.digits)), self.max_digits)
        shown = self.digits + "·" * (places - len(self.digits))
        self.display.setText(" ".join(shown[i : i + 3] for i in range(0, places, 3)))
        self.keys["ok"].setEnabled(len(self.digits) in self.lengths)


def field_grid(
    keys: tuple[str, ...],
    prefix: str,
    roles: dict[str, str] | None = None,
    host: QWidget | None = None,
) -> tuple[QGridLayout, dict[str, QLabel], dict[str, QLabel]]:
    """A grid of captions and values, one row per key; with `host`, two caption/value pairs
    a row while the host is wider than tall (landscape screens are short), one in portrait.

    Values are named `<prefix>_<key>` (tests and IT find them by name). Returns the layout, the
    caption labels and the value labels, both by key.
    """
    grid = QGridLayout()
    grid.setHorizontalSpacing(28)
    grid.setVerticalSpacing(8)
    captions: dict[str, QLabel] = {}
    values: dict[str, QLabel] = {}
    for key in keys:
        captions[key] = label("", "muted", wrap=False)
        values[key] = label("", (roles or {}).get(key, "body"), name=f"{prefix}_{key}")
    pairs = [(captions[key], values[key]) for key in keys]
    _place_pairs(grid, pairs, 1)
    if host is not None:
        _PairFlow(host, grid, pairs)
    return grid, captions, values


def _place_pairs(grid: QGridLayout, pairs: list[tuple[QLabel, QLabel]], per_row: int) -> None:
    for caption, value in pairs:
        grid.removeWidget(caption)
        grid.removeWidget(value)
    for index, (caption, value) in enumerate(pairs):
        row, col = divmod(index, per_row)
        grid.addWidget(caption, row, 2 * col, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value, row, 2 * col + 1)
    for col in range(4):
        grid.setColumnStretch(col, 1 if col % 2 and col // 2 < per_row else 0)


class _PairFlow(QObject):
    def __init__(
        self, host: QWidget, grid: QGridLayout, pairs: list[tuple[QLabel, QLabel]]
    ) -> None:
        super().__init__(host)
        self.host, self.grid, self.pairs, self.per_row = host, grid, pairs, 1
        host.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.host and event.type() == QEvent.Type.Resize:
            per_row = 1 if self.host.height() > self.host.width() else 2
            if per_row != self.per_row:
                self.per_row = per_row
                _place_pairs(self.grid, self.pairs, per_row)
        return False


class Pictogram(QLabel):
    """A pictogram from assets/icons, coloured by the current theme (call `refresh` after a
    theme change; the screens do in their own refresh)."""

    def __init__(self, name: str, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name, self.size_px = name, size
        self.setObjectName(f"icon_{name}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refresh()

    def set_icon(self, name: str) -> None:
        if name != self.name:
            self.name = name
            self.setObjectName(f"icon_{name}")
        self.refresh()

    def refresh(self) -> None:
        from ui.theme import current_theme
        from ui.widgets.icons import icon_pixmap

        theme = current_theme()
        side = theme.dp(self.size_px)
        if self.width() != side or self.height() != side:
            self.setFixedSize(side, side)
        self.setPixmap(icon_pixmap(self.name, side, theme.palette.primary))


class ActionRow(QBoxLayout):
    """Two answers side by side (the secondary left, the main one wider), one above the other
    when their words do not fit side by side (portrait, large text)."""

    def __init__(self) -> None:
        super().__init__(QBoxLayout.Direction.LeftToRight)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        items = [self.itemAt(i) for i in range(self.count())]
        widgets = [item.widget() for item in items if item is not None]
        shown = [w for w in widgets if w is not None and not w.isHidden()]
        needed = sum(w.sizeHint().width() for w in shown) + self.spacing() * (len(shown) - 1)
        direction = (
            QBoxLayout.Direction.TopToBottom
            if needed > rect.width()
            else QBoxLayout.Direction.LeftToRight
        )
        if direction != self.direction():
            self.setDirection(direction)  # lays out again at once
        super().setGeometry(rect)


def action_row(secondary: QPushButton, primary: QPushButton) -> QBoxLayout:
    """The screen's two answers side by side: the secondary one left, the main one wider
    (stacked when they do not fit, see ActionRow)."""
    layout = ActionRow()
    layout.setSpacing(24)
    layout.addWidget(secondary, 1)
    layout.addWidget(primary, 2)
    return layout


def row(*widgets: QWidget, spacing: int = 16) -> QHBoxLayout:
    """Widgets side by side, vertically centred; the last one takes the remaining width."""
    layout = QHBoxLayout()
    layout.setSpacing(spacing)
    for index, widget in enumerate(widgets):
        last = index == len(widgets) - 1
        layout.addWidget(widget, 1 if last else 0, Qt.AlignmentFlag.AlignVCenter)
    return layout


class FitScroll(QScrollArea):
    """Shows `content` whole when the screen has room, scrolls it vertically when not.

    Its size hint is the content's own, so on a tall screen nothing changes; on a screen too
    small the layout may shrink it and a scroll bar appears instead of crushed rows. Unless
    `long_list` (a list that may be any length), scrolling is a fallback: `kiosk screens`
    reports a FitScroll that scrolls at a supported size ("scrolls").
    """

    def __init__(
        self, content: QWidget, parent: QWidget | None = None, long_list: bool = False
    ) -> None:
        super().__init__(parent)
        self.setProperty("must_fit", not long_list)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._width = -1
        content.installEventFilter(self)  # new texts: a new height to ask the layout for

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        content = self.widget()
        if content is None:
            return QSize(0, 0)
        hint = content.sizeHint()
        height = hint.height()
        bar = self.verticalScrollBar().sizeHint().width()
        width = self.width() - bar  # as if the bar showed: the hint never comes out short
        if width > 0 and content.hasHeightForWidth():
            height = max(height, content.heightForWidth(width))  # wrapped text at this width
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), height)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        old = self._width
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._width = self.width()
        if self._width != old:
            self.updateGeometry()  # the wrapped content's height depends on the width

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().minimumSizeHint().width(), 120)


class TileGrid(QGridLayout):
    """Large tiles (choice buttons) in rows of `columns`, one column while `host` is taller
    than it is wide (portrait: one column of large tiles). With `span_wide`, a tile whose
    text needs more than one column's width takes the whole row instead of being clipped.

    Re-flows when the host is resized or shown; call `reflow()` after changing the tiles'
    texts or visibility.
    """

    def __init__(
        self, host: QWidget, columns: int = 2, span_wide: bool = False, portrait_columns: int = 1
    ) -> None:
        super().__init__()
        self.host, self.columns, self.span_wide = host, columns, span_wide
        self.portrait_columns = portrait_columns
        self.tiles: list[QWidget] = []
        host.installEventFilter(self)

    def add(self, tile: QWidget) -> None:
        self.tiles.append(tile)
        self.reflow()

    def _columns(self) -> int:
        return self.portrait_columns if self.host.height() > self.host.width() else self.columns

    def reflow(self) -> None:
        columns = self._columns()
        width = self.geometry().width() or self.host.width()
        spacing = max(self.horizontalSpacing(), 0)
        column_width = (width - spacing * (columns - 1)) // columns
        for tile in self.tiles:
            self.removeWidget(tile)
        row = col = 0
        for tile in self.tiles:
            if (
                tile.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
                and tile.isHidden()
            ):
                continue
            wide = self.span_wide and columns > 1 and tile.sizeHint().width() > column_width
            if wide:
                if col:
                    row, col = row + 1, 0
                self.addWidget(tile, row, 0, 1, columns)
                row += 1
                continue
            self.addWidget(tile, row, col)
            col += 1
            if col == columns:
                row, col = row + 1, 0
        for index in range(max(self.columns, self.columnCount())):
            self.setColumnStretch(index, 1 if index < columns else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.host and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.reflow()
        return False
