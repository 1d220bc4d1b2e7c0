"""Draws the synthetic face photos of the demo and test people (no real person is shown).

Run from the repository root: `.venv/bin/python tests/data/icao/make_photos.py`. The output
is deterministic (seeded), so the committed files can be re-created byte for byte.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[3]
PEOPLE = ROOT / "assets" / "demo" / "people"
TEST_DATA = Path(__file__).resolve().parent

SKIN = [(236, 200, 170), (224, 182, 150), (205, 160, 125), (240, 210, 185)]
HAIR = [(30, 25, 20), (60, 45, 35), (200, 200, 200), (20, 20, 20)]


def face(seed: int, size: tuple[int, int] = (240, 320), grey_hair: bool = False) -> Image.Image:
    rng = random.Random(seed)
    width, height = size
    img = Image.new("RGB", size, (235, 240, 248))
    draw = ImageDraw.Draw(img)
    for y in range(height):  # soft background gradient
        shade = 250 - y * 25 // height
        draw.line([(0, y), (width, y)], fill=(shade - 10, shade - 5, shade))
    skin = rng.choice(SKIN)
    hair = HAIR[2] if grey_hair else rng.choice([HAIR[0], HAIR[1], HAIR[3]])
    cx, cy = width // 2, height // 2 - 10
    head_w, head_h = int(width * 0.30), int(height * 0.30)
    draw.ellipse(
        [cx - 95, cy + 100, cx + 95, height + 120],
        fill=rng.choice([(40, 60, 110), (250, 250, 250), (90, 90, 90)]),
    )
    draw.rectangle([cx - 22, cy + head_h - 20, cx + 22, cy + head_h + 30], fill=skin)
    draw.ellipse([cx - head_w - 6, cy - head_h - 14, cx + head_w + 6, cy + head_h // 3], fill=hair)
    draw.ellipse([cx - head_w, cy - head_h, cx + head_w, cy + head_h], fill=skin)
    draw.chord(
        [cx - head_w - 4, cy - head_h - 10, cx + head_w + 4, cy - head_h // 4], 180, 360, fill=hair
    )
    eye_y = cy - head_h // 8
    for dx in (-head_w // 2.4, head_w // 2.4):
        ex = cx + int(dx)
        draw.ellipse([ex - 12, eye_y - 6, ex + 12, eye_y + 6], fill=(250, 250, 250))
        draw.ellipse([ex - 5, eye_y - 5, ex + 5, eye_y + 5], fill=(45, 30, 20))
        draw.line([ex - 14, eye_y - 16, ex + 14, eye_y - 18], fill=hair, width=4)
    draw.line([cx, eye_y + 6, cx - 6, eye_y + 38, cx + 4, eye_y + 40], fill=(170, 120, 95), width=3)
    mouth_y = cy + head_h // 2
    draw.arc([cx - 22, mouth_y - 12, cx + 22, mouth_y + 8], 20, 160, fill=(150, 70, 70), width=4)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    pixels = img.load()
    assert pixels is not None
    for _ in range(width * height // 3):  # sensor-like grain, so the JPEG has a realistic size
        x, y = rng.randrange(width), rng.randrange(height)
        r, g, b = pixels[x, y]  # type: ignore[misc]
        n = rng.randint(-14, 14)
        pixels[x, y] = (max(0, min(255, r + n)), max(0, min(255, g + n)), max(0, min(255, b + n)))
    return img


def main() -> None:
    people = {
        "an-adult": (1, False),
        "binh-over-75": (2, True),
        "hoa-adult": (3, False),
        "khoi-child-under-6": (4, False),
        "thang-adult": (5, False),
    }
    for name, (seed, grey) in people.items():
        path = PEOPLE / f"{name}.jpg"
        face(seed, grey_hair=grey).save(path, "JPEG", quality=90, optimize=True)
        print(path, path.stat().st_size)
    jp2 = TEST_DATA / "face-jp2.jp2"
    face(6, size=(180, 240)).save(jp2, "JPEG2000", quality_mode="rates", quality_layers=[20])
    print(jp2, jp2.stat().st_size)


if __name__ == "__main__":
    main()
