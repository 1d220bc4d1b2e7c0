"""The code-reader seam: cameras and 2D scanners yield decoded text.

Backends: camera `simulated` / `opencv`, scanners `serial` / `hid` / `simulated`. Codes
arrive on the backend's thread as raw bytes (decoded by the consumer as UTF-8).
"""

from __future__ import annotations

import abc
from collections.abc import Callable

from hardware.status import DeviceStatus

CodeCallback = Callable[[bytes], None]


class CodeReader(abc.ABC):
    @abc.abstractmethod
    def start(self, on_code: CodeCallback) -> None: ...

    @abc.abstractmethod
    def stop(self) -> None: ...

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...


class Camera(CodeReader):
    """A code reader that also offers frames for a live preview."""

    @abc.abstractmethod
    def latest_frame(self) -> object | None:
        """The newest frame as an RGB numpy array (H, W, 3), a copy; None before the first."""
