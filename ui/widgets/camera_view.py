"""The live camera preview on the identify screen: mirrored, with a framing guide and a hint.

The widget polls `camera.latest_frame()` with a QTimer on the GUI thread (never touched from
the camera's threads). Per tick the only work is one resize to the widget's size and a flip
(OpenCV, which releases the GIL), then a QImage wrapping that small array: no pixel loops,
no second scaling in paintEvent.

`measure_gui_stall()` is the `kiosk bench camera-ui` measurement: it streams the simulated
camera into this widget and samples the event loop with a 5 ms timer.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from hardware.codereader.base import Camera

if TYPE_CHECKING:  # OpenCV and numpy load with the first frame, after the first paint
    import numpy as np

NO_FRAME_AFTER_MS = 2000  # show "camera not available" after this long without a frame
CAPTION_START_PX = 20  # the caption's font starts at least this big
CAPTION_MIN_PX = 16  # and shrinks to this before it may be cut
CAPTION_PAD_PX = 16
CAPTION_FLAGS = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)


class CameraView(QWidget):
    """Live preview of a Camera.

    Attributes:
        preview_fps: polling rate (at least 15).
        mirrored: whether the picture is shown mirrored (people expect a mirror).
        repaints: frames shown since construction (for tests and the benchmark).
    """

    def __init__(
        self,
        camera: Camera,
        parent: QWidget | None = None,
        preview_fps: int = 30,
        mirrored: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("camera_view")
        self.setProperty("role", "card")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 200)
        self.camera = camera
        config = getattr(camera, "config", None)
        self.mirrored = (
            mirrored if mirrored is not None else bool(getattr(config, "mirror_preview", True))
        )
        self.preview_fps = max(15, preview_fps)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(int(1000 / self.preview_fps))
        self._timer.timeout.connect(self._tick)
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # keeps the QImage's buffer alive
        self._since_frame = QElapsedTimer()
        self.repaints = 0
        self._last_count: int | None = None
        self._stale = False
        self.no_frame_after_ms = NO_FRAME_AFTER_MS
        self.tick_ms: list[float] = []  # GUI-thread work per tick (kept short; for the bench)
        self._hint = ""
        self._unavailable = ""
        self._retranslate()

    # -- public API
    def start(self) -> None:
        self._stale = False
        self._since_frame.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._image, self._pixels = None, None
        self.update()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    # -- Qt
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self._hint = self.tr("Hold the QR code inside the frame")
        self._unavailable = self.tr(
            "The camera is not available. Please use the card reader or type your ID number."
        )
        self.update()

    def _tick(self) -> None:
        started = time.perf_counter()
        count = getattr(self.camera, "frames", None)  # StreamingCamera counts its frames
        frame: Any = None
        if count is None or count != self._last_count:  # else nothing new: no copy, no repaint
            self._last_count = count
            frame = self.camera.latest_frame()
        shape: tuple[int, ...] = getattr(frame, "shape", ())  # numpy RGB (loaded by then)
        if frame is not None and len(shape) == 3 and shape[2] == 3 and frame.size:
            self._set_frame(frame)
            self._since_frame.restart()
            self._stale = False
        elif not self._stale and self._since_frame.elapsed() > self.no_frame_after_ms:
            self._stale = True  # no picture for a while: say so instead of a frozen frame
            self._image, self._pixels = None, None
            self.update()
        elapsed = (time.perf_counter() - started) * 1000
        if len(self.tick_ms) < 10_000:
            self.tick_ms.append(elapsed)

    def _set_frame(self, frame: np.ndarray) -> None:
        import cv2
        import numpy as np

        w, h = max(1, self.width()), max(1, self.height())
        fh, fw = frame.shape[:2]
        scale = min(w / fw, h / fh)
        tw, th = max(1, int(fw * scale)), max(1, int(fh * scale))
        # INTER_AREA only for big reductions: at ratios above 1/2 it costs 4x linear
        interpolation = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
        small = cv2.resize(frame, (tw, th), interpolation=interpolation)
        if self.mirrored:
            small = cv2.flip(small, 1)
        pixels = np.ascontiguousarray(small, dtype=np.uint8)
        self._pixels = pixels
        self._image = QImage(pixels.data, tw, th, pixels.strides[0], QImage.Format.Format_RGB888)
        self.repaints += 1
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        painter.fillRect(rect, QColor("#1B2624"))
        image = self._image
        if image is None:
            self._draw_text(painter, rect, self._unavailable if self._stale else "", centre=True)
            painter.end()
            return
        x = (rect.width() - image.width()) / 2
        y = (rect.height() - image.height()) / 2
        painter.drawImage(int(x), int(y), image)
        picture = QRectF(x, y, image.width(), image.height())
        self._draw_guide(painter, picture)
        self._draw_text(painter, picture, self._hint, centre=False)
        painter.end()

    def _draw_guide(self, painter: QPainter, picture: QRectF) -> None:
        side = min(picture.width(), picture.height()) * 0.7
        guide = QRectF(picture.center().x() - side / 2, picture.center().y() - side / 2, side, side)
        shade = QPainterPath()
        shade.addRect(picture)
        hole = QPainterPath()
        hole.addRoundedRect(guide, 16, 16)
        painter.fillPath(shade.subtracted(hole), QColor(0, 0, 0, 90))
        pen = QPen(QColor("#FFFFFF"), max(4.0, side / 60))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        arm = side / 5
        left, top, right, bottom = guide.left(), guide.top(), guide.right(), guide.bottom()
        for (cx, cy), (dx, dy) in [
            ((left, top), (1, 1)),
            ((right, top), (-1, 1)),
            ((left, bottom), (1, -1)),
            ((right, bottom), (-1, -1)),
        ]:
            painter.drawLine(int(cx), int(cy), int(cx + dx * arm), int(cy))
            painter.drawLine(int(cx), int(cy), int(cx), int(cy + dy * arm))

    def _draw_text(self, painter: QPainter, area: QRectF, text: str, centre: bool) -> None:
        if not text:
            return
        font, band, _ = self._caption_layout(area, text, centre)
        painter.setFont(font)
        painter.fillRect(band, QColor(0, 0, 0, 170))
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(band.adjusted(CAPTION_PAD_PX, 0, -CAPTION_PAD_PX, 0), CAPTION_FLAGS, text)

    def _caption_layout(self, area: QRectF, text: str, centre: bool) -> tuple[QFont, QRectF, bool]:
        """The caption's font and band: as wide as the widget (the picture is often narrower),
        at the foot of the picture (or centred when there is none), the font shrunk until the
        wrapped text fits in at most 45 % of the picture's height. The flag says whether it fit
        even at the smallest size (`painted_text_problem` reports it to the layout checker)."""
        font = QFont(self.font())
        font.setBold(True)
        width = max(1, self.width() - 2 * CAPTION_PAD_PX)
        size = max(CAPTION_START_PX, min(32, int(area.height() / 14)))
        limit = area.height() * 0.45
        while True:
            font.setPixelSize(size)
            needed = QFontMetrics(font).boundingRect(
                QRect(0, 0, width, 10_000), CAPTION_FLAGS, text
            )
            band_h = max(needed.height() + size * 0.6, size * (4.0 if centre else 2.2))
            fits = needed.width() <= width and band_h <= limit
            if fits or size <= CAPTION_MIN_PX:
                break
            size -= 2
        band_h = min(band_h, area.height())
        top = area.center().y() - band_h / 2 if centre else area.bottom() - band_h
        return font, QRectF(0, top, self.width(), band_h), fits

    def painted_text_problem(self) -> str | None:
        """What `ui/fitcheck.py` cannot see in a label: the caption this widget paints, if it
        does not fit at its smallest size on the current screen."""
        if self._image is not None:
            w, h = self._image.width(), self._image.height()
            area = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
            text, centre = self._hint, False
        else:
            area, text, centre = QRectF(self.rect()), self._unavailable, True
            if not self._stale:
                return None
        if not text:
            return None
        font, band, fits = self._caption_layout(area, text, centre)
        return (
            None
            if fits
            else f"caption needs more than {band.height():.0f} px at {font.pixelSize()} px"
        )


def _sample_event_loop(seconds: float, interval_ms: int = 5) -> tuple[list[float], float]:
    """Runs the event loop for `seconds` with a timer every `interval_ms`; returns each
    tick's lateness (ms) and the elapsed time."""
    lateness: list[float] = []
    last = [time.perf_counter()]
    sampler = QTimer()
    sampler.setTimerType(Qt.TimerType.PreciseTimer)
    sampler.setInterval(interval_ms)

    def sample() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - interval_ms))
        last[0] = now

    sampler.timeout.connect(sample)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    started = last[0] = time.perf_counter()
    sampler.start()
    loop.exec()
    sampler.stop()
    return sorted(lateness), time.perf_counter() - started


