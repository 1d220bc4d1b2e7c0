"""Simulated camera and scanner: first-class backends for demos, testers and tests.

SimulatedCamera streams frames at the configured rate through the same decode path as the
real camera (StreamingCamera): an empty scene, a QR rendered for any payload onto a realistic
frame, a sequence of images, or a video file. Rendering happens on the capture thread, so
`show()` returns at once and is safe to call from the GUI thread.

SimulatedScanner delivers `scan(payload)` on its own thread, like a real scanner.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.codereader.base import CodeCallback, CodeReader
from hardware.codereader.camera import StreamingCamera
from hardware.codereader.config import CameraConfig
from hardware.status import DeviceStatus

if TYPE_CHECKING:
    import cv2
    import numpy as np

    from hardware.codereader.decoder import Decoder

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}
VARIANTS = 3  # frames per shown payload, differing in sensor noise (a still camera's stream)


class SimulatedCamera(StreamingCamera):
    """A camera that shows what it is told to show.

    Attributes:
        scene: "blank", "payload", "images" or "video" (what is on screen now).
    """

    name = "simulated-camera"

    def __init__(
        self, config: CameraConfig | None = None, decoder: Decoder | None = None, seed: int = 0
    ) -> None:
        super().__init__(config or CameraConfig(), decoder)
        self._seed = seed
        self._rng_: Any = None  # numpy, OpenCV and the QR renderer load on the capture thread
        self._lock = threading.Lock()
        self._request: tuple[str, object] | None = ("blank", None)
        self.scene = "blank"
        self._frames: list[np.ndarray] = []
        self._frame_index = 0
        self._image_seconds = 1.0
        self._loop = True
        self._video: cv2.VideoCapture | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._error = ""
        self._shown_at = 0.0
        self._last_video: np.ndarray | None = None
        source = self.config.source.strip()
        if source and not source.isdigit():
            path = Path(source)
            if path.is_dir():
                self.show_images(
                    sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
                )
            elif path.is_file():
                self.play_video(path)

    @property
    def _rng(self) -> np.random.Generator:
        if self._rng_ is None:
            import numpy as np

            self._rng_ = np.random.default_rng(self._seed)
        return self._rng_

    # -- what to show (any thread)
    def show(self, payload: str | bytes) -> None:
        """Renders a QR holding exactly `payload` (text as UTF-8) and streams it."""
        data = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
        self._set(("payload", data))

    def show_images(
        self, paths: Sequence[str | Path], seconds_each: float = 1.0, loop: bool = True
    ) -> None:
        """Shows each image for `seconds_each`, in order (then again from the start if loop)."""
        self._image_seconds = max(1.0 / max(self.config.fps, 1), seconds_each)
        self._loop = loop
        self._set(("images", [Path(p) for p in paths]))

    def play_video(self, path: str | Path, loop: bool = True) -> None:
        self._loop = loop
        self._set(("video", Path(path)))

    def clear(self) -> None:
        """An empty scene: nobody is showing anything."""
        self._set(("blank", None))

    def _set(self, request: tuple[str, object]) -> None:
        with self._lock:
            self._request = request

    # -- capture thread
    def _start_capture(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="simulated-camera", daemon=True)
        self._thread.start()

    def _stop_capture(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3.0)
        self._thread = None
        self._release_video()

    def _release_video(self) -> None:
        if self._video is not None:
            self._video.release()
            self._video = None

    def _apply(self, request: tuple[str, object]) -> None:
        import cv2
        import numpy as np

        from hardware.codereader.frames import (
            FRAME_H,
            FRAME_W,
            blank_frame,
            random_spec,
            render_frame,
            with_noise,
        )
        from hardware.codereader.images import ImageTooLarge, load_rgb

        kind, arg = request
        self._release_video()
        self._frames, self._frame_index, self._error = [], 0, ""
        try:
            if kind == "payload" and isinstance(arg, bytes):
                first, _ppm = render_frame(arg, random_spec(self._rng, hard=False), self._rng)
                self._frames = [first] + [with_noise(first, self._rng) for _ in range(VARIANTS - 1)]
            elif kind == "images" and isinstance(arg, list):
                for path in arg:
                    try:
                        rgb = load_rgb(Path(path))
                    except ImageTooLarge as exc:
                        log.warning("simulated camera: image skipped: %s", exc)
                        continue
                    if rgb is None:
                        log.warning(
                            "simulated camera: cannot read an image (%s)", Path(path).suffix
                        )
                        continue
                    self._frames.append(rgb)
                if not self._frames:
                    self._error = "no readable image"
            elif kind == "video" and isinstance(arg, Path):
                self._video = cv2.VideoCapture(str(arg))
                if not self._video.isOpened():
                    self._error = "cannot open the video"
                    self._release_video()
            if kind == "blank" or not (self._frames or self._video):
                self._frames = [blank_frame(self._rng)]
        except Exception as exc:  # a bad file must not kill the camera
            log.warning("simulated camera cannot show %s: %s", kind, type(exc).__name__)
            self._error = type(exc).__name__
            self._frames = [np.full((FRAME_H, FRAME_W, 3), 90, np.uint8)]
        self.scene = kind if not self._error else "blank"
        self._shown_at = time.monotonic()

    def _next_frame(self) -> np.ndarray:
        if self._video is not None:
            import cv2

            from hardware.codereader.frames import blank_frame

            ok, bgr = self._video.read()
            if not ok and self._loop:
                self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
                ok, bgr = self._video.read()
            if ok and bgr is not None:
                self._last_video = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                return self._last_video
            if self._last_video is None:
                self._last_video = blank_frame(self._rng)
            return self._last_video
        if self.scene == "images":
            index = int((time.monotonic() - self._shown_at) / self._image_seconds)
            index = index % len(self._frames) if self._loop else min(index, len(self._frames) - 1)
            return self._frames[index]
        frame = self._frames[self._frame_index % len(self._frames)]
        self._frame_index += 1
        return frame

    def _run(self) -> None:
        period = 1.0 / max(self.config.fps, 1)
        deadline = time.monotonic()
        while not self._stop.is_set():
            with self._lock:
                request, self._request = self._request, None
            if request is not None:
                self._apply(request)
                deadline = time.monotonic()
            try:
                self._publish(self._next_frame())
            except Exception as exc:
                log.warning("simulated camera frame failed: %s", type(exc).__name__)
            deadline += period
            delay = deadline - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                deadline = time.monotonic()  # fell behind: do not burst to catch up

    def status(self) -> DeviceStatus:
        details = self._details() | {"scene": self.scene}
        if not self._running.is_set():
            return DeviceStatus(False, "simulated camera stopped", details=details)
        summary = f"simulated camera: {self.fps:.1f} fps, showing {self.scene}"
        if self._error:
            return DeviceStatus(
                False, f"{summary} ({self._error})", fix="check the file", details=details
            )
        return DeviceStatus(True, summary, details=details)


class SimulatedScanner(CodeReader):
    """A 2D scanner driven by `scan(payload)`; codes arrive on the scanner's thread."""

    def __init__(self) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._on_code: CodeCallback | None = None
        self.scans = 0

    def start(self, on_code: CodeCallback) -> None:
        self._on_code = on_code
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="simulated-scanner", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=2.0)
        self._thread = None

    def scan(self, payload: str | bytes) -> None:
        self._queue.put(payload.encode("utf-8") if isinstance(payload, str) else bytes(payload))

    def _run(self) -> None:
        while True:
            code = self._queue.get()
            if code is None:
                return
            self.scans += 1
            callback = self._on_code
            if callback is None:
                continue
            try:
                callback(code)
            except Exception:
                log.exception("code callback failed")

    def status(self) -> DeviceStatus:
        running = self._thread is not None
        return DeviceStatus(
            running,
            f"simulated scanner: {'ready' if running else 'stopped'}, {self.scans} scans",
            details={"scans": str(self.scans)},
        )
