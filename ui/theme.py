"""The kiosk's look: one stylesheet built from a Theme, applied to the whole application.

Widgets say what they are with a `role` property (primary, secondary, key, title, body,
muted, card, danger, notice, badge, number), never with colours. Two palettes: calm (default)
and high contrast; a text scale for the large-text mode. Every text/background pair below is
at least 7:1 (WCAG AAA), and the outlines of keys, tiles and cards at least 3:1 against what
they stand on (WCAG 1.4.11 non-text contrast), checked by tests/ui/test_theme.py.

Sizes are designed for 1920x1080 (landscape) and 1080x1920 (portrait). `density_for(w, h)`
gives the factor for another screen: smaller on 1366x768 or 1280x800 (fonts, padding and
spacing shrink together, touch targets never below TOUCH_MIN), 2 on 3840x2160 (the same
layout, twice the pixels). The high-contrast palette changes colours only, never a size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_FAMILY = "Noto Sans"


@dataclass(frozen=True)
class Palette:
    background: str
    surface: str  # cards, panels
    text: str
    muted: str
    primary: str  # primary button background
    on_primary: str
    secondary_text: str  # secondary button text and border
    danger: str
    on_danger: str
    notice_bg: str
    notice_text: str
    good_bg: str
    good_text: str
    border: str  # outlines of keys, tiles, cards: >= 3:1 against background and surface
    focus: str
    pressed: str  # a button's background while pressed (its text stays >= 7:1 on it)
    disabled: str  # text and dashed outline of a button that cannot be used yet


CALM = Palette(
    background="#F5F8F7",
    surface="#FFFFFF",
    text="#102A26",
    muted="#3A4D49",
    primary="#0B5D57",
    on_primary="#FFFFFF",
    secondary_text="#0B5D57",
    danger="#9B1C1C",
    on_danger="#FFFFFF",
    notice_bg="#FFF4D6",
    notice_text="#3D2A00",
    good_bg="#E3F4EC",
    good_text="#0D3B26",
    border="#6B8580",
    focus="#D97706",
    pressed="#CFE3DE",
    disabled="#5C6B68",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#F0F0F0",
    primary="#FFE14D",
    on_primary="#000000",
    secondary_text="#FFFFFF",
    danger="#FF6B6B",
    on_danger="#000000",
    notice_bg="#000000",
    notice_text="#FFE14D",
    good_bg="#000000",
    good_text="#7CFFB2",
    border="#FFFFFF",
    focus="#00E5FF",
    pressed="#333333",
    disabled="#B0B0B0",
)


DESIGN_LANDSCAPE = (1920, 1080)
DESIGN_PORTRAIT = (1080, 1920)
TOUCH_MIN = 64  # px at density 1: the smallest touch target (about 16 mm on a 21.5" screen)
FONT_FLOOR = 0.75  # fonts shrink with the screen, but never below this part of the design
BORDER = 3  # the same in both palettes: high contrast must not move anything


def density_for(width: int, height: int) -> float:
    """The size factor for a screen of width x height against the design size of its
    orientation (the smaller of the two ratios, so both directions fit)."""
    design_w, design_h = DESIGN_PORTRAIT if height > width else DESIGN_LANDSCAPE
    factor = min(width / design_w, height / design_h)
    return round(max(0.5, min(factor, 3.0)), 3)


@dataclass(frozen=True)
class Theme:
    palette: Palette = CALM
    scale: float = 1.0  # 1.3 in large-text mode
    density: float = 1.0  # density_for(screen size); 1 at the design sizes

    @property
    def high_contrast(self) -> bool:
        return self.palette is HIGH_CONTRAST

    def with_large_text(self, on: bool) -> Theme:
        return replace(self, scale=1.3 if on else 1.0)

    def with_high_contrast(self, on: bool) -> Theme:
        return replace(self, palette=HIGH_CONTRAST if on else CALM)

    def with_density(self, density: float) -> Theme:
        return replace(self, density=density)

    def px(self, size: float) -> int:
        """A font size (or a box that holds text): text scale times density, never below
        FONT_FLOOR of the design (large text stays larger than normal text on every screen)."""
        return round(size * max(self.density * self.scale, FONT_FLOOR))

    def dp(self, size: float) -> int:
        """A distance (margin, spacing, padding, picture) designed at 1920x1080."""
        return round(size * self.density)

    def touch(self, size: float) -> int:
        """A touch target's height: like a text box, but never below TOUCH_MIN."""
        return max(self.dp(TOUCH_MIN) if self.density > 1 else TOUCH_MIN, self.px(size))


