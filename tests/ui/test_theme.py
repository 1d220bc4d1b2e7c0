"""Every text/background pair of both palettes meets WCAG AAA contrast (7:1)."""

from __future__ import annotations

import pytest

from ui.theme import CALM, HIGH_CONTRAST, Palette, Theme, stylesheet


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def pairs(p: Palette) -> list[tuple[str, str, str]]:
    return [
        ("text on background", p.text, p.background),
        ("text on surface", p.text, p.surface),
        ("muted on background", p.muted, p.background),
        ("muted on surface", p.muted, p.surface),
        ("primary button", p.on_primary, p.primary),
        ("secondary button", p.secondary_text, p.surface),
        ("danger button", p.on_danger, p.danger),
        ("notice", p.notice_text, p.notice_bg),
        ("good", p.good_text, p.good_bg),
    ]


@pytest.mark.parametrize("palette", [CALM, HIGH_CONTRAST], ids=["calm", "high-contrast"])
def test_contrast_at_least_7_to_1(palette):
    low = [
        (name, round(contrast(fg, bg), 2))
        for name, fg, bg in pairs(palette)
        if contrast(fg, bg) < 7
    ]
    assert not low


def test_contrast_function_rejects_a_weak_pair():
    assert contrast("#777777", "#FFFFFF") < 7 <= contrast("#000000", "#FFFFFF")


def test_large_text_scales_fonts():
    normal = stylesheet(Theme())
    large = stylesheet(Theme().with_large_text(True))
    assert "font-size: 26px" in normal and "font-size: 34px" in large


def outline_pairs(p: Palette) -> list[tuple[str, str, str]]:
    """Non-text contrast (WCAG 1.4.11): what makes a key, a tile or a card visible at all."""
    return [
        ("key/tile outline on the card", p.border, p.surface),
        ("key/tile outline on the screen", p.border, p.background),
        ("selected tile outline on the card", p.primary, p.surface),
        ("primary button on the screen", p.primary, p.background),
        ("disabled button outline on the card", p.disabled, p.surface),
    ]


@pytest.mark.parametrize("palette", [CALM, HIGH_CONTRAST], ids=["calm", "high-contrast"])
def test_outlines_at_least_3_to_1(palette):
    ratios = {name: round(contrast(fg, bg), 2) for name, fg, bg in outline_pairs(palette)}
    print(ratios)
    assert all(r >= 3 for r in ratios.values()), ratios
    # a pressed button keeps its text readable
    assert contrast(palette.text, palette.pressed) >= 7
    assert contrast(palette.secondary_text, palette.pressed) >= 4.5


def test_the_outline_check_would_catch_the_old_border():
    assert contrast("#9FB5B0", CALM.surface) < 3  # the border before issue 12 (2.16:1)


@pytest.mark.parametrize("high_contrast", [False, True], ids=["calm", "high-contrast"])
def test_stylesheet_outlines_keys_and_tiles_with_the_checked_colour(high_contrast):
    theme = Theme().with_high_contrast(high_contrast)
    css = stylesheet(theme)
    for role in ("key", "choice"):
        block = css.split(f'QPushButton[role="{role}"] {{', 1)[1].split("}", 1)[0]
        assert f"solid {theme.palette.border}" in block, role
