"""`kiosk screens`: every screen (journey, busy, idle countdown, errors, out of service, prices,
price detail, payment, admin), rendered in the real window at every supported kiosk screen
size, in normal and in large text, has no widget outside the screen or cut by its parent, no
two buttons over each other, no label or button whose text does not fit, and no scrolling
except in long lists.

One window serves every size and mode (`render_on` re-fits it), so a case costs one journey
(about 20-30 s on a 2-core machine), not a start-up and a price-list import.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.config import load_config
from ui.screenshots import SUPPORTED, Options, check_fit, render_on, screens_kiosk
from ui.widgets.common import FitScroll

pytestmark = pytest.mark.gui

CASES = [Options(w, h, large) for large in (False, True) for w, h in SUPPORTED]


def _table(findings) -> str:
    return "\n".join(f"{f.screen} {f.kind} {f.widget} {f.text!r} {f.detail}" for f in findings)


@pytest.fixture(scope="module")
def kiosk(qapp, tmp_path_factory):
    """One window for every size and text mode (`render_on` re-fits it)."""
    config = load_config(None, tmp_path_factory.mktemp("screens"))
    with screens_kiosk(config, (1920, 1080)) as app:
        yield app


# Open finding (issue 12 §1, not this test's subject): a full journey leaves two eventfds
# behind, like test_admin_entry; not yet traced. The module's window outlives each test.
@pytest.mark.leaks_ok
@pytest.mark.parametrize("options", CASES, ids=[o.name for o in CASES])
def test_every_screen_fits(kiosk, qtbot, tmp_path, options):
    # one case also writes the PNGs, as `kiosk screens --out` does (PNGs cost time)
    out = tmp_path if options == Options(1366, 768) else None
    findings, written = render_on(kiosk, options, out)
    assert _table(findings) == ""
    assert (kiosk.window.width(), kiosk.window.height()) == (options.width, options.height)
    if out is not None:
        assert len(written) >= 30
        for path in written:
            image = QImage(str(path))
            assert (image.width(), image.height()) == (1366, 768), path.name


def test_the_checker_sees_a_clipped_label_and_a_button_off_the_window(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    label = QLabel("Một dòng chữ dài không thể vừa trong ô nhỏ này")
    label.setObjectName("long")
    layout.addWidget(label)
    window.setFixedSize(120, 80)
    outside = QPushButton("Đồng ý", window)
    outside.setObjectName("outside")
    outside.setGeometry(100, 60, 100, 40)
    window.show()
    qtbot.waitExposed(window)
    found = {(f.kind, f.widget) for f in check_fit(window, "test")}
    assert ("clipped", "QLabel#long") in found
    assert ("offscreen", "QPushButton#outside") in found


def test_the_checker_sees_buttons_over_each_other_and_content_that_scrolls(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.setFixedSize(400, 300)
    first = QPushButton("1", window)
    first.setObjectName("first")
    first.setGeometry(10, 10, 100, 60)
    second = QPushButton("2", window)
    second.setObjectName("second")
    second.setGeometry(10, 40, 100, 60)  # covers the lower half of the first
    content = QWidget()
    content.setMinimumHeight(600)
    fit = FitScroll(content, window)
    fit.setObjectName("fit")
    fit.setGeometry(150, 10, 200, 200)
    long_list = FitScroll(QWidget(), window, long_list=True)
    long_list.widget().setMinimumHeight(600)
    long_list.setObjectName("list")
    long_list.setGeometry(150, 220, 200, 70)
    window.show()
    qtbot.waitExposed(window)
    found = {(f.kind, f.widget) for f in check_fit(window, "test")}
    assert ("overlap", "QPushButton#first") in found
    assert ("scrolls", "FitScroll#fit") in found
    assert ("scrolls", "FitScroll#list") not in found


@pytest.mark.leaks_ok
def test_high_contrast_moves_nothing(kiosk, qtbot):
    window = kiosk.window
    kiosk.fit_screen(1366, 768)
    kiosk.set_theme(kiosk.theme.with_large_text(False).with_high_contrast(False))
    kiosk.session.begin()
    qtbot.waitUntil(lambda: kiosk.session.step.value == "consent")
    kiosk.window.consent.accept.click()
    qtbot.waitUntil(lambda: kiosk.session.step.value == "identify")

    def geometry() -> dict[str, tuple[int, int, int, int]]:
        qtbot.wait(50)
        return {
            f"{type(w).__name__}#{w.objectName()}#{i}": (
                w.mapTo(window, w.rect().topLeft()).x(),
                w.mapTo(window, w.rect().topLeft()).y(),
                w.width(),
                w.height(),
            )
            for i, w in enumerate(window.findChildren(QWidget))
            if w.isVisible()
        }

    before = geometry()
    kiosk.set_theme(kiosk.theme.with_high_contrast(True))
    try:
        assert geometry() == before
    finally:
        kiosk.set_theme(kiosk.theme.with_high_contrast(False))
        kiosk.session.cancel()


def test_density_follows_the_screen_and_keeps_touch_targets():
    from ui.theme import TOUCH_MIN, Theme, density_for

    assert density_for(1920, 1080) == density_for(1080, 1920) == 1.0
    assert density_for(3840, 2160) == 2.0
    assert density_for(1366, 768) < 0.75 and density_for(1280, 1024) < 0.7
    short = Theme(density=density_for(1366, 768))
    assert short.touch(72) == TOUCH_MIN  # a button never shrinks below the touch minimum
    assert short.px(26) < Theme().px(26)  # but its text and spacing do
    assert short.with_large_text(True).px(26) > short.px(26)
    assert Theme(density=2.0).touch(72) == 144
    # high contrast changes colours only
    assert Theme().with_high_contrast(True).px(26) == Theme().px(26)
