"""The decoder on generated frames: exact bytes, no wrong payloads, never an exception."""

from __future__ import annotations

import numpy as np
import pytest

from hardware.codereader.decoder import OpenCvDecoder, ZxingDecoder
from hardware.codereader.frames import (
    FRAME_H,
    FRAME_W,
    blank_frame,
    clean_spec,
    random_spec,
    render_frame,
)
from kiosk.identity.samples import random_payloads

CCCD = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Ngõ 34 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội|15042021"


@pytest.mark.parametrize("fraction", [0.15, 0.25, 0.40])
def test_clean_vietnamese_payload_exact_bytes(fraction):
    rng = np.random.default_rng(1)
    frame, ppm = render_frame(CCCD, clean_spec(fraction), rng)
    assert frame.shape == (FRAME_H, FRAME_W, 3) and frame.dtype == np.uint8
    assert ppm == pytest.approx(fraction * FRAME_W / 49)  # version 8: 49 modules
    got = ZxingDecoder().decode(frame)
    assert isinstance(got, bytes) and got == CCCD.encode("utf-8")


def test_binary_payload_comes_back_byte_for_byte():
    payload = bytes(range(256))[::7] + b"\xff\xfe\x80"
    frame, _ = render_frame(payload, clean_spec(0.3), np.random.default_rng(2))
    assert ZxingDecoder().decode(frame) == payload
    assert ZxingDecoder().decode(frame[:, :, 0].copy()) == payload  # grayscale input


def test_hard_frames_never_give_a_wrong_payload():
    rng = np.random.default_rng(5)
    decoder = ZxingDecoder()
    decoded = 0
    for payload in random_payloads(12, seed=5):
        frame, _ = render_frame(payload, random_spec(rng, hard=True), rng)
        got = decoder.decode(frame)
        assert got is None or got == payload.encode("utf-8")
        decoded += got is not None
    assert decoded >= 6  # hard, but mostly readable


def test_retries_read_more_than_a_single_pass():
    """The sharpen/enlarge retries find codes the plain pass misses (and nothing false)."""
    rng = np.random.default_rng(8)
    plain, retried = ZxingDecoder(retries=False), ZxingDecoder()
    gained = 0
    for payload in random_payloads(40, seed=8):
        spec = random_spec(rng, hard=True)
        frame, _ = render_frame(payload, spec, rng)
        a, b = plain.decode(frame), retried.decode(frame)
        assert b in (None, payload.encode("utf-8"))
        assert a is None or b == a
        gained += a is None and b is not None
    assert gained >= 1


def test_nothing_to_find():
    assert ZxingDecoder().decode(blank_frame(np.random.default_rng(3))) is None


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((1, 1, 3), np.uint8),
        np.zeros((10, 10, 2), np.uint8),
        np.zeros((5,), np.uint8),
        np.full((40, 40, 3), 0.5, np.float64),
        np.zeros((40, 40, 4), np.uint8),
    ],
)
def test_odd_inputs_never_raise(frame):
    for decoder in (ZxingDecoder(), OpenCvDecoder(), OpenCvDecoder(aruco=True)):
        assert decoder.decode(frame) is None


def test_opencv_decoders_for_the_record():
    frame, _ = render_frame(b"LH12345678", clean_spec(0.3), np.random.default_rng(4))
    for decoder in (OpenCvDecoder(), OpenCvDecoder(aruco=True)):
        assert decoder.decode(frame) == b"LH12345678"
