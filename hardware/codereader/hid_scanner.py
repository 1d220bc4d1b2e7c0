"""Keyboard-wedge (USB HID) 2D scanners, read from the Linux input device with evdev.

The scanner types its code as fast key presses ending in Enter. The device is grabbed
(EVIOCGRAB) so the keystrokes never reach the screen; key codes are translated with a US
layout, Shift and Caps Lock included. The device is chosen by path (/dev/input/event5,
/dev/input/by-id/...) or by a part of its name; a device that disappears is looked for again
every `reconnect_s`.

Keyboard wedges type only what a keyboard can: Vietnamese letters in a CCCD QR usually need
the scanner's own "Unicode/Alt-code" mode, or a serial scanner instead.
"""

from __future__ import annotations

import logging
import select
from typing import Any

from evdev import ecodes

from hardware.codereader.base import ThreadedCodeReader
from hardware.codereader.config import ScannerConfig
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

KEY_DOWN, KEY_UP, KEY_HOLD = 1, 0, 2
_SHIFTS = {ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT}
_ENTERS = {ecodes.KEY_ENTER, ecodes.KEY_KPENTER}


def _us_keymap() -> dict[int, tuple[str, str]]:
    """key code -> (plain, shifted) for a US layout."""
    keymap: dict[int, tuple[str, str]] = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        keymap[getattr(ecodes, f"KEY_{letter.upper()}")] = (letter, letter.upper())
    for digit, shifted in zip("1234567890", "!@#$%^&*()", strict=True):
        keymap[getattr(ecodes, f"KEY_{digit}")] = (digit, shifted)
    for name, plain, shifted in [
        ("MINUS", "-", "_"),
        ("EQUAL", "=", "+"),
        ("LEFTBRACE", "[", "{"),
        ("RIGHTBRACE", "]", "}"),
        ("BACKSLASH", "\\", "|"),
        ("SEMICOLON", ";", ":"),
        ("APOSTROPHE", "'", '"'),
        ("GRAVE", "`", "~"),
        ("COMMA", ",", "<"),
        ("DOT", ".", ">"),
        ("SLASH", "/", "?"),
        ("SPACE", " ", " "),
        ("TAB", "\t", "\t"),
        ("KPMINUS", "-", "-"),
        ("KPPLUS", "+", "+"),
        ("KPASTERISK", "*", "*"),
        ("KPSLASH", "/", "/"),
        ("KPDOT", ".", "."),
    ]:
        keymap[getattr(ecodes, f"KEY_{name}")] = (plain, shifted)
    for digit in "0123456789":
        keymap[getattr(ecodes, f"KEY_KP{digit}")] = (digit, digit)
    return keymap


US_KEYMAP = _us_keymap()


class KeyTranslator:
    """Key events in, complete codes out. Feed (type, code, value) of each input event."""

    def __init__(
        self, keymap: dict[int, tuple[str, str]] | None = None, max_length: int = 8192
    ) -> None:
        self._keymap = keymap or US_KEYMAP
        self._shift = 0
        self._caps = False
        self._chars: list[str] = []
        self._max = max_length
        self.unknown_keys = 0

    def feed(self, ev_type: int, code: int, value: int) -> bytes | None:
        """Returns a finished code (UTF-8 bytes) when Enter is pressed, else None."""
        if ev_type != ecodes.EV_KEY:
            return None
        if code in _SHIFTS:
            if value == KEY_DOWN:
                self._shift += 1
            elif value == KEY_UP:
                self._shift = max(0, self._shift - 1)
            return None
        if value != KEY_DOWN:
            return None  # releases and auto-repeat carry no new characters
        if code == ecodes.KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in _ENTERS:
            if not self._chars:
                return None
            text = "".join(self._chars)
            self._chars.clear()
            return text.encode("utf-8")
        pair = self._keymap.get(code)
        if pair is None:
            self.unknown_keys += 1
            return None
        plain, shifted = pair
        shift = self._shift > 0
        if plain.isalpha() and self._caps:
            shift = not shift
        if len(self._chars) < self._max:
            self._chars.append(shifted if shift else plain)
        return None

    def reset(self) -> None:
        self._chars.clear()
        self._shift = 0


def find_device(spec: str) -> Any | None:
    """The InputDevice at a path, or the first whose name contains `spec` (case-insensitive)."""
    import evdev

    if not spec:
        return None
    if spec.startswith("/dev/"):
        return evdev.InputDevice(spec)
    for path in evdev.list_devices():
        try:
            device = evdev.InputDevice(path)
        except OSError:
            continue
        if spec.lower() in device.name.lower():
            return device
        device.close()
    return None


class HidScanner(ThreadedCodeReader):
    thread_name = "hid-scanner"

    def __init__(self, config: ScannerConfig) -> None:
        self.config = config
        super().__init__()
        self._connected = False
        self._device_name = ""
        self._error = ""

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                device = find_device(self.config.device)
            except OSError as exc:
                device, self._error = None, f"cannot open: {type(exc).__name__}"
            if device is None:
                self._error = self._error or "device not found"
                self._stop.wait(self.config.reconnect_s)
                continue
            try:
                self._read(device)
            except OSError as exc:  # unplugged (ENODEV) or grabbed by someone else (EBUSY)
                self._error = f"lost: {type(exc).__name__}"
                log.warning("hid scanner: %s", self._error)
            finally:
                self._connected = False
                try:
                    device.close()
                except Exception:
                    log.debug("closing the input device failed", exc_info=True)
            self._stop.wait(self.config.reconnect_s)

    def _read(self, device: Any) -> None:
        if self.config.grab:
            device.grab()
        self._connected, self._error, self._device_name = True, "", device.name
        translator = KeyTranslator()
        while not self._stop.is_set():
            ready, _, _ = select.select([device.fd], [], [], 0.3)
            if not ready:
                continue
            for event in device.read():
                code = translator.feed(event.type, event.code, event.value)
                if code is not None:
                    self._report(code)

    def status(self) -> DeviceStatus:
        details = {
            "device": self.config.device,
            "name": self._device_name,
            "codes": str(self.codes),
        }
        if self._connected:
            return DeviceStatus(True, f"HID scanner '{self._device_name}'", details=details)
        return DeviceStatus(
            False,
            f"HID scanner {self.config.device or '(no device)'}: {self._error or 'not connected'}",
            fix="check devices.scanners.device; the user needs read access to /dev/input (group 'input')",
            details=details,
        )
