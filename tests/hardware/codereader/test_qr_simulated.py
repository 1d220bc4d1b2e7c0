"""The simulated camera end to end through the real decode path, and the simulated scanner."""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np

from hardware.codereader.config import CameraConfig
from hardware.codereader.frames import clean_spec, render_frame
from hardware.codereader.simulated import SimulatedCamera, SimulatedScanner

CCCD = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Ngõ 34 Phố Huế, Hà Nội|15042021"


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Recorder:
    def __init__(self) -> None:
        self.codes: list[bytes] = []
        self.threads: set[str] = set()

    def __call__(self, code: bytes) -> None:
        self.codes.append(code)
        self.threads.add(threading.current_thread().name)


def test_show_reports_exact_bytes_once_then_suppresses_duplicates():
    camera = SimulatedCamera(CameraConfig(fps=30, repeat_after_s=0.8), seed=1)
    got = Recorder()
    camera.start(got)
    try:
        camera.show(CCCD)
        assert wait_for(lambda: len(got.codes) == 1)
        assert got.codes[0] == CCCD.encode("utf-8")
        assert threading.current_thread().name not in got.threads  # the camera's thread
        time.sleep(0.6)  # still in view, many frames decoded: no repeat
        assert len(got.codes) == 1 and camera.decoded_frames > 5
        camera.show(b"LH12345678")
        assert wait_for(lambda: len(got.codes) == 2) and got.codes[1] == b"LH12345678"
        camera.show(CCCD)  # a different code came in between: reported again
        assert wait_for(lambda: len(got.codes) == 3) and got.codes[2] == CCCD.encode()
        camera.clear()
        time.sleep(1.2)  # gone for longer than repeat_after_s
        camera.show(CCCD)
        assert wait_for(lambda: len(got.codes) == 4)
        frame = camera.latest_frame()
        assert frame is not None and frame.shape == (720, 1280, 3)
        status = camera.status()
        assert (
            status.ok and status.details["scene"] == "payload" and float(status.details["fps"]) > 5
        )
    finally:
        camera.stop()
    assert not camera.status().ok


def test_binary_payload_is_not_reencoded():
    camera = SimulatedCamera(CameraConfig(), seed=2)
    got = Recorder()
    camera.start(got)
    try:
        camera.show(b"\xff\xfeNOT-UTF8\x80")
        assert wait_for(lambda: got.codes == [b"\xff\xfeNOT-UTF8\x80"])
    finally:
        camera.stop()


def test_blank_scene_reports_nothing():
    camera = SimulatedCamera(CameraConfig(), seed=3)
    got = Recorder()
    camera.start(got)
    try:
        assert wait_for(lambda: camera.decoded_frames >= 5)
        assert got.codes == [] and camera.status().details["scene"] == "blank"
    finally:
        camera.stop()


def _write_qr_image(path, payload: str, seed: int) -> None:
    frame, _ = render_frame(payload, clean_spec(0.25), np.random.default_rng(seed))
    cv2.imwrite(str(path), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))


def test_show_images_in_order_and_folder_source(tmp_path):
    _write_qr_image(tmp_path / "a.png", "LH00000001", 1)
    _write_qr_image(tmp_path / "b.jpg", "LH00000002", 2)
    (tmp_path / "broken.png").write_bytes(b"not an image")
    camera = SimulatedCamera(CameraConfig(source=str(tmp_path)), seed=4)
    camera._image_seconds = 0.4  # the folder source uses 1 s per image; faster here
    got = Recorder()
    camera.start(got)
    try:
        assert wait_for(lambda: got.codes[:2] == [b"LH00000001", b"LH00000002"])
        camera.show_images([tmp_path / "missing.png"])
        assert wait_for(lambda: not camera.status().ok)
        assert "no readable image" in camera.status().summary
    finally:
        camera.stop()


def test_play_video(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (1280, 720))
    frame, _ = render_frame("LH55555555", clean_spec(0.3), np.random.default_rng(5))
    for _ in range(10):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    camera = SimulatedCamera(CameraConfig(), seed=5)
    got = Recorder()
    camera.start(got)
    try:
        camera.play_video(path)
        assert wait_for(lambda: got.codes == [b"LH55555555"])
        assert camera.scene == "video"
    finally:
        camera.stop()


def test_simulated_scanner_delivers_on_its_own_thread():
    scanner = SimulatedScanner()
    got = Recorder()
    scanner.start(got)
    try:
        scanner.scan("LH12345678")
        scanner.scan(b"\x00\xff")
        assert wait_for(lambda: got.codes == [b"LH12345678", b"\x00\xff"])
        assert got.threads == {"simulated-scanner"} and scanner.status().ok
    finally:
        scanner.stop()
    assert not scanner.status().ok


def test_stop_and_start_again():
    camera = SimulatedCamera(CameraConfig(), seed=6)
    got = Recorder()
    camera.start(got)
    camera.show("LH10000001")
    assert wait_for(lambda: got.codes == [b"LH10000001"])
    camera.stop()
    assert camera.latest_frame() is None
    camera.reset_duplicates()  # e.g. a new session: the same code may count again at once
    camera.start(got)
    try:
        assert wait_for(lambda: got.codes == [b"LH10000001", b"LH10000001"])
        assert camera.latest_frame() is not None
    finally:
        camera.stop()
