"""The camera preview: live, mirrored, framing guide; polling only on the GUI thread."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget

from hardware.codereader.config import CameraConfig
from hardware.codereader.simulated import SimulatedCamera
from ui.widgets.camera_view import CameraView, measure_gui_stall

pytestmark = pytest.mark.gui

CCCD = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Ngõ 34 Phố Huế, Hà Nội|15042021"


@pytest.fixture
def camera():
    cam = SimulatedCamera(CameraConfig(fps=30), seed=1)
    codes: list[bytes] = []
    cam.start(codes.append)
    cam.codes = codes  # type: ignore[attr-defined]
    yield cam
    cam.stop()


def test_preview_is_mirrored_and_scaled_to_the_widget(camera, qtbot, tmp_path):
    image = np.zeros((720, 1280, 3), np.uint8)
    image[:, :640] = (0, 0, 255)  # BGR: red on the camera's left
    image[:, 640:] = (255, 0, 0)  # blue on its right
    cv2.imwrite(str(tmp_path / "halves.png"), image)
    camera.show_images([tmp_path / "halves.png"])
    view = CameraView(camera)
    qtbot.addWidget(view)
    view.resize(640, 400)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: view.repaints >= 3, timeout=5000)
    shot = view.grab().toImage()
    left, right = shot.pixelColor(40, 200), shot.pixelColor(600, 200)
    assert left.blue() > 150 and left.red() < 80  # mirrored: the camera's right is on our left
    assert right.red() > 150 and right.blue() < 80
    assert view._image is not None and view._image.width() == 640  # scaled once, to fit
    view.stop()
    assert not view.running


def test_live_qr_preview_screenshot(camera, qtbot):
    camera.show(CCCD)
    view = CameraView(camera)
    qtbot.addWidget(view)
    view.resize(960, 540)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: camera.codes == [CCCD.encode()], timeout=10000)
    qtbot.waitUntil(lambda: view.repaints >= 5, timeout=5000)
    assert view.preview_fps >= 15
    view.grab().save("/tmp/camera_view.png")
    assert view.tick_ms and max(view.tick_ms) < 1000  # sanity only: the bench measures


def test_no_frames_shows_the_unavailable_message(qtbot):
    idle = SimulatedCamera(CameraConfig())  # never started: latest_frame() is None
    view = CameraView(idle)
    view.no_frame_after_ms = 300
    qtbot.addWidget(view)
    view.resize(480, 300)
    view.show()
    view.start()
    qtbot.wait(100)
    assert not view._stale  # just started: no alarm yet
    qtbot.waitUntil(lambda: view._stale, timeout=3000)
    assert view._image is None and view.repaints == 0
    assert "not available" in view._unavailable
    view.grab().save("/tmp/camera_view_unavailable.png")
    view.stop()


def test_gui_stall_measurement_runs(qtbot):
    result = measure_gui_stall(seconds=2.5, fps=30, size=(640, 360))
    assert result["repaints"] > 0 and result["samples"] > 0
    # a new payload every second, each decoded once (the last may still be rendering)
    assert result["payloads_shown"] == 3
    assert result["payloads_shown"] - 1 <= result["codes"] <= result["payloads_shown"]
    assert result["max_stall_ms"] >= result["median_stall_ms"] >= 0
    assert result["baseline_max_stall_ms"] >= 0


def test_the_painted_caption_shrinks_to_fit_and_the_checker_sees_when_it_cannot(qtbot):
    from ui.fitcheck import check_fit

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(600, 300)
    view = CameraView(SimulatedCamera(CameraConfig()), window)
    view.setFixedSize(560, 260)
    window.show()
    qtbot.waitExposed(window)
    view._stale = True  # "camera not available", painted across the middle
    assert view.painted_text_problem() is None
    font, band, fits = view._caption_layout(QRectF(view.rect()), view._unavailable, True)
    assert fits and band.width() == view.width() and band.height() <= 0.45 * view.height()
    view._unavailable = " ".join(["Một câu thật dài không thể vừa trong khung nhỏ này."] * 12)
    problem = view.painted_text_problem()
    assert problem is not None and "16 px" in problem  # shrunk to the smallest size first
    assert any(f.kind == "clipped" and "camera_view" in f.widget for f in check_fit(window, "cam"))
