"""QR decoding of camera frames.

zxing-cpp is the decoder (chosen by `kiosk bench qr`, which also measures OpenCV's two QR
detectors for the record). The payload comes back as the exact bytes in the symbol, never
re-encoded; any decoder exception is caught and counted, never raised.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

import cv2
import numpy as np
import zxingcpp

log = logging.getLogger(__name__)


class Decoder(Protocol):
    name: str

    def decode(self, frame: np.ndarray) -> bytes | None:
        """The first QR payload in the frame (RGB, BGR or grayscale), or None. Never raises."""
        ...


def to_gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    if frame.ndim == 3 and frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_RGBA2GRAY)
    raise ValueError("unsupported frame shape")


def unsharp(gray: np.ndarray, sigma: float = 2.0, amount: float = 0.8) -> np.ndarray:
    """Unsharp masking: restores module edges softened by defocus, motion and JPEG."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


class ZxingDecoder:
    """zxing-cpp, QR only, on the grayscale frame.

    With `retries` (the default) a frame where nothing is found is tried again sharpened
    (unsharp mask), then sharpened and enlarged 1.5x: this recovers blurred and small codes
    (3-5 pixels per module) and costs time only on frames without a readable code. The last
    retry is the frame inverted, for light-on-dark codes (a phone app in dark mode). The
    benchmark (`kiosk bench qr`) prints both variants.
    """

    def __init__(self, retries: bool = True, try_invert: bool = False) -> None:
        self.name = "zxing-cpp" if retries else "zxing-cpp-plain"
        self._retries = retries
        self._invert = try_invert
        # A plain enum value: a BarcodeFormats object held here is reported as leaked at exit.
        self._formats = zxingcpp.BarcodeFormat.QRCode
        self.errors = 0

    def _read(self, gray: np.ndarray, downscale: bool = True) -> bytes | None:
        results = zxingcpp.read_barcodes(
            gray,
            formats=self._formats,  # type: ignore[arg-type]  # converted implicitly
            try_rotate=True,
            try_downscale=downscale,
            try_invert=self._invert,
        )
        for result in results:
            if result.valid:
                return bytes(result.bytes)
        return None

    def decode(self, frame: np.ndarray) -> bytes | None:
        try:
            gray = np.ascontiguousarray(to_gray(frame))
            found = self._read(gray)
            if found is None and self._retries:
                sharp = unsharp(gray)
                found = self._read(sharp)
                if found is None:
                    big = cv2.resize(sharp, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
                    found = self._read(big, downscale=False)
                if found is None and not self._invert:
                    found = self._read(np.ascontiguousarray(cv2.bitwise_not(gray)))
            return found
        except Exception as exc:  # decoders raise on odd inputs: never let it escape
            self.errors += 1
            log.warning("zxing-cpp failed on a frame: %s", type(exc).__name__)
            return None


class OpenCvDecoder:
    """OpenCV's QRCodeDetector or QRCodeDetectorAruco (measured for the record only).

    OpenCV returns text decoded by its own rules; the bytes are its UTF-8 encoding, so a
    payload OpenCV mis-decodes shows up as a wrong payload in the benchmark.
    """

    def __init__(self, aruco: bool = False) -> None:
        self.name = "opencv-aruco" if aruco else "opencv"
        self._aruco = aruco
        self._local = threading.local()
        self.errors = 0

    def _detector(self) -> cv2.QRCodeDetector | cv2.QRCodeDetectorAruco:
        detector = getattr(self._local, "detector", None)
        if detector is None:
            detector = cv2.QRCodeDetectorAruco() if self._aruco else cv2.QRCodeDetector()
            self._local.detector = detector
        return detector

    def decode(self, frame: np.ndarray) -> bytes | None:
        try:
            text, _points, _ = self._detector().detectAndDecode(to_gray(frame))
            return text.encode("utf-8", "surrogateescape") if text else None
        except Exception as exc:
            self.errors += 1
            log.warning("OpenCV QR decoder failed on a frame: %s", type(exc).__name__)
            return None


def default_decoder() -> Decoder:
    return ZxingDecoder()