def load_fonts() -> str:
    """Registers the shipped fonts; returns the family to use."""
    for file in sorted(FONT_DIR.glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(file))
    return FONT_FAMILY


def stylesheet(theme: Theme) -> str:
    p, px, dp, touch = theme.palette, theme.px, theme.dp, theme.touch
    border_w = max(2, round(BORDER * min(theme.density, 2.0)))
    radius = dp(12)
    return f"""
QWidget {{
    background: {p.background};
    color: {p.text};
    font-family: "{FONT_FAMILY}";
    font-size: {px(26)}px;
}}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {px(46)}px; font-weight: 700; }}
QLabel[role="subtitle"] {{ font-size: {px(34)}px; font-weight: 700; }}
QLabel[role="body"] {{ font-size: {px(28)}px; }}
QLabel[role="muted"] {{ font-size: {px(24)}px; color: {p.muted}; }}
QLabel[role="number"] {{ font-size: {px(150)}px; font-weight: 700; color: {p.text}; }}
QLabel[role="display"] {{
    font-size: {px(40)}px; font-weight: 700; letter-spacing: {dp(4)}px;
    background: {p.surface}; border: {border_w}px solid {p.border}; border-radius: {radius}px;
    padding: {dp(8)}px {dp(16)}px;
}}
QLabel[role="notice"] {{
    background: {p.notice_bg}; color: {p.notice_text}; border-radius: {radius}px;
    border: {border_w}px solid {p.notice_text}; padding: {dp(16)}px {dp(20)}px; font-size: {px(28)}px;
}}
QLabel[role="good"] {{
    background: {p.good_bg}; color: {p.good_text}; border-radius: {radius}px;
    border: {border_w}px solid {p.good_text}; padding: {dp(16)}px {dp(20)}px; font-size: {px(28)}px;
}}
QLabel[role="badge"] {{
    background: {p.good_bg}; color: {p.good_text}; border-radius: {dp(18)}px;
    border: {border_w}px solid {p.good_text}; padding: {dp(6)}px {dp(18)}px; font-size: {px(24)}px; font-weight: 700;
}}
QLabel[role="badge-warn"] {{
    background: {p.notice_bg}; color: {p.notice_text}; border-radius: {dp(18)}px;
    border: {border_w}px solid {p.notice_text}; padding: {dp(6)}px {dp(18)}px; font-size: {px(24)}px; font-weight: 700;
}}
QFrame[role="card"] {{
    background: {p.surface}; border: {border_w}px solid {p.border}; border-radius: {dp(16)}px;
}}
QFrame[role="card"] QLabel {{ background: transparent; }}
QFrame[role="header"] {{ background: {p.primary}; }}
QFrame[role="header"] QLabel {{ color: {p.on_primary}; font-size: {px(28)}px; font-weight: 700; }}
QFrame[role="footer"] {{ background: {p.surface}; border-top: {border_w}px solid {p.border}; }}
QPushButton {{
    min-height: {touch(72)}px; padding: {dp(6)}px {dp(24)}px;
    border-radius: {dp(14)}px; font-size: {px(30)}px; font-weight: 700;
    background: {p.surface}; color: {p.secondary_text}; border: {border_w + 1}px solid {p.secondary_text};
}}
QPushButton:focus {{ outline: none; border-color: {p.focus}; }}
QPushButton:pressed {{ background: {p.pressed}; }}
QPushButton:disabled {{ color: {p.disabled}; border-color: {p.disabled}; }}
QPushButton[role="primary"] {{
    background: {p.primary}; color: {p.on_primary}; border: {border_w + 1}px solid {p.primary};
    min-height: {touch(88)}px; font-size: {px(34)}px;
}}
QPushButton[role="primary"]:pressed {{ background: {p.text}; }}
QPushButton[role="primary"]:disabled {{
    background: {p.surface}; color: {p.disabled}; border: {border_w + 1}px dashed {p.disabled};
}}
QPushButton[role="danger"] {{
    background: {p.danger}; color: {p.on_danger}; border: {border_w + 1}px solid {p.danger};
}}
QPushButton[role="key"] {{
    min-height: {touch(76)}px; min-width: {touch(88)}px; font-size: {px(40)}px;
    background: {p.surface}; color: {p.text}; border: {border_w}px solid {p.border};
}}
QPushButton[role="choice"] {{
    min-height: {touch(110)}px; text-align: left; padding: {dp(12)}px {dp(28)}px; font-size: {px(30)}px;
    background: {p.surface}; color: {p.text}; border: {border_w + 1}px solid {p.border};
}}
QPushButton[role="choice"]:checked {{
    border: {border_w + 3}px solid {p.primary}; background: {p.good_bg}; color: {p.good_text};
}}
QPushButton[compact="true"] {{ min-height: {dp(TOUCH_MIN) if theme.density > 1 else TOUCH_MIN}px; padding: 0px {dp(8)}px; }}
QPushButton[narrow="true"] {{
    padding-left: {dp(8)}px; padding-right: {dp(8)}px; min-width: {dp(TOUCH_MIN) if theme.density > 1 else TOUCH_MIN}px;
}}
QPushButton[role="language"] {{ min-width: {px(260)}px; font-size: {px(34)}px; }}
QPushButton[role="language"]:checked {{ background: {p.primary}; color: {p.on_primary}; }}
QPushButton[role="toggle"]:checked {{ background: {p.primary}; color: {p.on_primary}; }}
QLineEdit {{
    background: {p.surface}; color: {p.text}; border: {border_w}px solid {p.border};
    border-radius: {radius}px; padding: {dp(10)}px {dp(16)}px; font-size: {px(36)}px;
    min-height: {touch(64)}px;
}}
QListWidget, QListView {{
    background: {p.surface}; color: {p.text}; border: {border_w}px solid {p.border}; border-radius: {radius}px;
    font-size: {px(26)}px;
}}
QListWidget::item, QListView::item {{ min-height: {touch(72)}px; padding: {dp(8)}px {dp(12)}px; border-bottom: 1px solid {p.border}; }}
QListWidget::item:selected, QListView::item:selected {{ background: {p.good_bg}; color: {p.good_text}; }}
QScrollBar:vertical {{ width: {max(28, dp(28))}px; background: {p.background}; }}
QScrollBar::handle:vertical {{ background: {p.border}; border-radius: {dp(12)}px; min-height: {dp(TOUCH_MIN)}px; }}
QComboBox, QCheckBox, QSpinBox {{ font-size: {px(22)}px; min-height: {max(44, dp(44))}px; }}
"""


_current = Theme()


def current_theme() -> Theme:
    """The theme last applied (pictograms take their colour from it)."""
    return _current


def use_theme(theme: Theme) -> None:
    """Makes `theme` the current one (pictograms) without restyling anything."""
    global _current
    _current = theme


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Styles the whole application (at start-up: it restyles every widget, about 1 s once
    the kiosk's pages exist; the window's own `apply_style` restyles lazily)."""
    use_theme(theme)
    app.setFont(QFont(FONT_FAMILY, 12))
    app.setStyleSheet(stylesheet(theme))


def set_role(widget: QWidget, role: str) -> None:
    """Changes a widget's role after it was shown, and makes Qt apply the new style.

    Re-polishing alone does not re-apply box metrics (padding, borders) from the application
    style sheet; a changed widget style sheet (here only a comment) makes Qt re-evaluate it.
    """
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    widget.setStyleSheet(f"/* role: {role} */")
