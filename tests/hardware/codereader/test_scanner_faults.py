"""Fault suite, scanners and camera: framing a real serial scanner adds (through a pty), a
keyboard-wedge scanner that cannot type Vietnamese (the key events it really sends), HID-POS
reports, light-on-dark codes and oversized images. What reaches the patient is checked through
the classifier, which turns each code into the message on screen."""

from __future__ import annotations

import os
import time
import tty
import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
from evdev import ecodes
from PIL import Image

from hardware.codereader.base import ScannedCode
from hardware.codereader.config import ScannerConfig
from hardware.codereader.decoder import ZxingDecoder
from hardware.codereader.frames import clean_spec, render_frame
from hardware.codereader.framing import Framer, strip_frame
from hardware.codereader.hid_scanner import KEY_DOWN, KEY_UP, KeyTranslator
from hardware.codereader.hidpos_scanner import HidPosScanner, scanned_data_reports
from hardware.codereader.images import ImageTooLarge, load_rgb
from hardware.codereader.serial_scanner import SerialScanner
from kiosk.identity.classify import classify

pytestmark = pytest.mark.faults

CCCD = "001090123456||Lê Văn Lương|01011990|Nam|Số 12 Phố Huế, Hà Nội|15042021"


def wait_for(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


# -- serial framing, through a real pty ---------------------------------------------------


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def test_serial_prefix_suffix_aim_stx_etx_and_nul_are_removed(pty_pair):
    master, path = pty_pair
    config = ScannerConfig(port=path, baud=115200, prefix="<<", suffix=">>")
    scanner = SerialScanner(config)
    codes: list[bytes] = []
    scanner.start(codes.append)
    try:
        assert wait_for(lambda: scanner.status().ok)
        payload = CCCD.encode()
        os.write(master, b"<<]Q1" + payload + b">>\r\n")  # prefix, AIM, suffix, CRLF
        os.write(master, b"\x02<<" + payload + b">>\x03")  # STX ... ETX
        os.write(master, b"<<LH12345678>>\x00")  # trailing NUL
        assert wait_for(lambda: len(codes) == 3)
        assert codes == [payload, payload, b"LH12345678"]
    finally:
        scanner.stop()


def test_a_scan_without_terminator_ends_after_the_idle_time_and_is_not_glued(pty_pair):
    master, path = pty_pair
    scanner = SerialScanner(ScannerConfig(port=path, baud=115200, frame_idle_ms=100))
    codes: list[bytes] = []
    scanner.start(codes.append)
    try:
        assert wait_for(lambda: scanner.status().ok)
        os.write(master, CCCD.encode())  # a scanner set to send no suffix
        assert wait_for(lambda: codes == [CCCD.encode()], timeout=2)
        os.write(master, b"LH12345678")
        assert wait_for(lambda: codes == [CCCD.encode(), b"LH12345678"], timeout=2)
    finally:
        scanner.stop()


def test_framer_and_strip_units():
    f = Framer(idle_s=0.1)
    assert f.feed(b"junk\x02AB", now=0.0) == [] and f.flush_idle(now=0.05) is None
    assert f.flush_idle(now=0.2) == b"AB"
    cfg = ScannerConfig(aim_id="auto")
    assert strip_frame(b"]Q1LH1", cfg) == b"LH1"
    assert strip_frame(b"]Q1LH1", ScannerConfig(aim_id="keep")) == b"]Q1LH1"
    assert strip_frame(b"001090123456|x", cfg) == b"001090123456|x"


# -- a keyboard-wedge scanner ---------------------------------------------------------------

KEYS = {c: getattr(ecodes, f"KEY_{c.upper()}") for c in "abcdefghijklmnopqrstuvwxyz0123456789"}
KP = {d: getattr(ecodes, f"KEY_KP{d}") for d in "0123456789"}
SYMBOLS = {
    "|": (ecodes.KEY_BACKSLASH, True),
    " ": (ecodes.KEY_SPACE, False),
    ",": (ecodes.KEY_COMMA, False),
    "?": (ecodes.KEY_SLASH, True),
}


def _tap(code: int, shift: bool = False) -> list[tuple[int, int]]:
    keys = [(code, KEY_DOWN), (code, KEY_UP)]
    return (
        [(ecodes.KEY_LEFTSHIFT, KEY_DOWN), *keys, (ecodes.KEY_LEFTSHIFT, KEY_UP)] if shift else keys
    )


def _alt(keys: str) -> list[tuple[int, int]]:
    events = [(ecodes.KEY_LEFTALT, KEY_DOWN)]
    for k in keys:
        code = ecodes.KEY_KPPLUS if k == "+" else KP[k] if k in KP and keys[0] != "+" else KEYS[k]
        events += _tap(code)
    return [*events, (ecodes.KEY_LEFTALT, KEY_UP)]


TONES = set("\u0300\u0301\u0303\u0309\u0323")


def wedge_events(text: str, mode: str) -> list[tuple[int, int]]:
    """The key events a scanner sends for `text`: ASCII as keys; other letters dropped
    ("keyboard"), as '?' ("question"), as Alt + decimal code point ("unicode"), Alt + '+' hex
    ("hex"), or Alt + 0NNN in Windows-1258 with combining tone marks ("cp1258")."""
    events: list[tuple[int, int]] = []
    for ch in text:
        if ch.isascii():
            if ch in SYMBOLS:
                events += _tap(*SYMBOLS[ch])
            else:
                events += _tap(KEYS[ch.lower()], ch.isupper())
        elif mode == "question":
            events += _tap(*SYMBOLS["?"])
        elif mode == "unicode":
            events += _alt(str(ord(ch)))
        elif mode == "hex":
            events += _alt("+" + format(ord(ch), "x"))
        elif mode == "cp1258":
            # Windows-1258: vowels with their circumflex/breve/horn precomposed, tones combining
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
            for byte in (base + "".join(c for c in nfd if c in TONES)).encode("cp1258"):
                events += _alt("0" + str(byte))
    return [*events, *_tap(ecodes.KEY_ENTER)]


def _scan(text: str, mode: str, alt_codes: str) -> ScannedCode:
    t = KeyTranslator(alt_codes=alt_codes)
    out = [t.feed(ecodes.EV_KEY, c, v) for c, v in wedge_events(text, mode)]
    [code] = [o for o in out if o is not None]
    return ScannedCode(code, alt_codes == "none" or t.last_lost > 0)


@pytest.mark.parametrize(
    ("mode", "alt_codes"), [("unicode", "unicode"), ("hex", "unicode"), ("cp1258", "cp1258")]
)
def test_alt_code_modes_carry_vietnamese_exactly(mode, alt_codes):
    code = _scan(CCCD, mode, alt_codes)
    assert code.decode() == CCCD and not code.text_lossy
    result = classify(code)
    assert result.ok and result.fields["full_name"] == "Lê Văn Lương"


@pytest.mark.parametrize("mode", ["keyboard", "question"])
def test_a_keyboard_mode_scanner_never_passes_a_garbled_name(mode):
    code = _scan(CCCD, mode, "none")
    assert code.text_lossy
    result = classify(code)
    assert not result.ok and result.error == "scanner_lost_letters"
    assert "chip" in result.message("vi") and "camera" in result.message("en")
    assert result.identity is None  # nothing of it goes to the gateway


def test_alt_sequences_the_kiosk_cannot_decode_are_marked_lost():
    code = _scan(CCCD, "unicode", "none")  # the scanner types Alt codes; IT did not say so
    assert "\ufffd" in code.decode() and code.text_lossy
    assert classify(code).error == "scanner_lost_letters"


def test_lost_letters_are_caught_whatever_the_source():
    for garbled in [
        CCCD.replace("Lê Văn Lương", "L? V?n L??ng"),
        CCCD.encode().decode("cp1252", errors="replace").replace("\ufffd", "?"),  # mojibake
    ]:
        assert classify(garbled.encode()).error == "scanner_lost_letters"
    assert classify(CCCD.encode()).ok  # a lossless source with whole letters passes
    # an ASCII-only name is fine from a lossless source: only the scanner's word refuses it
    plain = CCCD.replace("Lê Văn Lương", "Lo Van Ha").replace("Số 12 Phố Huế, Hà Nội", "So 12")
    assert classify(plain.encode()).ok
    assert classify(ScannedCode(plain.encode(), text_lossy=True)).error == "scanner_lost_letters"


def test_a_bhyt_qr_survives_a_keyboard_mode_scanner():
    import random

    from kiosk.identity.samples import bhyt_payload, random_person

    rng = random.Random(7)
    payload = bhyt_payload(random_person(rng), rng)  # the name is hex-encoded: plain ASCII
    assert payload.isascii()
    assert classify(ScannedCode(payload.encode(), text_lossy=True)).ok


# -- HID-POS over hidraw (a FIFO stands in for /dev/hidrawN: one report per write) -----------


def test_hidpos_reports_carry_utf8_and_long_codes(tmp_path: Path):
    fifo = tmp_path / "hidraw0"
    os.mkfifo(fifo)
    scanner = HidPosScanner(ScannerConfig(backend="hidraw", device=str(fifo), reconnect_s=0.1))
    codes: list[bytes] = []
    scanner.start(codes.append)
    writer = os.open(fifo, os.O_WRONLY)
    try:
        long_code = (CCCD + "|" + "x" * 300).encode()
        for report in scanned_data_reports(CCCD.encode()) + scanned_data_reports(long_code):
            os.write(writer, report)
        assert wait_for(lambda: len(codes) == 2)
        assert codes == [CCCD.encode(), long_code]
        assert classify(codes[0]).ok
    finally:
        os.close(writer)
        scanner.stop()


# -- camera and images ------------------------------------------------------------------------


def test_a_light_on_dark_code_from_a_phone_in_dark_mode_is_read():
    frame, _ = render_frame(CCCD, clean_spec(0.3), np.random.default_rng(3))
    dark = 255 - frame
    assert ZxingDecoder(retries=False).decode(dark) is None  # one pass does not see it
    assert ZxingDecoder().decode(dark) == CCCD.encode()


def test_an_enormous_image_is_refused_from_its_header(tmp_path: Path):
    path = tmp_path / "huge.png"
    Image.new("1", (20000, 20000), 1).save(path)
    started = time.monotonic()
    with pytest.raises(ImageTooLarge, match="400 megapixels"):
        load_rgb(path)
    assert time.monotonic() - started < 5


def test_a_large_photo_is_decoded_reduced(tmp_path: Path):
    qr = segno.make(CCCD, error="m")
    path = tmp_path / "photo.jpg"
    img = np.full((4000, 4000), 255, np.uint8)
    module = 40
    matrix = np.array([[0 if m else 255 for m in row] for row in qr.matrix], np.uint8)
    big = np.kron(matrix, np.ones((module, module), np.uint8))
    img[400 : 400 + big.shape[0], 400 : 400 + big.shape[1]] = big
    cv2.imwrite(str(path), img)
    rgb = load_rgb(path, decode_pixels=4_000_000)
    assert rgb is not None and rgb.shape[0] * rgb.shape[1] <= 4_000_000
    assert ZxingDecoder().decode(rgb) == CCCD.encode()
