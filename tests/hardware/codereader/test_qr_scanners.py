"""Serial scanners through a real pty pair; the HID key translation; the factory."""

from __future__ import annotations

import os
import time
import tty

import pytest
from evdev import ecodes

from hardware.codereader.config import CameraConfig, ScannerConfig
from hardware.codereader.factory import build_camera, build_scanners
from hardware.codereader.hid_scanner import KEY_DOWN, KEY_HOLD, KEY_UP, HidScanner, KeyTranslator
from hardware.codereader.serial_scanner import LineSplitter, SerialScanner
from hardware.codereader.simulated import SimulatedCamera, SimulatedScanner


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_line_splitter():
    s = LineSplitter(max_line=8)
    assert s.feed(b"AB") == []
    assert s.feed(b"C\r\nD\n\n\rE") == [b"ABC", b"D"]
    assert s.feed(b"\r") == [b"E"]
    assert s.feed(b"123456789X\n") == [b"X"] and s.overflows == 1


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def test_serial_scanner_reads_lines_from_a_pty(pty_pair):
    master, path = pty_pair
    scanner = SerialScanner(ScannerConfig(backend="serial", port=path, baud=115200))
    codes: list[bytes] = []
    scanner.start(codes.append)
    try:
        assert wait_for(lambda: scanner.status().ok)
        cccd = "001090123456||Nguyễn Văn An|01011990|Nam|Hà Nội|15042021".encode()
        os.write(master, cccd[:20])
        time.sleep(0.1)
        os.write(master, cccd[20:] + b"\r\nLH12345678\r\n")
        assert wait_for(lambda: codes == [cccd, b"LH12345678"])
        assert scanner.status().details["codes"] == "2"
    finally:
        scanner.stop()


def test_serial_scanner_without_port_keeps_trying_and_says_why(tmp_path):
    scanner = SerialScanner(
        ScannerConfig(backend="serial", port=str(tmp_path / "ttyNONE"), reconnect_s=0.1)
    )
    scanner.start(lambda code: None)
    try:
        assert wait_for(lambda: "cannot open" in scanner.status().summary)
        status = scanner.status()
        assert not status.ok and "dialout" in status.fix
    finally:
        scanner.stop()


def test_serial_scanner_reconnects_when_the_port_comes_back(tmp_path):
    link = tmp_path / "ttyScanner"
    scanner = SerialScanner(ScannerConfig(backend="serial", port=str(link), reconnect_s=0.1))
    codes: list[bytes] = []
    scanner.start(codes.append)
    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        time.sleep(0.3)
        assert not scanner.status().ok
        link.symlink_to(os.ttyname(slave))  # the scanner is plugged in
        assert wait_for(lambda: scanner.status().ok)
        os.write(master, b"LH00000042\n")
        assert wait_for(lambda: codes == [b"LH00000042"])
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)


def type_text(t: KeyTranslator, events: list[tuple[int, int]]) -> list[bytes]:
    out = []
    for code, value in events:
        result = t.feed(ecodes.EV_KEY, code, value)
        if result is not None:
            out.append(result)
    return out


def press(code: int, shift: bool = False) -> list[tuple[int, int]]:
    keys = [(code, KEY_DOWN), (code, KEY_UP)]
    if shift:
        return [(ecodes.KEY_LEFTSHIFT, KEY_DOWN), *keys, (ecodes.KEY_LEFTSHIFT, KEY_UP)]
    return keys


def test_hid_translation_with_shift_and_enter():
    t = KeyTranslator()
    events = press(ecodes.KEY_L, shift=True) + press(ecodes.KEY_H, shift=True)
    for digit in "12345678":
        events += press(getattr(ecodes, f"KEY_{digit}"))
    events += press(ecodes.KEY_ENTER)
    events += press(ecodes.KEY_D, True) + press(ecodes.KEY_N, True) + press(ecodes.KEY_4)
    events += (
        press(ecodes.KEY_BACKSLASH, True) + press(ecodes.KEY_4, True) + press(ecodes.KEY_KPENTER)
    )
    assert type_text(t, events) == [b"LH12345678", b"DN4|$"]


def test_hid_caps_lock_repeat_and_noise():
    t = KeyTranslator()
    events = press(ecodes.KEY_CAPSLOCK) + press(ecodes.KEY_A) + press(ecodes.KEY_B, shift=True)
    events += press(ecodes.KEY_CAPSLOCK) + press(ecodes.KEY_C)
    events += [(ecodes.KEY_D, KEY_DOWN), (ecodes.KEY_D, KEY_HOLD), (ecodes.KEY_D, KEY_UP)]
    events += press(ecodes.KEY_F1) + press(ecodes.KEY_SLASH, shift=True) + press(ecodes.KEY_KP7)
    events += press(ecodes.KEY_ENTER) + press(ecodes.KEY_ENTER)  # an empty line gives nothing
    assert type_text(t, events) == [b"Abcd?7"]
    assert t.unknown_keys == 1
    assert t.feed(ecodes.EV_SYN, 0, 0) is None


def test_hid_scanner_missing_device_says_why():
    scanner = HidScanner(
        ScannerConfig(backend="hid", device="/dev/input/event-missing", reconnect_s=0.1)
    )
    scanner.start(lambda code: None)
    try:
        assert wait_for(lambda: "cannot open" in scanner.status().summary)
        assert not scanner.status().ok and "input" in scanner.status().fix
    finally:
        scanner.stop()


def test_factory():
    assert build_camera(CameraConfig(backend="none")) is None
    assert isinstance(build_camera(CameraConfig()), SimulatedCamera)
    from hardware.codereader.camera import OpenCvCamera

    assert isinstance(build_camera(CameraConfig(backend="opencv")), OpenCvCamera)
    readers = build_scanners(
        [
            ScannerConfig(backend="serial", port="/dev/ttyACM0"),
            ScannerConfig(backend="hid", device="Scanner"),
            ScannerConfig(backend="simulated"),
        ]
    )
    assert [type(r) for r in readers] == [SerialScanner, HidScanner, SimulatedScanner]
