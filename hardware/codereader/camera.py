"""Cameras: a frame source on its own thread, a decode worker, and duplicate suppression.

`StreamingCamera` is the one decode path every camera shares (the real OpenCV camera and the
simulator): the capture thread publishes each frame as the latest (for the preview) and hands
it to the decode worker only when the worker is idle (frames are skipped while it is busy);
a decoded payload is reported once, then not again until a different code is seen or the
same code has been absent for `repeat_after_s`.

`OpenCvCamera` captures with opencv-python-headless from a device index, path or URL. Opening
and `read()` can block when a camera is busy or unplugged, so a watchdog abandons a capture
thread that has produced no frame for `stall_s` and starts a fresh one with a new device
handle (the stuck thread exits on its own once its call returns).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING

from hardware.codereader.base import Camera, CodeCallback
from hardware.codereader.config import CameraConfig
from hardware.status import DeviceStatus

if TYPE_CHECKING:  # OpenCV, numpy and zxing load on the capture thread, not at start-up
    import cv2
    import numpy as np

    from hardware.codereader.decoder import Decoder

log = logging.getLogger(__name__)

MAX_STUCK_CAPTURES = 3  # capture threads blocked in open()/read() before we stop adding more


class DuplicateFilter:
    """Passes a code unless it equals the last one reported and was seen again within
    `repeat_after_s` (a card held in front of the camera is one scan, not thirty)."""

    def __init__(self, repeat_after_s: float = 3.0) -> None:
        self.repeat_after_s = repeat_after_s
        self._last: bytes | None = None
        self._last_seen = 0.0
        self._lock = threading.Lock()

    def accept(self, code: bytes, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            repeat = code == self._last and now - self._last_seen < self.repeat_after_s
            self._last, self._last_seen = code, now
            return not repeat

    def reset(self) -> None:
        with self._lock:
            self._last = None


class StreamingCamera(Camera):
    """The shared camera machinery; subclasses provide frames by calling `_publish(rgb)`
    from their own capture thread (started in `_start_capture`, stopped in `_stop_capture`).
    """

    name = "camera"
    _decoder_: Decoder | None

    @property
    def _decoder(self) -> Decoder:
        if self._decoder_ is None:
            from hardware.codereader.decoder import default_decoder

            self._decoder_ = default_decoder()
        return self._decoder_

    def __init__(self, config: CameraConfig, decoder: Decoder | None = None) -> None:
        self.config = config
        self._decoder_ = decoder
        self._duplicates = DuplicateFilter(config.repeat_after_s)
        self._on_code: CodeCallback | None = None
        self._running = threading.Event()
        self._latest: np.ndarray | None = None
        self._latest_lock = threading.Lock()
        self._cond = threading.Condition()
        self._pending: np.ndarray | None = None
        self._busy = False
        self._worker: threading.Thread | None = None
        self._frame_times: deque[float] = deque(maxlen=60)
        self.frames = 0
        self.decoded_frames = 0
        self.skipped_frames = 0
        self.codes_reported = 0
        self.last_decode_ms = 0.0
        self.last_code_at: float | None = None  # time.monotonic() of the last reported code
        self.last_frame_at: float | None = None

    # -- CodeReader
    def start(self, on_code: CodeCallback) -> None:
        if self._running.is_set():
            self._on_code = on_code
            return
        self._on_code = on_code
        self._running.set()
        self._worker = threading.Thread(
            target=self._decode_loop, name=f"{self.name}-decode", daemon=True
        )
        self._worker.start()
        self._start_capture()

    def stop(self) -> None:
        if not self._running.is_set():
            return
        self._running.clear()
        self._stop_capture()
        with self._cond:
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout=2.0)
        self._worker = None
        with self._latest_lock:
            self._latest = None

    def latest_frame(self) -> np.ndarray | None:
        with self._latest_lock:
            frame = self._latest
        return None if frame is None else frame.copy()

    def reset_duplicates(self) -> None:
        """Lets the same code be reported again at once (e.g. at the start of a session)."""
        self._duplicates.reset()

    @property
    def fps(self) -> float:
        """Frames per second over the last 60 frames; 0 when no frame came for a second."""
        times = list(self._frame_times)
        if len(times) < 2 or times[-1] <= times[0] or time.monotonic() - times[-1] > 1.0:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def _details(self) -> dict[str, str]:
        now = time.monotonic()
        return {
            "fps": f"{self.fps:.1f}",
            "frames": str(self.frames),
            "decoded_frames": str(self.decoded_frames),
            "skipped_frames": str(self.skipped_frames),
            "codes": str(self.codes_reported),
            "last_decode_ms": f"{self.last_decode_ms:.1f}",
            "last_code_s_ago": ""
            if self.last_code_at is None
            else f"{now - self.last_code_at:.1f}",
            "decoder": self._decoder.name,
        }

    # -- for subclasses
    def _start_capture(self) -> None:
        raise NotImplementedError

    def _stop_capture(self) -> None:
        raise NotImplementedError

    def _publish(self, rgb: np.ndarray) -> None:
        """Called on the capture thread with a new RGB frame the caller will not modify."""
        now = time.monotonic()
        with self._latest_lock:
            self._latest = rgb
        self.frames += 1
        self.last_frame_at = now
        self._frame_times.append(now)
        with self._cond:
            if self._busy or self._pending is not None:
                self.skipped_frames += 1
                return
            self._pending = rgb
            self._cond.notify()

    def _decode_loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and self._running.is_set():
                    self._cond.wait(timeout=0.5)
                if not self._running.is_set():
                    self._pending = None
                    return
                frame, self._pending = self._pending, None
                if frame is None:
                    continue
                self._busy = True
            try:
                started = time.perf_counter()
                code = self._decoder.decode(frame)
                self.last_decode_ms = (time.perf_counter() - started) * 1000
                self.decoded_frames += 1
                if code is not None and self._duplicates.accept(code):
                    self._report(code)
            finally:
                with self._cond:
                    self._busy = False

    def _report(self, code: bytes) -> None:
        self.codes_reported += 1
        self.last_code_at = time.monotonic()
        callback = self._on_code
        if callback is None:
            return
        try:
            callback(code)
        except Exception:  # a consumer bug must not kill the decode worker
            log.exception("code callback failed")


def parse_source(source: str) -> int | str:
    """A device index ("0") stays an int; a path or URL stays a string."""
    text = source.strip()
    return int(text) if text.isdigit() else text


class OpenCvCamera(StreamingCamera):
    """A real camera through OpenCV (V4L2 on Linux), with a stall/vanish watchdog."""

    name = "opencv-camera"

    def __init__(self, config: CameraConfig, decoder: Decoder | None = None) -> None:
        super().__init__(config, decoder)
        self._generation = 0
        self._gen_lock = threading.Lock()
        self._watchdog: threading.Thread | None = None
        self._state = "stopped"
        self.reopens = 0
        self._last_error = ""
        self._opened_at = 0.0
        self._resolution = ""
        self._captures: list[threading.Thread] = []

    def _start_capture(self) -> None:
        self._spawn_capture()
        self._watchdog = threading.Thread(target=self._watch, name="camera-watchdog", daemon=True)
        self._watchdog.start()

    def _stop_capture(self) -> None:
        with self._gen_lock:
            self._generation += 1  # the capture thread sees this and releases the device
        if self._watchdog is not None:
            self._watchdog.join(timeout=2.0)
        self._watchdog = None
        self._state = "stopped"

    def _spawn_capture(self) -> None:
        self._opened_at = time.monotonic()
        self._captures = [t for t in self._captures if t.is_alive()]
        if len(self._captures) >= MAX_STUCK_CAPTURES:
            # earlier threads are still blocked inside OpenCV (a hung driver): do not pile up
            self._state, self._last_error = "stuck", "the camera driver does not answer"
            return
        with self._gen_lock:
            self._generation += 1
            generation = self._generation
        thread = threading.Thread(
            target=self._capture, args=(generation,), name="camera-capture", daemon=True
        )
        self._captures.append(thread)
        thread.start()

    def _current(self, generation: int) -> bool:
        return self._running.is_set() and generation == self._generation

    def _open(self) -> cv2.VideoCapture | None:
        import cv2

        source = parse_source(self.config.source)
        if isinstance(source, int):
            cap = cv2.VideoCapture(source, cv2.CAP_V4L2)
            if not cap.isOpened():
                cap.release()
                cap = cv2.VideoCapture(source)  # not V4L2 (another OS): let OpenCV choose
        else:
            cap = cv2.VideoCapture(source)
        if not cap.isOpened():
            cap.release()
            return None
        if self.config.fourcc and isinstance(source, int):
            # USB 2 webcams deliver 720p/1080p at 30 fps only as MJPG (YUYV gives 5-10 fps)
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*self.config.fourcc[:4].ljust(4)))
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.config.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.config.height)
        cap.set(cv2.CAP_PROP_FPS, self.config.fps)
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        self._resolution = (
            f"{int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))}x{int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))}"
        )
        return cap

    def _capture(self, generation: int) -> None:
        import cv2

        cap: cv2.VideoCapture | None = None
        try:
            self._state = "opening"
            cap = self._open()
            if cap is None:
                self._state = "unavailable"
                self._last_error = "cannot open the camera"
                return
            self._state = "running"
            # a video file reads as fast as the disk allows: play it at the camera's rate
            source = parse_source(self.config.source)
            is_file = isinstance(source, str) and Path(source).is_file()
            period = 1.0 / self.config.fps if is_file else 0.0
            next_at = time.monotonic()
            while self._current(generation):
                if period:
                    next_at += period
                    time.sleep(max(0.0, next_at - time.monotonic()))
                ok, bgr = cap.read()
                if not self._current(generation):
                    break
                if not ok or bgr is None:
                    self._state = "no frames"
                    self._last_error = "the camera returned no frame"
                    return  # the watchdog reopens
                self._publish(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                self._state = "running"
        except Exception as exc:  # OpenCV raises cv2.error on broken streams
            self._state = "error"
            self._last_error = type(exc).__name__
            log.warning("camera capture failed: %s", type(exc).__name__)
        finally:
            if cap is not None:
                try:
                    cap.release()
                except Exception:
                    log.debug("camera release failed", exc_info=True)

    def _watch(self) -> None:
        while self._running.is_set():
            time.sleep(0.25)
            if not self._running.is_set():
                return
            now = time.monotonic()
            last = max(self.last_frame_at or 0.0, self._opened_at)
            if now - last > self.config.stall_s:
                self.reopens += 1
                log.warning("camera stalled or vanished; reopening (attempt %d)", self.reopens)
                self._spawn_capture()

    def status(self) -> DeviceStatus:
        details = self._details() | {
            "source": self.config.source,
            "resolution": self._resolution,
            "state": self._state,
            "reopens": str(self.reopens),
        }
        running = self._running.is_set() and self._state == "running" and self.fps > 0
        if running:
            summary = f"camera {self.config.source}: {self.fps:.1f} fps"
            if self.last_code_at is not None:
                summary += f", last code {time.monotonic() - self.last_code_at:.0f} s ago"
            return DeviceStatus(True, summary, details=details)
        if not self._running.is_set():
            return DeviceStatus(False, "camera stopped", details=details)
        return DeviceStatus(
            False,
            f"camera {self.config.source}: {self._state} {self._last_error}".strip(),
            fix="check the cable and devices.camera.source; the user needs the 'video' group",
            details=details,
        )