def _stats(lateness: list[float]) -> dict[str, float]:
    if not lateness:
        return {"max": 0.0, "p99": 0.0, "median": 0.0}
    return {
        "max": lateness[-1],
        "p99": lateness[int(0.99 * (len(lateness) - 1))],
        "median": statistics.median(lateness),
    }


def measure_gui_stall(
    seconds: float = 5.0, fps: int = 30, size: tuple[int, int] = (960, 540)
) -> dict[str, Any]:
    """Streams the simulated camera into a CameraView and samples the event loop with a 5 ms
    timer. The camera shows a new payload every second (CCCD and BHYT QRs of the demo people),
    so rendering and decoding run on the camera's threads during the measurement. A baseline
    of the same sampling with no camera is measured first: on a busy machine it shows how much
    lateness comes from the operating system rather than from the preview."""
    from hardware.codereader.config import CameraConfig
    from hardware.codereader.simulated import SimulatedCamera
    from kiosk.identity.samples import bhyt_payload, cccd_payload, load_demo_people, random_person

    if QApplication.instance() is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a bench on a headless box
        QApplication([])
    baseline, _ = _sample_event_loop(min(seconds, 3.0))
    rng = random.Random(1)
    people = load_demo_people() or [random_person(rng)]
    payloads = [cccd_payload(p) for p in people] + [bhyt_payload(p, rng) for p in people]
    camera = SimulatedCamera(CameraConfig(fps=fps))
    codes: list[bytes] = []
    camera.start(codes.append)
    camera.show(payloads[0])
    view = CameraView(camera, preview_fps=fps)
    view.resize(*size)
    view.show()
    view.start()
    shown = [1]

    def next_payload() -> None:
        camera.show(payloads[shown[0] % len(payloads)])
        shown[0] += 1

    changer = QTimer()
    changer.setInterval(1000)
    changer.timeout.connect(next_payload)
    try:
        _sample_event_loop(0.5)  # warm-up: the first render and frames
        view.repaints, view.tick_ms = 0, []
        changer.start()
        lateness, elapsed = _sample_event_loop(seconds)
    finally:
        changer.stop()
        view.stop()
        camera.stop()
        view.close()
    ticks = sorted(view.tick_ms) or [0.0]
    with_camera, idle = _stats(lateness), _stats(baseline)
    return {
        "seconds": round(elapsed, 2),
        "camera_fps": fps,
        "repaints": view.repaints,
        "preview_fps": view.repaints / elapsed if elapsed else 0.0,
        "samples": len(lateness),
        "max_stall_ms": with_camera["max"],
        "p99_stall_ms": with_camera["p99"],
        "median_stall_ms": with_camera["median"],
        "baseline_max_stall_ms": idle["max"],
        "baseline_p99_stall_ms": idle["p99"],
        "median_frame_ms": statistics.median(ticks),
        "max_frame_ms": ticks[-1],
        "payloads_shown": shown[0],
        "codes": len(codes),
    }
