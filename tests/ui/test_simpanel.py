"""The tester's panel fits on the screen beside the kiosk window (issue 12 §4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize

from ui.simpanel import place_beside

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(
    "screen", [QRect(0, 0, 1920, 1080), QRect(0, 0, 1366, 768), QRect(1920, 0, 1080, 1920)]
)
def test_window_and_panel_fit_side_by_side(screen):
    kiosk, panel = place_beside(screen, QSize(1600, 900), 700)
    assert screen.contains(kiosk) and screen.contains(panel)
    assert not kiosk.intersects(panel)
    assert kiosk.width() >= 700  # still a usable kiosk window


PROBE = """
import json, sys, tempfile
from pathlib import Path
from kiosk.config import load_config
from ui.app import _open_panel, build_app

config = load_config(None, Path(tempfile.mkdtemp()))
config.catalog.demo_catalog = False
config.accessibility.speech = False
kiosk = build_app(config, show_panel=False)
kiosk.window.resize(1600, 900)  # as `kiosk run --demo`
kiosk.window.show()
_open_panel(kiosk)
for _ in range(20):
    kiosk.app.processEvents()
rect = lambda r: [r.x(), r.y(), r.width(), r.height()]
print(json.dumps({
    "screen": rect(kiosk.window.screen().availableGeometry()),
    "window": rect(kiosk.window.frameGeometry()),
    "panel": rect(kiosk.panel.frameGeometry()),
    "panel_hint_width": kiosk.panel.sizeHint().width(),
    "panel_width": kiosk.panel.width(),
}))
kiosk.close()
"""


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_real_panel_opens_inside_the_screen(tmp_path, size):
    """`kiosk run --demo` on a real screen size (the offscreen platform with that screen)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    width, height = size
    screens = {"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height}]}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps(screens))
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PYTHONPATH": str(root),
        "KIOSK_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("KIOSK_CONFIG", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    g = json.loads(out.stdout.strip().splitlines()[-1])
    screen, window, panel = (QRect(*g[k]) for k in ("screen", "window", "panel"))
    assert screen == QRect(0, 0, width, height)
    assert screen.contains(panel), g
    assert g["panel_hint_width"] <= g["panel_width"], g  # nothing in the panel is squeezed
    if width >= 1920:  # a smaller screen has no room for both: the panel stays on it
        assert screen.contains(window) and not panel.intersects(window), g
