"""The shared camera path (worker, frame skipping, duplicates) and the OpenCV camera."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware.codereader.camera import DuplicateFilter, OpenCvCamera, StreamingCamera, parse_source
from hardware.codereader.config import CameraConfig
from hardware.codereader.frames import clean_spec, render_frame


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_duplicate_filter():
    f = DuplicateFilter(repeat_after_s=3.0)
    assert f.accept(b"A", now=0.0)
    assert not f.accept(b"A", now=1.0)
    assert not f.accept(b"A", now=3.5)  # still in view: each sighting extends the quiet time
    assert f.accept(b"B", now=3.6)
    assert f.accept(b"A", now=3.7)  # a different code came in between
    assert f.accept(b"A", now=7.0)  # absent for more than 3 s
    f.reset()
    assert f.accept(b"A", now=7.1)


def test_parse_source():
    assert parse_source("0") == 0 and parse_source(" 2 ") == 2
    assert parse_source("/dev/video4") == "/dev/video4"
    assert parse_source("rtsp://cam.local/stream") == "rtsp://cam.local/stream"


class SlowDecoder:
    """Blocks until released, to observe frame skipping while the worker is busy."""

    name = "slow"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def decode(self, frame: np.ndarray) -> bytes | None:
        self.calls += 1
        self.release.wait(5)
        return bytes([int(frame[0, 0, 0])])


class ManualCamera(StreamingCamera):
    def _start_capture(self) -> None:
        pass

    def _stop_capture(self) -> None:
        pass

    def status(self):  # pragma: no cover - not used
        raise NotImplementedError

    def push(self, value: int) -> None:
        self._publish(np.full((4, 4, 3), value, np.uint8))


def test_frames_are_skipped_while_the_decoder_is_busy_and_codes_reported_once():
    decoder = SlowDecoder()
    camera = ManualCamera(CameraConfig(), decoder)
    codes: list[bytes] = []
    camera.start(codes.append)
    try:
        camera.push(7)
        assert wait_for(lambda: decoder.calls == 1)
        for _ in range(5):
            camera.push(7)  # the worker is busy: skipped, never queued up
        assert camera.skipped_frames == 5
        decoder.release.set()
        assert wait_for(lambda: camera.decoded_frames == 1 and not camera._busy)
        camera.push(7)
        assert wait_for(lambda: decoder.calls == 2 and camera.decoded_frames == 2)
        assert codes == [b"\x07"]  # the same code twice in a row: reported once
        camera.push(9)
        assert wait_for(lambda: codes == [b"\x07", b"\t"])
        latest = camera.latest_frame()
        assert latest is not None and latest[0, 0, 0] == 9
        latest[:] = 0  # a copy: the camera's frame is untouched
        assert camera.latest_frame()[0, 0, 0] == 9  # type: ignore[index]
    finally:
        decoder.release.set()
        camera.stop()
    assert camera.latest_frame() is None


def test_a_failing_callback_does_not_stop_decoding():
    camera = ManualCamera(CameraConfig(), SlowDecoder())
    camera._decoder.release.set()  # type: ignore[attr-defined]
    seen: list[bytes] = []

    def callback(code: bytes) -> None:
        seen.append(code)
        raise RuntimeError("consumer bug")

    camera.start(callback)
    try:
        camera.push(1)
        assert wait_for(lambda: len(seen) == 1)
        camera.push(2)
        assert wait_for(lambda: len(seen) == 2)
    finally:
        camera.stop()


@pytest.fixture
def qr_video(tmp_path: Path) -> Path:
    """A short MJPEG video: blank frames, then a QR, at 640x360."""
    path = tmp_path / "qr.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30, (640, 360))
    assert writer.isOpened()
    rng = np.random.default_rng(1)
    frame, _ = render_frame("LH12345678", clean_spec(0.3), rng)
    small = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), (640, 360))
    for i in range(20):
        writer.write(small if i >= 5 else np.full_like(small, 128))
    writer.release()
    return path


def test_opencv_camera_reads_a_stream_and_reopens_it_when_it_stops(qr_video):
    camera = OpenCvCamera(CameraConfig(backend="opencv", source=str(qr_video), stall_s=0.4))
    codes: list[bytes] = []
    camera.start(codes.append)
    try:
        assert wait_for(lambda: codes == [b"LH12345678"])
        # the file ends: no frames -> the watchdog opens it again and frames flow again
        assert wait_for(lambda: camera.reopens >= 1)
        frames = camera.frames
        assert wait_for(lambda: camera.frames > frames)
        frame = camera.latest_frame()
        assert frame is not None and frame.shape == (360, 640, 3)
        assert camera.status().details["reopens"] != "0"
        assert camera.status().details["resolution"] == "640x360"
    finally:
        camera.stop()
    assert not camera.status().ok


def test_opencv_camera_that_cannot_open_reports_it_and_keeps_trying(tmp_path):
    camera = OpenCvCamera(
        CameraConfig(backend="opencv", source=str(tmp_path / "missing.avi"), stall_s=0.2)
    )
    camera.start(lambda code: None)
    try:
        assert wait_for(lambda: camera.reopens >= 2)
        # between two attempts (an attempt itself reports "opening")
        assert wait_for(lambda: "unavailable" in camera.status().summary)
        status = camera.status()
        assert not status.ok and status.fix
        assert camera.latest_frame() is None
    finally:
        camera.stop()


class HungDriverCamera(OpenCvCamera):
    """open() blocks like a hung V4L2 driver until `release` is set."""

    def __init__(self, config: CameraConfig) -> None:
        super().__init__(config)
        self.release = threading.Event()
        self.opens = 0

    def _open(self) -> None:
        self.opens += 1
        self.release.wait(10)
        return None


def test_watchdog_does_not_pile_up_threads_on_a_hung_driver():
    camera = HungDriverCamera(CameraConfig(backend="opencv", stall_s=0.1))
    camera.start(lambda code: None)
    try:
        assert wait_for(lambda: camera.reopens >= 6)
        assert camera.opens == 3  # MAX_STUCK_CAPTURES, not one per watchdog round
        status = camera.status()
        assert not status.ok and "stuck" in status.summary
        camera.release.set()  # the driver answers again: new attempts are made
        assert wait_for(lambda: camera.opens > 3)
    finally:
        camera.release.set()
        camera.stop()
