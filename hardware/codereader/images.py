"""Loading still images (for `kiosk scan-image` and the simulated camera's image folders)
within a memory bound.

A decoded image costs width x height x 3 bytes, and decoding can cost several times that: a
20000 x 20000 PNG took 52 s and 3.8 GB. The size is read from the file's header first (Pillow
reads only the header on open); an image over `max_pixels` is refused with a reason, one over
`decode_pixels` is decoded at a reduced scale (OpenCV's IMREAD_REDUCED_* decodes JPEG at 1/2,
1/4 or 1/8 directly) and, if still larger, shrunk to `decode_pixels`. A QR code that needs more
than 8 megapixels to be read is not one a camera would give us.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

MAX_PIXELS = 100_000_000  # refused above this (the header says so before any decoding)
DECODE_PIXELS = 8_000_000  # larger images are decoded reduced, then shrunk to this

_REDUCED = {
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


class ImageTooLarge(ValueError):
    def __init__(self, width: int, height: int, limit: int) -> None:
        super().__init__(
            f"image is {width} x {height} ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {limit / 1e6:.0f} megapixels"
        )
        self.width, self.height = width, height


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the header, or None if Pillow cannot tell."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read here; the bound is ours
    try:
        with Image.open(path) as img:
            return int(img.width), int(img.height)
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def load_rgb(
    path: Path, max_pixels: int = MAX_PIXELS, decode_pixels: int = DECODE_PIXELS
) -> np.ndarray | None:
    """The image as RGB (H, W, 3), at most `decode_pixels` large; None if it cannot be read.
    Raises ImageTooLarge over `max_pixels`."""
    size = image_size(path)
    flag = cv2.IMREAD_COLOR
    if size is not None:
        width, height = size
        pixels = width * height
        if pixels > max_pixels:
            raise ImageTooLarge(width, height, max_pixels)
        if pixels > decode_pixels:
            factor = min(8, 2 ** int(math.log2(math.sqrt(pixels / decode_pixels))))
            flag = _REDUCED.get(factor, cv2.IMREAD_COLOR)
    bgr = cv2.imread(str(path), flag)
    if bgr is None:
        return None
    h, w = bgr.shape[:2]
    if h * w > decode_pixels:
        scale = math.sqrt(decode_pixels / (h * w))
        bgr = cv2.resize(
            bgr, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA
        )
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
