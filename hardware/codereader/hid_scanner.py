"""Keyboard-wedge (USB HID) 2D scanners, read from the Linux input device with evdev.

The scanner types its code as fast key presses ending in Enter. The device is grabbed
(EVIOCGRAB) so the keystrokes never reach the screen; key codes are translated with a US
layout, Shift and Caps Lock included. The device is chosen by path (/dev/input/event5,
/dev/input/by-id/...) or by a part of its name; a device that disappears is looked for again
every `reconnect_s`.

Keyboard wedges type only what a keyboard can. In plain keyboard mode a scanner drops the
Vietnamese letters of a CCCD QR ("Lê Văn Lương" arrives as "L Vn Lng") or types "?" for them;
its codes are reported with `text_lossy` set, and the kiosk refuses a CCCD QR from it (the
patient is asked for the chip or the camera; `status()` warns IT). Scanners with an Alt-code
mode type each such letter as Alt + keypad digits: with `alt_codes = "unicode"` (Alt + decimal
code point, or Alt + keypad-plus + hex) or a code page (`cp1258`, `cp1252`: Alt + 0NNN) they
are decoded here, NFC-normalised, and the code is lossless; an Alt sequence that cannot be
decoded becomes U+FFFD and marks the code lossy. Serial (CDC-ACM) and HID-POS (hidraw) modes
carry UTF-8 directly (deploy/README-IT.md says how to set common scanners).
"""

from __future__ import annotations

import logging
import select
import unicodedata
from typing import Any

from evdev import ecodes

from hardware.codereader.base import ScannedCode, ThreadedCodeReader
from hardware.codereader.config import ScannerConfig
from hardware.status import DeviceStatus

log = logging.getLogger(__name__)

KEY_DOWN, KEY_UP, KEY_HOLD = 1, 0, 2
_SHIFTS = {ecodes.KEY_LEFTSHIFT, ecodes.KEY_RIGHTSHIFT}
_ENTERS = {ecodes.KEY_ENTER, ecodes.KEY_KPENTER}
_ALTS = {ecodes.KEY_LEFTALT, ecodes.KEY_RIGHTALT}
_KP_DIGITS = {getattr(ecodes, f"KEY_KP{d}"): d for d in "0123456789"}
LOST = "\ufffd"  # a letter the scanner sent in a form we could not decode


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
        self,
        keymap: dict[int, tuple[str, str]] | None = None,
        max_length: int = 8192,
        alt_codes: str = "none",
    ) -> None:
        self._keymap = keymap or US_KEYMAP
        self._shift = 0
        self._caps = False
        self._chars: list[str] = []
        self._max = max_length
        self._alt_codes = alt_codes
        self._alt = 0
        self._alt_keys: list[str] = []
        self._lost = 0
        self.unknown_keys = 0
        self.last_lost = 0  # letters lost in the last finished code

    def _decode_alt(self) -> str:
        keys = "".join(self._alt_keys)
        self._alt_keys.clear()
        if not keys:
            return ""
        try:
            if keys.startswith("+") and self._alt_codes == "unicode":
                return chr(int(keys[1:], 16))
            if not keys.isdigit():
                raise ValueError(keys)
            if self._alt_codes == "unicode":
                return chr(int(keys))
            if self._alt_codes in ("cp1258", "cp1252"):
                codepage = self._alt_codes if keys.startswith("0") else "cp437"
                return bytes([int(keys)]).decode(codepage)
        except (ValueError, OverflowError, UnicodeDecodeError):
            pass
        self._lost += 1
        return LOST

    def feed(self, ev_type: int, code: int, value: int) -> bytes | None:
        """Returns a finished code (UTF-8 bytes) when Enter is pressed, else None."""
        if ev_type != ecodes.EV_KEY:
            return None
        if code in _ALTS:
            if value == KEY_DOWN:
                self._alt += 1
            elif value == KEY_UP:
                self._alt = max(0, self._alt - 1)
                if not self._alt:
                    self._append(self._decode_alt())
            return None
        if self._alt and value == KEY_DOWN:
            if code in _KP_DIGITS:
                self._alt_keys.append(_KP_DIGITS[code])
            elif code == ecodes.KEY_KPPLUS:
                self._alt_keys.append("+")
            elif (pair := self._keymap.get(code)) is not None:
                self._alt_keys.append(pair[0])  # hex digits of Alt + '+' + hex
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
            text = unicodedata.normalize("NFC", "".join(self._chars))
            self._chars.clear()
            self.last_lost, self._lost = self._lost, 0
            return text.encode("utf-8")
        pair = self._keymap.get(code)
        if pair is None:
            self.unknown_keys += 1
            return None
        plain, shifted = pair
        shift = self._shift > 0
        if plain.isalpha() and self._caps:
            shift = not shift
        self._append(shifted if shift else plain)
        return None

    def _append(self, text: str) -> None:
        if text and len(self._chars) < self._max:
            self._chars.append(text)

    def reset(self) -> None:
        self._chars.clear()
        self._alt_keys.clear()
        self._shift = self._alt = self._lost = 0


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
        translator = KeyTranslator(alt_codes=self.config.alt_codes)
        keyboard_mode = self.config.alt_codes == "none"
        while not self._stop.is_set():
            ready, _, _ = select.select([device.fd], [], [], 0.3)
            if not ready:
                continue
            for event in device.read():
                code = translator.feed(event.type, event.code, event.value)
                if code is not None:
                    self._report(ScannedCode(code, keyboard_mode or translator.last_lost > 0))

    def status(self) -> DeviceStatus:
        details = {
            "device": self.config.device,
            "name": self._device_name,
            "codes": str(self.codes),
        }
        if self._connected and self.config.alt_codes == "none":
            return DeviceStatus(
                True,
                f"HID scanner '{self._device_name}' (warning: keyboard mode cannot carry "
                "Vietnamese letters; CCCD QR codes from it are refused)",
                fix="set the scanner to USB serial (CDC-ACM) or HID-POS, or to its Unicode "
                "Alt-code mode with devices.scanners.alt_codes = 'unicode' (deploy/README-IT.md)",
                details={**details, "warning": "keyboard mode"},
            )
        if self._connected:
            return DeviceStatus(True, f"HID scanner '{self._device_name}'", details=details)
        return DeviceStatus(
            False,
            f"HID scanner {self.config.device or '(no device)'}: {self._error or 'not connected'}",
            fix="check devices.scanners.device; the user needs read access to /dev/input (group 'input')",
            details=details,
        )
