"""The code-reader seam: cameras and 2D scanners yield decoded text.

Backends: camera `simulated` / `opencv`, scanners `serial` / `hid` / `simulated`. Codes
arrive on the backend's thread as raw bytes (decoded by the consumer as UTF-8).
"""

from __future__ import annotations

import abc
import logging
import threading
import time
from collections.abc import Callable

from hardware.status import DeviceStatus


class ScannedCode(bytes):
    """The bytes of one code, plus what the scanner tells about them: `text_lossy` is True when
    the transport may have lost non-ASCII letters (a keyboard-wedge scanner in plain keyboard
    mode, an Alt code it could not decode). Plain bytes from other readers mean "lossless"."""

    text_lossy: bool

    def __new__(cls, data: bytes, text_lossy: bool = False) -> ScannedCode:
        obj = super().__new__(cls, data)
        obj.text_lossy = text_lossy
        return obj


def text_lossy(code: bytes) -> bool:
    return bool(getattr(code, "text_lossy", False))


CodeCallback = Callable[[bytes], None]
log = logging.getLogger(__name__)


class CodeReader(abc.ABC):
    @abc.abstractmethod
    def start(self, on_code: CodeCallback) -> None: ...

    @abc.abstractmethod
    def stop(self) -> None: ...

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...


class ThreadedCodeReader(CodeReader):
    """A code reader whose device loop runs on its own daemon thread (`_run`, until `_stop`)."""

    thread_name = "code-reader"

    def __init__(self) -> None:
        self._on_code: CodeCallback | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.codes = 0
        self.last_code_at: float | None = None

    def start(self, on_code: CodeCallback) -> None:
        self._on_code = on_code
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self._thread = None

    @abc.abstractmethod
    def _run(self) -> None:
        """The device loop; returns soon after `_stop` is set."""

    def _report(self, code: bytes) -> None:
        """Hands one decoded code to the consumer (a failing consumer never kills the loop)."""
        self.codes += 1
        self.last_code_at = time.monotonic()
        if self._on_code is None:
            return
        try:
            self._on_code(code)
        except Exception:
            log.exception("code callback failed")


class Camera(CodeReader):
    """A code reader that also offers frames for a live preview."""

    @abc.abstractmethod
    def latest_frame(self) -> object | None:
        """The newest frame as an RGB numpy array (H, W, 3), a copy; None before the first."""
