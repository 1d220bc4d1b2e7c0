"""An on-screen keyboard for searching in Vietnamese or Latin letters.

Layer "abc": digits, QWERTY letters and `đ`. Layer "ăâê": the Vietnamese vowels with
diacritics (ă â ê ô ơ ư, and đ) plus digits and the punctuation found in service names.
Tone marks are not needed: search folds diacritics, so "sieu am" finds "Siêu âm".

Signals:
    text_changed(str): the whole text after every key.
    key_pressed(str): the key: a character, or "backspace", "space", "clear", "layer".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.common import KEY_MAX_HEIGHT, sized

LAYERS: dict[str, tuple[str, ...]] = {
    "abc": ("1234567890", "qwertyuiop", "asdfghjklđ", "zxcvbnm-."),
    "viet": ("1234567890", "ăâđêôơư", "()/,.%+-"),
}
KEY_MIN = 64  # px: touch target floor whatever the theme says
# Ten keys in a row: the theme's button padding would make the keyboard too wide, so the keys
# drop the horizontal padding (sizes only; colours and fonts come from the theme's "key" role).
COMPACT_KEYS = 'QPushButton[role="key"] { padding: 4px 0px; min-width: 64px; }'
MAX_LENGTH = 80


class OnScreenKeyboard(QWidget):
    text_changed = Signal(str)
    key_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(COMPACT_KEYS)
        self._text = ""
        self.layer = "abc"
        self.keys: dict[str, QPushButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(8)
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(8)
        outer.addWidget(self._grid_host)
        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        self.layer_key = self._make_key("layer", "layer")
        self.space_key = self._make_key("space", "space")
        self.backspace_key = self._make_key("backspace", "backspace")
        self.clear_key = self._make_key("clear", "clear")
        bottom.addWidget(self.layer_key, 2)
        bottom.addWidget(self.space_key, 4)
        bottom.addWidget(self.backspace_key, 2)
        bottom.addWidget(self.clear_key, 3)  # "Xóa hết" is the longest label
        outer.addLayout(bottom)
        self._char_keys: list[QPushButton] = []
        self._build_layer()
        self.retranslate()

    # ------------------------------------------------------------------ public

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        """Sets the text without emitting text_changed (e.g. typed on a hardware keyboard)."""
        self._text = text[:MAX_LENGTH]

    def clear(self) -> None:
        self._press("clear")

    def set_layer(self, layer: str) -> None:
        if layer not in LAYERS or layer == self.layer:
            return
        self.layer = layer
        self._build_layer()
        self.retranslate()

    def retranslate(self) -> None:
        self.layer_key.setText("abc" if self.layer == "viet" else "ăâê")
        self.layer_key.setAccessibleName(
            self.tr("Letters") if self.layer == "viet" else self.tr("Vietnamese vowels")
        )
        self.space_key.setText(self.tr("Space"))
        self.backspace_key.setText("⌫")
        self.backspace_key.setAccessibleName(self.tr("Delete"))
        self.clear_key.setText(self.tr("Clear"))

    # ------------------------------------------------------------------ internals

    def _make_key(self, key: str, name: str) -> QPushButton:
        btn = QPushButton(self)
        btn.setProperty("role", "key")
        btn.setObjectName(f"key_{name}")
        btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        btn.setAutoRepeat(key == "backspace")
        btn.setMinimumWidth(KEY_MIN)
        # between the touch minimum and the designed height: as tall as the screen allows
        btn.setProperty("compact", True)
        btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sized(btn, max_height=KEY_MAX_HEIGHT)
        btn.clicked.connect(lambda _=False, k=key: self._press(k))
        self.keys[name] = btn
        return btn

    def _build_layer(self) -> None:
        for btn in self._char_keys:
            self._grid.removeWidget(btn)
            self.keys.pop(btn.objectName().removeprefix("key_"), None)
            btn.hide()
            btn.deleteLater()
        self._char_keys = []
        for r, row in enumerate(LAYERS[self.layer]):
            for c, ch in enumerate(row):
                btn = self._make_key(ch, ch)
                btn.setText(ch)
                btn.setParent(self._grid_host)
                self._grid.addWidget(btn, r, c)
                btn.show()  # now, not on the next event-loop turn (the layer switch is instant)
                self._char_keys.append(btn)

    def _press(self, key: str) -> None:
        if key == "layer":
            self.key_pressed.emit(key)
            self.set_layer("viet" if self.layer == "abc" else "abc")
            return
        before = self._text
        if key == "backspace":
            self._text = self._text[:-1]
        elif key == "clear":
            self._text = ""
        elif key == "space":
            if self._text and not self._text.endswith(" "):
                self._text += " "
        elif len(self._text) < MAX_LENGTH:
            self._text += key
        self.key_pressed.emit(key)
        if self._text != before:
            self.text_changed.emit(self._text)
